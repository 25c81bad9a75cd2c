import {
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import type { ContainerDefinition, RegisterTaskDefinitionCommandInput, TaskDefinition } from '@aws-sdk/client-ecs';
import type { Aws } from '../lib/aws.ts';
import { isAwsError } from '../lib/errors.ts';
import { fromKeyValue, toLowerKeyValue } from '../lib/tags.ts';
import type { ResolvedService } from '../manifest/types.ts';
import { diffValues, dropEmpty, sortKeys, stableJson } from './diff.ts';
import { alreadyGone, makePlan, tagsFor } from './types.ts';
import type { Found, Plan, Result } from './types.ts';

/** The part of a task definition the tool renders: what RegisterTaskDefinition takes, minus tags. */
export type TaskDefinitionDoc = Omit<RegisterTaskDefinitionCommandInput, 'tags'>;

export interface LiveTaskDefinition {
  arn: string;
  revision: number;
  doc: TaskDefinition;
  tags: Record<string, string>;
}

export interface DesiredTaskDefinition {
  doc: TaskDefinitionDoc;
  tags: Record<string, string>;
}

export type TaskDefinitionPlan = Plan<LiveTaskDefinition, DesiredTaskDefinition>;

export interface TaskDefinitionInputs {
  /** `<repository uri>@sha256:…` for a built image, the manifest's `image.location` otherwise */
  image: string;
  executionRoleArn: string;
  region: string;
  /** the task role (`taskRole`): what the application's code runs with */
  taskRoleArn?: string;
  /** the container's `secrets` (name → valueFrom ARN), read by ECS at task start */
  secrets?: Array<{ name: string; valueFrom: string }>;
}

/** The latest ACTIVE revision of the family (or, given `taskDefinition`, that revision). */
export async function findTaskDefinition(aws: Aws, svc: ResolvedService, taskDefinition: string = svc.names.family): Promise<LiveTaskDefinition | undefined> {
  try {
    const out = await aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition, include: ['TAGS'] }));
    const td = out.taskDefinition;
    if (!td?.taskDefinitionArn || td.status === 'INACTIVE') return undefined;
    return { arn: td.taskDefinitionArn, revision: td.revision ?? 0, doc: td, tags: fromKeyValue(out.tags) };
  } catch (err) {
    // ECS has no typed not-found here: a missing family is a ClientException "Unable to describe task definition."
    if (isAwsError(err, 'ClientException') && /unable to describe|not (be )?found|does not exist/i.test((err as Error).message)) return undefined;
    throw err;
  }
}

