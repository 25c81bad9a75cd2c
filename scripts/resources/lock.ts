import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { DeleteParameterCommand, GetParameterCommand, ListTagsForResourceCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import type { Aws } from '../lib/aws.ts';
import { ToolError, isAwsError, message } from '../lib/errors.ts';
import { fromKeyValue, isOwned, toKeyValue } from '../lib/tags.ts';
import type { ResolvedService } from '../manifest/types.ts';
import type { Log } from './output.ts';
import { sleep } from './retry.ts';
import { alreadyGone, tagsFor } from './types.ts';
import type { Found, Result } from './types.ts';

/**
 * One deploy of a service and environment at a time, held by AWS itself: an SSM parameter created
 * with `Overwrite: false`, a conditional create that answers ParameterAlreadyExists while another
 * deploy holds it (SSM PutParameter reference). Its value names the owner and when it expires, so a
 * crashed deploy's lock is taken over once it expired (or at once on the same machine when its
 * process is gone). Taking over overwrites and checks the version SSM gave: versions are assigned
 * one after another, so of two deploys taking over the same expired lock only one gets the next one;
 * the other writes the winner's value back and waits.
 */
export interface LockValue {
  owner: string;
  host: string;
  pid: number;
  started: string;
  expires: string;
  token: string;
}

export interface HeldLock {
  name: string;
  value: LockValue;
  /** deletes the parameter if it is still ours; never throws */
  release(): Promise<string | undefined>;
}

export interface LockOptions {
  log: Log;
  /** how long the lock holds without its deploy (a crashed one): expiry = start + this */
  ttlMs: number;
  /** how long a second deploy waits for the lock before it stops */
  waitMs: number;
  pollMs: number;
  now?: () => number;
  /** whether a process on this host is still running */
  alive?: (pid: number) => boolean;
}

export const lockName = (svc: ResolvedService) => `/lambda2fargate/${svc.name}/${svc.environment}/deploy-lock`;

/** A deploy lock's parameter, as the call log and the tests recognize it. */
export const isLockName = (name: unknown) => typeof name === 'string' && /^\/lambda2fargate\/[^/]+\/[^/]+\/deploy-lock$/.test(name);

function envMs(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v >= 0 && process.env[name] !== '' && process.env[name] !== undefined ? v : fallback;
}

/** L2F_LOCK_TTL_MS (default: the rollout timeout plus 30 minutes), L2F_LOCK_WAIT_MS (default 10 minutes). */
export function lockOptions(svc: ResolvedService, log: Log): LockOptions {
  return {
    log,
    ttlMs: envMs('L2F_LOCK_TTL_MS', svc.deployment.timeout * 1000 + 30 * 60_000),
    waitMs: envMs('L2F_LOCK_WAIT_MS', 10 * 60_000),
    pollMs: envMs('L2F_POLL_MS', 5_000),
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parse(text: string | undefined): LockValue | undefined {
  try {
    const v = JSON.parse(text ?? '') as LockValue;
    return typeof v.token === 'string' && typeof v.expires === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

export const describeHolder = (v: LockValue) => `${v.owner} (since ${v.started}, expires ${v.expires})`;

async function readLock(aws: Aws, name: string): Promise<{ value: LockValue | undefined; version: number } | undefined> {
  try {
    const p = (await aws.ssm.send(new GetParameterCommand({ Name: name }))).Parameter;
    return { value: parse(p?.Value), version: p?.Version ?? 0 };
  } catch (err) {
    if (isAwsError(err, 'ParameterNotFound')) return undefined;
    throw err;
  }
}

export async function acquireLock(aws: Aws, svc: ResolvedService, opts: LockOptions): Promise<HeldLock> {
  const now = opts.now ?? Date.now;
  const alive = opts.alive ?? processAlive;
  const name = lockName(svc);
  const host = hostname();
  const user = (() => {
    try {
      return userInfo().username;
    } catch {
      return 'unknown';
    }
  })();
  const started = now();
  const deadline = started + opts.waitMs;
  const mine = (): LockValue => ({
    owner: `${user}@${host} pid ${process.pid}`,
    host,
    pid: process.pid,
    started: new Date(now()).toISOString(),
    expires: new Date(now() + opts.ttlMs).toISOString(),
    token: randomUUID(),
  });
  const held = (value: LockValue): HeldLock => ({ name, value, release: () => releaseLock(aws, name, value.token) });
  let lastHolder = '';
  for (;;) {
    const value = mine();
    try {
      await aws.ssm.send(
        new PutParameterCommand({
          Name: name,
          Type: 'String',
          Value: JSON.stringify(value),
          Overwrite: false,
          Description: `lambda2fargate deploy lock for ${svc.name} (${svc.environment})`,
          Tags: toKeyValue(tagsFor(svc)),
        }),
      );
      return held(value);
    } catch (err) {
      if (!isAwsError(err, 'ParameterAlreadyExists')) throw err;
    }
    const live = await readLock(aws, name);
    if (!live) continue; // released between our two calls
    const holder = live.value;
    const stale = !holder || Date.parse(holder.expires) <= now() || (holder.host === host && holder.pid !== process.pid && !alive(holder.pid));
    if (stale) {
      // tags cannot go with Overwrite (SSM refuses both): the parameter keeps the ones it was created with
      const out = await aws.ssm.send(new PutParameterCommand({ Name: name, Type: 'String', Value: JSON.stringify(value), Overwrite: true }));
      if (out.Version === live.version + 1) {
        opts.log(`    deploy lock: took over ${holder ? `the lock of ${describeHolder(holder)}: ${Date.parse(holder.expires) <= now() ? 'expired' : 'its process is gone'}` : 'an unreadable lock'}`);
        return held(value);
      }
      // another deploy took it over first (it got the next version): put its value back, then wait for it
      const winner = await readLock(aws, `${name}:${live.version + 1}`);
      if (winner?.value) await aws.ssm.send(new PutParameterCommand({ Name: name, Type: 'String', Value: JSON.stringify(winner.value), Overwrite: true }));
      continue;
    }
    const text = describeHolder(holder);
    if (text !== lastHolder) {
      opts.log(`    waiting for the deploy lock: another deploy holds it, ${text} — up to ${Math.max(0, Math.ceil((deadline - now()) / 1000))}s more`);
      lastHolder = text;
    }
    if (now() >= deadline) {
      throw new ToolError(
        message(
          `deploy lock ${name}`,
          `another deploy of ${svc.name} (${svc.environment}) holds it: ${describeHolder(holder)}`,
          `wait for it to finish and deploy again (L2F_LOCK_WAIT_MS waits longer); if it crashed, its lock expires at ${holder.expires}, or \`make clean\` removes it`,
        ),
      );
    }
    await sleep(Math.min(opts.pollMs, Math.max(0, deadline - now())));
  }
}

/** Deletes the lock if it still carries `token`. Returns a warning instead of throwing: the deploy's own outcome matters more. */
export async function releaseLock(aws: Aws, name: string, token: string): Promise<string | undefined> {
  try {
    const live = await readLock(aws, name);
    if (live?.value?.token !== token) return undefined;
    await aws.ssm.send(new DeleteParameterCommand({ Name: name }));
    return undefined;
  } catch (err) {
    if (isAwsError(err, 'ParameterNotFound')) return undefined;
    return `could not release the deploy lock ${name} (${(err as Error).name}: ${(err as Error).message}) — it expires by itself, or \`make clean\` removes it`;
  }
}

/** For clean: the lock parameter, when there is one (owned when it carries the service's tags). */
export async function findLock(aws: Aws, svc: ResolvedService): Promise<Found | undefined> {
  const name = lockName(svc);
  const live = await readLock(aws, name);
  if (!live) return undefined;
  const tags = fromKeyValue((await aws.ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name }))).TagList);
  return { kind: 'deploy-lock', name, id: name, owned: isOwned(tags, svc.name, svc.environment), detail: live.value ? `held by ${describeHolder(live.value)}` : undefined };
}

export async function deleteLock(aws: Aws, item: Found): Promise<Result> {
  try {
    await aws.ssm.send(new DeleteParameterCommand({ Name: item.id }));
    return { item, outcome: 'deleted', note: 'deleted' };
  } catch (err) {
    if (isAwsError(err, 'ParameterNotFound')) return alreadyGone(item);
    throw err;
  }
}
