import { DescribeLogGroupsCommand, FilterLogEventsCommand, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import type { Aws } from '../lib/aws.ts';
import { UserError, message } from '../lib/errors.ts';
import { sleep } from '../resources/retry.ts';

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** SINCE: a duration back from now (`10m`, `1h30m`, `2d`) or a date (`2026-11-27T02:00:00Z`). Returns epoch ms. */
export function parseSince(text: string | undefined, now = Date.now()): number {
  const t = (text ?? '').trim() || '10m';
  if (/^(\d+[smhd])+$/.test(t)) {
    let ms = 0;
    for (const [, n, unit] of t.matchAll(/(\d+)([smhd])/g)) ms += Number(n) * (UNIT_MS[unit ?? 's'] ?? 0);
    return now - ms;
  }
  const date = Date.parse(t);
  if (/^\d{4}-\d{2}-\d{2}/.test(t) && Number.isFinite(date)) return date;
  throw new UserError(message(`SINCE=${t}`, 'not a duration or a date', 'use e.g. SINCE=30s, SINCE=10m, SINCE=1h30m, SINCE=2d or SINCE=2026-11-27T02:00:00Z'));
}

/** `ecs/web/1a2b…` → `1a2b…` (the task id); Lambda streams (`2026/11/27/[$LATEST]ab12…`) keep their instance id. */
export function streamLabel(stream: string): string {
  const last = stream.split('/').pop() ?? stream;
  return last.replace(/^\[\$LATEST\]/, '').slice(0, 12);
}

export function formatEvent(e: FilteredLogEvent): string {
  const at = new Date(e.timestamp ?? 0).toISOString();
  return `${at} [${streamLabel(e.logStreamName ?? '')}] ${(e.message ?? '').replace(/\n$/, '')}`;
}

/**
 * How far back each follow poll reads again: FilterLogEvents is eventually consistent and the
 * awslogs driver batches, so an event from another stream can become searchable after a later one.
 */
export const LATE_WINDOW_MS = 30_000;

/** Every event from `startTime` on, one page at a time (each page oldest first), handed to `onPage` as it comes. */
export async function eachPage(aws: Aws, logGroupName: string, startTime: number, onPage: (events: FilteredLogEvent[]) => void): Promise<void> {
  let nextToken: string | undefined;
  do {
    const page = await aws.logs.send(new FilterLogEventsCommand({ logGroupName, startTime, nextToken }));
    onPage([...(page.events ?? [])].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0)));
    nextToken = page.nextToken;
  } while (nextToken);
}

/**
 * Prints events from `startTime`, page by page, then, when following, polls until `stop` resolves.
 * Each poll reads again from LATE_WINDOW_MS before the newest event seen, so a late event from
 * another stream is not lost, and skips event ids already printed (forgetting ids older than the window).
 */
export async function tail(
  aws: Aws,
  logGroupName: string,
  startTime: number,
  opts: { follow: boolean; intervalMs: number; stopped: () => boolean; print: (line: string) => void; windowMs?: number },
): Promise<number> {
  const window = opts.windowMs ?? LATE_WINDOW_MS;
  const seen = new Map<string, number>();
  let newest = startTime;
  let printed = 0;
  for (let from = startTime; ; from = Math.max(startTime, newest - window)) {
    await eachPage(aws, logGroupName, from, (events) => {
      for (const e of events) {
        const id = e.eventId ?? `${e.timestamp}|${e.logStreamName}|${e.message}`;
        if (seen.has(id)) continue;
        seen.set(id, e.timestamp ?? 0);
        opts.print(formatEvent(e));
        printed++;
        newest = Math.max(newest, e.timestamp ?? newest);
      }
    });
    for (const [id, ts] of seen) if (ts < newest - 2 * window) seen.delete(id);
    if (!opts.follow || opts.stopped()) return printed;
    for (let waited = 0; waited < opts.intervalMs && !opts.stopped(); waited += 100) await sleep(Math.min(100, opts.intervalMs - waited));
    if (opts.stopped()) return printed;
  }
}

export async function logGroupExists(aws: Aws, name: string): Promise<boolean> {
  const out = await aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
  return (out.logGroups ?? []).some((g) => g.logGroupName === name);
}
