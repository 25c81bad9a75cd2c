import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesForRoleCommand,
  ListRolePoliciesCommand,
  RemoveRoleFromInstanceProfileCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import type { Aws } from '../lib/aws.ts';
import { isAwsError } from '../lib/errors.ts';
import { fromKeyValue, toKeyValue } from '../lib/tags.ts';
import type { ResolvedService } from '../manifest/types.ts';
import { isPlainObject, sortKeys, stableJson } from './diff.ts';
import type { Log } from './output.ts';
import { TRANSIENT, retryTransient } from './retry.ts';
import { alreadyGone, makePlan, missingTags, tagChanges, tagsFor } from './types.ts';
import type { FieldChange, Found, Plan, Result } from './types.ts';

export interface LiveRole {
  name: string;
  arn: string;
  trustPolicy: unknown;
  attachedPolicyArns: string[];
  tags: Record<string, string>;
}

export interface DesiredRole {
  name: string;
  trustPolicy: unknown;
  policyArns: string[];
  tags: Record<string, string>;
}

export type RolePlan = Plan<LiveRole, DesiredRole>;

/** ASCII only: IAM's roleDescriptionType allows [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]* (IAM API, CreateRole). */
export const ROLE_DESCRIPTION = 'ECS task execution role (pull the image, write logs) - managed by lambda2fargate';

export const ECS_TASKS_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

export function executionPolicyArn(partition = 'aws'): string {
  return `arn:${partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`;
}

/** `aws`, `aws-cn`, `aws-us-gov` from any ARN (the caller's, from STS). */
export function partitionOf(arn: string | undefined): string {
  return arn?.split(':')[1] || 'aws';
}

export async function findRole(aws: Aws, svc: ResolvedService, name = svc.names.executionRole): Promise<LiveRole | undefined> {
  let role;
  try {
    role = (await aws.iam.send(new GetRoleCommand({ RoleName: name }))).Role;
  } catch (err) {
    if (isAwsError(err, 'NoSuchEntity', 'NoSuchEntityException')) return undefined;
    throw err;
  }
  if (!role?.Arn) return undefined;
  const attached = await aws.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }));
  return {
    name,
    arn: role.Arn,
    trustPolicy: parsePolicy(role.AssumeRolePolicyDocument),
    attachedPolicyArns: (attached.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? '').filter(Boolean),
    tags: fromKeyValue(role.Tags),
  };
}

export function desiredRole(svc: ResolvedService, partition = 'aws'): DesiredRole {
  return { name: svc.names.executionRole, trustPolicy: ECS_TASKS_TRUST, policyArns: [executionPolicyArn(partition)], tags: tagsFor(svc) };
}

export function planRole(live: LiveRole | undefined, desired: DesiredRole): RolePlan {
  const changes: FieldChange[] = [];
  if (live) {
    if (!sameTrust(live.trustPolicy, desired.trustPolicy)) changes.push({ path: 'assumeRolePolicy', from: live.trustPolicy, to: desired.trustPolicy });
    for (const arn of desired.policyArns) {
      if (!live.attachedPolicyArns.includes(arn)) changes.push({ path: `attachedPolicies.${arn.split('/').pop()}`, to: arn });
    }
    changes.push(...tagChanges(live.tags, desired.tags));
  }
  return makePlan('IAM execution role', desired.name, live, desired, changes);
}

/** Returns the role ARN, and whether the role is new (ECS may not be able to assume it for a few seconds). */
export async function applyRole(aws: Aws, plan: RolePlan, log?: Log): Promise<{ arn: string; created: boolean }> {
  const d = plan.desired;
  let arn = plan.live?.arn ?? '';
  let attached = plan.live?.attachedPolicyArns ?? [];
  if (plan.action === 'create') {
    const out = await aws.iam.send(
      new CreateRoleCommand({
        RoleName: d.name,
        AssumeRolePolicyDocument: JSON.stringify(d.trustPolicy),
        Description: ROLE_DESCRIPTION,
        Tags: toKeyValue(d.tags),
      }),
    );
    arn = out.Role?.Arn ?? '';
    attached = [];
  } else if (plan.action === 'update') {
    const live = plan.live!;
    if (!sameTrust(live.trustPolicy, d.trustPolicy)) {
      await aws.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: d.name, PolicyDocument: JSON.stringify(d.trustPolicy) }));
    }
    const tags = missingTags(live.tags, d.tags);
    if (Object.keys(tags).length > 0) await aws.iam.send(new TagRoleCommand({ RoleName: d.name, Tags: toKeyValue(tags) }));
  }
  for (const policyArn of d.policyArns) {
    if (attached.includes(policyArn)) continue;
    const attach = () => aws.iam.send(new AttachRolePolicyCommand({ RoleName: d.name, PolicyArn: policyArn }));
    await (plan.action === 'create' ? retryTransient('AttachRolePolicy', [TRANSIENT.roleNotFound], attach, log) : attach());
  }
  return { arn, created: plan.action === 'create' };
}

