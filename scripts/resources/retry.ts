import { awsErrorName } from '../lib/errors.ts';

/**
 * A role created seconds ago is not yet visible to ECS everywhere (IAM is eventually consistent):
 * RegisterTaskDefinition may be refused `iam:PassRole`, CreateService/UpdateService may answer
 * "ECS was unable to assume the role". Those, and only those, are retried with a bounded backoff;
 * every other error fails at once. Throttling is the SDK's own retry (adaptive mode).
 */
export function isRoleNotReady(err: unknown): boolean {
  const name = awsErrorName(err) ?? '';
  const text = err instanceof Error ? err.message : String(err);
  if (['InvalidParameterException', 'ClientException'].includes(name)) return /unable to assume (the )?role/i.test(text);
  if (name === 'AccessDeniedException') return /iam:PassRole/i.test(text);
  return false;
}

/** Delays in ms; about a minute in all. L2F_RETRY_SCALE shrinks them for tests. */
export function roleRetryDelays(): number[] {
  const scale = Number(process.env.L2F_RETRY_SCALE ?? '1');
  return [1000, 2000, 4000, 8000, 15000, 15000, 15000].map((d) => Math.round(d * (Number.isFinite(scale) && scale >= 0 ? scale : 1)));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function retryWhileRoleNotReady<T>(
  what: string,
  fn: () => Promise<T>,
  log: (line: string) => void = (l) => console.log(l),
  delays: number[] = roleRetryDelays(),
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const delay = delays[attempt];
      if (!isRoleNotReady(err) || delay === undefined) throw err;
      log(`    ${what}: the new execution role is not assumable yet (IAM is eventually consistent) — retrying in ${(delay / 1000).toFixed(1)}s`);
      await sleep(delay);
    }
  }
}
