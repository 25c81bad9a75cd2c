import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import type { Deployment, Service } from '@aws-sdk/client-ecs';
import type { Aws } from '../lib/aws.ts';
import { ToolError, message } from '../lib/errors.ts';
import type { ResolvedService } from '../manifest/types.ts';
import { sleep } from './retry.ts';
import { describeStoppedTasks } from './tasks.ts';

export interface WaitOptions {
  taskDefinitionArn: string;
  /** events older than this are history, not news */
  since: Date;
  timeoutSeconds: number;
  pollMs?: number;
  log: (line: string) => void;
  /** a description read moments ago (an unchanged service's, from step 7): the first poll uses it */
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

export async function waitForRollout(aws: Aws, svc: ResolvedService, opts: WaitOptions): Promise<WaitResult> {
  const started = performance.now();
  const deadline = started + opts.timeoutSeconds * 1000;
  const elapsed = () => `+${((performance.now() - started) / 1000).toFixed(1)}s`;
  const seen = new Set<string>();
  let lastProgress = '';
  const pollMs = opts.pollMs ?? pollInterval();
  let current = opts.current;
  for (let polls = 1; ; polls++) {
    const service = current ?? (await aws.ecs.send(new DescribeServicesCommand({ cluster: svc.names.cluster, services: [svc.names.service] }))).services?.[0];
    current = undefined;
    if (!service) throw new ToolError(message('step 8 (wait)', `the service ${svc.names.service} disappeared`, 'deploy again'));
    const news = (service.events ?? [])
      .filter((e) => e.id && !seen.has(e.id) && (e.createdAt?.getTime() ?? 0) >= opts.since.getTime() - 1000)
      .reverse();
    for (const e of news) {
      seen.add(e.id!);
      opts.log(`    [${elapsed()}] event: ${e.message}`);
    }
    const verdict = judge(service, opts.taskDefinitionArn);
    const d = verdict.deployment;
    if (d) {
      const progress = `${d.rolloutState ?? d.status}: running ${d.runningCount ?? 0}/${d.desiredCount ?? 0}, pending ${d.pendingCount ?? 0}${d.failedTasks ? `, failed ${d.failedTasks}` : ''}`;
      if (progress !== lastProgress) opts.log(`    [${elapsed()}] ${shortTd(d.taskDefinition)} ${progress}`);
      lastProgress = progress;
    }
    if (verdict.state === 'done') return { deployment: verdict.deployment!, seconds: (performance.now() - started) / 1000, polls };
    if (verdict.state === 'failed') throw await failure(aws, svc, opts.taskDefinitionArn, `the deployment of ${shortTd(opts.taskDefinitionArn)} failed: ${verdict.reason}`);
    if (performance.now() + pollMs > deadline) {
      throw await failure(aws, svc, opts.taskDefinitionArn, `the rollout of ${shortTd(opts.taskDefinitionArn)} did not complete within ${opts.timeoutSeconds}s (deployment.timeout)`);
    }
    // quick first looks (a no-op or a fast rollout ends early), then the steady interval
    await sleep(Math.min(pollMs, 500 * 2 ** (polls - 1)));
  }
}

async function failure(aws: Aws, svc: ResolvedService, taskDefinitionArn: string, why: string): Promise<ToolError> {
  const details = await describeStoppedTasks(aws, svc, taskDefinitionArn).catch((err: Error) => [`(could not read the stopped tasks: ${err.name})`]);
  const body = details.length > 0 ? `\n  stopped tasks:\n${details.map((l) => `    ${l}`).join('\n')}\n` : ' (no stopped tasks found) ';
  return new ToolError(message(`step 8 (wait)`, `${why}${body}`, 'fix the image, its port or its health check and deploy again; `make logs` and `make status` show more'));
}

export function shortTd(arn: string | undefined): string {
  return arn?.split('/').pop() ?? '?';
}
