import { isAwsError } from '../lib/errors.ts';
import { alreadyGone } from './types.ts';
import type { Found, Result } from './types.ts';
import { envNumber, poll, seconds } from './wait.ts';

/**
 * A delete AWS refuses while something still uses the resource (a target group behind a
 * listener, a certificate on one): retried, bounded, until it goes or is already gone.
 */
export async function deleteWhenFree(item: Found, del: () => Promise<unknown>, errors: { notFound: string[]; inUse: string[] }): Promise<Result> {
  const limits = { intervalMs: envNumber('L2F_POLL_MS', 5_000), timeoutMs: envNumber('L2F_LB_TIMEOUT_MS', 5 * 60_000) };
  let last = '';
  const done = await poll(limits, async () => {
    try {
      await del();
      return 'deleted' as const;
    } catch (err) {
      if (isAwsError(err, ...errors.notFound)) return 'not-found' as const;
      if (!isAwsError(err, ...errors.inUse)) throw err;
      last = (err as Error).message;
      return undefined;
    }
  });
  if (done.value === 'not-found') return alreadyGone(item);
  if (done.value === 'deleted') return { item, outcome: 'deleted', note: done.waitedMs ? `deleted after ${seconds(done.waitedMs)} in use` : 'deleted', waitedMs: done.waitedMs };
  return { item, outcome: 'failed', note: `still in use after ${seconds(limits.timeoutMs)} (${last}) — run make clean again`, waitedMs: done.waitedMs };
}
