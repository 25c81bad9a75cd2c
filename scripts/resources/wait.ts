import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import type { Deployment, Service } from '@aws-sdk/client-ecs';
import type { Aws } from '../lib/aws.ts';
import { ToolError, message } from '../lib/errors.ts';
import type { ResolvedService } from '../manifest/types.ts';
import { sleep } from './retry.ts';
import { SECRET_STOP, explainSecretFailure } from './secret-failure.ts';
import { describeStoppedTasks } from './tasks.ts';

export interface WaitOptions {
  taskDefinitionArn: string;
  /** events older than this are history, not news */
  since: Date;
  timeoutSeconds: number;
  pollMs?: number;
  log: (line: string) => void;
  /** the execution role's secrets policy was not changed by this deploy: a secret it refuses is refused for good */
  secretsAccessSettled?: boolean;
  /** a description read moments ago (an unchanged service's, from step 8): the first poll uses it */
  current?: Service;
}

export interface WaitResult {
  deployment: Deployment;
  seconds: number;
  polls: number;
}

/** A positive number from the environment, so tests against the fake AWS need not wait real-world durations. */
export function envNumber(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

export function pollInterval(): number {
  return envNumber('L2F_POLL_MS', 3000);
}

/** Bounded polling, for the deletes. */
export interface WaitLimits {
  intervalMs: number;
  timeoutMs: number;
}

/** How long deleteService waits for the service to go INACTIVE and for its tasks to stop. */
export function serviceLimits(): WaitLimits {
  return { intervalMs: envNumber('L2F_POLL_MS', 5_000), timeoutMs: envNumber('L2F_SERVICE_TIMEOUT_MS', 10 * 60_000) };
}

/** How long deleteSecurityGroup retries a group whose task ENIs have not been released yet. */
export function eniLimits(): WaitLimits {
  return { intervalMs: envNumber('L2F_POLL_MS', 5_000), timeoutMs: envNumber('L2F_ENI_TIMEOUT_MS', 15 * 60_000) };
}

/**
 * Calls `attempt` until it returns a value other than undefined or the time runs out (then returns
 * undefined). `waitedMs` is the time spent sleeping between attempts.
 */
export async function poll<T>(limits: WaitLimits, attempt: () => Promise<T | undefined>): Promise<{ value: T | undefined; waitedMs: number }> {
  const started = Date.now();
  let waitedMs = 0;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return { value, waitedMs };
    if (Date.now() - started + limits.intervalMs > limits.timeoutMs) return { value: undefined, waitedMs };
    await sleep(limits.intervalMs);
    waitedMs += limits.intervalMs;
  }
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** The rollout's verdict from one DescribeServices answer. */
export type Verdict = { state: 'done' | 'pending'; deployment?: Deployment } | { state: 'failed'; reason: string; deployment?: Deployment };

export function judge(service: Service, taskDefinitionArn: string): Verdict {
  const deployments = service.deployments ?? [];
  const ours = deployments.find((d) => d.taskDefinition === taskDefinitionArn && d.status === 'PRIMARY') ?? deployments.find((d) => d.taskDefinition === taskDefinitionArn);
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  if (!ours) {
    if (primary) return { state: 'failed', reason: `ECS rolled back to ${shortTd(primary.taskDefinition)}`, deployment: primary };
    return { state: 'pending' };
  }
  if (ours.rolloutState === 'FAILED') {
    const back = primary && primary !== ours ? `; ECS rolled back to ${shortTd(primary.taskDefinition)}` : '';
    return { state: 'failed', reason: `${ours.rolloutStateReason ?? 'the rollout FAILED'}${back}`, deployment: ours };
  }
  if (ours.status !== 'PRIMARY') return { state: 'failed', reason: `ECS rolled back to ${shortTd(primary?.taskDefinition)}`, deployment: ours };
  // a scale-out keeps the COMPLETED deployment: done once its tasks run too
  const steady = (ours.runningCount ?? 0) === (ours.desiredCount ?? 0) && !ours.pendingCount;
  if (ours.rolloutState === 'COMPLETED' && steady) return { state: 'done', deployment: ours };
  // no rolloutState (an old API or a stand-in): steady when it is the only deployment and all tasks run
  if (!ours.rolloutState && deployments.length === 1 && steady) return { state: 'done', deployment: ours };
  return { state: 'pending', deployment: ours };
}

/**
 * A new execution role: CreateService succeeds, then ECS records "… failed to launch a task with
 * (error ECS was unable to assume the role …)" and tries again about 30 s later, and a task can stop
 * with `ResourceInitializationError … AccessDeniedException` while the policy attachment propagates
 * (pulumi/pulumi-awsx#927). The wait tolerates these for this long, then stops saying why.
 */
export const ROLE_EVENT = /unable to assume the role/i;
export const ROLE_STOP = /ResourceInitializationError.*AccessDenied/is;

export function roleGraceMs(): number {
  return envNumber('L2F_ROLE_GRACE_MS', 180_000);
}

export async function waitForRollout(aws: Aws, svc: ResolvedService, opts: WaitOptions): Promise<WaitResult> {
  const started = performance.now();
  const deadline = started + opts.timeoutSeconds * 1000;
  const elapsed = () => `+${((performance.now() - started) / 1000).toFixed(1)}s`;
  const seen = new Set<string>();
  // an unchanged service's events so far are history, whatever the clocks say
  for (const e of opts.current?.events ?? []) if (e.id) seen.add(e.id);
  let lastProgress = '';
  let lastFailed = 0;
  let roleTroubleSince: number | undefined;
  const grace = roleGraceMs();
  const pollMs = opts.pollMs ?? pollInterval();
  let current = opts.current;
  for (let polls = 1; ; polls++) {
    const service = current ?? (await aws.ecs.send(new DescribeServicesCommand({ cluster: svc.names.cluster, services: [svc.names.service] }))).services?.[0];
    current = undefined;
    if (!service) throw new ToolError(message('step 9 (wait)', `the service ${svc.names.service} disappeared`, 'deploy again'));
    const verdict = judge(service, opts.taskDefinitionArn);
    const d = verdict.deployment;
    // news: from the deployment's own createdAt (AWS's clock), else from when the step began
    const since = (d?.taskDefinition === opts.taskDefinitionArn ? d.createdAt : undefined)?.getTime() ?? opts.since.getTime() - 1000;
    const news = (service.events ?? []).filter((e) => e.id && !seen.has(e.id) && (e.createdAt?.getTime() ?? 0) >= since).reverse();
    let roleTrouble = false;
    for (const e of news) {
      seen.add(e.id!);
      opts.log(`    [${elapsed()}] event: ${e.message}`);
      if (ROLE_EVENT.test(e.message ?? '')) roleTrouble = true;
    }
    if (d) {
      const progress = `${d.rolloutState ?? d.status}: running ${d.runningCount ?? 0}/${d.desiredCount ?? 0}, pending ${d.pendingCount ?? 0}${d.failedTasks ? `, failed ${d.failedTasks}` : ''}`;
      if (progress !== lastProgress) opts.log(`    [${elapsed()}] ${shortTd(d.taskDefinition)} ${progress}`);
      lastProgress = progress;
      if ((d.failedTasks ?? 0) > lastFailed && verdict.state === 'pending') {
        lastFailed = d.failedTasks ?? 0;
        const stops = await describeStoppedTasks(aws, svc, opts.taskDefinitionArn, 1).catch(() => []);
        // a secret refused under a policy this deploy did not change is no propagation delay
        if (stops.some((l) => ROLE_STOP.test(l) && !(opts.secretsAccessSettled && SECRET_STOP.test(l)))) roleTrouble = true;
      }
    }
    if (roleTrouble) {
      roleTroubleSince ??= performance.now();
      const left = Math.max(0, grace - (performance.now() - roleTroubleSince)) / 1000;
      opts.log(`    [${elapsed()}] waiting for ECS to be able to use the new execution role (IAM is eventually consistent; ECS retries by itself) — up to ${left.toFixed(0)}s more`);
      if (performance.now() - roleTroubleSince > grace) {
        throw await failure(
          aws,
          svc,
          opts.taskDefinitionArn,
          `ECS still could not use the execution role after ${(grace / 1000).toFixed(0)}s`,
          `check that the role ${svc.names.executionRole} trusts ecs-tasks.amazonaws.com and has AmazonECSTaskExecutionRolePolicy, then deploy again`,
        );
      }
    }
    if (verdict.state === 'done') return { deployment: verdict.deployment!, seconds: (performance.now() - started) / 1000, polls };
    if (verdict.state === 'failed') {
      const role = roleTroubleSince !== undefined ? ' (while ECS could not use the new execution role yet: deploy again in a minute)' : '';
      throw await failure(aws, svc, opts.taskDefinitionArn, `the deployment of ${shortTd(opts.taskDefinitionArn)} failed: ${verdict.reason}${role}`);
    }
    if (performance.now() + pollMs > deadline) {
      throw await failure(
        aws,
        svc,
        opts.taskDefinitionArn,
        `the rollout of ${shortTd(opts.taskDefinitionArn)} did not complete within ${opts.timeoutSeconds}s (deployment.timeout)`,
        `the deployment goes on in ECS and may still complete, or roll back when the circuit breaker trips; \`make status\` shows where it is. ` +
          `To stop it, deploy the previous manifest again, or scale it to zero: aws ecs update-service --cluster ${svc.names.cluster} --service ${svc.names.service} --desired-count 0`,
      );
    }
    // quick first looks (a no-op or a fast rollout ends early), then the steady interval
    await sleep(Math.min(pollMs, 500 * 2 ** (polls - 1)));
  }
}

const FIX = 'fix the image, its port or its health check and deploy again; `make logs` and `make status` show more';

async function failure(aws: Aws, svc: ResolvedService, taskDefinitionArn: string, why: string, fix = FIX): Promise<ToolError> {
  const details = await describeStoppedTasks(aws, svc, taskDefinitionArn).catch((err: Error) => [`(could not read the stopped tasks: ${err.name})`]);
  const body = details.length > 0 ? `\n  stopped tasks:\n${details.map((l) => `    ${l}`).join('\n')}\n` : ' (no stopped tasks found) ';
  const secrets = secretLines(details, svc);
  if (secrets.length) {
    const list = `\n  secrets the tasks could not read:\n${secrets.map((l) => `    ${l}`).join('\n')}\n`;
    return new ToolError(message(`step 9 (wait)`, `${why}${body}${list}`, 'fix what each secret line says and deploy again (secrets are read only when a task starts)'));
  }
  return new ToolError(message(`step 9 (wait)`, `${why}${body}`, fix));
}

/** The secrets named by the stopped tasks' reasons (`task <id>: <reason> — <exits>`), each once. */
function secretLines(details: string[], svc: ResolvedService): string[] {
  const reasons = details.map((l) => /^task \S+: (.*?)(?: — .*)?$/.exec(l)?.[1]).filter((r): r is string => !!r);
  return [...new Set(reasons.flatMap((r) => explainSecretFailure(r, svc).map((f) => f.line)))];
}

export function shortTd(arn: string | undefined): string {
  return arn?.split('/').pop() ?? '?';
}
