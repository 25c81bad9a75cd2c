import { CreateClusterCommand, DeleteClusterCommand, DescribeClustersCommand, TagResourceCommand } from '@aws-sdk/client-ecs';
import type { Aws } from '../lib/aws.ts';
import { fromKeyValue, toLowerKeyValue } from '../lib/tags.ts';
import type { ResolvedService } from '../manifest/types.ts';
import { deleteIfOwned, makePlan, missingTags, tagChanges, tagsFor } from './types.ts';
import type { DeleteOptions, DeleteResult, Plan } from './types.ts';

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

export async function applyCluster(aws: Aws, plan: ClusterPlan): Promise<string> {
  const d = plan.desired;
  if (plan.action === 'create') {
    const out = await aws.ecs.send(new CreateClusterCommand({ clusterName: d.name, tags: toLowerKeyValue(d.tags) }));
    return out.cluster?.clusterArn ?? d.name;
  }
  const live = plan.live!;
  const tags = missingTags(live.tags, d.tags);
  if (plan.action === 'update' && Object.keys(tags).length > 0) {
    await aws.ecs.send(new TagResourceCommand({ resourceArn: live.arn, tags: toLowerKeyValue(tags) }));
  }
  return live.arn;
}

export function deleteCluster(aws: Aws, svc: ResolvedService, opts: DeleteOptions): Promise<DeleteResult> {
  return deleteIfOwned({ resource: 'ECS cluster', name: svc.names.cluster }, svc, opts, {
    find: () => findCluster(aws, svc),
    remove: async (live) => void (await aws.ecs.send(new DeleteClusterCommand({ cluster: live.arn }))),
    gone: ['ClusterNotFoundException'],
  });
}
