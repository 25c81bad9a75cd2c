import {
  DeleteClusterCommand,
  DeleteServiceCommand,
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import type { Aws } from '../lib/aws.ts';
import { isAwsError } from '../lib/errors.ts';
import type { Found, Result } from './types.ts';
import { poll, serviceLimits } from './wait.ts';

const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

async function serviceTasks(aws: Aws, cluster: string, service: string): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await aws.ecs.send(new ListTasksCommand({ cluster, serviceName: service, nextToken }));
    arns.push(...(page.taskArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return arns;
}

/** Scale to 0, delete, wait until INACTIVE and until its tasks have stopped (their ENIs hold the security group). */
export async function deleteService(aws: Aws, item: Found): Promise<Result> {
  const cluster = item.cluster ?? '';
  const service = item.id;
  let tasks: string[] = [];
  try {
    tasks = await serviceTasks(aws, cluster, service);
    await aws.ecs.send(new UpdateServiceCommand({ cluster, service, desiredCount: 0 }));
    await aws.ecs.send(new DeleteServiceCommand({ cluster, service, force: true }));
  } catch (err) {
    if (isAwsError(err, 'ServiceNotFoundException', 'ClusterNotFoundException')) return { item, outcome: 'not-found', note: 'already gone' };
    // Already deleted (DRAINING, e.g. by an interrupted clean): only the wait is left to do.
    if (!isAwsError(err, 'ServiceNotActiveException')) throw err;
  }
  const limits = serviceLimits();
  const inactive = await poll(limits, async () => {
    const out = await aws.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
    const s = out.services?.[0];
    return !s || s.status === 'INACTIVE' ? true : undefined;
  });
  if (!inactive.value) {
    return { item, outcome: 'failed', note: `deleted but still DRAINING after ${secs(limits.timeoutMs)} — run make clean again in a few minutes`, waitedMs: inactive.waitedMs };
  }
  const stopped = tasks.length
    ? await poll(limits, async () => {
        const out = await aws.ecs.send(new DescribeTasksCommand({ cluster, tasks }));
        return (out.tasks ?? []).every((t) => t.lastStatus === 'STOPPED' || t.lastStatus === 'DELETED') ? true : undefined;
      })
    : { value: true, waitedMs: 0 };
  const waitedMs = inactive.waitedMs + stopped.waitedMs;
  const taskNote = tasks.length ? (stopped.value ? `, ${tasks.length} task(s) stopped` : `, ${tasks.length} task(s) still stopping`) : '';
  return { item, outcome: 'deleted', note: `scaled to 0 and deleted, INACTIVE${taskNote} (waited ${secs(waitedMs)})`, waitedMs };
}

/** Deregisters the ACTIVE revisions, then deletes every revision (DeleteTaskDefinitions takes 10 at a time). */
export async function deleteTaskDefinitions(aws: Aws, item: Found): Promise<Result> {
  const revisions = item.revisions ?? [];
  for (const arn of revisions) {
    try {
      const out = await aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
      if (out.taskDefinition?.status === 'ACTIVE') await aws.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
    } catch (err) {
      if (!isAwsError(err, 'ClientException', 'InvalidParameterException')) throw err;
    }
  }
  const failures: string[] = [];
  for (let i = 0; i < revisions.length; i += 10) {
    const out = await aws.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: revisions.slice(i, i + 10) }));
    for (const f of out.failures ?? []) failures.push(`${f.arn?.split('/').pop()}: ${f.reason}${f.detail ? ` (${f.detail})` : ''}`);
  }
  if (failures.length) return { item, outcome: 'failed', note: `could not delete ${failures.join('; ')}` };
  return { item, outcome: 'deleted', note: `deregistered and deleted ${revisions.length} revision(s)` };
}

/** Deletes the cluster unless something that is not ours still runs in it. */
export async function deleteCluster(aws: Aws, item: Found): Promise<Result> {
  const out = await aws.ecs.send(new DescribeClustersCommand({ clusters: [item.id] }));
  const c = out.clusters?.[0];
  if (!c || c.status === 'INACTIVE') return { item, outcome: 'not-found', note: 'already gone' };
  const services = c.activeServicesCount ?? 0;
  const tasks = (c.runningTasksCount ?? 0) + (c.pendingTasksCount ?? 0);
  if (services || tasks) {
    return { item, outcome: 'kept', note: `left in place: ${services} service(s) and ${tasks} task(s) not deleted by this clean still run in it — delete them first, or keep the cluster` };
  }
  try {
    await aws.ecs.send(new DeleteClusterCommand({ cluster: item.id }));
  } catch (err) {
    if (isAwsError(err, 'ClusterNotFoundException')) return { item, outcome: 'not-found', note: 'already gone' };
    if (isAwsError(err, 'ClusterContainsServicesException', 'ClusterContainsTasksException', 'ClusterContainsContainerInstancesException')) {
      return { item, outcome: 'kept', note: `left in place: ${(err as Error).message}` };
    }
    throw err;
  }
  return { item, outcome: 'deleted', note: 'deleted' };
}
