import {
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Aws } from '../lib/aws.ts';
import { ToolError, isAwsError, message } from '../lib/errors.ts';
import { isOwned, toKeyValue } from '../lib/tags.ts';
import type { LoadBalancerSettings, ResolvedService } from '../manifest/types.ts';
import { diffValues } from './diff.ts';
import { addMissingElbTags, elbTags } from './elb-tags.ts';
import { makePlan, tagChanges, tagsFor } from './types.ts';
import type { Found, Plan, Result } from './types.ts';
import { deleteWhenFree } from './in-use.ts';

/** The health check as CreateTargetGroup/ModifyTargetGroup take it. */
export interface TargetGroupHealthCheck {
  path: string;
  interval: number;
  timeout: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  matcher: string;
}

export interface LiveTargetGroup {
  arn: string;
  name: string;
  port: number;
  protocol: string;
  targetType: string;
  vpcId: string;
  loadBalancerArns: string[];
  healthCheck: TargetGroupHealthCheck;
  deregistrationDelay: number;
  tags: Record<string, string>;
}

export interface DesiredTargetGroup {
  name: string;
  port: number;
  vpcId: string;
  healthCheck: TargetGroupHealthCheck;
  deregistrationDelay: number;
  tags: Record<string, string>;
}

export type TargetGroupPlan = Plan<LiveTargetGroup, DesiredTargetGroup>;

const DELAY_KEY = 'deregistration_delay.timeout_seconds';

export async function describeTargetGroup(aws: Aws, name: string): Promise<TargetGroup | undefined> {
  try {
    const out = await aws.elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] }));
    return out.TargetGroups?.find((t) => t.TargetGroupName === name);
  } catch (err) {
    if (isAwsError(err, 'TargetGroupNotFoundException', 'TargetGroupNotFound')) return undefined;
    throw err;
  }
}

export async function findTargetGroup(aws: Aws, name: string): Promise<LiveTargetGroup | undefined> {
  const tg = await describeTargetGroup(aws, name);
  if (!tg?.TargetGroupArn) return undefined;
  const arn = tg.TargetGroupArn;
  const [tags, attrs] = await Promise.all([elbTags(aws, [arn]), aws.elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }))]);
  const delay = attrs.Attributes?.find((a) => a.Key === DELAY_KEY)?.Value;
  return {
    arn,
    name,
    port: tg.Port ?? 0,
    protocol: tg.Protocol ?? '',
    targetType: tg.TargetType ?? '',
    vpcId: tg.VpcId ?? '',
    loadBalancerArns: tg.LoadBalancerArns ?? [],
    healthCheck: {
      path: tg.HealthCheckPath ?? '/',
      interval: tg.HealthCheckIntervalSeconds ?? 30,
      timeout: tg.HealthCheckTimeoutSeconds ?? 5,
      healthyThreshold: tg.HealthyThresholdCount ?? 5,
      unhealthyThreshold: tg.UnhealthyThresholdCount ?? 2,
      matcher: tg.Matcher?.HttpCode ?? '200',
    },
    // "The default value is 300 seconds." (TargetGroupAttribute)
    deregistrationDelay: delay === undefined ? 300 : Number(delay),
    tags: tags.get(arn) ?? {},
  };
}

export function desiredTargetGroup(svc: ResolvedService, lb: LoadBalancerSettings, vpcId: string): DesiredTargetGroup {
  return { name: lb.names.targetGroup, port: svc.image.port, vpcId, healthCheck: { ...lb.healthCheck }, deregistrationDelay: lb.deregistrationDelay, tags: tagsFor(svc) };
}

