/**
 * Application Auto Scaling (json) for ECS services: scalable targets (`service/<cluster>/<service>`,
 * `ecs:service:DesiredCount`) with min/max and tags, target-tracking policies, and the test hook
 * `scaleTo(resourceId, n)` that moves the service's desiredCount as the scaler would, within
 * min/max. Registering a target whose min/max exclude the current count moves the count into the
 * range, as Application Auto Scaling does.
 *
 * NOT MODELLED: the scaler itself (no CloudWatch metrics, alarms are named but do not exist or
 * fire; cooldowns are stored, not applied — `scaleTo` stands in for a scaling activity),
 * scheduled actions, step scaling evaluation, predictive scaling, scaling activities history,
 * suspended states' effect, other namespaces than ecs, pagination (one page).
 */
import { ACCOUNT, AwsError, REGION, epoch, hex, uuid, type Tags } from './common.ts';
import type { Params, ServiceDef } from './service.ts';

export interface ScalableTarget {
  arn: string;
  namespace: string;
  resourceId: string;
  dimension: string;
  min: number;
  max: number;
  roleArn: string;
  suspended: Params;
  createdAt: Date;
  tags: Tags;
}

export interface ScalingPolicy {
  arn: string;
  name: string;
  resourceId: string;
  dimension: string;
  namespace: string;
  type: string;
  config: Params;
  alarms: Array<{ AlarmName: string; AlarmARN: string }>;
  createdAt: Date;
}

