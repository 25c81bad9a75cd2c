import { invoke, toEvent, toResponse, type AdapterRequest } from '../../container/adapter.ts';
import type { FunctionUrlHandler } from '../../lambda/types.ts';

/** A request as curl sends it to GET / — what every load run sends too. */
export const SAMPLE_REQUEST: AdapterRequest = {
  method: 'GET',
  url: '/',
  headers: [
    ['Host', '127.0.0.1:8080'],
    ['User-Agent', 'curl/8.5.0'],
    ['Accept', '*/*'],
    ['X-Forwarded-For', '203.0.113.7'],
    ['Connection', 'keep-alive'],
  ],
  body: new Uint8Array(0),
  sourceIp: '127.0.0.1',
};

export const SAMPLE_RESULT = {
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message: 'Hello from ECS!' }),
};

export interface MicroResult {
  iterations: number;
  /** toEvent + toResponse, the adapter's own work per request */
  mappingNsPerOp: number;
  /** invoke() around a handler that returns at once: mapping plus the async call */
  invokeNsPerOp: number;
}

/**
 * The median of a few timed rounds after a warm-up, so one GC pause or JIT tier-up does not decide
 * the figure. Results feed a checksum the caller can see, so the work cannot be optimised away.
 */
export async function adapterMicroBench(iterations = 200_000, rounds = 5): Promise<MicroResult & { checksum: number }> {
  let checksum = 0;
  const now = new Date();
  const mapOnce = () => {
    const event = toEvent(SAMPLE_REQUEST, { requestId: 'bench', now });
    const res = toResponse(SAMPLE_RESULT);
    checksum += event.rawPath.length + res.body.length;
  };
  const handler: FunctionUrlHandler = async () => SAMPLE_RESULT;
  const options = { requestId: 'bench', now };
  const invokeOnce = async () => {
    const res = await invoke(handler, SAMPLE_REQUEST, options);
    checksum += res.statusCode;
  };

  const timeSync = (n: number) => {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) mapOnce();
    return Number(process.hrtime.bigint() - t) / n;
  };
  const timeAsync = async (n: number) => {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await invokeOnce();
    return Number(process.hrtime.bigint() - t) / n;
  };

  timeSync(Math.ceil(iterations / 4));
  await timeAsync(Math.ceil(iterations / 4));
  const mapping: number[] = [];
  const invoking: number[] = [];
  for (let r = 0; r < rounds; r++) {
    mapping.push(timeSync(iterations));
    invoking.push(await timeAsync(iterations));
  }
  return { iterations: iterations * rounds, mappingNsPerOp: median(mapping), invokeNsPerOp: median(invoking), checksum };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
