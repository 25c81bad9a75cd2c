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
  /** load-balanced mode: the target group the tasks register in; [] in public-IP mode (UpdateService removes them) */
  loadBalancers: Array<{ targetGroupArn: string; containerName: string; containerPort: number }>;
  /** set only in load-balanced mode (ECS ignores it without health checks) */
  healthCheckGracePeriodSeconds?: number;
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

export const SCALED_TAG = 'lambda2fargate:scaling';
/** …and that it runs behind a load balancer: until the switch back to public-IP mode has removed it, the tag stays */
export const BALANCED_TAG = 'lambda2fargate:load-balancer';

export interface ServiceInputs {
  taskDefinition: string;
  subnets: string[];
  securityGroupId: string;
  /** load-balanced mode */
  targetGroupArn?: string;
  /** scaling on: the live service's count (the scaler's choice), kept as it is */
  liveDesiredCount?: number;
}

/** With scaling on, the count is the scaler's: a new service starts at `count` kept within min–max, an existing one keeps its own. */
export function desiredCount(svc: ResolvedService, liveDesiredCount: number | undefined): number {
  if (!svc.scaling) return svc.count;
  if (liveDesiredCount !== undefined) return liveDesiredCount;
  return Math.min(svc.scaling.max, Math.max(svc.scaling.min, svc.count));
}

export function desiredService(svc: ResolvedService, inputs: ServiceInputs): DesiredService {
  const lb = svc.loadBalancer;
  return {
    cluster: svc.names.cluster,
    name: svc.names.service,
    settings: {
      taskDefinition: inputs.taskDefinition,
      desiredCount: desiredCount(svc, inputs.liveDesiredCount),
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
      loadBalancers: lb && inputs.targetGroupArn ? [{ targetGroupArn: inputs.targetGroupArn, containerName: svc.names.container, containerPort: svc.image.port }] : [],
      ...(lb ? { healthCheckGracePeriodSeconds: lb.gracePeriod } : {}),
    },
    // the service remembers that a scaler owns its count, so turning scaling off is noticed without an extra lookup per deploy
    tags: { ...tagsFor(svc), ...(svc.scaling ? { [SCALED_TAG]: 'on' } : {}), ...(lb ? { [BALANCED_TAG]: lb.names.loadBalancer } : {}) },
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
    loadBalancers: (s.loadBalancers ?? []).map((l) => ({ targetGroupArn: l.targetGroupArn ?? '', containerName: l.containerName ?? '', containerPort: l.containerPort ?? 0 })),
    ...(s.healthCheckGracePeriodSeconds !== undefined ? { healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds } : {}),
  };
}

/** The live settings as far as the desired ones speak: a grace period the manifest does not set is left alone. */
function comparable(live: ServiceSettings, want: ServiceSettings): ServiceSettings {
  const { healthCheckGracePeriodSeconds, ...rest } = live;
  return want.healthCheckGracePeriodSeconds === undefined ? rest : { ...rest, healthCheckGracePeriodSeconds: healthCheckGracePeriodSeconds ?? 0 };
}

export function planService(live: LiveService | undefined, desired: DesiredService): ServicePlan {
  if (live?.status === 'DRAINING') {
    throw new ToolError(
      message(`ECS service ${desired.name}`, 'it is still draining after a deletion', 'wait a minute (until `make status` shows it gone) and run the deploy again'),
    );
  }
  const changes = live ? [...diffValues(comparable(liveSettings(live.raw), desired.settings), desired.settings), ...tagChanges(live.tags, desired.tags)] : [];
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
      // the target group's listener exists by now: ECS refuses a target group without a load balancer (terraform-provider-aws #32908)
      ...(s.loadBalancers.length ? { loadBalancers: s.loadBalancers } : {}),
      ...(s.healthCheckGracePeriodSeconds !== undefined ? { healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds } : {}),
    };
    const transients = [TRANSIENT.serviceLinkedRole, TRANSIENT.serviceRole, TRANSIENT.clusterNotFound, TRANSIENT.groupNotFoundInEcs];
    const out = await retryTransient('CreateService', transients, () => aws.ecs.send(new CreateServiceCommand(input)), log);
    return out.service;
  }
  const live = plan.live!;
  if (plan.action === 'unchanged') return live.raw;
  let result: Service | undefined = live.raw;
  const update = updateInput(comparable(liveSettings(live.raw), s), s);
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
  // UpdateService adds, changes and — with [] — removes load balancers of a rolling-update service
  // (UpdateService loadBalancers; ecspresso #868 sends [] to remove them), starting a new deployment
  if (differs('loadBalancers')) out.loadBalancers = want.loadBalancers;
  if (want.healthCheckGracePeriodSeconds !== undefined && differs('healthCheckGracePeriodSeconds')) out.healthCheckGracePeriodSeconds = want.healthCheckGracePeriodSeconds;
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
