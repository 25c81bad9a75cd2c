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

/** One bounded autocannon run: a fixed duration and number of connections, then it stops. */
export async function loadRun(o: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({ url: o.url, duration: o.duration, connections: o.connections, pipelining: 1 });
  const requests = result.requests.total;
  if (requests === 0) {
    throw new ToolError(message(`load run against ${o.url}`, `no request was answered (${result.errors} errors)`, 'check the server started; rerun with DEBUG=1'));
  }
  return {
    requests,
    requestsPerSecond: requests / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}
