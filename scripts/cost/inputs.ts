import { join } from 'node:path';
import type { Aws } from '../lib/aws.ts';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { ToolError, UserError, isAwsError, message } from '../lib/errors.ts';
import { effectiveParameter, loadTemplate } from '../lambda/template.ts';
import type { ResolvedLambda, ResolvedService } from '../manifest/types.ts';
import { lambdaStatus } from '../status/gather.ts';
import { taskCapacity } from './capacity.ts';
import { functionTraffic, type Traffic } from './metrics.ts';
import type { FunctionShape, Load, Mode, ServiceShape } from './model.ts';
import type { CostOptions } from './options.ts';

const root = join(import.meta.dirname, '../..');

/** The default duration when the function has no traffic to measure and none is given. */
export const DEFAULT_DURATION_MS = 100;

export interface Described<T> {
  value: T;
  /** one line for the report: where the figures came from */
  about: string;
}

/**
 * The function's memory and architecture: MEMORY_MB/ARCH, else the deployed function's own
 * configuration when one is measured, else what manifests/lambda.yml (or template.yaml) deploys.
 */
export async function functionShape(opts: CostOptions, lambda: ResolvedLambda | undefined, live?: Described<FunctionShape>): Promise<Described<FunctionShape>> {
  const template = await loadTemplate(join(root, 'template.yaml'));
  const params = lambda?.parameters ?? {};
  const archParam = effectiveParameter(template, params, 'Architecture') ?? 'x86_64';
  const planned: FunctionShape = { memoryMb: Number(effectiveParameter(template, params, 'MemorySize') ?? 128), arch: archParam === 'arm64' ? 'arm' : 'x86' };
  const base = live?.value ?? planned;
  const memoryMb = opts.memoryMb ?? base.memoryMb;
  const arch = opts.arch ?? base.arch;
  const from = opts.memoryMb !== undefined || opts.arch ? 'MEMORY_MB/ARCH' : live ? live.about : lambda ? lambda.file.replace(`${root}/`, '') : 'template.yaml defaults';
  return { value: { memoryMb, arch }, about: `${memoryMb} MB ${arch === 'arm' ? 'Arm' : 'x86'} (${from})` };
}

/** The deployed function's memory and architecture (lambda:GetFunctionConfiguration); a typo in FUNCTION is bad input. */
export async function deployedFunction(aws: Aws, functionName: string): Promise<Described<FunctionShape>> {
  try {
    const c = await aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    return { value: { memoryMb: c.MemorySize ?? 128, arch: c.Architectures?.[0] === 'arm64' ? 'arm' : 'x86' }, about: `the deployed function's configuration` };
  } catch (err) {
    if (isAwsError(err, 'ResourceNotFoundException')) {
      throw new UserError(message(`function ${functionName}`, `it does not exist in ${aws.region}`, 'check FUNCTION (aws lambda list-functions lists them) or AWS_REGION'));
    }
    throw new ToolError(message(`Lambda GetFunctionConfiguration for ${functionName}`, (err as Error).message, 'check the credentials may call lambda:GetFunctionConfiguration, or give MEMORY_MB and ARCH'), { cause: err });
  }
}

/**
 * The manifest's Fargate shape. The load-balanced mode and scaling come from the manifest's
 * `loadBalancer` and `scaling` blocks when it has them; without them it is today's public-IP
 * service with `count` tasks.
 */
