import { CreateServiceCommand, DeleteServiceCommand, DescribeServicesCommand, TagResourceCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import type { CreateServiceCommandInput, Service, UpdateServiceCommandInput } from '@aws-sdk/client-ecs';
import type { Aws } from '../lib/aws.ts';
import { ToolError, isAwsError, message } from '../lib/errors.ts';
import { fromKeyValue, toLowerKeyValue } from '../lib/tags.ts';
import type { ResolvedService } from '../manifest/types.ts';
import { diffValues } from './diff.ts';
import { TRANSIENT, retryTransient } from './retry.ts';
import { describeTasks, taskArns } from './tasks.ts';
import { alreadyGone, makePlan, missingTags, tagChanges, tagsFor } from './types.ts';
import type { Found, Plan, Result } from './types.ts';
import { poll, seconds, serviceLimits } from './wait.ts';

export interface LiveService {
  arn: string;
  name: string;
  cluster: string;
  /** ACTIVE or DRAINING (INACTIVE ones count as absent) */
  status: string;
  raw: Service;
  tags: Record<string, string>;
}

/** The settings the tool owns, in one comparable shape for both sides. */
export interface ServiceSettings {
  taskDefinition: string;
  desiredCount: number;
  networkConfiguration: { subnets: string[]; securityGroups: string[]; assignPublicIp: 'ENABLED' | 'DISABLED' };
  deploymentConfiguration: { deploymentCircuitBreaker: { enable: boolean; rollback: boolean }; maximumPercent: number; minimumHealthyPercent: number };
  propagateTags: string;
  enableECSManagedTags: boolean;
}

export interface DesiredService {
  cluster: string;
  name: string;
  settings: ServiceSettings;
  tags: Record<string, string>;
}

export type ServicePlan = Plan<LiveService, DesiredService>;

export async function findService(aws: Aws, svc: ResolvedService): Promise<LiveService | undefined> {
  let out;
  try {
    out = await aws.ecs.send(new DescribeServicesCommand({ cluster: svc.names.cluster, services: [svc.names.service], include: ['TAGS'] }));
  } catch (err) {
    if (isAwsError(err, 'ClusterNotFoundException')) return undefined;
    throw err;
  }
  const s = out.services?.find((x) => x.serviceName === svc.names.service && x.status !== 'INACTIVE');
  if (!s?.serviceArn) return undefined;
  return { arn: s.serviceArn, name: svc.names.service, cluster: svc.names.cluster, status: s.status ?? '', raw: s, tags: fromKeyValue(s.tags) };
}

export function desiredService(svc: ResolvedService, inputs: { taskDefinition: string; subnets: string[]; securityGroupId: string }): DesiredService {
  return {
    cluster: svc.names.cluster,
    name: svc.names.service,
    settings: {
      taskDefinition: inputs.taskDefinition,
      desiredCount: svc.count,
      networkConfiguration: {
        subnets: [...inputs.subnets].sort(),
        securityGroups: [inputs.securityGroupId],
        assignPublicIp: svc.network.publicIp ? 'ENABLED' : 'DISABLED',
      },
      deploymentConfiguration: {
        deploymentCircuitBreaker: { enable: true, rollback: svc.deployment.rollback },
        maximumPercent: 200,
        minimumHealthyPercent: 100,
      },
      propagateTags: 'SERVICE',
      enableECSManagedTags: true,
    },
    tags: tagsFor(svc),
  };
}

export function liveSettings(s: Service): ServiceSettings {
  const vpc = s.networkConfiguration?.awsvpcConfiguration;
  const dc = s.deploymentConfiguration;
  return {
    taskDefinition: s.taskDefinition ?? '',
    desiredCount: s.desiredCount ?? 0,
    networkConfiguration: {
      subnets: [...(vpc?.subnets ?? [])].sort(),
      securityGroups: [...(vpc?.securityGroups ?? [])].sort(),
      assignPublicIp: vpc?.assignPublicIp === 'ENABLED' ? 'ENABLED' : 'DISABLED',
    },
    deploymentConfiguration: {
      deploymentCircuitBreaker: { enable: !!dc?.deploymentCircuitBreaker?.enable, rollback: !!dc?.deploymentCircuitBreaker?.rollback },
      maximumPercent: dc?.maximumPercent ?? 200,
      minimumHealthyPercent: dc?.minimumHealthyPercent ?? 100,
    },
    propagateTags: s.propagateTags ?? 'NONE',
    enableECSManagedTags: !!s.enableECSManagedTags,
  };
}

export function planService(live: LiveService | undefined, desired: DesiredService): ServicePlan {
  if (live?.status === 'DRAINING') {
    throw new ToolError(
      message(`ECS service ${desired.name}`, 'it is still draining after a deletion', 'wait a minute (until `make status` shows it gone) and run the deploy again'),
    );
  }
  const changes = live ? [...diffValues(liveSettings(live.raw), desired.settings), ...tagChanges(live.tags, desired.tags)] : [];
  return makePlan('ECS service', desired.name, live, desired, changes);
}

/** Creates the service or updates only the settings that changed; returns the service as ECS answered. */
export async function applyService(aws: Aws, plan: ServicePlan, log?: (line: string) => void): Promise<Service | undefined> {
  const d = plan.desired;
  const s = d.settings;
  if (plan.action === 'create') {
    const input: CreateServiceCommandInput = {
      cluster: d.cluster,
      serviceName: d.name,
      taskDefinition: s.taskDefinition,
      desiredCount: s.desiredCount,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: s.networkConfiguration },
      deploymentConfiguration: s.deploymentConfiguration,
      propagateTags: 'SERVICE',
      enableECSManagedTags: s.enableECSManagedTags,
      tags: toLowerKeyValue(d.tags),
    };
    const transients = [TRANSIENT.serviceLinkedRole, TRANSIENT.serviceRole, TRANSIENT.clusterNotFound, TRANSIENT.groupNotFoundInEcs];
    const out = await retryTransient('CreateService', transients, () => aws.ecs.send(new CreateServiceCommand(input)), log);
    return out.service;
  }
  const live = plan.live!;
  if (plan.action === 'unchanged') return live.raw;
  let result: Service | undefined = live.raw;
  const update = updateInput(liveSettings(live.raw), s);
  if (Object.keys(update).length > 0) {
    const input: UpdateServiceCommandInput = { cluster: d.cluster, service: d.name, ...update };
    result = (await aws.ecs.send(new UpdateServiceCommand(input))).service;
  }
  const tags = missingTags(live.tags, d.tags);
  if (Object.keys(tags).length > 0) await aws.ecs.send(new TagResourceCommand({ resourceArn: live.arn, tags: toLowerKeyValue(tags) }));
  return result;
}

