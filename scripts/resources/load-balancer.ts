import {
  CreateLoadBalancerCommand,
  DeleteLoadBalancerCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  ModifyLoadBalancerAttributesCommand,
  SetSecurityGroupsCommand,
  SetSubnetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LoadBalancer } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Aws } from '../lib/aws.ts';
import { ToolError, isAwsError, message } from '../lib/errors.ts';
import { isOwned, toKeyValue } from '../lib/tags.ts';
import type { LoadBalancerSettings, ResolvedService } from '../manifest/types.ts';
import { diffValues } from './diff.ts';
import { addMissingElbTags, elbTags } from './elb-tags.ts';
import { alreadyGone, makePlan, tagChanges, tagsFor } from './types.ts';
import type { Found, Plan, Result } from './types.ts';
import { envNumber, poll, seconds } from './wait.ts';

export interface LiveLoadBalancer {
  arn: string;
  name: string;
  dnsName: string;
  /** for Route 53 alias records */
  hostedZoneId: string;
  state: string;
  scheme: string;
  type: string;
  vpcId: string;
  settings: LoadBalancerSettingsShape;
  tags: Record<string, string>;
}

/** What the tool manages on the load balancer, in one comparable shape for both sides. */
export interface LoadBalancerSettingsShape {
  subnets: string[];
  securityGroups: string[];
  idleTimeout: number;
}

export interface DesiredLoadBalancer {
  name: string;
  vpcId: string;
  settings: LoadBalancerSettingsShape;
  tags: Record<string, string>;
}

export type LoadBalancerPlan = Plan<LiveLoadBalancer, DesiredLoadBalancer>;

/** ALB attribute idle_timeout.timeout_seconds: "The valid range is 1-4000 seconds. The default is 60 seconds." (ELBv2 API reference, LoadBalancerAttribute) */
export const DEFAULT_IDLE_TIMEOUT = 60;

export const DOMAIN_TAG = 'lambda2fargate:domain';

export async function describeLoadBalancer(aws: Aws, name: string): Promise<LoadBalancer | undefined> {
  try {
    const out = await aws.elbv2.send(new DescribeLoadBalancersCommand({ Names: [name] }));
    return out.LoadBalancers?.find((l) => l.LoadBalancerName === name);
  } catch (err) {
    if (isAwsError(err, 'LoadBalancerNotFoundException', 'LoadBalancerNotFound')) return undefined;
    throw err;
  }
}

export async function findLoadBalancer(aws: Aws, name: string): Promise<LiveLoadBalancer | undefined> {
  const lb = await describeLoadBalancer(aws, name);
  if (!lb?.LoadBalancerArn) return undefined;
  const arn = lb.LoadBalancerArn;
  const [tags, attrs] = await Promise.all([elbTags(aws, [arn]), aws.elbv2.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: arn }))]);
  const idle = attrs.Attributes?.find((a) => a.Key === 'idle_timeout.timeout_seconds')?.Value;
  return {
    arn,
    name,
    dnsName: lb.DNSName ?? '',
    hostedZoneId: lb.CanonicalHostedZoneId ?? '',
    state: lb.State?.Code ?? '',
    scheme: lb.Scheme ?? '',
    type: lb.Type ?? '',
    vpcId: lb.VpcId ?? '',
    settings: {
      subnets: (lb.AvailabilityZones ?? []).map((z) => z.SubnetId ?? '').filter(Boolean).sort(),
      securityGroups: [...(lb.SecurityGroups ?? [])].sort(),
      idleTimeout: idle === undefined ? DEFAULT_IDLE_TIMEOUT : Number(idle),
    },
    tags: tags.get(arn) ?? {},
  };
}

export function desiredLoadBalancer(svc: ResolvedService, lb: LoadBalancerSettings, inputs: { vpcId: string; subnets: string[]; securityGroupId: string }): DesiredLoadBalancer {
  return {
    name: lb.names.loadBalancer,
    vpcId: inputs.vpcId,
    settings: { subnets: [...inputs.subnets].sort(), securityGroups: [inputs.securityGroupId], idleTimeout: lb.idleTimeout },
    // the domain it serves: where clean and a switch back to public-IP mode look for the DNS records the tool wrote
    tags: { ...tagsFor(svc), ...(lb.domain ? { [DOMAIN_TAG]: lb.domain } : {}) },
  };
}

export function planLoadBalancer(svc: ResolvedService, live: LiveLoadBalancer | undefined, desired: DesiredLoadBalancer): LoadBalancerPlan {
  // someone else's is refused by the deploy's one ownership check (types.ts ownershipProblem), not here
  if (live && isOwned(live.tags, svc.name, svc.environment)) {
    // scheme, type and VPC are fixed at creation (CreateLoadBalancer); the tool makes only internet-facing ALBs
    if (live.scheme !== 'internet-facing' || live.type !== 'application' || (live.vpcId && live.vpcId !== desired.vpcId)) {
      throw new ToolError(
        message(`load balancer ${live.name}`, `it is ${live.scheme} ${live.type} in ${live.vpcId}, the manifest wants an internet-facing application load balancer in ${desired.vpcId}, which cannot be changed in place`, 'run make clean (or delete the load balancer) and deploy again'),
      );
    }
  }
  const changes = live ? [...diffValues(live.settings, desired.settings), ...tagChanges(live.tags, desired.tags)] : [];
  return makePlan('load balancer', desired.name, live, desired, changes);
}