/**
 * Detaches managed policies and deletes inline ones (IAM DeleteRole refuses a role that has any),
 * then the role. A role someone put in an instance profile is refused too (DeleteConflict, IAM
 * DeleteRole reference): it leaves those profiles, then goes. The profiles are not ours; they stay.
 */
export async function deleteRole(aws: Aws, item: Found): Promise<Result> {
  const RoleName = item.id;
  try {
    const attached = (await aws.iam.send(new ListAttachedRolePoliciesCommand({ RoleName }))).AttachedPolicies ?? [];
    for (const p of attached) await aws.iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn: p.PolicyArn }));
    const inline = (await aws.iam.send(new ListRolePoliciesCommand({ RoleName }))).PolicyNames ?? [];
    for (const PolicyName of inline) await aws.iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName }));
    let profiles: string[] = [];
    try {
      await aws.iam.send(new DeleteRoleCommand({ RoleName }));
    } catch (err) {
      if (!isAwsError(err, 'DeleteConflict', 'DeleteConflictException')) throw err;
      profiles = await instanceProfilesOf(aws, RoleName);
      if (!profiles.length) throw err;
      for (const InstanceProfileName of profiles) await aws.iam.send(new RemoveRoleFromInstanceProfileCommand({ RoleName, InstanceProfileName }));
      await aws.iam.send(new DeleteRoleCommand({ RoleName }));
    }
    const n = attached.length + inline.length;
    const removed = [n ? `${n} polic${n === 1 ? 'y' : 'ies'}` : '', profiles.length ? `${profiles.length} instance profile(s): ${profiles.join(', ')}` : ''].filter(Boolean);
    return { item, outcome: 'deleted', note: removed.length ? `removed ${removed.join(' and ')}, deleted` : 'deleted' };
  } catch (err) {
    if (isAwsError(err, 'NoSuchEntityException', 'NoSuchEntity')) return alreadyGone(item);
    throw err;
  }
}

/** Every instance profile the role is in (every page). The profiles themselves are not ours: only the role leaves them. */
async function instanceProfilesOf(aws: Aws, RoleName: string): Promise<string[]> {
  const names: string[] = [];
  let Marker: string | undefined;
  do {
    const out = await aws.iam.send(new ListInstanceProfilesForRoleCommand({ RoleName, Marker }));
    names.push(...(out.InstanceProfiles ?? []).map((p) => p.InstanceProfileName ?? '').filter(Boolean));
    Marker = out.IsTruncated ? out.Marker : undefined;
  } while (Marker);
  return names;
}

/** IAM returns the document URL-encoded. */
export function parsePolicy(doc: string | undefined): unknown {
  if (!doc) return undefined;
  let text = doc;
  try {
    text = decodeURIComponent(doc);
  } catch {
    // already plain JSON with a literal %
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Policies compare as sets: a single value equals a one-element list, order and Sids do not matter. */
export function normalizePolicy(policy: unknown): unknown {
  if (!isPlainObject(policy)) return policy;
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  return {
    Version: policy.Version,
    Statement: statements
      .map((s) => normalizeStatement(s))
      .sort((a, b) => stableJson(a).localeCompare(stableJson(b))),
  };
}

function normalizeStatement(s: unknown): unknown {
  if (!isPlainObject(s)) return s;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'Sid') continue;
    out[k] = listify(v);
  }
  return sortKeys(out);
}

function listify(v: unknown): unknown {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return [...v].map(listify).flat().sort();
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, listify(x)]));
  return v;
}

function sameTrust(a: unknown, b: unknown): boolean {
  return stableJson(normalizePolicy(a)) === stableJson(normalizePolicy(b));
}