/** ECS's predefined metrics (API reference, PredefinedMetricSpecification). */
const ECS_METRICS = ['ECSServiceAverageCPUUtilization', 'ECSServiceAverageMemoryUtilization', 'ALBRequestCountPerTarget'];
const ECS_ROLE = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`;

const validation = (message: string) => new AwsError('ValidationException', message);

/** What the fake's ECS offers the scaler. */
export interface ScaledServices {
  desiredCount(resourceId: string): number | undefined;
  setDesiredCount(resourceId: string, n: number): void;
  /** whether `app/<lb>/<id>/targetgroup/<tg>/<id>` names a target group of that load balancer */
  resourceLabelExists(label: string): boolean;
}

export class ApplicationAutoScaling {
  readonly targets = new Map<string, ScalableTarget>();
  readonly policies: ScalingPolicy[] = [];

  constructor(private readonly ecs: ScaledServices) {}

  private key = (ns: string, id: string, dim: string) => `${ns}|${id}|${dim}`;

  private ids(p: Params): { namespace: string; resourceId: string; dimension: string } {
    const namespace = String(p.ServiceNamespace ?? '');
    if (namespace !== 'ecs') throw validation(`fake-aws models the ecs service namespace only, not '${namespace}'`);
    return { namespace, resourceId: String(p.ResourceId ?? ''), dimension: String(p.ScalableDimension ?? '') };
  }

  private target(p: Params): ScalableTarget {
    const { namespace, resourceId, dimension } = this.ids(p);
    const t = this.targets.get(this.key(namespace, resourceId, dimension));
    if (!t) throw new AwsError('ObjectNotFoundException', `No scalable target registered for service namespace: ${namespace}, resource ID: ${resourceId}, scalable dimension: ${dimension}`);
    return t;
  }

  /** Test hook: the scaler decided on `n` tasks (kept within the target's min and max). */
  scaleTo(resourceId: string, n: number): number {
    const t = [...this.targets.values()].find((x) => x.resourceId === resourceId);
    if (!t) throw new Error(`fake-aws: no scalable target ${resourceId}`);
    const count = Math.min(t.max, Math.max(t.min, n));
    this.ecs.setDesiredCount(resourceId, count);
    return count;
  }

  private targetView(t: ScalableTarget) {
    return {
      ServiceNamespace: t.namespace,
      ResourceId: t.resourceId,
      ScalableDimension: t.dimension,
      MinCapacity: t.min,
      MaxCapacity: t.max,
      RoleARN: t.roleArn,
      CreationTime: epoch(t.createdAt),
      SuspendedState: { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false, ...t.suspended },
      ScalableTargetARN: t.arn,
    };
  }

  private policyView(p: ScalingPolicy) {
    return {
      PolicyARN: p.arn,
      PolicyName: p.name,
      ServiceNamespace: p.namespace,
      ResourceId: p.resourceId,
      ScalableDimension: p.dimension,
      PolicyType: p.type,
      TargetTrackingScalingPolicyConfiguration: p.type === 'TargetTrackingScaling' ? p.config : undefined,
      StepScalingPolicyConfiguration: p.type === 'StepScaling' ? p.config : undefined,
      Alarms: p.alarms,
      CreationTime: epoch(p.createdAt),
    };
  }

  private byArn(arn: unknown): ScalableTarget {
    const t = [...this.targets.values()].find((x) => x.arn === arn);
    if (!t) throw new AwsError('ResourceNotFoundException', `No scalable target found for ARN ${String(arn)}`);
    return t;
  }

  private register(p: Params) {
    const { namespace, resourceId, dimension } = this.ids(p);
    if (!/^service\/[^/]+\/[^/]+$/.test(resourceId)) throw validation(`Unsupported resource ID: ${resourceId}. The resource ID of an ECS service is service/<cluster>/<service>`);
    if (dimension !== 'ecs:service:DesiredCount') throw validation(`Unsupported scalable dimension: ${dimension}`);
    const current = this.ecs.desiredCount(resourceId);
    if (current === undefined) throw validation(`ECS service doesn't exist: ${resourceId}`);
    const existing = this.targets.get(this.key(namespace, resourceId, dimension));
    const min = p.MinCapacity !== undefined ? Number(p.MinCapacity) : existing?.min;
    const max = p.MaxCapacity !== undefined ? Number(p.MaxCapacity) : existing?.max;
    if (min === undefined || max === undefined) throw validation('MinCapacity and MaxCapacity are required to register a new scalable target');
    if (min > max) throw validation(`Minimum capacity cannot be greater than maximum capacity`);
    const t: ScalableTarget = existing ?? {
      arn: `arn:aws:application-autoscaling:${REGION}:${ACCOUNT}:scalable-target/0e${hex(14)}`,
      namespace,
      resourceId,
      dimension,
      min,
      max,
      roleArn: String(p.RoleARN ?? ECS_ROLE),
      suspended: {},
      createdAt: new Date(),
      tags: {},
    };
    Object.assign(t, { min, max, suspended: p.SuspendedState ?? t.suspended });
    if (p.Tags && typeof p.Tags === 'object') Object.assign(t.tags, p.Tags as Tags);
    this.targets.set(this.key(namespace, resourceId, dimension), t);
    if (current < min || current > max) this.ecs.setDesiredCount(resourceId, Math.min(max, Math.max(min, current)));
    return { ScalableTargetARN: t.arn };
  }

  private putPolicy(p: Params) {
    const t = this.target(p);
    const name = String(p.PolicyName ?? '');
    const type = String(p.PolicyType ?? 'StepScaling');
    const config = (type === 'TargetTrackingScaling' ? p.TargetTrackingScalingPolicyConfiguration : p.StepScalingPolicyConfiguration) as Params | undefined;
    if (!config) throw validation(`${type === 'TargetTrackingScaling' ? 'TargetTrackingScalingPolicyConfiguration' : 'StepScalingPolicyConfiguration'} is required for a policy of type ${type}`);
    if (type === 'TargetTrackingScaling') {
      const metric = config.PredefinedMetricSpecification as Params | undefined;
      if (metric) {
        const mt = String(metric.PredefinedMetricType ?? '');
        if (!ECS_METRICS.includes(mt)) throw validation(`Unsupported predefined metric type ${mt} for service namespace ecs`);
        if (mt === 'ALBRequestCountPerTarget') {
          const label = String(metric.ResourceLabel ?? '');
          if (!label) throw validation('ResourceLabel is required for the predefined metric type ALBRequestCountPerTarget');
          if (!this.ecs.resourceLabelExists(label)) throw validation(`Invalid ResourceLabel ${label}: it must be app/<load-balancer-name>/<load-balancer-id>/targetgroup/<target-group-name>/<target-group-id> of a target group the load balancer uses`);
        } else if (metric.ResourceLabel !== undefined) {
          throw validation(`ResourceLabel is only valid for the predefined metric type ALBRequestCountPerTarget`);
        }
      } else if (!config.CustomizedMetricSpecification) {
        throw validation('A target tracking policy needs a PredefinedMetricSpecification or a CustomizedMetricSpecification');
      }
    }
    const existing = this.policies.find((x) => x.name === name && x.resourceId === t.resourceId && x.dimension === t.dimension);
    if (existing) {
      Object.assign(existing, { type, config });
      return { PolicyARN: existing.arn, Alarms: existing.alarms };
    }
    const id = uuid();
    const alarm = (kind: string) => {
      const AlarmName = `TargetTracking-${t.resourceId}-Alarm${kind}-${uuid()}`;
      return { AlarmName, AlarmARN: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${AlarmName}` };
    };
    const policy: ScalingPolicy = {
      arn: `arn:aws:autoscaling:${REGION}:${ACCOUNT}:scalingPolicy:${id}:resource/${t.namespace}/${t.resourceId}:policyName/${name}`,
      name,
      resourceId: t.resourceId,
      dimension: t.dimension,
      namespace: t.namespace,
      type,
      config,
      alarms: type === 'TargetTrackingScaling' ? [alarm('High'), alarm('Low')] : [],
      createdAt: new Date(),
    };
    this.policies.push(policy);
    return { PolicyARN: policy.arn, Alarms: policy.alarms };
  }

  service(): ServiceDef {
    return {
      protocol: 'json',
      xmlns: '',
      ops: {
        RegisterScalableTarget: (p: Params) => this.register(p),
        DescribeScalableTargets: (p: Params) => {
          const { namespace } = this.ids(p);
          const ids = Array.isArray(p.ResourceIds) ? (p.ResourceIds as string[]) : [];
          const list = [...this.targets.values()].filter((t) => t.namespace === namespace && (!ids.length || ids.includes(t.resourceId)) && (p.ScalableDimension === undefined || t.dimension === p.ScalableDimension));
          return { ScalableTargets: list.map((t) => this.targetView(t)) };
        },
        DeregisterScalableTarget: (p: Params) => {
          const { namespace, resourceId, dimension } = this.ids(p);
          const k = this.key(namespace, resourceId, dimension);
          if (!this.targets.has(k)) throw new AwsError('ObjectNotFoundException', `No scalable target found for service namespace: ${namespace}, resource ID: ${resourceId}, scalable dimension: ${dimension}`);
          this.targets.delete(k);
          // the target's policies go with it (API reference, DeregisterScalableTarget)
          for (let i = this.policies.length - 1; i >= 0; i--) {
            const x = this.policies[i];
            if (x && x.resourceId === resourceId && x.dimension === dimension) this.policies.splice(i, 1);
          }
          return {};
        },
        PutScalingPolicy: (p: Params) => this.putPolicy(p),
        DescribeScalingPolicies: (p: Params) => {
          const { namespace } = this.ids(p);
          const names = Array.isArray(p.PolicyNames) ? (p.PolicyNames as string[]) : [];
          const list = this.policies.filter(
            (x) => x.namespace === namespace && (p.ResourceId === undefined || x.resourceId === p.ResourceId) && (p.ScalableDimension === undefined || x.dimension === p.ScalableDimension) && (!names.length || names.includes(x.name)),
          );
          return { ScalingPolicies: list.map((x) => this.policyView(x)) };
        },
        DeleteScalingPolicy: (p: Params) => {
          const { namespace, resourceId, dimension } = this.ids(p);
          const name = String(p.PolicyName ?? '');
          const i = this.policies.findIndex((x) => x.name === name && x.resourceId === resourceId && x.dimension === dimension);
          if (i < 0) throw new AwsError('ObjectNotFoundException', `No scaling policy found for service namespace: ${namespace}, resource ID: ${resourceId}, scalable dimension: ${dimension}, policy name: ${name}`);
          this.policies.splice(i, 1);
          return {};
        },
        TagResource: (p: Params) => {
          Object.assign(this.byArn(p.ResourceARN).tags, (p.Tags ?? {}) as Tags);
          return {};
        },
        UntagResource: (p: Params) => {
          const t = this.byArn(p.ResourceARN);
          for (const k of Array.isArray(p.TagKeys) ? (p.TagKeys as string[]) : []) delete t.tags[k];
          return {};
        },
        ListTagsForResource: (p: Params) => ({ Tags: this.byArn(p.ResourceARN).tags }),
      },
    };
  }
}