/** Only the groups of settings that differ: a count change sends only desiredCount. */
export function updateInput(live: ServiceSettings, want: ServiceSettings): Partial<UpdateServiceCommandInput> {
  const out: Partial<UpdateServiceCommandInput> = {};
  const differs = (k: keyof ServiceSettings) => diffValues(live[k], want[k]).length > 0;
  if (differs('taskDefinition')) out.taskDefinition = want.taskDefinition;
  if (differs('desiredCount')) out.desiredCount = want.desiredCount;
  if (differs('networkConfiguration')) out.networkConfiguration = { awsvpcConfiguration: want.networkConfiguration };
  if (differs('deploymentConfiguration')) out.deploymentConfiguration = want.deploymentConfiguration;
  if (differs('propagateTags')) out.propagateTags = want.propagateTags as UpdateServiceCommandInput['propagateTags'];
  if (differs('enableECSManagedTags')) out.enableECSManagedTags = want.enableECSManagedTags;
  return out;
}

/** Scale to 0, delete, wait until INACTIVE and until its tasks have stopped (their ENIs hold the security group). */
export async function deleteService(aws: Aws, item: Found): Promise<Result> {
  const cluster = item.cluster ?? '';
  const service = item.id;
  let tasks: string[] = [];
  try {
    tasks = await taskArns(aws, cluster, service);
    await aws.ecs.send(new UpdateServiceCommand({ cluster, service, desiredCount: 0 }));
    await aws.ecs.send(new DeleteServiceCommand({ cluster, service, force: true }));
  } catch (err) {
    if (isAwsError(err, 'ServiceNotFoundException', 'ClusterNotFoundException')) return alreadyGone(item);
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
    return { item, outcome: 'failed', note: `deleted but still DRAINING after ${seconds(limits.timeoutMs)} — run make clean again in a few minutes`, waitedMs: inactive.waitedMs };
  }
  const stopped = tasks.length
    ? await poll(limits, async () => {
        return (await describeTasks(aws, cluster, tasks)).every((t) => t.lastStatus === 'STOPPED' || t.lastStatus === 'DELETED') ? true : undefined;
      })
    : { value: true, waitedMs: 0 };
  const waitedMs = inactive.waitedMs + stopped.waitedMs;
  const taskNote = tasks.length ? (stopped.value ? `, ${tasks.length} task(s) stopped` : `, ${tasks.length} task(s) still stopping`) : '';
  return { item, outcome: 'deleted', note: `scaled to 0 and deleted, INACTIVE${taskNote} (waited ${seconds(waitedMs)})`, waitedMs };
}
