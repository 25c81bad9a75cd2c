import { DeleteRolePolicyCommand, GetRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import type { Aws } from '../lib/aws.ts';
import { isAwsError } from '../lib/errors.ts';
import { diffValues, stableJson } from './diff.ts';
import { normalizePolicy, parsePolicy } from './iam.ts';
import { makePlan } from './types.ts';
import type { FieldChange, Plan } from './types.ts';

export interface PolicyDocument {
  Version: string;
  Statement: unknown[];
}

/** One inline policy of a role the tool owns: the live document (undefined: none) and the wanted one (undefined: remove it). */
export interface RolePolicyTarget {
  role: string;
  policy: string;
}

export type RolePolicyPlan = Plan<unknown, PolicyDocument | undefined> & { target: RolePolicyTarget };

/** The live document, or undefined when the role or the policy does not exist. */
export async function findRolePolicy(aws: Aws, target: RolePolicyTarget): Promise<unknown | undefined> {
  try {
    const out = await aws.iam.send(new GetRolePolicyCommand({ RoleName: target.role, PolicyName: target.policy }));
    return parsePolicy(out.PolicyDocument);
  } catch (err) {
    if (isAwsError(err, 'NoSuchEntity', 'NoSuchEntityException')) return undefined;
    throw err;
  }
}

/** Policies compare as sets (statements, actions, resources in any order; Sids ignored). */
export function samePolicy(a: unknown, b: unknown): boolean {
  return stableJson(normalizePolicy(a)) === stableJson(normalizePolicy(b));
}

export function policyChanges(live: unknown, desired: unknown, path = 'policy'): FieldChange[] {
  if (samePolicy(live, desired)) return [];
  if (desired === undefined) return [{ path, from: live }];
  const changes = diffValues(normalizePolicy(live), normalizePolicy(desired));
  return changes.map((c) => ({ ...c, path: `${path}.${c.path}` }));
}

export function planRolePolicy(resource: string, target: RolePolicyTarget, live: unknown | undefined, desired: PolicyDocument | undefined): RolePolicyPlan {
  const plan = makePlan<unknown, PolicyDocument | undefined>(resource, `${target.role}/${target.policy}`, live, desired, live === undefined ? [] : policyChanges(live, desired));
  return { ...plan, target };
}

/** PutRolePolicy when the document differs, DeleteRolePolicy when it is no longer wanted. */
export async function applyRolePolicy(aws: Aws, plan: RolePolicyPlan): Promise<void> {
  if (plan.action === 'unchanged') return;
  const { role: RoleName, policy: PolicyName } = plan.target;
  if (plan.desired === undefined) {
    await deleteRolePolicy(aws, plan.target);
    return;
  }
  await aws.iam.send(new PutRolePolicyCommand({ RoleName, PolicyName, PolicyDocument: JSON.stringify(plan.desired) }));
}

/** Removes the policy; one already gone counts as removed. Returns whether it was there. */
export async function deleteRolePolicy(aws: Aws, target: RolePolicyTarget): Promise<boolean> {
  try {
    await aws.iam.send(new DeleteRolePolicyCommand({ RoleName: target.role, PolicyName: target.policy }));
    return true;
  } catch (err) {
    if (isAwsError(err, 'NoSuchEntity', 'NoSuchEntityException')) return false;
    throw err;
  }
}
