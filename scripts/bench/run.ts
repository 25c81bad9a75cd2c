import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { run } from '../lib/process.ts';
import type { ResolvedService } from '../manifest/types.ts';
import { dockerAvailable } from '../local/docker.ts';
import { containerBench } from './container.ts';
import { deployBench } from './deploy.ts';
import { rawLoadRun, ratioOf, rounds, summarize, type RawLoad } from './load.ts';
import { adapterMicroBench } from './micro.ts';
import { renderReport, type BenchReport, type LoadRow, type Ratio, type Skipped } from './report.ts';
import { CONTAINER, EXPRESS, SERVERS, startServer, type Started } from './servers.ts';

export interface BenchOptions {
  service: ResolvedService;
  env?: string;
  manifest?: string;
  /** seconds per load run */
  duration: number;
  connections: number;
  docker: boolean;
  report: string;
  microIterations?: number;
  log?: (line: string) => void;
}

/** Every figure in one run, so they are comparable; writes the Markdown report and returns it. */
export async function runBench(o: BenchOptions): Promise<string> {
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const loadAverage = os.loadavg()[0] ?? 0;
  // JIT warm-up before each measured run, not counted: long enough to matter, short next to the run
  const warmup = Math.min(2, Math.max(1, Math.round(o.duration / 5)));
  const load = { duration: o.duration, connections: o.connections };

  log(`bench: adapter micro-benchmark…`);
  const micro = await adapterMicroBench(o.microIterations);

  const rows: LoadRow[] = [];
  let ratio: Ratio | undefined;
  const plan = rounds(o.duration);
  log(`bench: ${SERVERS.map((s) => s.name).join(', ')}: ${warmup} s warm-up each, then ${plan.join(' + ')} s × ${o.connections} connections, taking turns…`);
  const started: Started[] = [];
  try {
    for (const s of SERVERS) started.push(await startServer(s));
    for (const s of started) await rawLoadRun({ url: s.url, duration: warmup, connections: o.connections });
    const runs: RawLoad[][] = SERVERS.map(() => []);
    for (const seconds of plan) {
      for (const [i, s] of started.entries()) runs[i]!.push(await rawLoadRun({ url: s.url, duration: seconds, connections: o.connections }));
    }
    for (const [i, s] of SERVERS.entries()) rows.push({ name: s.name, what: s.what, result: summarize(runs[i]!) });
    ratio = containerRatio(runs);
  } finally {
    await Promise.all(started.map((s) => s.stop()));
  }

  const dockerUp = o.docker && (await dockerAvailable());
  const noDocker = o.docker ? 'no Docker engine answers (start Docker and rerun)' : 'NO_DOCKER=1 was set';
  let container: BenchReport['container'];
  if (dockerUp) {
    log('bench: container: build, cold start, load at 10 connections, at half that rate and at the usual connections, memory…');
    try {
      container = await containerBench(o.service, { ...load, warmup });
    } catch (err) {
      container = skipped(`the container bench failed: ${(err as Error).message.split('\n')[0]}`);
    }
  } else {
    container = skipped(noDocker);
  }

  let deploy: BenchReport['deploy'] = skipped(`${noDocker}; deploy-ecs builds and pushes the image with Docker`);
  if (dockerUp) {
    log('bench: deploy against the fake AWS (first, then no-op)…');
    try {
      deploy = await deployBench({ docker: true, ...(o.env ? { env: o.env } : {}), ...(o.manifest ? { manifest: o.manifest } : {}) });
    } catch (err) {
      deploy = skipped((err as Error).message.split('\n')[0] ?? 'the deploy failed');
      log(`bench: deploy not measured: ${(err as Error).message}`);
    }
  }

  const report: BenchReport = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine: machine(),
    loadAverage,
    node: process.versions.node,
    ...(dockerUp ? { docker: await dockerVersion() } : {}),
    duration: o.duration,
    rounds: plan,
    connections: o.connections,
    load: rows,
    ...(ratio ? { ratio } : {}),
    micro,
    container,
    deploy,
  };
  const text = renderReport(report);
  await mkdir(path.dirname(o.report), { recursive: true });
  await writeFile(o.report, text);
  return text;
}

const skipped = (why: string): Skipped => ({ skipped: why });

/** Container server ÷ plain express route in requests/s, overall and turn by turn (the turns ran back to back). */
export function containerRatio(runs: RawLoad[][]): Ratio | undefined {
  const c = runs[SERVERS.indexOf(CONTAINER)];
  const e = runs[SERVERS.indexOf(EXPRESS)];
  if (!c?.length || !e?.length) return undefined;
  return { ...ratioOf(c, e), p99: { container: summarize(c).p99, express: summarize(e).p99 } };
}

function machine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  return `${os.platform()}/${os.arch()}, ${cpus.length} × ${model}, ${Math.round(os.totalmem() / 1024 ** 3)} GiB`;
}

async function dockerVersion(): Promise<string> {
  const r = await run('docker', ['version', '--format', '{{.Server.Version}}'], { timeoutMs: 15_000 }).catch(() => undefined);
  return r?.code === 0 ? r.stdout.trim() : 'unknown';
}
