import {
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  TagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { Aws } from '../lib/aws.ts';
import { isAwsError } from '../lib/errors.ts';
import type { ResolvedService } from '../manifest/types.ts';
import type { Log } from './output.ts';
import { TRANSIENT, retryTransient } from './retry.ts';
import { alreadyGone, makePlan, missingTags, tagChanges, tagsFor } from './types.ts';
import type { FieldChange, Found, Plan, Result } from './types.ts';

export interface LiveLogGroup {
  name: string;
  /** without the trailing `:*` */
  arn: string;
  retentionInDays?: number;
  tags: Record<string, string>;
}

export interface DesiredLogGroup {
  name: string;
  retentionInDays: number;
  tags: Record<string, string>;
}

export type LogGroupPlan = Plan<LiveLogGroup, DesiredLogGroup>;

export async function findLogGroup(aws: Aws, svc: ResolvedService): Promise<LiveLogGroup | undefined> {
  const name = svc.names.logGroup;
  let group;
  let nextToken: string | undefined;
  do {
    // the prefix also matches longer names (/ecs/web-test-2): page until the exact one
    const out = await aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, nextToken }));
    group = out.logGroups?.find((g) => g.logGroupName === name);
    nextToken = out.nextToken;
  } while (!group && nextToken);
  if (!group) return undefined;
  const arn = group.logGroupArn ?? group.arn?.replace(/:\*$/, '') ?? '';
  const tags = await aws.logs.send(new ListTagsForResourceCommand({ resourceArn: arn }));
  return { name, arn, retentionInDays: group.retentionInDays, tags: tags.tags ?? {} };
}

export function desiredLogGroup(svc: ResolvedService): DesiredLogGroup {
  return { name: svc.names.logGroup, retentionInDays: svc.logging.retention, tags: tagsFor(svc) };
}

export function planLogGroup(live: LiveLogGroup | undefined, desired: DesiredLogGroup): LogGroupPlan {
  const changes: FieldChange[] = [];
  if (live) {
    if (live.retentionInDays !== desired.retentionInDays) changes.push({ path: 'retentionInDays', from: live.retentionInDays, to: desired.retentionInDays });
    changes.push(...tagChanges(live.tags, desired.tags));
  }
  return makePlan('CloudWatch log group', desired.name, live, desired, changes);
}

export async function applyLogGroup(aws: Aws, plan: LogGroupPlan, log?: Log): Promise<void> {
  const d = plan.desired;
  if (plan.action === 'create') {
    try {
      await aws.logs.send(new CreateLogGroupCommand({ logGroupName: d.name, tags: d.tags }));
    } catch (err) {
      // created between our read and this call (a concurrent or interrupted run): converge on it
      if (!isAwsError(err, 'ResourceAlreadyExistsException')) throw err;
    }
    const retention = () => aws.logs.send(new PutRetentionPolicyCommand({ logGroupName: d.name, retentionInDays: d.retentionInDays }));
    await retryTransient('PutRetentionPolicy', [TRANSIENT.logGroupBusy], retention, log);
    return;
  }
  if (plan.action === 'update') {
    const live = plan.live!;
    if (live.retentionInDays !== d.retentionInDays) {
      await aws.logs.send(new PutRetentionPolicyCommand({ logGroupName: d.name, retentionInDays: d.retentionInDays }));
    }
    const tags = missingTags(live.tags, d.tags);
    if (Object.keys(tags).length > 0) await aws.logs.send(new TagResourceCommand({ resourceArn: live.arn, tags }));
  }
}

export async function deleteLogGroup(aws: Aws, item: Found): Promise<Result> {
  try {
    await aws.logs.send(new DeleteLogGroupCommand({ logGroupName: item.id }));
    return { item, outcome: 'deleted', note: 'deleted' };
  } catch (err) {
    if (isAwsError(err, 'ResourceNotFoundException')) return alreadyGone(item);
    throw err;
  }
}
