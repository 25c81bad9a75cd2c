import { UserError, message } from '../lib/errors.ts';
import type { Arch } from './prices.ts';

/**
 * `make cost` options, from the environment the Makefile exports. Anything malformed is bad input
 * (exit 2) named by its variable, with an example of a good value.
 */
export interface CostOptions {
  days: number;
  functionName?: string;
  rps?: number;
  peakRps?: number;
  durationMs?: number;
  memoryMb?: number;
  arch?: Arch;
  rpsPerTask?: number;
  offline: boolean;
  json: boolean;
  freeTier: boolean;
  chart: string;
}

const truthy = (v: string | undefined) => v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';

function number(env: NodeJS.ProcessEnv, name: string, rule: { min?: number; max?: number; above?: number; integer?: boolean }, example: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw.replace(/_/g, ''));
  const range = [
    rule.above !== undefined ? `above ${rule.above}` : '',
    rule.min !== undefined ? `at least ${rule.min}` : '',
    rule.max !== undefined ? `at most ${rule.max}` : '',
  ].filter(Boolean).join(' and ');
  const bad =
    !Number.isFinite(n) ||
    (rule.integer && !Number.isInteger(n)) ||
    (rule.min !== undefined && n < rule.min) ||
    (rule.max !== undefined && n > rule.max) ||
    (rule.above !== undefined && n <= rule.above);
  if (bad) throw new UserError(message(`${name}=${raw}`, `it must be ${rule.integer ? 'a whole number' : 'a number'}${range ? ` ${range}` : ''}`, `for example ${name}=${example}`));
  return n;
}

export function costOptions(env: NodeJS.ProcessEnv = process.env): CostOptions {
  // CloudWatch keeps metrics for 455 days (GetMetricStatistics API reference).
  const days = number(env, 'DAYS', { min: 1, max: 455, integer: true }, '14') ?? 14;
  const rps = number(env, 'RPS', { min: 0 }, '5');
  const peakRps = number(env, 'PEAK_RPS', { above: 0 }, '20');
  // Lambda: timeout at most 900 s, memory 128–10,240 MB (Lambda developer guide, quotas).
  const durationMs = number(env, 'DURATION_MS', { above: 0, max: 900_000 }, '100');
  const memoryMb = number(env, 'MEMORY_MB', { min: 128, max: 10_240, integer: true }, '512');
  const rpsPerTask = number(env, 'RPS_PER_TASK', { above: 0 }, '500');
  const functionName = env.FUNCTION?.trim() || undefined;
  const archRaw = env.ARCH?.trim();
  if (archRaw && !['x86_64', 'arm64'].includes(archRaw)) throw new UserError(message(`ARCH=${archRaw}`, 'it must be x86_64 or arm64', 'for example ARCH=arm64'));
  const output = env.OUTPUT?.trim().toLowerCase() ?? '';
  if (output && !['json', 'text'].includes(output)) throw new UserError(message(`OUTPUT=${env.OUTPUT}`, 'it must be json or text', 'for example OUTPUT=json'));
  if (rps !== undefined && functionName) {
    throw new UserError(message(`FUNCTION=${functionName} and RPS=${env.RPS}`, 'FUNCTION reads the load from CloudWatch, RPS gives it by hand', 'pass one of them'));
  }
  if (rps !== undefined && peakRps !== undefined && peakRps < rps) {
    throw new UserError(message(`PEAK_RPS=${env.PEAK_RPS}`, `the busiest rate cannot be below the average RPS=${env.RPS}`, `set PEAK_RPS to ${env.RPS} or more, or leave it out`));
  }
  return {
    days,
    ...(functionName ? { functionName } : {}),
    ...(rps !== undefined ? { rps } : {}),
    ...(peakRps !== undefined ? { peakRps } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(memoryMb !== undefined ? { memoryMb } : {}),
    ...(archRaw ? { arch: archRaw === 'arm64' ? 'arm' : 'x86' } : {}),
    ...(rpsPerTask !== undefined ? { rpsPerTask } : {}),
    offline: truthy(env.OFFLINE),
    json: output === 'json',
    freeTier: truthy(env.FREE_TIER),
    chart: env.CHART?.trim() || 'cost.svg',
  };
}
