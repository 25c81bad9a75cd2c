import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatEvent, parseSince, streamLabel } from '../../scripts/status/logs.ts';
import { UserError } from '../../scripts/lib/errors.ts';

const now = Date.parse('2026-11-27T02:00:00Z');

test('SINCE durations count back from now, units combined', () => {
  assert.equal(parseSince('10m', now), now - 600_000);
  assert.equal(parseSince('1h30m', now), now - 5_400_000);
  assert.equal(parseSince('2d', now), now - 172_800_000);
  assert.equal(parseSince('45s', now), now - 45_000);
});

test('SINCE defaults to the last ten minutes', () => {
  assert.equal(parseSince(undefined, now), now - 600_000);
  assert.equal(parseSince('  ', now), now - 600_000);
});

test('SINCE takes an ISO date', () => {
  assert.equal(parseSince('2026-11-27T01:00:00Z', now), Date.parse('2026-11-27T01:00:00Z'));
});

test('a SINCE that is neither a duration nor a date is bad input (exit 2) and shows examples', () => {
  assert.throws(() => parseSince('ten minutes', now), (err: unknown) => err instanceof UserError && /SINCE=ten minutes/.test(err.message) && /SINCE=10m/.test(err.message));
  assert.throws(() => parseSince('10', now), UserError);
});

test('an ECS stream is labelled by its task id, a Lambda stream by its instance id', () => {
  assert.equal(streamLabel('ecs/hello/0123456789abcdef0123'), '0123456789ab');
  assert.equal(streamLabel('2026/11/27/[$LATEST]abcdef0123456789'), 'abcdef012345');
});

test('an event line carries the ISO timestamp, the stream label and the message without its newline', () => {
  const line = formatEvent({ timestamp: now, logStreamName: 'ecs/hello/abc', message: 'listening on 3000\n' });
  assert.equal(line, '2026-11-27T02:00:00.000Z [abc] listening on 3000');
});