export const RUNTIME_PLATFORM = {
  'linux/x86_64': { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' },
  'linux/arm64': { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
} as const;

/**
 * The image has no curl: node's fetch probes the path. The server listens on HOST (0.0.0.0 in
 * ECS, where 127.0.0.1 reaches it; a specific address elsewhere).
 */
export function healthCheckCommand(path: string, port: number): string[] {
  const host = `(!process.env.HOST||process.env.HOST==='0.0.0.0'?'127.0.0.1':process.env.HOST)`;
  const url = `'http://'+${host}+':${port}${path}'`;
  return ['CMD-SHELL', `node -e "fetch(${url}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"`];
}

/** The container server answers its health path itself, so it must know the one the check probes. */
export function containerEnvironment(svc: ResolvedService): Array<{ name: string; value: string }> {
  const env: Record<string, string> = { ...svc.variables, HOST: '0.0.0.0', PORT: String(svc.image.port) };
  const healthPath = svc.healthcheck?.path?.split('?')[0];
  if (healthPath) env.HEALTH_PATH = healthPath;
  if (svc.loadBalancer) {
    // behind our ALB only: trust X-Forwarded-For/-Proto, and keep idle connections open longer than the ALB does (keep-alive 502s)
    env.TRUST_PROXY = 'alb';
    env.KEEP_ALIVE_TIMEOUT_SECONDS = String(svc.loadBalancer.idleTimeout + 5);
  }
  return Object.keys(env)
    .sort()
    .map((name) => ({ name, value: env[name]! }));
}

export function desiredTaskDefinition(svc: ResolvedService, inputs: TaskDefinitionInputs): DesiredTaskDefinition {
  const port = svc.image.port;
  const hc = svc.healthcheck;
  const command = hc?.command ?? (hc?.path ? healthCheckCommand(hc.path, port) : undefined);
  const container: ContainerDefinition = {
    name: svc.names.container,
    image: inputs.image,
    essential: true,
    portMappings: [{ containerPort: port, hostPort: port, protocol: 'tcp' }],
    environment: containerEnvironment(svc),
    logConfiguration: {
      logDriver: 'awslogs',
      options: { 'awslogs-group': svc.names.logGroup, 'awslogs-region': inputs.region, 'awslogs-stream-prefix': 'ecs' },
    },
    // an init process (PID 1) forwards SIGTERM to the app so it can drain when ECS stops the task
    linuxParameters: { initProcessEnabled: true },
  };
  if (inputs.secrets?.length) container.secrets = inputs.secrets;
  if (hc && command) {
    container.healthCheck = { command, interval: hc.interval, timeout: hc.timeout, retries: hc.retries, startPeriod: hc.startPeriod };
  }
  return {
    doc: {
      family: svc.names.family,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: String(svc.cpu),
      memory: String(svc.memory),
      runtimePlatform: { ...RUNTIME_PLATFORM[svc.platform] },
      executionRoleArn: inputs.executionRoleArn,
      ...(inputs.taskRoleArn ? { taskRoleArn: inputs.taskRoleArn } : {}),
      containerDefinitions: [container],
    },
    tags: tagsFor(svc),
  };
}

const AWS_ADDED = ['taskDefinitionArn', 'revision', 'status', 'registeredAt', 'registeredBy', 'deregisteredAt', 'requiresAttributes', 'compatibilities', 'tags'];
const TASK_DEFAULTS: Record<string, unknown> = { enableFaultInjection: false, ipcMode: undefined, pidMode: undefined };
const CONTAINER_DEFAULTS: Record<string, unknown> = {
  cpu: 0,
  essential: true,
  privileged: false,
  readonlyRootFilesystem: false,
  interactive: false,
  pseudoTerminal: false,
  disableNetworking: false,
  versionConsistency: 'enabled',
};
const HEALTH_DEFAULTS = { interval: 30, timeout: 5, retries: 3, startPeriod: 0 };

/**
 * A task definition reduced to what was asked for: fields AWS adds on registration go, defaults
 * ECS fills in go, lists that are sets are sorted, empty values go. Two definitions that register
 * the same thing normalize to the same JSON.
 */
export function normalizeTaskDefinition(td: TaskDefinition | TaskDefinitionDoc): unknown {
  const out: Record<string, unknown> = { ...(td as Record<string, unknown>) };
  for (const k of AWS_ADDED) delete out[k];
  dropDefaults(out, TASK_DEFAULTS);
  if (out.cpu !== undefined) out.cpu = String(out.cpu);
  if (out.memory !== undefined) out.memory = String(out.memory);
  if (Array.isArray(out.requiresCompatibilities)) out.requiresCompatibilities = [...out.requiresCompatibilities].sort();
  out.containerDefinitions = ((td.containerDefinitions ?? []) as ContainerDefinition[])
    .map(normalizeContainer)
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));
  return sortKeys(dropEmpty(out));
}

function normalizeContainer(c: ContainerDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = { ...c };
  dropDefaults(out, CONTAINER_DEFAULTS);
  out.portMappings = (c.portMappings ?? [])
    .map((p) => ({ ...p, hostPort: p.hostPort ?? p.containerPort, protocol: p.protocol ?? 'tcp' }))
    .sort((a, b) => (a.containerPort ?? 0) - (b.containerPort ?? 0));
  out.environment = [...(c.environment ?? [])].sort((a, b) => String(a.name).localeCompare(String(b.name)));
  out.secrets = [...(c.secrets ?? [])].sort((a, b) => String(a.name).localeCompare(String(b.name)));
  if (c.healthCheck) {
    const hc: Record<string, unknown> = { ...HEALTH_DEFAULTS, ...dropUndefined(c.healthCheck) };
    if (hc.startPeriod === 0) delete hc.startPeriod;
    out.healthCheck = hc;
  }
  return out;
}

