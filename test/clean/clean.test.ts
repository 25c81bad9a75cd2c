import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanEnv, leftovers, putOwnedStack, runScript, show, withFake, workspace } from './support.ts';

const LOCATION = 'lambda2fargate:local';

test('clean after a full deploy leaves the fake empty, deletes in dependency order and says so', async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t, { name: 'full', location: LOCATION });
  const deploy = await runScript('deploy-ecs', cleanEnv(fake, ws));
  assert.equal(deploy.code, 0, show(deploy));
  putOwnedStack(fake, { FunctionUrl: 'https://abc.lambda-url.us-east-1.on.aws/' });
  const mark = fake.requests.length;

  const r = await runScript('clean', cleanEnv(fake, ws));
  assert.equal(r.code, 0, show(r));
  assert.deepEqual(await leftovers(fake), []);
  assert.match(r.stdout, /inventory check: nothing created by lambda2fargate for full \(test\) is left/);
  const writes = fake.requests.slice(mark).filter((x) => !/^(Describe|Get|List)/.test(x.operation) && !x.error).map((x) => x.operation);
  const at = (op: string) => writes.indexOf(op);
  assert.ok(at('UpdateService') < at('DeleteService'), writes.join(' '));
  assert.ok(at('DeleteService') < at('DeregisterTaskDefinition') && at('DeregisterTaskDefinition') < at('DeleteTaskDefinitions'), writes.join(' '));
  assert.ok(at('DeleteTaskDefinitions') < at('DeleteCluster') && at('DeleteCluster') < at('DeleteSecurityGroup'), writes.join(' '));
  assert.ok(at('DetachRolePolicy') < at('DeleteRole') && at('DeleteRole') < at('DeleteLogGroup') && at('DeleteLogGroup') < at('DeleteStack'), writes.join(' '));
  const summary = /clean: (\d+) deleted in ([\d.]+)s \(([\d.]+)s waiting\), (\d+) AWS calls \((\d+) writes\)/.exec(r.stdout);
  assert.ok(summary, r.stdout);
  assert.equal(summary[1], '7');
  t.diagnostic(`clean after a full deploy: ${summary[4]} AWS calls (${summary[5]} writes), ${summary[2]}s (${summary[3]}s waiting), process ${(r.ms / 1000).toFixed(1)}s`);
});

test('clean after a deploy stopped after each step in turn leaves the fake empty every time', async (t) => {
  const fake = await withFake(t);
  // the steps of public-IP mode, by id (the load-balanced ones are test/clean/load-balancer.test.ts's)
  for (const step of ['preflight', 'repository', 'image', 'role', 'task-role', 'security-group', 'task-definition', 'service', 'rollout', 'secrets-cleanup', 'endpoint']) {
    const ws = await workspace(t, { name: `partial-${step}`, location: LOCATION });
    const deploy = await runScript('deploy-ecs', cleanEnv(fake, ws, { L2F_STOP_AFTER_STEP: step }));
    assert.equal(deploy.code, 0, show(deploy));
    assert.match(deploy.stdout, new RegExp(`stopped after step \\d+ \\(L2F_STOP_AFTER_STEP=${step}\\)`));
    const created = (await leftovers(fake)).length;
    const r = await runScript('clean', cleanEnv(fake, ws));
    assert.equal(r.code, 0, `after step ${step}: ${show(r)}`);
    assert.deepEqual(await leftovers(fake), [], `after step ${step}`);
    t.diagnostic(`step ${step}: ${created} kinds of resources existed; ${/^clean: \d+ deleted.*/m.exec(r.stdout)?.[0] ?? 'nothing to delete'}`);
  }
});

test('clean run twice: the second run deletes nothing, writes nothing and exits 0', async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t, { name: 'twice', location: LOCATION });
  assert.equal((await runScript('deploy-ecs', cleanEnv(fake, ws))).code, 0);
  putOwnedStack(fake);
  assert.equal((await runScript('clean', cleanEnv(fake, ws))).code, 0);
  const mark = fake.requests.length;
  const again = await runScript('clean', cleanEnv(fake, ws));
  assert.equal(again.code, 0, show(again));
  assert.match(again.stdout, /nothing to delete: lambda2fargate created nothing \(left\) for twice \(test\)/);
  assert.deepEqual(fake.writeRequests().filter((x) => fake.requests.indexOf(x) >= mark), []);
});

test('DRY_RUN=1 lists what would be deleted and deletes nothing', async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t, { name: 'dry', location: LOCATION });
  assert.equal((await runScript('deploy-ecs', cleanEnv(fake, ws))).code, 0);
  const before = await leftovers(fake);
  const mark = fake.requests.length;
  const r = await runScript('clean', cleanEnv(fake, ws, { DRY_RUN: '1' }));
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /to delete \(6\):/);
  assert.match(r.stdout, /service\s+dry-test \(cluster dry-test\)/);
  assert.match(r.stdout, /dry run: nothing deleted/);
  assert.deepEqual(fake.writeRequests().filter((x) => fake.requests.indexOf(x) >= mark), []);
  assert.deepEqual(await leftovers(fake), before);
});
