import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitProfile, type CpuProfile } from '../../scripts/bench/profile-split.ts';

const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url }, children });

// root → parserOnIncoming (node) → listener (ours) → writeLine (the log) → writev (the syscall)
//                                                 → buildEvent (mapping)
//      → (idle);  root → handle (express)
const profile: CpuProfile = {
  nodes: [
    frame(1, '(root)', '', [2, 6, 7]),
    frame(2, 'parserOnIncoming', 'node:_http_server', [3]),
    frame(3, '', 'file:///app/container/http.ts', [4, 8]),
    frame(4, 'writeLine', 'file:///app/container/log.ts', [5]),
    frame(5, 'writev', ''),
    frame(6, '(idle)', ''),
    frame(7, 'handle', 'file:///app/node_modules/express/lib/application.js'),
    frame(8, 'buildEvent', 'file:///app/container/adapter.ts'),
  ],
  samples: [2, 3, 4, 5, 6, 7, 8, 8],
  timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
};

test('each busy sample goes to the innermost part on its stack, idle time to none, and node\'s own code takes the rest', () => {
  const { busyMs, parts } = splitProfile(profile);
  assert.equal(busyMs, 7);
  assert.deepEqual(new Map(parts), new Map([
    ['event mapping', 2 / 7],
    ['node: HTTP parsing, streams, timers', 1 / 7],
    ['adapter glue', 1 / 7],
    ['request log line', 1 / 7],
    ['socket write (syscall)', 1 / 7],
    ['express', 1 / 7],
  ]));
  assert.equal(parts[0]![0], 'event mapping', 'largest first');
});

test('samples before the given time (start-up, warm-up) are left out', () => {
  const { busyMs, parts } = splitProfile(profile, 6);
  assert.equal(busyMs, 3);
  assert.deepEqual(parts, [['event mapping', 2 / 3], ['express', 1 / 3]]);
});
