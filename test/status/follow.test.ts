import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tail } from '../../scripts/status/logs.ts';
import { stubAws } from '../deploy-ecs/stub-aws.ts';

const event = (eventId: string, timestamp: number, stream: string) => ({ eventId, timestamp, logStreamName: `ecs/web/${stream}`, message: `line ${eventId}` });

test('following re-reads a trailing window: a late event from another stream with an older timestamp is printed, each event once', async () => {
  const t0 = Date.parse('2026-12-01T10:00:00Z');
  const a = event('a', t0 + 10_000, 'task-a');
  const late = event('late', t0 + 9_000, 'task-b');
  const polls: number[] = [];
  // what FilterLogEvents can search at each poll: the late event shows up only at the second
  const searchable = [[a], [late, a], [late, a]];
  const aws = stubAws({
    FilterLogEvents: (input: { startTime: number }, n: number) => {
      polls.push(input.startTime);
      return { events: searchable[Math.min(n, 2)]!.filter((e) => e.timestamp >= input.startTime) };
    },
  });
  const lines: string[] = [];
  await tail(aws, '/ecs/web', t0, { follow: true, intervalMs: 1, windowMs: 2_000, stopped: () => polls.length >= 3, print: (l) => lines.push(l) });
  assert.deepEqual(lines.map((l) => l.split('] ')[1]), ['line a', 'line late']);
  assert.deepEqual(polls, [t0, t0 + 8_000, t0 + 8_000], 'each poll after the first starts a window before the newest event, not at it');
});

test('each page is printed as it arrives, before the next page is asked for', async () => {
  const t0 = Date.parse('2026-12-01T10:00:00Z');
  const order: string[] = [];
  const aws = stubAws({
    FilterLogEvents: (input: { nextToken?: string }) => {
      order.push(`page ${input.nextToken ?? 1}`);
      return input.nextToken ? { events: [event('b', t0 + 2, 's')] } : { events: [event('a', t0 + 1, 's')], nextToken: '2' };
    },
  });
  await tail(aws, '/ecs/web', t0, { follow: false, intervalMs: 1, stopped: () => false, print: (l) => order.push(l.split('] ')[1] ?? '') });
  assert.deepEqual(order, ['page 1', 'line a', 'page 2', 'line b']);
});
