import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { requireDocker } from '../support/docker.ts';
import { runMake } from '../local/run-make.ts';
import { figure, positiveFinite, row, rows, section } from './report-figures.ts';

const dir = await mkdtemp(path.join(os.tmpdir(), 'l2f-bench-'));
after(() => rm(dir, { recursive: true, force: true }));

/** `make bench` with a tiny duration into a temporary report; returns what it wrote. */
async function bench(name: string, env: Record<string, string>): Promise<{ report: string; output: string }> {
  const file = path.join(dir, `${name}.md`);
  const run = runMake('bench', { DURATION: '1', CONNECTIONS: '4', BENCH_REPORT: file, ...env });
  const { code } = await run.exit;
  assert.equal(code, 0, `make bench failed:\n${run.output()}`);
  return { report: await readFile(file, 'utf8'), output: run.output() };
}

/** "25.0 µs" is 1 ÷ "40,000" requests/s, within the rounding of either (requests/s print whole, so at a few hundred a second µs carry most of it) */
const inverse = (us: string | undefined, rps: string | undefined) => Math.abs((figure(us) * figure(rps)) / 1e6 - 1) < 0.01;

function assertLoadRow(table: string[][], name: RegExp): void {
  const [, rps, ratio, perRequest, p50, p99, errors] = row(table, name);
  assert.ok(inverse(perRequest, rps), `${name} µs per request ${perRequest} vs ${rps} requests/s`);
  assert.ok(positiveFinite(figure(rps)), `${name} requests/s: ${rps}`);
  assert.ok(positiveFinite(figure(ratio)), `${name} ratio: ${ratio}`);
  assert.ok(positiveFinite(figure(p50)), `${name} p50: ${p50}`);
  assert.ok(figure(p99) >= figure(p50), `${name} p99 ${p99} below p50 ${p50}`);
  assert.ok(Number.isFinite(figure(errors)), `${name} errors: ${errors}`);
}

function assertCommonFigures(report: string): void {
  const load = rows(report, 'Throughput and latency');
  for (const name of [/^bare node:http$/, /^plain express route$/, /^container server \(adapter\)$/]) assertLoadRow(load, name);
  assert.equal(row(load, /^bare/)[2], '1.00×');
  const ratio = /\*\*Container server ÷ plain express route: ([\d.]+)×\*\*/.exec(section(report, 'Throughput and latency'));
  assert.ok(ratio && positiveFinite(Number(ratio[1])), 'the container ÷ express ratio is printed');
  const micro = rows(report, 'Adapter cost per request');
  for (const step of [/toEvent/, /invoke/]) {
    const us = figure(row(micro, step)[1]);
    assert.ok(positiveFinite(us) && us < 1_000, `adapter ${step}: ${us} µs`);
  }
}

describe('make bench', { concurrency: false }, () => {
  test('with Docker a one-second run finishes by itself and its report holds every figure, each positive and finite', async (t) => {
    if (!requireDocker(t)) return;
    const { report, output } = await bench('docker', { NO_DOCKER: '' });
    assert.ok(output.includes('# Benchmark report'), 'the report is printed too');
    assertCommonFigures(report);
    const docker = rows(report, 'The image under Docker');
    assert.deepEqual(docker.map((r) => r[0]!.replace(/\d[\d,]*/g, 'N')), ['N connections', 'N connections, held to N requests/s', 'N connections']);
    for (const [name, rps, perRequest, p50, p99, errors] of docker) {
      assert.ok(positiveFinite(figure(rps)) && inverse(perRequest, rps), `${name}: ${rps} requests/s, ${perRequest}`);
      assert.ok(positiveFinite(figure(p50)) && figure(p99) >= figure(p50), `${name}: p50 ${p50}, p99 ${p99}`);
      assert.ok(Number.isFinite(figure(errors)), `${name} errors: ${errors}`);
    }

    const container = rows(report, 'Container');
    const image = figure(row(container, /^image size/)[1]);
    const base = figure(row(container, /^base image/)[1]);
    const over = figure(row(container, /over the base/)[1]);
    assert.ok(positiveFinite(image) && positiveFinite(base) && image > base, `image ${image} MB, base ${base} MB`);
    assert.ok(positiveFinite(over) && over < image, `over the base: ${over} MB`);
    const cold = figure(row(container, /cold start/)[1]);
    assert.ok(positiveFinite(cold) && cold < 60_000, `cold start ${cold} ms`);
    const memory = row(container, /memory/)[1]!;
    const [used, limit] = memory.split(' of ').map(figure);
    assert.ok(positiveFinite(used!) && used! < limit!, `memory ${memory}`);

    const deploy = rows(report, 'Deploy');
    assert.ok(deploy.length === 2, `deploy figures missing:\n${section(report, 'Deploy')}`);
    const [, firstCalls, firstWrites, firstTime] = row(deploy, /^first/);
    const [, noopCalls, noopWrites, noopTime] = row(deploy, /^no-op/);
    for (const v of [firstCalls, firstWrites, firstTime, noopCalls, noopTime]) assert.ok(positiveFinite(figure(v)), `deploy figure ${v}`);
    assert.ok(figure(noopWrites) < figure(firstWrites), `a no-op deploy writes less (${noopWrites}) than the first (${firstWrites})`);
  });

  test('with NO_DOCKER=1 it measures the servers and the adapter, and says why the container was not measured', async () => {
    const { report } = await bench('no-docker', { NO_DOCKER: '1' });
    assertCommonFigures(report);
    assert.match(section(report, 'Container'), /Not measured: NO_DOCKER=1 was set\./);
    assert.match(section(report, 'Deploy'), /Not measured: NO_DOCKER=1 was set; deploy-ecs builds and pushes the image with Docker\./);
    assert.match(section(report, 'The image under Docker'), /Not measured: NO_DOCKER=1 was set\./);
  });
});
