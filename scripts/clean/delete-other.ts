import { DeleteSecurityGroupCommand, DescribeNetworkInterfacesCommand } from '@aws-sdk/client-ec2';
import { DeleteRoleCommand, DeleteRolePolicyCommand, DetachRolePolicyCommand, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import { DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeleteRepositoryCommand } from '@aws-sdk/client-ecr';
import type { Aws } from '../lib/aws.ts';
import { isAwsError } from '../lib/errors.ts';
import type { Found, Result } from './types.ts';
import { eniLimits, poll } from './wait.ts';

const gone = (item: Found): Result => ({ item, outcome: 'not-found', note: 'already gone' });

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
  if (done.value === 'not-found') return gone(item);
  if (done.value === 'deleted') {
    const note = done.waitedMs ? `deleted after waiting ${(done.waitedMs / 1000).toFixed(1)}s for task network interfaces to be released` : 'deleted';
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

/** Detaches managed policies and deletes inline ones (IAM refuses to delete a role that has any), then the role. */
export async function deleteRole(aws: Aws, item: Found): Promise<Result> {
  const RoleName = item.id;
  try {
    const attached = (await aws.iam.send(new ListAttachedRolePoliciesCommand({ RoleName }))).AttachedPolicies ?? [];
    for (const p of attached) await aws.iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn: p.PolicyArn }));
    const inline = (await aws.iam.send(new ListRolePoliciesCommand({ RoleName }))).PolicyNames ?? [];
    for (const PolicyName of inline) await aws.iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName }));
    await aws.iam.send(new DeleteRoleCommand({ RoleName }));
    const n = attached.length + inline.length;
    return { item, outcome: 'deleted', note: n ? `removed ${n} polic${n === 1 ? 'y' : 'ies'}, deleted` : 'deleted' };
  } catch (err) {
    if (isAwsError(err, 'NoSuchEntityException', 'NoSuchEntity')) return gone(item);
    throw err;
  }
}

export async function deleteLogGroup(aws: Aws, item: Found): Promise<Result> {
  try {
    await aws.logs.send(new DeleteLogGroupCommand({ logGroupName: item.id }));
    return { item, outcome: 'deleted', note: 'deleted' };
  } catch (err) {
    if (isAwsError(err, 'ResourceNotFoundException')) return gone(item);
    throw err;
  }
}

/** `force` deletes the images with the repository. */
export async function deleteRepository(aws: Aws, item: Found): Promise<Result> {
  try {
    await aws.ecr.send(new DeleteRepositoryCommand({ repositoryName: item.id, force: true }));
    return { item, outcome: 'deleted', note: `deleted with its images${item.detail ? ` (${item.detail})` : ''}` };
  } catch (err) {
    if (isAwsError(err, 'RepositoryNotFoundException')) return gone(item);
    throw err;
  }
}