export function planTargetGroup(svc: ResolvedService, live: LiveTargetGroup | undefined, desired: DesiredTargetGroup): TargetGroupPlan {
  // someone else's is refused by the deploy's one ownership check (types.ts ownershipProblem), not here
  if (live && isOwned(live.tags, svc.name, svc.environment)) {
    // protocol, port, target type and VPC are fixed at creation
    if (live.port !== desired.port || live.protocol !== 'HTTP' || live.targetType !== 'ip' || live.vpcId !== desired.vpcId) {
      throw new ToolError(
        message(`target group ${live.name}`, `it is ${live.protocol}:${live.port} (${live.targetType} targets, ${live.vpcId}); the manifest wants HTTP:${desired.port} with ip targets in ${desired.vpcId}, which cannot be changed in place`, 'run make clean and deploy again'),
      );
    }
  }
  const changes = live
    ? [
        ...diffValues(live.healthCheck, desired.healthCheck, 'healthCheck'),
        ...diffValues(live.deregistrationDelay, desired.deregistrationDelay, 'deregistrationDelay'),
        ...tagChanges(live.tags, desired.tags),
      ]
    : [];
  return makePlan('target group', desired.name, live, desired, changes);
}

function healthCheckInput(h: TargetGroupHealthCheck) {
  return {
    HealthCheckProtocol: 'HTTP' as const,
    HealthCheckPath: h.path,
    HealthCheckIntervalSeconds: h.interval,
    HealthCheckTimeoutSeconds: h.timeout,
    HealthyThresholdCount: h.healthyThreshold,
    UnhealthyThresholdCount: h.unhealthyThreshold,
    Matcher: { HttpCode: h.matcher },
  };
}

/** Returns the target group's ARN. */
export async function applyTargetGroup(aws: Aws, plan: TargetGroupPlan): Promise<string> {
  const d = plan.desired;
  let arn = plan.live?.arn ?? '';
  if (plan.action === 'create') {
    const out = await aws.elbv2.send(
      new CreateTargetGroupCommand({ Name: d.name, Protocol: 'HTTP', Port: d.port, VpcId: d.vpcId, TargetType: 'ip', ...healthCheckInput(d.healthCheck), Tags: toKeyValue(d.tags) }),
    );
    arn = out.TargetGroups?.[0]?.TargetGroupArn ?? '';
    if (!arn) throw new ToolError(message(`target group ${d.name}`, 'CreateTargetGroup answered without an ARN', 'run the deploy again'));
    await setDelay(aws, arn, d.deregistrationDelay);
    return arn;
  }
  if (plan.action === 'unchanged') return arn;
  const live = plan.live!;
  if (diffValues(live.healthCheck, d.healthCheck).length) await aws.elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: arn, ...healthCheckInput(d.healthCheck) }));
  if (live.deregistrationDelay !== d.deregistrationDelay) await setDelay(aws, arn, d.deregistrationDelay);
  await addMissingElbTags(aws, arn, live.tags, d.tags);
  return arn;
}

async function setDelay(aws: Aws, arn: string, delay: number): Promise<void> {
  await aws.elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: [{ Key: DELAY_KEY, Value: String(delay) }] }));
}

export interface TargetState {
  id: string;
  port?: number;
  /** initial | healthy | unhealthy | unused | draining | unavailable */
  state: string;
  reason?: string;
}

export async function targetHealth(aws: Aws, targetGroupArn: string): Promise<TargetState[]> {
  const out = await aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
  return (out.TargetHealthDescriptions ?? []).map((t) => ({
    id: t.Target?.Id ?? '',
    port: t.Target?.Port,
    state: t.TargetHealth?.State ?? 'unknown',
    ...(t.TargetHealth?.Reason ? { reason: t.TargetHealth.Reason } : {}),
  }));
}

/** `2 healthy, 1 initial, 1 draining` — the states present, in a fixed order. */
export function countTargets(targets: TargetState[]): string {
  const order = ['healthy', 'initial', 'draining', 'unhealthy', 'unused', 'unavailable'];
  const counts = new Map<string, number>();
  for (const t of targets) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
  const parts = [...counts].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0])).map(([s, n]) => `${n} ${s}`);
  return parts.length ? parts.join(', ') : 'no targets';
}

/** DeleteTargetGroup is refused (ResourceInUse) while a listener or a service still uses it: retried, bounded. */
export async function deleteTargetGroup(aws: Aws, item: Found): Promise<Result> {
  return deleteWhenFree(item, () => aws.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: item.id })), {
    notFound: ['TargetGroupNotFoundException', 'TargetGroupNotFound'],
    inUse: ['ResourceInUseException', 'ResourceInUse'],
  });
}
