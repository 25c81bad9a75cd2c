import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import type { Aws } from '../lib/aws.ts';
import { ToolError, isAwsError, message } from '../lib/errors.ts';
import { toKeyValue } from '../lib/tags.ts';
import { inlinePolicy } from '../manifest/access.ts';
import type { ResolvedService } from '../manifest/types.ts';
import { findRole, parsePolicy } from './iam.ts';
import type { LiveRole } from './iam.ts';
import { applyRolePolicy, findRolePolicy, planRolePolicy, policyChanges, samePolicy } from './role-policy.ts';
import type { PolicyDocument, RolePolicyTarget } from './role-policy.ts';
import type { DeployTarget } from './secrets.ts';
import type { Log } from './output.ts';
import { TRANSIENT, retryTransient } from './retry.ts';
import { makePlan, missingTags, tagChanges, tagsFor } from './types.ts';
import type { FieldChange, Plan } from './types.ts';

/** The name of the role's one inline policy: the manifest's `taskRole.statements`. */
export const TASK_POLICY = 'lambda2fargate-task';

export interface LiveTaskRole {
  role: LiveRole;
  inlinePolicy: unknown | undefined;
  /** the role's, where the deploy's ownership check looks */
  tags: Record<string, string>;
}

export interface DesiredTaskRole {
  name: string;
  trustPolicy: PolicyDocument;
  policyArns: string[];
  inlinePolicy: PolicyDocument | undefined;
  tags: Record<string, string>;
}

export type TaskRolePlan = Plan<LiveTaskRole, DesiredTaskRole>;

/**
 * ECS tasks may assume the role, on behalf of this account only: the aws:SourceAccount condition
 * keeps another account's tasks from being handed it (the confused deputy problem; ECS Developer
 * Guide, "Amazon ECS task IAM role" → "Create the task IAM role").
 */
export function taskRoleTrust(account: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'ecs-tasks.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': account } },
      },
    ],
  };
}

const inlineTarget = (name: string): RolePolicyTarget => ({ role: name, policy: TASK_POLICY });

export async function findTaskRole(aws: Aws, svc: ResolvedService): Promise<LiveTaskRole | undefined> {
  const role = await findRole(aws, svc, svc.names.taskRole);
  if (!role) return undefined;
  return { role, inlinePolicy: await findRolePolicy(aws, inlineTarget(role.name)), tags: role.tags };
}

export function desiredTaskRole(svc: ResolvedService, t: DeployTarget): DesiredTaskRole {
  const spec = svc.taskRole?.kind === 'owned' ? svc.taskRole : { managedPolicies: [], statements: [] };
  return {
    name: svc.names.taskRole,
    trustPolicy: taskRoleTrust(t.account),
    policyArns: [...spec.managedPolicies].sort(),
    inlinePolicy: spec.statements.length ? inlinePolicy(spec.statements) : undefined,
    tags: tagsFor(svc),
  };
}

/** Trust, attached policies (as a set: extra ones are detached — the role is the tool's), the inline policy, tags. */
export function planTaskRole(live: LiveTaskRole | undefined, desired: DesiredTaskRole): TaskRolePlan {
  const changes: FieldChange[] = [];
  // a role of that name the tool did not tag is refused by the deploy's ownership check (ADOPT=1 takes it)
  if (live) {
    if (!samePolicy(live.role.trustPolicy, desired.trustPolicy)) changes.push({ path: 'assumeRolePolicy', from: live.role.trustPolicy, to: desired.trustPolicy });
    for (const arn of desired.policyArns) if (!live.role.attachedPolicyArns.includes(arn)) changes.push({ path: `attachedPolicies.${policyName(arn)}`, to: arn });
    for (const arn of live.role.attachedPolicyArns) if (!desired.policyArns.includes(arn)) changes.push({ path: `attachedPolicies.${policyName(arn)}`, from: arn });
    changes.push(...policyChanges(live.inlinePolicy, desired.inlinePolicy, `inlinePolicy.${TASK_POLICY}`));
    changes.push(...tagChanges(live.role.tags, desired.tags));
  }
  return makePlan('IAM task role', desired.name, live, desired, changes);
}

/** Creates or converges the role; returns its ARN. */
export async function applyTaskRole(aws: Aws, plan: TaskRolePlan, log?: Log): Promise<string> {
  const d = plan.desired;
  const live = plan.live;
  let arn = live?.role.arn ?? '';
  if (plan.action === 'unchanged') return arn;
  if (!live) {
    const out = await aws.iam.send(
      new CreateRoleCommand({
        RoleName: d.name,
        AssumeRolePolicyDocument: JSON.stringify(d.trustPolicy),
        // IAM descriptions take Latin-1 only (no em dash)
        Description: 'ECS task role: what the application may call in AWS - managed by lambda2fargate',
        Tags: toKeyValue(d.tags),
      }),
    );
    arn = out.Role?.Arn ?? '';
  } else {
    if (!samePolicy(live.role.trustPolicy, d.trustPolicy)) {
      await aws.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: d.name, PolicyDocument: JSON.stringify(d.trustPolicy) }));
    }
    const tags = missingTags(live.role.tags, d.tags);
    if (Object.keys(tags).length > 0) await aws.iam.send(new TagRoleCommand({ RoleName: d.name, Tags: toKeyValue(tags) }));
    for (const policyArn of live.role.attachedPolicyArns) {
      if (!d.policyArns.includes(policyArn)) await aws.iam.send(new DetachRolePolicyCommand({ RoleName: d.name, PolicyArn: policyArn }));
    }
  }
  // a role created a moment ago may not be visible to IAM yet
  const settled = <T>(what: string, fn: () => Promise<T>) => (live ? fn() : retryTransient(what, [TRANSIENT.roleNotFound], fn, log));
  const attached = live?.role.attachedPolicyArns ?? [];
  for (const policyArn of d.policyArns) {
    if (!attached.includes(policyArn)) await settled('AttachRolePolicy', () => aws.iam.send(new AttachRolePolicyCommand({ RoleName: d.name, PolicyArn: policyArn })));
  }
  const inline = planRolePolicy('inline policy', inlineTarget(d.name), live?.inlinePolicy, d.inlinePolicy);
  await settled('PutRolePolicy', () => applyRolePolicy(aws, inline));
  return arn;
}

/**
 * `taskRole.arn`: a role the tool only reads. One in the deploying account must exist (a typo would
 * otherwise surface only as tasks without credentials); one that ECS tasks may not assume gets a warning.
 */
export async function checkExistingRole(aws: Aws, arn: string, account: string): Promise<string[]> {
  if (arn.split(':')[4] !== account) return [`the role is in account ${arn.split(':')[4]}, not ${account}: its trust policy must let this account's tasks assume it`];
  const name = arn.split('/').pop() ?? '';
  let trust: unknown;
  try {
    trust = parsePolicy((await aws.iam.send(new GetRoleCommand({ RoleName: name }))).Role?.AssumeRolePolicyDocument);
  } catch (err) {
    if (isAwsError(err, 'NoSuchEntity', 'NoSuchEntityException')) {
      throw new ToolError(message(`taskRole.arn ${arn}`, `no role ${name} exists in account ${account}`, 'create the role, correct the ARN, or give managedPolicies/statements and the tool creates one'));
    }
    throw err;
  }
  return JSON.stringify(trust ?? '').includes('ecs-tasks.amazonaws.com')
    ? []
    : [`its trust policy does not name ecs-tasks.amazonaws.com: tasks cannot assume it until it does`];
}

function policyName(arn: string): string {
  return arn.split('/').pop() ?? arn;
}
