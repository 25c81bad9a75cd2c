import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  DeleteSecurityGroupCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import type { IpPermission, SecurityGroup } from '@aws-sdk/client-ec2';
import type { Aws } from '../lib/aws.ts';
import { isAwsError } from '../lib/errors.ts';
import { fromKeyValue, isOwned, toKeyValue } from '../lib/tags.ts';
import type { ResolvedService } from '../manifest/types.ts';
import type { Log } from './output.ts';
import { TRANSIENT, retryTransient } from './retry.ts';
import { alreadyGone, makePlan, missingTags, tagChanges, tagsFor } from './types.ts';
import type { FieldChange, Found, Plan, Result } from './types.ts';
import { eniLimits, poll, seconds } from './wait.ts';

/** One ingress permission, flattened: IpPermissions group several sources under one port range. */
export interface IngressRule {
  /** `tcp`, `udp`, `icmp`, `-1` (all) */
  protocol: string;
  fromPort?: number;
  toPort?: number;
  /** a group in another account carries its `userId` (and a peered VPC's connection): a revoke must name them */
  source: { kind: 'cidr' | 'cidrV6' | 'group' | 'prefixList'; value: string; userId?: string; peering?: string };
  description?: string;
}

export interface LiveSecurityGroup {
  id: string;
  name: string;
  vpcId: string;
  ingress: IngressRule[];
  tags: Record<string, string>;
}

export interface DesiredSecurityGroup {
  name: string;
  vpcId: string;
  description: string;
  ingress: IngressRule[];
  tags: Record<string, string>;
}

export interface SecurityGroupPlan extends Plan<LiveSecurityGroup, DesiredSecurityGroup> {
  authorize: IngressRule[];
  /** rules on the live group the manifest does not ask for (added by hand): revoked */
  revoke: IngressRule[];
}

export async function findSecurityGroup(aws: Aws, svc: ResolvedService, vpcId?: string, name = svc.names.securityGroup): Promise<LiveSecurityGroup | undefined> {
  const filters = [{ Name: 'group-name', Values: [name] }];
  if (vpcId) filters.push({ Name: 'vpc-id', Values: [vpcId] });
  const out = await aws.ec2.send(new DescribeSecurityGroupsCommand({ Filters: filters }));
  const groups = (out.SecurityGroups ?? []).filter((g) => g.GroupName === name && (!vpcId || g.VpcId === vpcId));
  // without a VPC to narrow by, prefer the one this service owns
  const group = groups.find((g) => isOwned(fromKeyValue(g.Tags), svc.name, svc.environment)) ?? groups[0];
  return group ? toLive(group) : undefined;
}

function toLive(g: SecurityGroup): LiveSecurityGroup {
  return {
    id: g.GroupId ?? '',
    name: g.GroupName ?? '',
    vpcId: g.VpcId ?? '',
    ingress: (g.IpPermissions ?? []).flatMap(flattenPermission),
    tags: fromKeyValue(g.Tags),
  };
}

export function flattenPermission(p: IpPermission): IngressRule[] {
  const base = { protocol: normalizeProtocol(p.IpProtocol), fromPort: p.FromPort, toPort: p.ToPort };
  if (base.protocol === '-1') {
    base.fromPort = undefined;
    base.toPort = undefined;
  }
  return [
    ...(p.IpRanges ?? []).map((r) => ({ ...base, source: { kind: 'cidr' as const, value: r.CidrIp ?? '' }, description: r.Description })),
    ...(p.Ipv6Ranges ?? []).map((r) => ({ ...base, source: { kind: 'cidrV6' as const, value: r.CidrIpv6 ?? '' }, description: r.Description })),
    ...(p.UserIdGroupPairs ?? []).map((r) => ({
      ...base,
      source: { kind: 'group' as const, value: r.GroupId ?? '', ...(r.UserId ? { userId: r.UserId } : {}), ...(r.VpcPeeringConnectionId ? { peering: r.VpcPeeringConnectionId } : {}) },
      description: r.Description,
    })),
    ...(p.PrefixListIds ?? []).map((r) => ({ ...base, source: { kind: 'prefixList' as const, value: r.PrefixListId ?? '' }, description: r.Description })),
  ];
}

function normalizeProtocol(p: string | undefined): string {
  const map: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', all: '-1' };
  const s = (p ?? '-1').toLowerCase();
  return map[s] ?? s;
}

export function ruleKey(r: IngressRule): string {
  return `${r.protocol}|${r.fromPort ?? ''}|${r.toPort ?? ''}|${r.source.kind}|${r.source.value}`;
}

export function describeRule(r: IngressRule): string {
  const ports = r.protocol === '-1' ? 'all traffic' : r.fromPort === r.toPort ? `${r.protocol} ${r.fromPort}` : `${r.protocol} ${r.fromPort}-${r.toPort}`;
  const note = r.description ? ` (${r.description})` : '';
  return `${ports} from ${r.source.value}${note}`;
}