export interface AppliedLoadBalancer {
  arn: string;
  dnsName: string;
  hostedZoneId: string;
}

export async function applyLoadBalancer(aws: Aws, plan: LoadBalancerPlan, log: (line: string) => void): Promise<AppliedLoadBalancer> {
  const d = plan.desired;
  if (plan.action === 'create') {
    const out = await aws.elbv2.send(
      new CreateLoadBalancerCommand({
        Name: d.name,
        Subnets: d.settings.subnets,
        SecurityGroups: d.settings.securityGroups,
        Scheme: 'internet-facing',
        Type: 'application',
        IpAddressType: 'ipv4',
        Tags: toKeyValue(d.tags),
      }),
    );
    const lb = out.LoadBalancers?.[0];
    if (!lb?.LoadBalancerArn) throw new ToolError(message(`load balancer ${d.name}`, 'CreateLoadBalancer answered without an ARN', 'run the deploy again'));
    if (d.settings.idleTimeout !== DEFAULT_IDLE_TIMEOUT) await setIdleTimeout(aws, lb.LoadBalancerArn, d.settings.idleTimeout);
    await waitUntilActive(aws, d.name, log);
    return { arn: lb.LoadBalancerArn, dnsName: lb.DNSName ?? '', hostedZoneId: lb.CanonicalHostedZoneId ?? '' };
  }
  const live = plan.live!;
  if (plan.action === 'update') {
    const differs = (k: keyof LoadBalancerSettingsShape) => diffValues(live.settings[k], d.settings[k]).length > 0;
    if (differs('subnets')) await aws.elbv2.send(new SetSubnetsCommand({ LoadBalancerArn: live.arn, Subnets: d.settings.subnets }));
    if (differs('securityGroups')) await aws.elbv2.send(new SetSecurityGroupsCommand({ LoadBalancerArn: live.arn, SecurityGroups: d.settings.securityGroups }));
    if (differs('idleTimeout')) await setIdleTimeout(aws, live.arn, d.settings.idleTimeout);
    await addMissingElbTags(aws, live.arn, live.tags, d.tags);
  }
  if (live.state !== 'active') await waitUntilActive(aws, d.name, log);
  return { arn: live.arn, dnsName: live.dnsName, hostedZoneId: live.hostedZoneId };
}

async function setIdleTimeout(aws: Aws, arn: string, idle: number): Promise<void> {
  await aws.elbv2.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: arn, Attributes: [{ Key: 'idle_timeout.timeout_seconds', Value: String(idle) }] }));
}

/** How long the deploy waits for a new load balancer to turn active (AWS: a few minutes). */
export function loadBalancerLimits() {
  return { intervalMs: envNumber('L2F_POLL_MS', 5_000), timeoutMs: envNumber('L2F_LB_TIMEOUT_MS', 10 * 60_000) };
}

/** waitUntilLoadBalancerAvailable, bounded, printing the state each time it changes. */
export async function waitUntilActive(aws: Aws, name: string, log: (line: string) => void): Promise<void> {
  const limits = loadBalancerLimits();
  const started = Date.now();
  let last = '';
  const done = await poll(limits, async () => {
    const lb = await describeLoadBalancer(aws, name);
    const state = lb?.State?.Code ?? 'not found';
    if (state !== last) log(`    [+${seconds(Date.now() - started)}] load balancer ${name}: ${state}${lb?.State?.Reason ? ` (${lb.State.Reason})` : ''}`);
    last = state;
    if (state === 'failed') throw new ToolError(message(`load balancer ${name}`, `provisioning failed: ${lb?.State?.Reason ?? 'no reason given'}`, 'check the subnets (public, two zones) and the account limits, then deploy again'));
    return state === 'active' ? true : undefined;
  });
  if (!done.value) {
    throw new ToolError(message(`load balancer ${name}`, `still ${last} after ${seconds(limits.timeoutMs)}`, 'run the deploy again: it picks up the load balancer where it is'));
  }
}

/** DeleteLoadBalancer (its listeners go with it), then waits until DescribeLoadBalancers no longer finds it. */
export async function deleteLoadBalancer(aws: Aws, item: Found): Promise<Result> {
  try {
    await aws.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: item.id }));
  } catch (err) {
    if (isAwsError(err, 'LoadBalancerNotFoundException', 'LoadBalancerNotFound')) return alreadyGone(item);
    throw err;
  }
  const limits = loadBalancerLimits();
  const gone = await poll(limits, async () => ((await describeLoadBalancer(aws, item.name)) ? undefined : true));
  if (!gone.value) return { item, outcome: 'failed', note: `deleted but still listed after ${seconds(limits.timeoutMs)} — run make clean again in a few minutes`, waitedMs: gone.waitedMs };
  return { item, outcome: 'deleted', note: `deleted (gone after ${seconds(gone.waitedMs)})`, waitedMs: gone.waitedMs };
}
