/**
 * Where each server's time per request goes: the plain express route and the container server, each
 * under `node --cpu-prof` and the bench's load, taking turns; prints one Markdown table.
 *
 *   npx tsx scripts/bench/profile.ts     Env: DURATION (seconds of load per server, default 5), CONNECTIONS (50),
 *                                        REVS (commits whose container server is profiled too, comma-separated)
 *
 * Shares come from the sampled profile; µs per request = the server's sampled busy time ÷ the
 * requests it answered while sampled. A profiler slows what it samples: compare the columns with
 * each other, and take absolute costs from `make bench`.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { rawLoadRun } from './load.ts';
import { splitProfile, type CpuProfile } from './profile-split.ts';
import { containersAt } from './revision.ts';
import { CONTAINER, EXPRESS, startServer } from './servers.ts';

const duration = Number(process.env.DURATION || 5);
const connections = Number(process.env.CONNECTIONS || 50);
const dir = await mkdtemp(path.join(os.tmpdir(), 'l2f-profile-'));
try {
  const columns: Array<{ name: string; perRequestUs: number; parts: Map<string, number> }> = [];
  for (const server of [EXPRESS, ...containersAt(process.env.REVS), CONTAINER]) {
    const out = path.join(dir, columns.length.toString());
    const spawned = performance.now();
    const started = await startServer(server, ['--cpu-prof', `--cpu-prof-dir=${out}`, '--cpu-prof-interval=100']);
    await rawLoadRun({ url: started.url, duration: 2, connections });
    const from = performance.now() - spawned;
    const load = await rawLoadRun({ url: started.url, duration, connections });
    await started.stop();
    const [file] = await readdir(out);
    const profile = JSON.parse(await readFile(path.join(out, file!), 'utf8')) as CpuProfile;
    const split = splitProfile(profile, from);
    columns.push({ name: server.name, perRequestUs: (split.busyMs * 1000) / load.requests, parts: new Map(split.parts) });
  }
  const names = [...new Set(columns.flatMap((c) => [...c.parts.keys()]))];
  const cell = (c: (typeof columns)[number], part: string) => `${(c.perRequestUs * (c.parts.get(part) ?? 0)).toFixed(2)} µs (${Math.round((c.parts.get(part) ?? 0) * 100)} %)`;
  const lines = [`| part | ${columns.map((c) => c.name).join(' | ')} |`, `| --- |${' ---: |'.repeat(columns.length)}`];
  for (const part of names) lines.push(`| ${part} | ${columns.map((c) => cell(c, part)).join(' | ')} |`);
  lines.push(`| **busy time per request** | ${columns.map((c) => `**${c.perRequestUs.toFixed(2)} µs**`).join(' | ')} |`);
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