function dropDefaults(o: Record<string, unknown>, defaults: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(defaults)) if (o[k] === v) delete o[k];
}

function dropUndefined(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export function planTaskDefinition(live: LiveTaskDefinition | undefined, desired: DesiredTaskDefinition): TaskDefinitionPlan {
  const name = desired.doc.family ?? '';
  if (!live) return makePlan<LiveTaskDefinition, DesiredTaskDefinition>('task definition', name, undefined, desired, []);
  const a = normalizeTaskDefinition(live.doc);
  const b = normalizeTaskDefinition(desired.doc);
  const changes = stableJson(a) === stableJson(b) ? [] : diffValues(a, b);
  return makePlan('task definition', `${name}:${live.revision}`, live, desired, changes);
}

/**
 * "Unchanged" is judged first against the revision the service runs: after a circuit-breaker
 * rollback the family's latest ACTIVE revision is the failed one (DescribeTaskDefinition by family
 * returns the latest ACTIVE), and planning against it would register a copy of the running one and
 * roll the tasks (kayac/ecspresso#218 made the same change). Otherwise the latest is the base.
 */
export async function planAgainstRunning(
  aws: Aws,
  svc: ResolvedService,
  runningArn: string | undefined,
  desired: (live: LiveTaskDefinition | undefined) => DesiredTaskDefinition,
): Promise<{ plan: TaskDefinitionPlan; running?: LiveTaskDefinition }> {
  let running: LiveTaskDefinition | undefined;
  if (runningArn && familyOf(runningArn) === svc.names.family) {
    running = await findTaskDefinition(aws, svc, runningArn);
    const plan = planTaskDefinition(running, desired(running));
    if (plan.action === 'unchanged') return { plan, running };
  }
  const latest = await findTaskDefinition(aws, svc);
  return { plan: planTaskDefinition(latest, desired(latest)), ...(running ? { running } : {}) };
}

/** Registers a new revision when the plan says so; returns the ARN the service should run. */
export async function applyTaskDefinition(aws: Aws, plan: TaskDefinitionPlan): Promise<string> {
  if (plan.action === 'unchanged') return plan.live!.arn;
  const out = await aws.ecs.send(new RegisterTaskDefinitionCommand({ ...plan.desired.doc, tags: toLowerKeyValue(plan.desired.tags) }));
  return out.taskDefinition?.taskDefinitionArn ?? '';
}

/** Deregisters the ACTIVE revisions, then deletes every revision (DeleteTaskDefinitions takes 10 at a time). */
export async function deleteTaskDefinitions(aws: Aws, item: Found): Promise<Result> {
  // A revision that no longer describes (or is already being deleted) is gone: asking
  // DeleteTaskDefinitions for it again would only come back as a failure.
  const revisions: string[] = [];
  for (const arn of item.revisions ?? []) {
    try {
      const out = await aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
      const status = out.taskDefinition?.status;
      if (!status || status === 'DELETE_IN_PROGRESS') continue;
      if (status === 'ACTIVE') await aws.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
      revisions.push(arn);
    } catch (err) {
      if (!isAwsError(err, 'ClientException', 'InvalidParameterException')) throw err;
    }
  }
  if (!revisions.length) return alreadyGone(item);
  const failures: string[] = [];
  for (let i = 0; i < revisions.length; i += 10) {
    const out = await aws.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: revisions.slice(i, i + 10) }));
    for (const f of out.failures ?? []) failures.push(`${f.arn?.split('/').pop()}: ${f.reason}${f.detail ? ` (${f.detail})` : ''}`);
  }
  if (failures.length) return { item, outcome: 'failed', note: `could not delete ${failures.join('; ')}` };
  return { item, outcome: 'deleted', note: `deregistered and deleted ${revisions.length} revision(s)` };
}

/** `arn:aws:ecs:us-east-1:123:task-definition/web-test:3` → `web-test` */
export function familyOf(arn: string): string {
  return arn.split('/').pop()?.replace(/:\d+$/, '') ?? '';
}
