import autocannon from 'autocannon';
import { ToolError, message } from '../lib/errors.ts';

export interface LoadOptions {
  url: string;
  /** seconds */
  duration: number;
  connections: number;
  /** requests per second over all connections (autocannon's overallRate); unset: as fast as answered */
  rate?: number;
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  /** milliseconds */
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** One run's raw figures, so runs against the same server can be added up. */
export interface RawLoad {
  requests: number;
  seconds: number;
  errors: number;
  non2xx: number;
  /** milliseconds of every 2xx response */
  times: number[];
}

/**
 * One bounded autocannon run: a fixed duration and number of connections, then it stops.
 * autocannon's own latency histogram holds whole milliseconds, which reads 0 ms on loopback, so
 * percentiles come from each response's own (sub-millisecond) time instead.
 */
export async function rawLoadRun(o: LoadOptions): Promise<RawLoad> {
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url: o.url, duration: o.duration, connections: o.connections, pipelining: 1, ...(o.rate ? { overallRate: o.rate } : {}) }, (err, r) => (err ? reject(err) : resolve(r)));
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
    });
  });
  if (result.requests.total === 0 || times.length === 0) {
    throw new ToolError(message(`load run against ${o.url}`, `no request was answered (${result.errors} errors)`, 'check the server started; rerun with DEBUG=1'));
  }
  return { requests: result.requests.total, seconds: result.duration, errors: result.errors, non2xx: result.non2xx, times };
}

export async function loadRun(o: LoadOptions): Promise<LoadResult> {
  return summarize([await rawLoadRun(o)]);
}

type Counted = Pick<RawLoad, 'requests' | 'seconds'>;

/** Requests over the total time of runs against one server. */
export const rateOf = (runs: Counted[]) => runs.reduce((n, r) => n + r.requests, 0) / runs.reduce((n, r) => n + r.seconds, 0);

/** One server's rate ÷ another's, over all turns and turn by turn (the same turns, in order). */
export function ratioOf(a: Counted[], b: Counted[]): { overall: number; turns: number[] } {
  return { overall: rateOf(a) / rateOf(b), turns: a.map((r, i) => rateOf([r]) / rateOf([b[i]!])) };
}

/** Adds up runs against one server: requests over the total time, percentiles over every response. */
export function summarize(runs: RawLoad[]): LoadResult {
  const requests = runs.reduce((n, r) => n + r.requests, 0);
  const sorted = Float64Array.from(runs.flatMap((r) => r.times)).sort();
  return {
    requests,
    requestsPerSecond: rateOf(runs),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
  };
}

/**
 * Splits a duration into whole-second rounds of at least 2 s, at most five (10 → 2 + 2 + 2 + 2 + 2).
 * Single 2 s turns on a shared host swing from 0.84× to 1.74× of each other: more, shorter turns
 * average that out. Taking turns round by round, the servers share whatever else the machine is
 * doing, so their ratios stay comparable.
 */
export function rounds(duration: number, max = 5): number[] {
  const n = Math.max(1, Math.min(max, Math.floor(duration / 2)));
  return Array.from({ length: n }, (_, i) => Math.floor(duration / n) + (i < duration % n ? 1 : 0));
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}
