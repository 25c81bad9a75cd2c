import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baseImageOf } from '../../scripts/bench/container.ts';
import { percentile, rounds, summarize } from '../../scripts/bench/load.ts';
import { median } from '../../scripts/bench/micro.ts';
import { containerRatio } from '../../scripts/bench/run.ts';
import { renderReport, type BenchReport } from '../../scripts/bench/report.ts';
import { figure, row, rows, section } from './report-figures.ts';

const load = (rps: number, p50: number) => ({ requests: rps * 10, requestsPerSecond: rps, p50, p99: p50 * 4, errors: 0, non2xx: 0 });
const sample: BenchReport = {
  date: '2026-11-27T01:00:00Z',
  machine: 'linux/x64, 2 × CPU, 8 GiB',
  loadAverage: 0.5,
  node: '24.0.0',
  docker: '27.0.0',
  duration: 10,
  rounds: [4, 3, 3],
  connections: 50,
  load: [
    { name: 'bare node:http', what: 'ceiling', result: load(40_000, 0.5) },
    { name: 'plain express route', what: 'express', result: load(20_000, 1) },
    { name: 'container server (adapter)', what: 'adapter', result: load(10_000, 2) },
  ],
  ratio: { overall: 0.5, turns: [0.48, 0.5, 0.52], p99: { container: 8, express: 4 } },
  micro: { iterations: 1_000_000, mappingNsPerOp: 2_100, invokeNsPerOp: 2_600 },
  container: { image: 'img:dev', base: 'node:24-slim', imageBytes: 214_000_000, baseBytes: 213_000_000, coldStartMs: 480, memoryAfterLoadBytes: 42 * 1024 ** 2, cpus: 0.25, memoryLimitMiB: 512,
    loads: [
      { connections: 10, result: load(4_000, 2) },
      { connections: 10, rate: 2_000, result: load(2_000, 0.5) },
      { connections: 50, result: load(4_100, 12) },
    ],
  },
  deploy: { first: { calls: 40, writes: 15, ms: 3_500 }, noop: { calls: 12, writes: 0, ms: 900 } },
};
const text = renderReport(sample);

test('each server reads as requests per second and as a ratio to the bare node:http ceiling', () => {
  const table = rows(text, 'Throughput and latency');
  assert.deepEqual(row(table, /^bare/).slice(1, 6), ['40,000', '1.00×', '25.0 µs', '0.50 ms', '2.00 ms']);
  assert.equal(row(table, /adapter/)[3], '100.0 µs');
  assert.equal(figure(row(table, /express/)[2]), 0.5);
  assert.equal(figure(row(table, /adapter/)[2]), 0.25);
});

test('the container server against the plain express route is a figure of its own, overall and turn by turn, with both p99s', () => {
  assert.match(section(text, 'Throughput and latency'), /\*\*Container server ÷ plain express route: 0\.50×\*\* requests\/s \(turn by turn: 0\.48×, 0\.50×, 0\.52×\); p99 8\.00 ms against 4\.00 ms\./);
});

test('the ratio comes from the same turns: requests over seconds of each, container over express', () => {
  const turn = (requests: number, seconds: number) => ({ requests, seconds, errors: 0, non2xx: 0, times: [1, 2] });
  const ratio = containerRatio([[turn(900, 3)], [turn(400, 4), turn(300, 3)], [turn(440, 4), turn(240, 3)]]);
  assert.deepEqual(ratio && { ...ratio, overall: ratio.overall.toFixed(4) }, { overall: (680 / 700).toFixed(4), turns: [1.1, 0.8], p99: { container: 2, express: 2 } });
});

test('the image under Docker reads at 10 connections, at half that rate and at the usual connections', () => {
  const table = rows(text, 'The image under Docker');
  assert.deepEqual(table.map((r) => r[0]), ['10 connections', '10 connections, held to 2,000 requests/s', '50 connections']);
  assert.deepEqual(row(table, /^50/).slice(1), ['4,100', '243.9 µs', '12.0 ms', '48.0 ms', '0']);
});

test('the adapter cost reads in microseconds per request', () => {
  const table = rows(text, 'Adapter cost per request');
  assert.equal(figure(row(table, /toEvent/)[1]), 2.1);
  assert.equal(figure(row(table, /invoke/)[1]), 2.6);
});

test('the container section shows the bytes over the base, cold start and memory against the limit', () => {
  const table = rows(text, 'Container');
  assert.equal(figure(row(table, /over the base/)[1]), 1);
  assert.equal(figure(row(table, /cold start/)[1]), 480);
  assert.equal(row(table, /memory/)[1], '42.0 MiB of 512 MiB');
});

test('the deploy section shows calls, writes and wall time of the first and the no-op deploy', () => {
  const table = rows(text, 'Deploy');
  assert.deepEqual(row(table, /first/).slice(1), ['40', '15', '3.50 s']);
  assert.deepEqual(row(table, /no-op/).slice(1), ['12', '0', '0.90 s']);
});

test('a section that could not be measured says why instead of showing numbers', () => {
  const text = renderReport({ ...sample, container: { skipped: 'NO_DOCKER=1 was set' }, deploy: { skipped: 'the fake is missing' } });
  assert.match(section(text, 'Container'), /Not measured: NO_DOCKER=1 was set\./);
  assert.match(section(text, 'The image under Docker'), /Not measured: NO_DOCKER=1 was set\./);
  assert.match(section(text, 'Deploy'), /Not measured: the fake is missing\./);
});

test('the report says how to rerun it', () => {
  assert.match(text, /Rerun with `make bench`.*DURATION=.*CONNECTIONS=/);
});

test('the base image is the last stage\'s FROM, with ARG defaults, build args and stage names resolved', () => {
  const dockerfile = 'ARG V=24\nFROM node:${V}-slim AS build\nRUN x\nFROM build AS again\nFROM --platform=linux/amd64 again\n';
  assert.equal(baseImageOf(dockerfile), 'node:24-slim');
  assert.equal(baseImageOf(dockerfile, { V: '22' }), 'node:22-slim');
  assert.equal(baseImageOf('FROM alpine:3\n'), 'alpine:3');
  assert.throws(() => baseImageOf('RUN x\n'), /no FROM line/);
});

test('percentiles take the nearest rank and medians the middle', () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(sorted, 50), 50);
  assert.equal(percentile(sorted, 99), 99);
  assert.equal(percentile([7], 99), 7);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
});

test('a duration splits into at most five whole-second turns of at least 2 s that add up to it', () => {
  assert.deepEqual(rounds(10), [2, 2, 2, 2, 2]);
  assert.deepEqual(rounds(7), [3, 2, 2]);
  assert.deepEqual(rounds(4), [2, 2]);
  assert.deepEqual(rounds(1), [1]);
  assert.deepEqual(rounds(3), [3]);
  assert.deepEqual(rounds(61), [13, 12, 12, 12, 12]);
});

test('turns against one server add up to requests over the total time and percentiles over every response', () => {
  const r = summarize([
    { requests: 300, seconds: 3, errors: 1, non2xx: 0, times: [1, 2, 3] },
    { requests: 100, seconds: 2, errors: 0, non2xx: 2, times: [4, 0.5] },
  ]);
  assert.deepEqual(r, { requests: 400, requestsPerSecond: 80, p50: 2, p99: 4, errors: 1, non2xx: 2 });
});