export function serviceShape(svc: ResolvedService, opts: CostOptions): Described<ServiceShape> {
  const extra = svc as ResolvedService & { loadBalancer?: unknown; scaling?: { min?: number; max?: number } };
  const mode: Mode = extra.loadBalancer ? 'load-balanced' : 'public-ip';
  const minTasks = extra.scaling?.min ?? svc.count;
  const maxTasks = extra.scaling?.max;
  const capacity = taskCapacity(svc.cpu, opts.rpsPerTask, join(root, 'bench/REPORT.md'));
  if (!capacity) {
    throw new UserError(message('per-task capacity', 'bench/REPORT.md has no requests/s figure for the image under Docker', 'run make bench, or give it: RPS_PER_TASK=<requests/s one task carries>'));
  }
  const arch = svc.platform === 'linux/arm64' ? 'arm' : 'x86';
  const tasks = maxTasks !== undefined ? `${minTasks}–${maxTasks} tasks (scaling)` : `count ${minTasks}`;
  return {
    value: { cpu: svc.cpu, memory: svc.memory, arch, minTasks, ...(maxTasks !== undefined ? { maxTasks } : {}), mode, taskPublicIp: svc.network.publicIp, rpsPerTask: capacity.rpsPerTask },
    about: `${svc.name} (${svc.environment}): ${svc.cpu / 1024} vCPU / ${svc.memory / 1024} GB ${arch === 'arm' ? 'Arm' : 'x86'}, ${tasks}, ${mode === 'public-ip' ? 'public IP' : 'load-balanced'}; one task carries ${Math.round(capacity.rpsPerTask).toLocaleString('en-US')} req/s (${capacity.source})`,
  };
}

/** The load given by hand. */
export function handLoad(opts: CostOptions & { rps: number }): Described<Load> {
  const durationMs = opts.durationMs ?? DEFAULT_DURATION_MS;
  const peakRps = opts.peakRps ?? opts.rps;
  return {
    value: { rps: opts.rps, peakRps, durationMs },
    about: `given by hand: RPS=${opts.rps}${opts.peakRps !== undefined ? ` PEAK_RPS=${opts.peakRps}` : ' (peak = average)'}${opts.durationMs !== undefined ? ` DURATION_MS=${opts.durationMs}` : ` (duration ${DEFAULT_DURATION_MS} ms: DURATION_MS=… to change)`}`,
  };
}

/** The function to read metrics for: FUNCTION, else the one the Lambda manifest's stack deployed. */
export async function findFunction(opts: CostOptions, lambda: ResolvedLambda | undefined, stackAws: Aws | undefined): Promise<string> {
  if (opts.functionName) return opts.functionName;
  const stack = lambda && stackAws ? await lambdaStatus(stackAws, lambda) : null;
  if (stack?.functionName) return stack.functionName;
  const where = lambda ? `no Lambda stack ${lambda.stackName}${stackAws ? ` in ${stackAws.region}` : ''}` : 'no Lambda manifest';
  throw new UserError(message('make cost', `nothing to measure: ${where}`, 'name a deployed function (FUNCTION=my-function) or give the load by hand (RPS=5 DURATION_MS=100)'));
}

/** The load measured from the function's CloudWatch metrics; the options override single figures. */
export async function measuredLoad(aws: Aws, functionName: string, opts: CostOptions): Promise<Described<Load> & { traffic: Traffic }> {
  const t = await functionTraffic(aws.cloudwatch, functionName, opts.days);
  const durationMs = opts.durationMs ?? t.durationMs ?? DEFAULT_DURATION_MS;
  const peakRps = opts.peakRps ?? t.peakRps;
  const window = `${t.start.toISOString().slice(0, 10)} → ${t.end.toISOString().slice(0, 10)}`;
  const about = t.requests
    ? `CloudWatch, function ${functionName}, ${window} (${opts.days} days, ${Math.round(t.requests).toLocaleString('en-US')} invocations, p99 ${Math.round(t.p99DurationMs ?? 0)} ms)`
    : `CloudWatch, function ${functionName}, ${window}: no invocations in ${opts.days} days — priced at 0 req/s with a ${durationMs} ms duration${opts.durationMs === undefined ? ' (DURATION_MS=… to change)' : ''}`;
  return {
    value: { rps: t.rps, peakRps: Math.max(peakRps, t.rps), durationMs, ...(t.concurrency !== undefined ? { concurrency: t.concurrency } : {}) },
    about,
    traffic: t,
  };
}
