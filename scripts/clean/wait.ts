/**
 * Bounded polling. Intervals and limits can be shortened through the environment so tests against
 * the fake AWS do not sleep for real-world durations.
 */
export interface WaitLimits {
  intervalMs: number;
  timeoutMs: number;
}

function envNumber(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/** How long clean waits for a service to go INACTIVE and for its tasks to stop. */
export function serviceLimits(): WaitLimits {
  return { intervalMs: envNumber('L2F_POLL_MS', 5_000), timeoutMs: envNumber('L2F_SERVICE_TIMEOUT_MS', 10 * 60_000) };
}

/** How long clean retries a security group whose task ENIs have not been released yet. */
export function eniLimits(): WaitLimits {
  return { intervalMs: envNumber('L2F_POLL_MS', 5_000), timeoutMs: envNumber('L2F_ENI_TIMEOUT_MS', 15 * 60_000) };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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
