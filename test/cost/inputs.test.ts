import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readBenchFigure, scaleToTask, taskCapacity } from '../../scripts/cost/capacity.ts';
import { handLoad, serviceShape } from '../../scripts/cost/inputs.ts';
import { costOptions } from '../../scripts/cost/options.ts';
import { loadServiceManifest } from '../../scripts/manifest/index.ts';
import type { ResolvedService } from '../../scripts/manifest/types.ts';
import { UserError } from '../../scripts/lib/errors.ts';

const ROOT = join(import.meta.dirname, '../..');
const opts = costOptions({});

test("the shipped manifest is a public-IP service of count tasks, carrying the bench's figure per task", async () => {
  const svc = await loadServiceManifest(join(ROOT, 'manifests/service.yml'), 'test', {});
  const s = serviceShape(svc, opts);
  assert.equal(s.value.mode, 'public-ip');
  assert.equal(s.value.minTasks, 1);
  assert.equal(s.value.maxTasks, undefined);
  assert.equal(s.value.arch, 'x86');
  assert.ok(s.value.rpsPerTask > 0);
  assert.match(s.about, /^hello \(test\): 0\.25 vCPU \/ 0\.5 GB x86, count 1, public IP; one task carries [\d,]+ req\/s \(make bench: /);
});

test('a manifest with loadBalancer and scaling blocks is priced load-balanced from scaling.min, capped at scaling.max', async () => {
  const svc = (await loadServiceManifest(join(ROOT, 'manifests/service.yml'), 'prod', {})) as ResolvedService & Record<string, unknown>;
  const s = serviceShape({ ...svc, loadBalancer: { listener: 'http' }, scaling: { min: 2, max: 6 } } as unknown as ResolvedService, { ...opts, rpsPerTask: 300 });
  assert.equal(s.value.mode, 'load-balanced');
  assert.equal(s.value.minTasks, 2);
  assert.equal(s.value.maxTasks, 6);
  assert.equal(s.value.rpsPerTask, 300);
  assert.match(s.about, /2–6 tasks \(scaling\), load-balanced; one task carries 300 req\/s \(RPS_PER_TASK\)/);
});

test("the bench's figure is read by the table's header and scaled by vCPU up to one core", () => {
  const report = [
    '| server | requests/s | vs ceiling | p99 |',
    '| --- | ---: | ---: | ---: |',
    '| plain express route | 47,799 | 0.62× | 2.72 ms |',
    '| container image under Docker | 4,780 | 0.06× | 87.6 ms |',
    '',
    "The container runs with the task definition's limits: 0.25 vCPU, 512 MiB.",
  ].join('\n');
  assert.deepEqual(readBenchFigure(report), { rps: 4780, vcpu: 0.25 });
  assert.equal(scaleToTask({ rps: 5120, vcpu: 0.25 }, 512), 10240);
  assert.equal(scaleToTask({ rps: 5120, vcpu: 0.25 }, 4096), 20480, 'one Node process uses one core');
  assert.equal(readBenchFigure('| server | requests/s |\n| --- | --- |\n| container image under Docker | not measured: no Docker |'), undefined);
});

test('a report with its own section for the image under Docker: the best run not held to a rate', () => {
  const report = [
    '## Throughput and latency',
    '| server | requests/s | vs ceiling |',
    '| --- | ---: | ---: |',
    '| plain express route | 60,200 | 0.70× |',
    '',
    '## The image under Docker',
    '| load | requests/s | 1 ÷ rate | p50 | p99 | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    '| 10 connections | 6,120 | 163.4 µs | 1.2 ms | 9.8 ms | 0 |',
    '| 10 connections, held to 3,060 requests/s | 3,060 | 326.8 µs | 0.9 ms | 2.1 ms | 0 |',
    '| 50 connections | 5,980 | 167.2 µs | 2.6 ms | 82.0 ms | 0 |',
    '',
    "The built image in `docker run --network host` with the task definition's limits (0.25 vCPU, 512 MiB), loaded the same way.",
  ].join('\n');
  assert.deepEqual(readBenchFigure(report), { rps: 6120, vcpu: 0.25 });
});

test('RPS_PER_TASK wins over the bench; neither is bad input that says how to get one', async () => {
  assert.deepEqual(taskCapacity(256, 42, '/nonexistent'), { rpsPerTask: 42, source: 'RPS_PER_TASK' });
  assert.equal(taskCapacity(256, undefined, '/nonexistent'), undefined);
});

test('by hand, the peak defaults to the average and the duration to 100 ms, and the report says so', () => {
  const l = handLoad({ ...opts, rps: 3 });
  assert.deepEqual(l.value, { rps: 3, peakRps: 3, durationMs: 100 });
  assert.equal(l.about, 'given by hand: RPS=3 (peak = average) (duration 100 ms: DURATION_MS=… to change)');
});

test('options: DAYS defaults to 14, numbers may use underscores, ARCH and booleans are read', () => {
  assert.equal(opts.days, 14);
  assert.equal(opts.chart, 'cost.svg');
  const o = costOptions({ RPS: '1_000', ARCH: 'arm64', OFFLINE: '1', FREE_TIER: 'true', OUTPUT: 'JSON', DAYS: '30' });
  assert.deepEqual([o.rps, o.arch, o.offline, o.freeTier, o.json, o.days], [1000, 'arm', true, true, true, 30]);
  assert.throws(() => costOptions({ ARCH: 'amd64' }), (e: unknown) => e instanceof UserError && /ARCH=amd64: it must be x86_64 or arm64/.test(e.message));
  assert.throws(() => costOptions({ RPS_PER_TASK: '0' }), /RPS_PER_TASK=0: it must be a number above 0/);
});
