import { createHash } from 'node:crypto';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { FunctionUrlHandler } from '../../../lambda/types.ts';

/**
 * A handler that needs AWS, as a migrated function does: it calls STS with the SDK's default
 * credential chain (on Fargate: the task role, through the container credentials endpoint) and
 * reports who it is (or why it could not ask). The secrets it was given are reported as digests, so a test can check the
 * values arrived without the values ever being printed (the deploy prints the answer of GET /).
 */
export const handler: FunctionUrlHandler = async (event) => {
  if (event.rawPath !== '/') return { statusCode: 404, body: 'not found' };
  const names = (process.env.SECRET_NAMES ?? '').split(',').filter(Boolean);
  const digests = Object.fromEntries(names.map((n) => [n, process.env[n] === undefined ? null : digest(process.env[n]!)]));
  try {
    const who = await new STSClient({}).send(new GetCallerIdentityCommand({}));
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ caller: who.Arn, secrets: digests }) };
  } catch (err) {
    // still 200: the deploy's endpoint check waits for one, and the error is the finding
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: `${(err as Error).name}: ${(err as Error).message}`, secrets: digests }) };
  }
};

export const digest = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 16);
