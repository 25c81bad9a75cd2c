import { FREE_TIER, HOURS_PER_MONTH, SECONDS_PER_MONTH, type Arch, type PriceTable, type Tier } from './prices.ts';

/**
 * The arithmetic: a month of the load on each option, broken into the parts AWS bills separately.
 * Every rule here comes from the pricing pages cited in bundled.ts; the assumptions that are ours
 * (log bytes, connections per request) are named constants below.
 */
export interface Load {
  /** average requests per second over the measured window */
  rps: number;
  /** the busiest minute's requests per second (what the task count must carry) */
  peakRps: number;
  /** average invocation duration */
  durationMs: number;
  /** the most concurrent executions seen (CloudWatch ConcurrentExecutions Maximum), if measured */
  concurrency?: number;
}

export interface FunctionShape {
  memoryMb: number;
  arch: Arch;
}

export type Mode = 'public-ip' | 'load-balanced';

export interface ServiceShape {
  /** CPU units (1024 = 1 vCPU) and memory in MiB, as in the task definition */
  cpu: number;
  memory: number;
  arch: Arch;
  /** count, or scaling.min */
  minTasks: number;
  /** scaling.max, when the manifest scales */
  maxTasks?: number;
  mode: Mode;
  /** whether each task has a public IPv4 address (always in public-IP mode) */
  taskPublicIp: boolean;
  /** requests per second one task carries */
  rpsPerTask: number;
}

export interface Parts {
  requests: number;
  compute: number;
  ipv4: number;
  alb: number;
  logs: number;
}

export type OptionId = 'lambda' | 'lambda-provisioned' | 'fargate' | 'fargate-other' | 'fargate-spot';

export interface CostLine {
  id: OptionId;
  label: string;
  parts: Parts;
  total: number;
  /** what was counted: tasks, concurrency, GB-seconds */
  detail: string;
  warning?: string;
}

/**
 * Bytes of CloudWatch Logs per request. Lambda writes START, END and REPORT lines per invocation
 * (the handler itself logs nothing); the container server writes one JSON line per request
 * (container/http.ts). Measured from lines of the exact shape, with a 36-character request id.
 */
const ID = '00000000-0000-0000-0000-000000000000';
export const LAMBDA_LOG_BYTES = Buffer.byteLength(
  `START RequestId: ${ID} Version: $LATEST\n` +
    `END RequestId: ${ID}\n` +
    `REPORT RequestId: ${ID}\tDuration: 102.35 ms\tBilled Duration: 103 ms\tMemory Size: 512 MB\tMax Memory Used: 78 MB\t\n`,
);
export const FARGATE_LOG_BYTES = Buffer.byteLength(
  `${JSON.stringify({ time: '2026-12-01T12:00:00.000Z', level: 'info', requestId: ID, method: 'GET', path: '/', status: 200, durationMs: 1.23 })}\n`,
);
const GB = 1024 ** 3;

/**
 * ALB capacity units: one LCU is 25 new connections/s, 3,000 active connections/minute, 1 GB
 * processed per hour (IP targets) or 1,000 rule evaluations/s — the largest dimension is billed
 * (https://aws.amazon.com/elasticloadbalancing/pricing/). Our assumption, an upper bound: every
 * request opens a new connection (no keep-alive) and moves 1 KB; the default rule costs nothing.
 */
export const ALB_BYTES_PER_REQUEST = 1000;
export function lcus(rps: number): number {
  return Math.max(rps / 25, (rps * 3600 * ALB_BYTES_PER_REQUEST) / GB);
}

/** An ALB lives in at least two Availability Zones, each with its own public IPv4 address. */
export const ALB_IPV4_ADDRESSES = 2;

/** Cost of `quantity` units on a tiered rate (each band at its own price). */
export function tiered(quantity: number, tiers: Tier[]): number {
  let cost = 0;
  let from = 0;
  for (const t of tiers) {
    if (quantity <= from) break;
    cost += (Math.min(quantity, t.upTo) - from) * t.price;
    from = t.upTo;
  }
  return cost;
}

const sum = (p: Parts) => p.requests + p.compute + p.ipv4 + p.alb + p.logs;
const line = (id: OptionId, label: string, parts: Parts, detail: string, warning?: string): CostLine => ({ id, label, parts, total: sum(parts), detail, ...(warning ? { warning } : {}) });
const logsCost = (requests: number, bytes: number, prices: PriceTable, freeTier: boolean) =>
  Math.max(0, (requests * bytes) / GB - (freeTier ? FREE_TIER.logsGb : 0)) * prices.logsGb;

export function monthlyRequests(rps: number): number {
  return rps * SECONDS_PER_MONTH;
}

/** GB-seconds a month: Lambda bills each invocation rounded up to the millisecond. */
export function gbSeconds(load: Load, fn: FunctionShape): number {
  return monthlyRequests(load.rps) * (Math.ceil(load.durationMs) / 1000) * (fn.memoryMb / 1024);
}

