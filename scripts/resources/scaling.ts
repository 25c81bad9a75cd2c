import {
  DeleteScalingPolicyCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  ListTagsForResourceCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
  TagResourceCommand,
} from '@aws-sdk/client-application-auto-scaling';
import type { Aws } from '../lib/aws.ts';
import { isAwsError } from '../lib/errors.ts';
import type { ResolvedService, ScalingSettings } from '../manifest/types.ts';
import { diffValues } from './diff.ts';
import { alreadyGone, makePlan, missingTags, tagChanges, tagsFor } from './types.ts';
import type { FieldChange, Found, Plan, Result } from './types.ts';

/**
 * Application Auto Scaling of the service's desired count: one scalable target
 * (ecs, service/<cluster>/<service>, ecs:service:DesiredCount) and one target-tracking policy per
 * metric. The scaler owns the count from then on: the service step stops sending desiredCount
 * (aws-cdk #3919, ecspresso's calcDesiredCount).
 */
const NAMESPACE = 'ecs' as const;
const DIMENSION = 'ecs:service:DesiredCount' as const;

export const scalingResourceId = (svc: ResolvedService) => `service/${svc.names.cluster}/${svc.names.service}`;

export interface PolicyShape {
  name: string;
  metric: 'ECSServiceAverageCPUUtilization' | 'ALBRequestCountPerTarget';
  target: number;
  resourceLabel?: string;
  scaleInCooldown: number;
  scaleOutCooldown: number;
}

export interface LiveScaling {
  arn: string;
  min: number;
  max: number;
  policies: PolicyShape[];
  tags: Record<string, string>;
}

export interface DesiredScaling {
  resourceId: string;
  min: number;
  max: number;
  policies: PolicyShape[];
  tags: Record<string, string>;
}

export interface ScalingPlan extends Plan<LiveScaling, DesiredScaling> {
  register: boolean;
  put: PolicyShape[];
  remove: string[];
}

export async function findScaling(aws: Aws, svc: ResolvedService): Promise<LiveScaling | undefined> {
  const resourceId = scalingResourceId(svc);
  const out = await aws.autoscaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: NAMESPACE, ResourceIds: [resourceId], ScalableDimension: DIMENSION }));
  const t = out.ScalableTargets?.find((x) => x.ResourceId === resourceId);
  if (!t) return undefined;
  const arn = t.ScalableTargetARN ?? '';
  const [tags, policies] = await Promise.all([
    arn ? aws.autoscaling.send(new ListTagsForResourceCommand({ ResourceARN: arn })).then((r) => r.Tags ?? {}) : Promise.resolve({}),
    aws.autoscaling.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: NAMESPACE, ResourceId: resourceId, ScalableDimension: DIMENSION })),
  ]);
  return {
    arn,
    min: t.MinCapacity ?? 0,
    max: t.MaxCapacity ?? 0,
    policies: (policies.ScalingPolicies ?? []).map((p) => {
      const c = p.TargetTrackingScalingPolicyConfiguration;
      const m = c?.PredefinedMetricSpecification;
      return {
        name: p.PolicyName ?? '',
        metric: (m?.PredefinedMetricType ?? 'ECSServiceAverageCPUUtilization') as PolicyShape['metric'],
        target: c?.TargetValue ?? 0,
        ...(m?.ResourceLabel ? { resourceLabel: m.ResourceLabel } : {}),
        // "the default value is 300" for both cooldowns (TargetTrackingScalingPolicyConfiguration)
        scaleInCooldown: c?.ScaleInCooldown ?? 300,
        scaleOutCooldown: c?.ScaleOutCooldown ?? 300,
      };
    }),
    tags,
  };
}

/** app/<lb name>/<id>/targetgroup/<tg name>/<id>: the ARNs' final parts (PredefinedMetricSpecification ResourceLabel). */
export function resourceLabel(loadBalancerArn: string, targetGroupArn: string): string {
  const lb = loadBalancerArn.split(':loadbalancer/')[1] ?? '';
  const tg = targetGroupArn.split(':').pop() ?? '';
  return `${lb}/${tg}`;
}

