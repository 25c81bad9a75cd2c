import { CreateClusterCommand, DeleteClusterCommand, DescribeClustersCommand, TagResourceCommand } from '@aws-sdk/client-ecs';
import type { Aws } from '../lib/aws.ts';
import { isAwsError } from '../lib/errors.ts';
import { fromKeyValue, toLowerKeyValue } from '../lib/tags.ts';
import type { Log } from './output.ts';
import { TRANSIENT, retryTransient } from './retry.ts';
import type { ResolvedService } from '../manifest/types.ts';
import { alreadyGone, makePlan, missingTags, tagChanges, tagsFor } from './types.ts';
import type { Found, Plan, Result } from './types.ts';

export interface LiveCluster {
  name: string;
  arn: string;
  tags: Record<string, string>;
}

export interface DesiredCluster {
  name: string;
  tags: Record<string, string>;
}

export type ClusterPlan = Plan<LiveCluster, DesiredCluster>;

/** An INACTIVE cluster (deleted, still listed for a while) counts as absent: CreateCluster brings it back. */
export async function findCluster(aws: Aws, svc: ResolvedService): Promise<LiveCluster | undefined> {
  const out = await aws.ecs.send(new DescribeClustersCommand({ clusters: [svc.names.cluster], include: ['TAGS'] }));
  const c = out.clusters?.find((x) => x.clusterName === svc.names.cluster && x.status === 'ACTIVE');
  return c?.clusterArn ? { name: svc.names.cluster, arn: c.clusterArn, tags: fromKeyValue(c.tags) } : undefined;
}

export function desiredCluster(svc: ResolvedService): DesiredCluster {
  return { name: svc.names.cluster, tags: tagsFor(svc) };
}

export function planCluster(live: LiveCluster | undefined, desired: DesiredCluster): ClusterPlan {
  return makePlan('ECS cluster', desired.name, live, desired, live ? tagChanges(live.tags, desired.tags) : []);
}

export async function applyCluster(aws: Aws, plan: ClusterPlan, log?: Log): Promise<string> {
  const d = plan.desired;
  if (plan.action === 'create') {
    const create = () => aws.ecs.send(new CreateClusterCommand({ clusterName: d.name, tags: toLowerKeyValue(d.tags) }));
    const out = await retryTransient('CreateCluster', [TRANSIENT.serviceLinkedRole], create, log);
    return out.cluster?.clusterArn ?? d.name;
  }
  const live = plan.live!;
  const tags = missingTags(live.tags, d.tags);
  if (plan.action === 'update' && Object.keys(tags).length > 0) {
    await aws.ecs.send(new TagResourceCommand({ resourceArn: live.arn, tags: toLowerKeyValue(tags) }));
  }
  return live.arn;
}

/** Deletes the cluster unless something that is not ours still runs in it. */
export async function deleteCluster(aws: Aws, item: Found): Promise<Result> {
  const out = await aws.ecs.send(new DescribeClustersCommand({ clusters: [item.id] }));
  const c = out.clusters?.[0];
  if (!c || c.status === 'INACTIVE') return alreadyGone(item);
  const services = c.activeServicesCount ?? 0;
  const tasks = (c.runningTasksCount ?? 0) + (c.pendingTasksCount ?? 0);
  if (services || tasks) {
    return { item, outcome: 'kept', note: `left in place: ${services} service(s) and ${tasks} task(s) not deleted by this clean still run in it — delete them first, or keep the cluster` };
  }
  try {
    await aws.ecs.send(new DeleteClusterCommand({ cluster: item.id }));
  } catch (err) {
    if (isAwsError(err, 'ClusterNotFoundException')) return alreadyGone(item);
    if (isAwsError(err, 'ClusterContainsServicesException', 'ClusterContainsTasksException', 'ClusterContainsContainerInstancesException')) {
      return { item, outcome: 'kept', note: `left in place: ${(err as Error).message}` };
    }
    throw err;
  }
  return { item, outcome: 'deleted', note: 'deleted' };
}
