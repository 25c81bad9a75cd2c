import autocannon from 'autocannon';
import { ToolError, message } from '../lib/errors.ts';

export interface LoadOptions {
  url: string;
  /** seconds */
  duration: number;
  connections: number;
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

/**
 * One bounded autocannon run: a fixed duration and number of connections, then it stops.
 * autocannon's own latency histogram holds whole milliseconds, which reads 0 ms on loopback, so
 * percentiles come from each response's own (sub-millisecond) time instead.
 */
export async function loadRun(o: LoadOptions): Promise<LoadResult> {
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url: o.url, duration: o.duration, connections: o.connections, pipelining: 1 }, (err, r) => (err ? reject(err) : resolve(r)));
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
    });
  });
  const requests = result.requests.total;
  if (requests === 0 || times.length === 0) {
    throw new ToolError(message(`load run against ${o.url}`, `no request was answered (${result.errors} errors)`, 'check the server started; rerun with DEBUG=1'));
  }
  const sorted = Float64Array.from(times).sort();
  return {
    requests,
    requestsPerSecond: requests / result.duration,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}