export function desiredScaling(svc: ResolvedService, s: ScalingSettings, arns?: { loadBalancer: string; targetGroup: string }): DesiredScaling {
  const base = `${svc.names.service}`;
  const cooldowns = { scaleInCooldown: s.scaleInCooldown, scaleOutCooldown: s.scaleOutCooldown };
  const policies: PolicyShape[] = [];
  if (s.cpu !== undefined) policies.push({ name: `${base}-cpu`, metric: 'ECSServiceAverageCPUUtilization', target: s.cpu, ...cooldowns });
  if (s.requestsPerTarget !== undefined && arns) {
    policies.push({ name: `${base}-requests`, metric: 'ALBRequestCountPerTarget', target: s.requestsPerTarget, resourceLabel: resourceLabel(arns.loadBalancer, arns.targetGroup), ...cooldowns });
  }
  return { resourceId: scalingResourceId(svc), min: s.min, max: s.max, policies, tags: tagsFor(svc) };
}

export function planScaling(live: LiveScaling | undefined, desired: DesiredScaling): ScalingPlan {
  const liveByName = new Map((live?.policies ?? []).map((p) => [p.name, p]));
  const put = desired.policies.filter((p) => diffValues(liveByName.get(p.name), p).length > 0);
  const wanted = new Set(desired.policies.map((p) => p.name));
  const remove = (live?.policies ?? []).map((p) => p.name).filter((n) => !wanted.has(n));
  const register = !live || live.min !== desired.min || live.max !== desired.max;
  const changes: FieldChange[] = live
    ? [
        ...diffValues({ min: live.min, max: live.max }, { min: desired.min, max: desired.max }),
        ...put.map((p) => ({ path: `policy ${p.name}`, from: liveByName.has(p.name) ? describePolicy(liveByName.get(p.name)!) : undefined, to: describePolicy(p) })),
        ...remove.map((n) => ({ path: `policy ${n} (not in the manifest: deleted)`, from: describePolicy(liveByName.get(n)!) })),
        ...tagChanges(live.tags, desired.tags),
      ]
    : [];
  return { ...makePlan('scalable target', desired.resourceId, live, desired, changes), register, put, remove };
}

export function describePolicy(p: PolicyShape): string {
  const what = p.metric === 'ALBRequestCountPerTarget' ? `${p.target} requests per task per minute` : `${p.target}% average CPU`;
  return `${what} (cooldown in ${p.scaleInCooldown}s, out ${p.scaleOutCooldown}s)`;
}

export async function applyScaling(aws: Aws, plan: ScalingPlan): Promise<void> {
  const d = plan.desired;
  const target = { ServiceNamespace: NAMESPACE, ResourceId: d.resourceId, ScalableDimension: DIMENSION };
  if (plan.register) {
    await aws.autoscaling.send(new RegisterScalableTargetCommand({ ...target, MinCapacity: d.min, MaxCapacity: d.max, ...(plan.live ? {} : { Tags: d.tags }) }));
  }
  if (plan.live) {
    const tags = missingTags(plan.live.tags, d.tags);
    if (Object.keys(tags).length > 0 && plan.live.arn) await aws.autoscaling.send(new TagResourceCommand({ ResourceARN: plan.live.arn, Tags: tags }));
  }
  for (const name of plan.remove) await aws.autoscaling.send(new DeleteScalingPolicyCommand({ ...target, PolicyName: name }));
  for (const p of plan.put) {
    await aws.autoscaling.send(
      new PutScalingPolicyCommand({
        ...target,
        PolicyName: p.name,
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: p.target,
          PredefinedMetricSpecification: { PredefinedMetricType: p.metric, ...(p.resourceLabel ? { ResourceLabel: p.resourceLabel } : {}) },
          ScaleInCooldown: p.scaleInCooldown,
          ScaleOutCooldown: p.scaleOutCooldown,
        },
      }),
    );
  }
}

/** DeregisterScalableTarget: "deletes the scaling policies that are associated with it" (API reference). `id` is the resource id. */
export async function deleteScaling(aws: Aws, item: Found): Promise<Result> {
  try {
    await aws.autoscaling.send(new DeregisterScalableTargetCommand({ ServiceNamespace: NAMESPACE, ResourceId: item.id, ScalableDimension: DIMENSION }));
  } catch (err) {
    if (isAwsError(err, 'ObjectNotFoundException')) return alreadyGone(item);
    throw err;
  }
  return { item, outcome: 'deleted', note: 'deregistered (its policies went with it)' };
}
