import type { Task } from '@aws-sdk/client-ecs';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { Aws } from '../lib/aws.ts';
import { isAwsError } from '../lib/errors.ts';
import type { ResolvedLambda, ResolvedService } from '../manifest/types.ts';
import { findService } from '../resources/service.ts';
import { loadBalancerStatus } from './load-balancer.ts';
import type { LoadBalancerStatus } from './load-balancer.ts';
import { serviceTasks, taskAddresses, taskId } from '../resources/tasks.ts';

export interface DeploymentStatus {
  id: string;
  /** PRIMARY (the newest), ACTIVE (being replaced), INACTIVE */
  status: string;
  rolloutState?: string;
  rolloutStateReason?: string;
  taskDefinition: string;
  desired: number;
  running: number;
  pending: number;
  failed: number;
  createdAt?: string;
}

export interface TaskStatus {
  id: string;
  lastStatus: string;
  desiredStatus: string;
  health: string;
  taskDefinition: string;
  publicIp?: string;
  url?: string;
  startedAt?: string;
  stoppedReason?: string;
}

export interface ServiceStatus {
  name: string;
  cluster: string;
  status: string;
  desired: number;
  running: number;
  pending: number;
  taskDefinition: string;
  deployments: DeploymentStatus[];
  tasks: TaskStatus[];
  events: Array<{ at?: string; message: string }>;
  /** load-balanced mode: the stable URL and the target health */
  loadBalancer?: LoadBalancerStatus;
}

export interface LambdaStatus {
  stackName: string;
  stackStatus: string;
  functionUrl?: string;
  functionName?: string;
  logGroup?: string;
}

export interface StatusReport {
  service: string;
  environment: string;
  region: string;
  ecs: ServiceStatus | null;
  lambda: LambdaStatus | null;
  nothingDeployed: boolean;
}

const EVENTS = 5;
const STOPPED_TASKS = 5;
const iso = (d: Date | undefined) => d?.toISOString();
const revision = (arn: string | undefined) => arn?.split('/').pop() ?? '';

/** Task ARN → public IP (their ENIs' association). */
async function publicIps(aws: Aws, tasks: Task[]): Promise<Map<string, string>> {
  try {
    const addresses = await taskAddresses(aws, tasks);
    return new Map(addresses.filter((a) => a.publicIp).map((a) => [a.taskId, a.publicIp ?? '']));
  } catch (err) {
    // An ENI released between the two calls: that task is stopping; show the tasks without IPs.
    if (isAwsError(err, 'InvalidNetworkInterfaceID.NotFound')) return new Map();
    throw err;
  }
}

/** ECS's reason plus what the containers said (exit codes, image pull errors), which is what a user needs. */
function stopReason(t: Task): string | undefined {
  if (!t.stoppedReason) return undefined;
  const details = (t.containers ?? [])
    .map((c) => [c.exitCode !== undefined ? `${c.name} exited ${c.exitCode}` : '', c.reason ?? ''].filter(Boolean).join(': '))
    .filter(Boolean);
  return details.length ? `${t.stoppedReason} (${details.join('; ')})` : t.stoppedReason;
}

async function tasksOf(aws: Aws, svc: ResolvedService): Promise<TaskStatus[]> {
  const running = await serviceTasks(aws, svc, 'RUNNING');
  const stopped = (await serviceTasks(aws, svc, 'STOPPED')).slice(0, STOPPED_TASKS);
  const ips = await publicIps(aws, running.filter((t) => t.lastStatus !== 'STOPPED'));
  return [...running, ...stopped].map((t) => {
    const id = taskId(t.taskArn);
    const ip = ips.get(id);
    return {
      id,
      lastStatus: t.lastStatus ?? '',
      desiredStatus: t.desiredStatus ?? '',
      health: t.healthStatus ?? 'UNKNOWN',
      taskDefinition: revision(t.taskDefinitionArn),
      publicIp: ip,
      url: ip ? `http://${ip}:${svc.image.port}/` : undefined,
      startedAt: iso(t.startedAt),
      stoppedReason: stopReason(t),
    };
  });
}

export async function serviceStatus(aws: Aws, svc: ResolvedService): Promise<ServiceStatus | null> {
  const live = await findService(aws, svc);
  if (!live) return null;
  const s = live.raw;
  return {
    name: live.name,
    cluster: live.cluster,
    status: s.status ?? '',
    desired: s.desiredCount ?? 0,
    running: s.runningCount ?? 0,
    pending: s.pendingCount ?? 0,
    taskDefinition: revision(s.taskDefinition),
    deployments: (s.deployments ?? []).map((d) => ({
      id: d.id ?? '',
      status: d.status ?? '',
      rolloutState: d.rolloutState,
      rolloutStateReason: d.rolloutStateReason,
      taskDefinition: revision(d.taskDefinition),
      desired: d.desiredCount ?? 0,
      running: d.runningCount ?? 0,
      pending: d.pendingCount ?? 0,
      failed: d.failedTasks ?? 0,
      createdAt: iso(d.createdAt),
    })),
    tasks: await tasksOf(aws, svc),
    ...(await loadBalancerStatus(aws, svc, s).then((lb) => (lb ? { loadBalancer: lb } : {}))),
    events: (s.events ?? []).slice(0, EVENTS).map((e) => ({ at: iso(e.createdAt), message: e.message ?? '' })),
  };
}

export async function lambdaStatus(aws: Aws, lambda: ResolvedLambda): Promise<LambdaStatus | null> {
  try {
    const out = await aws.cfn.send(new DescribeStacksCommand({ StackName: lambda.stackName }));
    const s = out.Stacks?.[0];
    if (!s || s.StackStatus === 'DELETE_COMPLETE') return null;
    const outputs = Object.fromEntries((s.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
    return {
      stackName: lambda.stackName,
      stackStatus: s.StackStatus ?? '',
      functionUrl: outputs.FunctionUrl,
      functionName: outputs.FunctionName,
      logGroup: outputs.LogGroupName,
    };
  } catch (err) {
    if (isAwsError(err, 'ValidationError') && /does not exist/.test((err as Error).message)) return null;
    throw err;
  }
}

export async function statusReport(aws: Aws, svc: ResolvedService, lambda: ResolvedLambda | undefined, stackAws: Aws | undefined): Promise<StatusReport> {
  const ecs = await serviceStatus(aws, svc);
  const fn = lambda && stackAws ? await lambdaStatus(stackAws, lambda) : null;
  return { service: svc.name, environment: svc.environment, region: aws.region, ecs, lambda: fn, nothingDeployed: !ecs && !fn };
}
