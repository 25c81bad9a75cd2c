import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startFakeAws } from '../fake-aws/index.ts';
import type { FakeAws } from '../fake-aws/index.ts';
import { requireDocker } from '../support/docker.ts';
import { REPO, output, resourceWrites, runDeploy, tempDir, uniqueName, writeManifest } from './e2e.ts';

// With Docker: the fake backs ECR with the local registry and runs each task's image under Docker.
let fake: FakeAws | undefined;
async function theFake(): Promise<FakeAws> {
  fake ??= await startFakeAws({ docker: true, registry: true });
  return fake;
}
after(async () => {
  await fake?.stop();
});

const registryPassword = () => readFile('/tmp/docker-env/registry/password', 'utf8').then((p) => p.trim(), () => '');

const writeOps = (f: FakeAws, from: number) => resourceWrites(f, from);

function buildManifest(name: string, extra: Record<string, unknown> = {}, build: Record<string, unknown> = { context: REPO, dockerfile: join(REPO, 'Dockerfile') }) {
  return { name, image: { build, port: 3000 }, healthcheck: { path: '/healthz' }, deployment: { timeout: '3m' }, ...extra };
}

test('with Docker: the first deploy builds the repo’s Dockerfile, pushes it, pins it by digest and the URL says Hello from ECS!; the rerun writes nothing; a count change updates only the service', { timeout: 600_000 }, async (t) => {
  if (!requireDocker(t)) return;
  const f = await theFake();
  const name = uniqueName('docker');
  const manifest = writeManifest(buildManifest(name));

  const first = await runDeploy(f, manifest);
  assert.equal(first.code, 0, output(first));
  const pushed = /pushed (\S+):(\S+) /.exec(first.stdout);
  assert.ok(pushed, output(first));
  assert.doesNotMatch(pushed[2]!, /latest/);
  const registered = f.requests.find((r) => r.operation === 'RegisterTaskDefinition' && JSON.stringify(r.params).includes(name));
  const image = (registered?.params as { containerDefinitions: Array<{ image: string }> }).containerDefinitions[0]!.image;
  assert.match(image, /^127\.0\.0\.1:5001\/.+@sha256:[0-9a-f]{64}$/);
  assert.ok((await f.snapshot()).images.some((i) => image.endsWith(i.split('@')[1]!)), 'the registry holds the pushed digest');
  const url = /(http:\/\/[\d.]+:3000\/) → 200/.exec(first.stdout)?.[1];
  assert.ok(url, output(first));
  assert.deepEqual(await (await fetch(url)).json(), { message: 'Hello from ECS!' });
  const password = await registryPassword();
  if (password) assert.ok(!(first.stdout + first.stderr).includes(password), 'the registry password is not in the output');

  const mark = f.requests.length;
  const second = await runDeploy(f, manifest);
  assert.equal(second.code, 0, output(second));
  assert.deepEqual(writeOps(f, mark), [], 'no push, no revision, no update');
  assert.match(second.stdout, /is already in the repository: not pushed/);
  assert.match(second.stdout, /nothing was written/);

  const mark2 = f.requests.length;
  const scaled = await runDeploy(f, writeManifest(buildManifest(name, { count: 2 })));
  assert.equal(scaled.code, 0, output(scaled));
  assert.deepEqual(writeOps(f, mark2).map((r) => r.operation), ['UpdateService']);
  assert.equal((scaled.stdout.match(/→ 200 \{"message":"Hello from ECS!"\}/g) ?? []).length, 2, 'both tasks answer');

  const mark3 = f.requests.length;
  const plan = await runDeploy(f, writeManifest(buildManifest(name, { count: 3 })), { DRY_RUN: '1' });
  assert.equal(plan.code, 0, output(plan));
  assert.deepEqual(writeOps(f, mark3), []);
  assert.match(plan.stdout, /= unchanged: task definition/, 'an unchanged tree plans no new revision');
  assert.match(plan.stdout, /desiredCount: 2 → 3/);
});

test('with Docker: an image that exits at start ends the deploy with exit 1, the stopped reason and exit code 3', { timeout: 600_000 }, async (t) => {
  if (!requireDocker(t)) return;
  const f = await theFake();
  const context = tempDir('crash-');
  writeFileSync(join(context, 'Dockerfile'), 'FROM node:24-slim\nCMD ["node","-e","console.error(\'crashing on purpose\'); process.exit(3)"]\n');
  const manifest = writeManifest(buildManifest(uniqueName('crash'), { healthcheck: { path: '/healthz' } }, { context }));
  const r = await runDeploy(f, manifest);
  assert.equal(r.code, 1, output(r));
  assert.match(r.stdout, /pushed \S+:img-[0-9a-f]{12} /, 'outside git the tag comes from the image id');
  assert.match(r.stderr, /step \d+ \(wait\): the deployment of .* failed/);
  assert.match(r.stderr, /Essential container in task exited — \S+ exit 3/);
  assert.match(r.stderr, /crashing on purpose/);
});

test('with Docker: DRY_RUN builds nothing, pushes nothing and writes nothing', { timeout: 120_000 }, async (t) => {
  if (!requireDocker(t)) return;
  const f = await theFake();
  const mark = f.requests.length;
  const r = await runDeploy(f, writeManifest(buildManifest(uniqueName('dry'))), { DRY_RUN: '1' });
  assert.equal(r.code, 0, output(r));
  assert.deepEqual(writeOps(f, mark), []);
  assert.ok(!f.requests.slice(mark).some((x) => x.operation === 'GetAuthorizationToken'), 'no registry login');
  assert.match(r.stdout, /\+ would build and push (git-[0-9a-f]+|\(tag from the built image)/);
  assert.doesNotMatch(r.stdout, /built sha256/);
});

test('with Docker: the rendered health check command passes inside the real image (the fake only probes the path)', { timeout: 300_000 }, async (t) => {
  if (!requireDocker(t)) return;
  const { dockerBuild } = await import('../../scripts/resources/image.ts');
  const { healthCheckCommand } = await import('../../scripts/resources/task-definition.ts');
  const { run } = await import('../../scripts/lib/process.ts');
  const imageId = await dockerBuild({ context: REPO, dockerfile: join(REPO, 'Dockerfile'), args: {} }, 'linux/x86_64', 'l2f-healthcheck-test:latest');
  const port = 20000 + Math.floor(Math.random() * 20000);
  const name = `l2f-hc-${process.pid}-${port}`;
  const started = await run('docker', ['run', '-d', '--rm', '--name', name, '--network', 'host', '-e', 'HOST=0.0.0.0', '-e', `PORT=${port}`, imageId]);
  assert.equal(started.code, 0, started.stderr);
  try {
    const check = (path: string) => run('docker', ['exec', name, 'sh', '-c', healthCheckCommand(path, port)[1]!]);
    let ok = await check('/healthz');
    for (let i = 0; i < 50 && ok.code !== 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      ok = await check('/healthz');
    }
    assert.equal(ok.code, 0, `healthy: ${ok.stderr}`);
    assert.notEqual((await check('/no-such-path')).code, 0, 'a failing path is unhealthy');
  } finally {
    await run('docker', ['rm', '-f', name]);
    await run('docker', ['rmi', 'l2f-healthcheck-test:latest']);
  }
});