export function lambdaOnDemand(load: Load, fn: FunctionShape, prices: PriceTable, freeTier: boolean): CostLine {
  const requests = monthlyRequests(load.rps);
  const gbs = gbSeconds(load, fn);
  const billedRequests = Math.max(0, requests - (freeTier ? FREE_TIER.lambdaRequests : 0));
  const billedGbs = Math.max(0, gbs - (freeTier ? FREE_TIER.lambdaGbSeconds : 0));
  return line(
    'lambda',
    'Lambda on demand',
    {
      requests: billedRequests * prices.lambda.request[fn.arch],
      compute: tiered(billedGbs, prices.lambda.gbSecond[fn.arch]),
      ipv4: 0,
      alb: 0,
      logs: logsCost(requests, LAMBDA_LOG_BYTES, prices, freeTier),
    },
    `${fmtCount(requests)} requests, ${fmtCount(gbs)} GB-s at ${fn.memoryMb} MB ${fn.arch === 'arm' ? 'Arm' : 'x86'}`,
  );
}

/** Environments kept warm to serve the peak without a cold start (Little's law when not measured). */
export function provisionedConcurrency(load: Load): number {
  const needed = load.concurrency ?? load.peakRps * (load.durationMs / 1000);
  return Math.max(1, Math.ceil(needed));
}

/**
 * Provisioned concurrency: the configured GB-seconds around the clock, plus each invocation's
 * duration at the provisioned-duration rate, plus requests. No free tier applies.
 */
export function lambdaProvisioned(load: Load, fn: FunctionShape, prices: PriceTable, freeTier: boolean): CostLine {
  const requests = monthlyRequests(load.rps);
  const pc = provisionedConcurrency(load);
  const warm = pc * (fn.memoryMb / 1024) * SECONDS_PER_MONTH * prices.lambda.provisioned[fn.arch];
  const used = gbSeconds(load, fn) * prices.lambda.provisionedGbSecond[fn.arch];
  return line(
    'lambda-provisioned',
    'Lambda, provisioned concurrency',
    { requests: requests * prices.lambda.request[fn.arch], compute: warm + used, ipv4: 0, alb: 0, logs: logsCost(requests, LAMBDA_LOG_BYTES, prices, freeTier) },
    `${pc} environment${pc === 1 ? '' : 's'} kept warm (${load.concurrency !== undefined ? 'the measured peak concurrency' : 'peak rate × duration'})`,
  );
}

export function tasksFor(load: Load, svc: ServiceShape): number {
  return Math.max(svc.minTasks, Math.ceil(load.peakRps / svc.rpsPerTask));
}

export const modeLabel = (mode: Mode) => (mode === 'public-ip' ? 'public IP' : 'behind an ALB');

/** Fargate in `mode`: tasks for the peak, never fewer than count/min; on Spot when `spot`. */
export function fargate(load: Load, svc: ServiceShape, mode: Mode, prices: PriceTable, freeTier: boolean, opts: { id: OptionId; spot?: boolean }): CostLine {
  const tasks = tasksFor(load, svc);
  const vcpu = svc.cpu / 1024;
  const gb = svc.memory / 1024;
  const vcpuHour = opts.spot ? (prices.fargate.spotVcpuHour ?? NaN) : prices.fargate.vcpuHour[svc.arch];
  const gbHour = opts.spot ? (prices.fargate.spotGbHour ?? NaN) : prices.fargate.gbHour[svc.arch];
  const lb = mode === 'load-balanced';
  const taskIps = !lb || svc.taskPublicIp ? tasks : 0;
  const addresses = taskIps + (lb ? ALB_IPV4_ADDRESSES : 0);
  const parts: Parts = {
    requests: 0,
    compute: tasks * (vcpu * vcpuHour + gb * gbHour) * HOURS_PER_MONTH,
    ipv4: addresses * prices.ipv4Hour * HOURS_PER_MONTH,
    alb: lb ? (prices.alb.hour + lcus(load.rps) * prices.alb.lcuHour) * HOURS_PER_MONTH : 0,
    logs: logsCost(monthlyRequests(load.rps), FARGATE_LOG_BYTES, prices, freeTier),
  };
  const detail = `${tasks} task${tasks === 1 ? '' : 's'} × ${vcpu} vCPU / ${gb} GB ${svc.arch === 'arm' ? 'Arm' : 'x86'}, ${addresses} public IPv4`;
  const warning = svc.maxTasks !== undefined && tasks > svc.maxTasks ? `the peak needs ${tasks} tasks but scaling.max is ${svc.maxTasks}` : undefined;
  return line(opts.id, `Fargate${opts.spot ? ' Spot' : ''}, ${modeLabel(mode)}`, parts, detail, warning);
}

export interface Inputs {
  load: Load;
  fn: FunctionShape;
  svc: ServiceShape;
  prices: PriceTable;
  freeTier: boolean;
}

/** Every option, the manifest's mode first among the Fargate lines. */
export function compare({ load, fn, svc, prices, freeTier }: Inputs): CostLine[] {
  const other: Mode = svc.mode === 'public-ip' ? 'load-balanced' : 'public-ip';
  const lines = [
    lambdaOnDemand(load, fn, prices, freeTier),
    lambdaProvisioned(load, fn, prices, freeTier),
    fargate(load, svc, svc.mode, prices, freeTier, { id: 'fargate' }),
    fargate(load, svc, other, prices, freeTier, { id: 'fargate-other' }),
  ];
  if (svc.arch === 'x86' && prices.fargate.spotVcpuHour !== undefined && prices.fargate.spotGbHour !== undefined) {
    lines.push(fargate(load, svc, svc.mode, prices, freeTier, { id: 'fargate-spot', spot: true }));
  }
  return lines;
}

export function fmtCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return n.toFixed(n < 10 && n % 1 ? 2 : 0);
}
