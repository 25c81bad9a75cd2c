import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListClustersCommand,
  ListServicesCommand,
  ListTaskDefinitionsCommand,
  type Cluster,
  type Service,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import type { Aws } from '../lib/aws.ts';
import { isAwsError } from '../lib/errors.ts';
import { fromKeyValue, isOwned } from '../lib/tags.ts';
import type { ResolvedService } from '../manifest/types.ts';
import { familyOf } from '../resources/task-definition.ts';
import { type Found, plural } from './types.ts';

/** Names other resources are known by in what the tool deployed (task definitions, services). */
export interface References {
  securityGroupIds: Set<string>;
  roles: Set<string>;
  logGroups: Set<string>;
  repositories: Set<string>;
}

export const emptyReferences = (): References => ({ securityGroupIds: new Set(), roles: new Set(), logGroups: new Set(), repositories: new Set() });

const chunks = <T>(list: T[], size: number): T[][] => Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, i * size + size));
const owns = (svc: ResolvedService, tags: Array<{ key?: string; value?: string }> | undefined) => isOwned(fromKeyValue(tags), svc.name, svc.environment);

const revisionOf = (arn: string) => Number(arn.split(':').pop());

/** Clusters named like the service's, or carrying its tags. */
async function findClusters(aws: Aws, svc: ResolvedService): Promise<Cluster[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await aws.ecs.send(new ListClustersCommand({ nextToken }));
    arns.push(...(page.clusterArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const out: Cluster[] = [];
  for (const batch of chunks(arns, 100)) {
    const page = await aws.ecs.send(new DescribeClustersCommand({ clusters: batch, include: ['TAGS'] }));
    for (const c of page.clusters ?? []) {
      if (c.status === 'INACTIVE') continue;
      if (c.clusterName === svc.names.cluster || owns(svc, c.tags)) out.push(c);
    }
  }
  return out;
}

/** Services in those clusters named like the service's, or carrying its tags, not yet INACTIVE. */
async function findServices(aws: Aws, svc: ResolvedService, cluster: string): Promise<Service[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await aws.ecs.send(new ListServicesCommand({ cluster, nextToken }));
      arns.push(...(page.serviceArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (err) {
    if (isAwsError(err, 'ClusterNotFoundException')) return [];
    throw err;
  }
  const out: Service[] = [];
  for (const batch of chunks(arns, 10)) {
    const page = await aws.ecs.send(new DescribeServicesCommand({ cluster, services: batch, include: ['TAGS'] }));
    for (const s of page.services ?? []) {
      if (s.status === 'INACTIVE') continue;
      if (s.serviceName === svc.names.service || owns(svc, s.tags)) out.push(s);
    }
  }
  return out;
}

async function revisionsOf(aws: Aws, family: string): Promise<string[]> {
  const arns: string[] = [];
  for (const status of ['ACTIVE', 'INACTIVE'] as const) {
    let nextToken: string | undefined;
    do {
      const page = await aws.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status, nextToken }));
      // familyPrefix is a prefix: `hello-test` also lists `hello-test2`.
      arns.push(...(page.taskDefinitionArns ?? []).filter((a) => familyOf(a) === family));
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return arns.sort((a, b) => revisionOf(a) - revisionOf(b));
}

/** The repository an image URI points at, when it has a registry host (ECR, or the test registry). */
export function repositoryOfImage(image: string): string | undefined {
  const slash = image.indexOf('/');
  if (slash < 0) return undefined;
  const host = image.slice(0, slash);
  if (!host.includes('.') && !host.includes(':') && host !== 'localhost') return undefined;
  const path = image.slice(slash + 1).replace(/@.*$/, '').replace(/:[^/]*$/, '');
  return path || undefined;
}

function collectReferences(td: TaskDefinition, refs: References): void {
  for (const arn of [td.executionRoleArn, td.taskRoleArn]) {
    const role = arn?.split('/').pop();
    if (role) refs.roles.add(role);
  }
  for (const c of td.containerDefinitions ?? []) {
    const group = c.logConfiguration?.options?.['awslogs-group'];
    if (group) refs.logGroups.add(group);
    const repo = c.image ? repositoryOfImage(c.image) : undefined;
    if (repo) refs.repositories.add(repo);
  }
}

async function findFamily(aws: Aws, svc: ResolvedService, family: string, refs: References): Promise<Found | undefined> {
  const revisions = await revisionsOf(aws, family);
  if (!revisions.length) return undefined;
  // Every revision must carry the tags: one registered by someone else keeps the family out of clean.
  let owned = true;
  for (const arn of revisions) {
    const out = await aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }));
    const mine = owns(svc, out.tags);
    owned &&= mine;
    if (mine && out.taskDefinition) collectReferences(out.taskDefinition, refs);
  }
  return { kind: 'task-definition', name: family, id: family, owned, revisions, detail: plural(revisions.length, 'revision') };
}

/** The service's ECS resources, and what they reference (security groups, role, log group, repository). */
export async function findEcs(aws: Aws, svc: ResolvedService): Promise<{ found: Found[]; refs: References }> {
  const refs = emptyReferences();
  const found: Found[] = [];
  const families = new Set([svc.names.family]);
  for (const c of await findClusters(aws, svc)) {
    const cluster = c.clusterName ?? '';
    const owned = owns(svc, c.tags);
    for (const s of await findServices(aws, svc, cluster)) {
      const mine = owns(svc, s.tags);
      found.push({
        kind: 'service',
        name: s.serviceName ?? '',
        id: s.serviceArn ?? s.serviceName ?? '',
        cluster,
        owned: mine,
        detail: `${s.status}, ${s.runningCount ?? 0} running`,
      });
      if (!mine) continue;
      if (s.taskDefinition) families.add(familyOf(s.taskDefinition));
      for (const d of s.deployments ?? []) if (d.taskDefinition) families.add(familyOf(d.taskDefinition));
      for (const g of s.networkConfiguration?.awsvpcConfiguration?.securityGroups ?? []) refs.securityGroupIds.add(g);
    }
    const tasks = (c.runningTasksCount ?? 0) + (c.pendingTasksCount ?? 0);
    found.push({ kind: 'cluster', name: cluster, id: c.clusterArn ?? cluster, owned, detail: `${plural(c.activeServicesCount ?? 0, 'service')}, ${plural(tasks, 'task')}` });
  }
  for (const family of families) {
    const f = await findFamily(aws, svc, family, refs);
    if (f) found.push(f);
  }
  return { found, refs };
}