/** In load-balanced mode (`fromGroup`: the load balancer's group) the port is open to that group only. */
export function desiredSecurityGroup(svc: ResolvedService, vpcId: string, fromGroup?: string): DesiredSecurityGroup {
  const port = svc.image.port;
  if (fromGroup) {
    return {
      name: svc.names.securityGroup,
      vpcId,
      description: `${svc.name} (${svc.environment}): port ${port} from its load balancer - managed by lambda2fargate`,
      ingress: [{ protocol: 'tcp', fromPort: port, toPort: port, source: { kind: 'group', value: fromGroup }, description: `${svc.name} port ${port} from its load balancer` }],
      tags: tagsFor(svc),
    };
  }
  return {
    name: svc.names.securityGroup,
    vpcId,
    // EC2 CreateSecurityGroup: ASCII letters, digits, spaces and ._-:/()#,@[]+=&;{}!$* only, at most 255
    description: `${svc.name} (${svc.environment}) port ${port} from manifest CIDRs - managed by lambda2fargate`,
    ingress: [...new Set(svc.network.allowedCidrs)].map((cidr) => ({
      protocol: 'tcp',
      fromPort: port,
      toPort: port,
      source: { kind: cidr.includes(':') ? ('cidrV6' as const) : ('cidr' as const), value: cidr },
      description: `${svc.name} port ${port}`,
    })),
    tags: tagsFor(svc),
  };
}

export function planSecurityGroup(live: LiveSecurityGroup | undefined, desired: DesiredSecurityGroup): SecurityGroupPlan {
  const liveKeys = new Set((live?.ingress ?? []).map(ruleKey));
  const wantKeys = new Set(desired.ingress.map(ruleKey));
  const authorize = desired.ingress.filter((r) => !liveKeys.has(ruleKey(r)));
  const revoke = (live?.ingress ?? []).filter((r) => !wantKeys.has(ruleKey(r)));
  const changes: FieldChange[] = [
    ...authorize.map((r) => ({ path: 'ingress', to: describeRule(r) })),
    ...revoke.map((r) => ({ path: 'ingress (not in the manifest: revoked)', from: describeRule(r) })),
    ...(live ? tagChanges(live.tags, desired.tags) : []),
  ];
  return { ...makePlan('security group', desired.name, live, desired, changes), authorize, revoke };
}

export function toPermission(r: IngressRule, withDescription = true): IpPermission {
  const description = withDescription && r.description ? { Description: r.description } : {};
  const p: IpPermission = { IpProtocol: r.protocol };
  if (r.protocol !== '-1') {
    p.FromPort = r.fromPort;
    p.ToPort = r.toPort;
  }
  if (r.source.kind === 'cidr') p.IpRanges = [{ CidrIp: r.source.value, ...description }];
  if (r.source.kind === 'cidrV6') p.Ipv6Ranges = [{ CidrIpv6: r.source.value, ...description }];
  if (r.source.kind === 'group') {
    const { userId, peering } = r.source;
    p.UserIdGroupPairs = [{ GroupId: r.source.value, ...(userId ? { UserId: userId } : {}), ...(peering ? { VpcPeeringConnectionId: peering } : {}) }];
  }
  if (r.source.kind === 'prefixList') p.PrefixListIds = [{ PrefixListId: r.source.value }];
  return p;
}

/** Returns the group id. Hand-added rules are revoked (the plan lists each one, and the step prints them). */
export async function applySecurityGroup(aws: Aws, plan: SecurityGroupPlan, log?: Log): Promise<string> {
  const d = plan.desired;
  let id = plan.live?.id ?? '';
  if (plan.action === 'create') {
    const out = await aws.ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: d.name,
        Description: d.description,
        VpcId: d.vpcId,
        TagSpecifications: [{ ResourceType: 'security-group', Tags: toKeyValue(d.tags) }],
      }),
    );
    id = out.GroupId ?? '';
  } else if (plan.action === 'update') {
    const tags = missingTags(plan.live!.tags, d.tags);
    if (Object.keys(tags).length > 0) await aws.ec2.send(new CreateTagsCommand({ Resources: [id], Tags: toKeyValue(tags) }));
  }
  if (plan.revoke.length > 0) {
    await aws.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: plan.revoke.map((r) => toPermission(r, false)) }));
  }
  if (plan.authorize.length > 0) {
    const authorize = () => aws.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: plan.authorize.map((r) => toPermission(r)) }));
    await (plan.action === 'create' ? retryTransient('AuthorizeSecurityGroupIngress', [TRANSIENT.groupNotFound], authorize, log) : authorize());
  }
  return id;
}

async function lingeringEnis(aws: Aws, groupId: string): Promise<string[]> {
  try {
    const out = await aws.ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
    return (out.NetworkInterfaces ?? []).map((n) => `${n.NetworkInterfaceId} (${n.Status})`);
  } catch {
    return [];
  }
}

/**
 * Fargate releases a stopped task's ENI minutes after the task stops; until then the group is
 * "in use" (DependencyViolation). Retries, bounded, and names the ENIs when it gives up.
 */
export async function deleteSecurityGroup(aws: Aws, item: Found): Promise<Result> {
  const limits = eniLimits();
  let lastError = '';
  const done = await poll(limits, async () => {
    try {
      await aws.ec2.send(new DeleteSecurityGroupCommand({ GroupId: item.id }));
      return 'deleted' as const;
    } catch (err) {
      if (isAwsError(err, 'InvalidGroup.NotFound')) return 'not-found' as const;
      if (!isAwsError(err, 'DependencyViolation')) throw err;
      lastError = (err as Error).message;
      return undefined;
    }
  });
  if (done.value === 'not-found') return alreadyGone(item);
  if (done.value === 'deleted') {
    const note = done.waitedMs ? `deleted after waiting ${seconds(done.waitedMs)} for task network interfaces to be released` : 'deleted';
    return { item, outcome: 'deleted', note, waitedMs: done.waitedMs };
  }
  const enis = await lingeringEnis(aws, item.id);
  return {
    item,
    outcome: 'failed',
    note: `still in use after ${Math.round(limits.timeoutMs / 1000)}s (${lastError}${enis.length ? `; network interfaces: ${enis.join(', ')}` : ''}) — wait a few minutes and run make clean again`,
    waitedMs: done.waitedMs,
  };
}
