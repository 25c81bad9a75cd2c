import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ToolError, message } from '../lib/errors.ts';
import { lastLines, run } from '../lib/process.ts';
import type { ResolvedService } from '../manifest/types.ts';
import { buildArgs, containerMemory, hostPlatform, imageSize, localImageTag, removeContainer, runArgs } from '../local/docker.ts';
import { atInterrupt } from '../local/cleanup.ts';
import { freePort, waitFor200 } from '../local/ports.ts';
import { loadRun } from './load.ts';
import type { ContainerFigures, DockerLoad } from './report.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');


/**
 * At 0.25 vCPU every closed-loop run saturates the CPU quota, so its p99 is mostly the throttled
 * share of each 100 ms CFS period. Beside the usual connections: 10 connections, and 10 connections
 * held to half the rate they reached, which is the latency of a task with headroom.
 */
export const DOCKER_CONNECTIONS = 10;

/**
 * Builds the image, then times `docker run` to the first 200, loads it like the other servers and
 * reads its memory afterwards. The container gets the task definition's cpu and memory limits.
 */
export async function containerBench(service: ResolvedService, o: { duration: number; connections: number; warmup: number }): Promise<ContainerFigures> {
  const tag = localImageTag(service);
  const built = await run('docker', buildArgs(service, tag, hostPlatform()), { cwd: ROOT, timeoutMs: 15 * 60_000 });
  if (built.code !== 0) {
    throw new ToolError(message(`docker build of ${tag}`, lastLines(built.stderr.trim(), 10), 'run `make local` to see the whole build'));
  }
  const base = service.image.build ? await finalBaseImage(service.image.build.dockerfile, service.image.build.args) : 'node:24-slim';
  const [imageBytes, baseBytes] = await Promise.all([imageSize(tag), imageSize(base)]);

  const port = await freePort();
  const name = `lambda2fargate-bench-${process.pid}`;
  await removeContainer(name);
  const forget = atInterrupt(() => removeContainer(name));
  try {
    const url = `http://127.0.0.1:${port}/`;
    const started = performance.now();
    let runFailed: string | undefined;
    const running = run('docker', runArgs(service, { name, image: tag, host: '127.0.0.1', port, detach: true, labels: { 'lambda2fargate.bench': service.name } }), { timeoutMs: 60_000 }).then(
      (r) => (r.code === 0 ? undefined : (runFailed = `docker run failed: ${r.stderr.trim()}`)),
      (err: Error) => (runFailed = `docker run failed: ${err.message}`),
    );
    await waitFor200(url, { timeoutMs: 60_000, intervalMs: 5, gaveUp: () => runFailed });
    const coldStartMs = performance.now() - started;
    const failed = await running;
    if (failed) throw new ToolError(message('bench: container', failed));
    if (o.warmup > 0) await loadRun({ url, duration: o.warmup, connections: o.connections });
    const loads: DockerLoad[] = [];
    const few = await loadRun({ url, duration: o.duration, connections: DOCKER_CONNECTIONS });
    loads.push({ connections: DOCKER_CONNECTIONS, result: few });
    const rate = Math.max(1, Math.round(few.requestsPerSecond / 2));
    loads.push({ connections: DOCKER_CONNECTIONS, rate, result: await loadRun({ url, duration: o.duration, connections: DOCKER_CONNECTIONS, rate }) });
    if (o.connections !== DOCKER_CONNECTIONS) loads.push({ connections: o.connections, result: await loadRun({ url, duration: o.duration, connections: o.connections }) });
    const memoryAfterLoadBytes = await containerMemory(name);
    return { image: tag, base, imageBytes, baseBytes, coldStartMs, memoryAfterLoadBytes, cpus: service.cpu / 1024, memoryLimitMiB: service.memory, loads };
  } finally {
    await removeContainer(name);
    forget();
  }
}

/** The image the last stage starts FROM, following stage names back to a real image. */
export async function finalBaseImage(dockerfile: string, buildArgs: Record<string, string> = {}): Promise<string> {
  return baseImageOf(await readFile(dockerfile, 'utf8'), buildArgs);
}

/** FROM lines may use the ARGs declared before the first FROM (`FROM node:${NODE_VERSION}-slim`). */
export function baseImageOf(text: string, buildArgs: Record<string, string> = {}): string {
  const args: Record<string, string> = {};
  const stages = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split('\n')) {
    const arg = /^\s*ARG\s+([A-Za-z_][\w]*)(?:=(\S*))?/i.exec(line);
    if (arg && last === undefined) args[arg[1]!] = buildArgs[arg[1]!] ?? arg[2]?.replace(/^["']|["']$/g, '') ?? '';
    const m = /^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (!m) continue;
    const named = m[1]!.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => args[(a ?? b)!] ?? '');
    const image = stages.get(named.toLowerCase()) ?? named;
    if (m[2]) stages.set(m[2].toLowerCase(), image);
    last = image;
  }
  if (!last) throw new ToolError(message('Dockerfile', 'no FROM line', 'check image.build.dockerfile in the manifest'));
  return last;
}
