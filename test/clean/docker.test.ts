import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireDocker } from '../support/docker.ts';
import type { StatusReport } from '../../scripts/status/gather.ts';
import { ROOT, cleanEnv, leftovers, putOwnedStack, runScript, show, withFake, workspace } from './support.ts';

/** Asks the real registry, not the fake's view of it. */
async function registryHas(path: string): Promise<number> {
  const password = readFileSync('/tmp/docker-env/registry/password', 'utf8').trim();
  const res = await fetch(`http://127.0.0.1:5001/v2/${path}`, { method: 'HEAD', headers: { authorization: `Basic ${Buffer.from(`AWS:${password}`).toString('base64')}` } });
  return res.status;
}

/** Running containers of that name (the fake keeps stopped ones, as ECS keeps stopped tasks, until it stops). */
const running = (name: string) => execFileSync('docker', ['ps', '--filter', `name=${name}`, '--filter', 'status=running', '--format', '{{.Names}}'], { encoding: 'utf8' }).trim();

test('with Docker: deploy, clean — the task container no longer runs and the registry no longer holds the image', { timeout: 600_000 }, async (t) => {
  if (!requireDocker(t)) return;
  const fake = await withFake(t, { docker: true, registry: true });
  const ws = await workspace(t, { name: 'docked', build: { context: ROOT, dockerfile: join(ROOT, 'Dockerfile') } });
  const deploy = await runScript('deploy-ecs', cleanEnv(fake, ws), { timeoutMs: 540_000 });
  assert.equal(deploy.code, 0, show(deploy));
  putOwnedStack(fake);
  const registered = fake.requests.find((r) => r.operation === 'RegisterTaskDefinition');
  const image = (registered?.params as { containerDefinitions: Array<{ image: string }> }).containerDefinitions[0]!.image;
  const [, path, digest] = /^127\.0\.0\.1:5001\/(.+)@(sha256:[0-9a-f]{64})$/.exec(image) ?? [];
  assert.ok(path && digest, image);
  assert.equal(await registryHas(`${path}/manifests/${digest}`), 200, 'the pushed image is in the registry');
  const report = JSON.parse((await runScript('status', cleanEnv(fake, ws, { OUTPUT: 'json' }))).stdout) as StatusReport;
  const taskId = report.ecs?.tasks[0]?.id ?? '';
  assert.ok(taskId);
  assert.equal(running(`l2f-fake-${taskId}`), `l2f-fake-${taskId}`, 'the task runs as a container');

  const r = await runScript('clean', cleanEnv(fake, ws));
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /✓ repository\s+docked-test: deleted with its images \(1 image\)/);
  assert.equal(running(`l2f-fake-${taskId}`), '', 'the container no longer runs');
  assert.equal(await registryHas(`${path}/manifests/${digest}`), 404, 'the registry no longer serves the image');
  assert.deepEqual(await leftovers(fake), []);
});

test('with Docker: clean after a deploy stopped after the ECR repository (empty) or after the push (one image) leaves nothing', { timeout: 600_000 }, async (t) => {
  if (!requireDocker(t)) return;
  const fake = await withFake(t, { docker: true, registry: true });
  for (const step of [2, 3]) {
    const ws = await workspace(t, { name: `pushed${step}`, build: { context: ROOT, dockerfile: join(ROOT, 'Dockerfile') } });
    const deploy = await runScript('deploy-ecs', cleanEnv(fake, ws, { L2F_STOP_AFTER_STEP: String(step) }), { timeoutMs: 540_000 });
    assert.equal(deploy.code, 0, show(deploy));
    assert.deepEqual((await fake.snapshot()).repositories, [`pushed${step}-test`]);
    const r = await runScript('clean', cleanEnv(fake, ws));
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, new RegExp(`✓ repository\\s+pushed${step}-test: deleted with its images \\(${step === 2 ? 0 : 1} images?\\)`));
    assert.deepEqual(await leftovers(fake), [], `after step ${step}`);
  }
});
