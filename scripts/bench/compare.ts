/**
 * The container server now, and at earlier revisions, against the plain express route: turns taken
 * one server after another, many short ones, so they share whatever else the machine does; prints
 * requests/s and each server's CPU time per request (Linux: its main thread's time on a CPU, from
 * /proc/<pid>/schedstat), which that other load moves less than requests/s. One Markdown table.
 *
 *   REVS=abc03ad npx tsx scripts/bench/compare.ts    Env: REVS (commits, comma-separated), TURNS (10), SECONDS (2), CONNECTIONS (50)
 */
import { readFile } from 'node:fs/promises';
import { rawLoadRun, rateOf, ratioOf } from './load.ts';
import { containersAt } from './revision.ts';
import { CONTAINER, EXPRESS, startServer, type Started } from './servers.ts';

export interface Turn {
  requests: number;
  seconds: number;
  /** CPU microseconds the server spent in the turn; undefined where the OS does not say */
  cpuUs?: number;
}

export interface Compared {
  name: string;
  requestsPerSecond: number;
  ratio: number;
  cpuUsPerRequest?: number;
  turnRatios: number[];
}

/** Each server's turns added up, against the first server's (the baseline) turn by turn and overall. */
export function compare(names: string[], turns: Turn[][]): Compared[] {
  const base = turns[0]!;
  return names.map((name, i) => {
    const ts = turns[i]!;
    const cpu = ts.every((t) => t.cpuUs !== undefined) ? ts.reduce((n, t) => n + t.cpuUs!, 0) / ts.reduce((n, t) => n + t.requests, 0) : undefined;
    const { overall, turns: turnRatios } = ratioOf(ts, base);
    return { name, requestsPerSecond: rateOf(ts), ratio: overall, ...(cpu !== undefined ? { cpuUsPerRequest: cpu } : {}), turnRatios };
  });
}

export function renderComparison(rows: Compared[]): string {
  const lines = ['| server | requests/s | ÷ first | CPU per request | turn by turn ÷ first |', '| --- | ---: | ---: | ---: | --- |'];
  for (const r of rows) {
    const cpu = r.cpuUsPerRequest === undefined ? '–' : `${r.cpuUsPerRequest.toFixed(1)} µs`;
    const turns = r.turnRatios.map((x) => x.toFixed(2)).join(', ');
    lines.push(`| ${r.name} | ${Math.round(r.requestsPerSecond).toLocaleString('en-US')} | ${r.ratio.toFixed(2)}× | ${cpu} | ${turns} |`);
  }
  return `${lines.join('\n')}\n`;
}

async function cpuUs(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    return Number((await readFile(`/proc/${pid}/schedstat`, 'utf8')).split(' ')[0]) / 1000;
  } catch {
    return undefined;
  }
}

async function main(env: NodeJS.ProcessEnv): Promise<void> {
  const turnCount = Number(env.TURNS || 10);
  const seconds = Number(env.SECONDS || 2);
  const connections = Number(env.CONNECTIONS || 50);
  const servers = [EXPRESS, ...containersAt(env.REVS), CONTAINER];
  const started: Started[] = [];
  try {
    for (const s of servers) started.push(await startServer(s));
    for (const s of started) await rawLoadRun({ url: s.url, duration: 2, connections });
    const turns: Turn[][] = servers.map(() => []);
    for (let k = 0; k < turnCount; k++) {
      for (const [i, s] of started.entries()) {
        const before = await cpuUs(s.child.process.pid);
        const run = await rawLoadRun({ url: s.url, duration: seconds, connections });
        const after = await cpuUs(s.child.process.pid);
        turns[i]!.push({ requests: run.requests, seconds: run.seconds, ...(before !== undefined && after !== undefined ? { cpuUs: after - before } : {}) });
      }
    }
    process.stdout.write(renderComparison(compare(servers.map((s) => s.name), turns)));
  } finally {
    await Promise.all(started.map((s) => s.stop()));
  }
}

if (import.meta.main) await main(process.env);
