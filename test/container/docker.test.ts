import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { requireDocker } from '../support/docker.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const SUFFIX = `${process.pid}-${randomBytes(3).toString('hex')}`;
const TAG = `l2f-container-test:${SUFFIX}`;
/** The limits of the smallest useful Fargate task (0.25 vCPU, 512 MiB). */
const FARGATE_LIMITS = ['--cpus', '0.25', '--memory', '512m'];

const containers: string[] = [];
let image: Promise<void> | undefined;

function docker(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('docker', args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 });
}

function ensureImage(): Promise<void> {
  image ??= docker('build', '--network', 'host', '-t', TAG, '.').then(() => undefined);
  return image;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startContainer(t: TestContext, extra: string[] = []): Promise<{ name: string; url: string }> {
  const name = `l2f-container-test-${SUFFIX}-${containers.length}`;
  const port = await freePort();
  containers.push(name);
  await docker('run', '-d', '--name', name, '--network', 'host', '-e', 'HOST=127.0.0.1', '-e', `PORT=${port}`, ...FARGATE_LIMITS, ...extra, TAG);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { name, url };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      const logs = await docker('logs', name).catch(() => ({ stdout: '', stderr: '' }));
      throw new Error(`container ${name} did not answer ${url}/healthz within 15 s:\n${logs.stdout}${logs.stderr}`);
    }
    t.diagnostic('waiting for the container');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the image', () => {
  after(async () => {
    for (const name of containers) await docker('rm', '-f', name).catch(() => {});
    if (image) await docker('rmi', '-f', TAG).catch(() => {});
  });

  test('GET / answers Hello from ECS! under Fargate 256/512 limits, as the node user', async (t) => {
    if (!requireDocker(t)) return;
    await ensureImage();
    const { name, url } = await startContainer(t);
    const res = await fetch(`${url}/`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { message: 'Hello from ECS!' });
    assert.equal(res.headers.get('x-powered-by'), null);
    assert.equal((await docker('exec', name, 'id', '-un')).stdout.trim(), 'node');
    const logs = (await docker('logs', name)).stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(logs.some((l) => l.method === 'GET' && l.path === '/' && l.status === 200 && typeof l.requestId === 'string'), 'one JSON log line per request');
  });

  test('the image adds under 5 MB to its base and holds only the bundles', async (t) => {
    if (!requireDocker(t)) return;
    await ensureImage();
    const size = async (ref: string) => Number((await docker('image', 'inspect', '-f', '{{.Size}}', ref)).stdout.trim());
    const added = (await size(TAG)) - (await size('node:24-slim'));
    t.diagnostic(`image adds ${added} bytes to node:24-slim`);
    assert.ok(added > 0 && added < 5 * 1024 * 1024, `the image adds ${added} bytes`);
    const files = (await docker('run', '--rm', '--network', 'host', '--entrypoint', 'find', TAG, '/app', '-type', 'f')).stdout.trim().split('\n').sort();
    // functions/ holds what make init CODE=1 brings; in this repository only its package.json
    assert.deepEqual(files, ['/app/functions/package.json', '/app/lambda/handler.mjs', '/app/server.mjs']);
    const config = JSON.parse((await docker('image', 'inspect', '-f', '{{json .Config}}', TAG)).stdout) as { User: string; Cmd: string[]; Env: string[] };
    assert.equal(config.User, 'node');
    assert.deepEqual(config.Cmd, ['node', 'server.mjs']);
    assert.ok(config.Env.includes('HANDLER=lambda/handler.handler'));
  });

  test('docker stop lets the in-flight request finish and the container exits 0 right after', async (t) => {
    if (!requireDocker(t)) return;
    await ensureImage();
    const fixture = path.join(ROOT, 'test/container/fixtures/slow.mjs');
    const { name, url } = await startContainer(t, ['-v', `${fixture}:/fixtures/slow.mjs:ro`, '-e', 'HANDLER=/fixtures/slow.handler', '-e', 'SLOW_MS=1500']);
    const inFlight = fetch(`${url}/slow`).then(async (r) => [r.status, await r.text()]);
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    await docker('stop', '--time', '10', name);
    const stopped = Date.now() - started;
    assert.deepEqual(await inFlight, [200, 'slow done']);
    const exitCode = (await docker('inspect', '-f', '{{.State.ExitCode}}', name)).stdout.trim();
    assert.equal(exitCode, '0');
    // the request had ~1.2 s left; docker would SIGKILL (exit 137) only after 10 s
    assert.ok(stopped < 3_000, `docker stop took ${stopped} ms`);
    t.diagnostic(`docker stop took ${stopped} ms with a request in flight`);
    const messages = (await docker('logs', name)).stdout.trim().split('\n').map((l) => (JSON.parse(l) as { message?: string; status?: number }));
    assert.deepEqual(messages.map((l) => l.message ?? l.status), ['listening', 'stopping', 200, 'stopped']);
  });
});
