import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { compare, renderComparison } from '../../scripts/bench/compare.ts';
import { containerAt } from '../../scripts/bench/revision.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

test('each server is compared with the first over all its turns and turn by turn, with CPU time per request', () => {
  const rows = compare(
    ['express', 'container'],
    [
      [{ requests: 1000, seconds: 1, cpuUs: 100_000 }, { requests: 3000, seconds: 2, cpuUs: 240_000 }],
      [{ requests: 1500, seconds: 1, cpuUs: 90_000 }, { requests: 3000, seconds: 2, cpuUs: 210_000 }],
    ],
  );
  assert.deepEqual(rows[0], { name: 'express', requestsPerSecond: 4000 / 3, ratio: 1, cpuUsPerRequest: 85, turnRatios: [1, 1] });
  assert.equal(rows[1]!.ratio, 4500 / 4000);
  assert.equal(rows[1]!.cpuUsPerRequest, 300_000 / 4500);
  assert.deepEqual(rows[1]!.turnRatios, [1.5, 1]);
});

test('without CPU times from the OS the column says so instead of showing a number', () => {
  const rows = compare(['a'], [[{ requests: 10, seconds: 1 }]]);
  assert.equal(rows[0]!.cpuUsPerRequest, undefined);
  assert.match(renderComparison(rows), /^\| a \| 10 \| 1\.00× \| – \| 1\.00 \|$/m);
});

test('a revision\'s container server is unpacked where it resolves the same express, and a bad revision names REVS', () => {
  const server = containerAt('HEAD');
  assert.match(server.name, /^container server at [0-9a-f]{7,}$/);
  assert.ok(server.script.startsWith('node_modules/.cache/l2f-bench/'));
  assert.ok(existsSync(path.join(ROOT, server.script)));
  assert.throws(() => containerAt('no-such-revision'), /git rev-parse.*give REVS as commits/s);
});
