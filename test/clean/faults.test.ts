import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STACK, cleanEnv, leftovers, putOwnedStack, runScript, show, withFake, workspace } from './support.ts';

const LOCATION = 'lambda2fargate:local';

test('a security group held by a lingering task ENI is retried until it is released, then deleted', async (t) => {
  const fake = await withFake(t, { eniLingerMs: 2_500 });
  const ws = await workspace(t, { name: 'linger', location: LOCATION });
  assert.equal((await runScript('deploy-ecs', cleanEnv(fake, ws))).code, 0);
  const mark = fake.requests.length;
  const r = await runScript('clean', cleanEnv(fake, ws, { L2F_POLL_MS: '200' }));
  assert.equal(r.code, 0, show(r));
  const refused = fake.requests.slice(mark).filter((x) => x.operation === 'DeleteSecurityGroup' && x.error === 'DependencyViolation');
  assert.ok(refused.length >= 2, `DeleteSecurityGroup was refused ${refused.length} times`);
  const waited = /✓ security-group .*deleted after waiting ([\d.]+)s for task network interfaces/.exec(r.stdout);
  assert.ok(waited, r.stdout);
  assert.ok(Number(waited[1]) >= 0.4, `waited ${waited[1]}s`);
  assert.deepEqual(await leftovers(fake), []);
  t.diagnostic(`ENI lingering 2.5s after the task stopped: ${refused.length} DependencyViolation answers, ${waited[1]}s waiting on the security group`);
});

test('an ENI that lingers past the bound fails the clean (exit 1), naming the interface and what to do', async (t) => {
  const fake = await withFake(t, { eniLingerMs: 60_000 });
  const ws = await workspace(t, { name: 'stuck', location: LOCATION });
  assert.equal((await runScript('deploy-ecs', cleanEnv(fake, ws))).code, 0);
  const r = await runScript('clean', cleanEnv(fake, ws, { L2F_ENI_TIMEOUT_MS: '1000', L2F_POLL_MS: '200' }));
  assert.equal(r.code, 1, show(r));
  assert.match(r.stdout, /✗ security-group\s+stuck-test-sg \(sg-\w+\): still in use after 1s .*network interfaces: eni-\w+.* — wait a few minutes and run make clean again/);
  assert.match(r.stdout, /inventory check FAILED: 1 resource\(s\) created by lambda2fargate for stuck \(test\) still exist:\n {2}security-group\s+stuck-test-sg/);
  // Everything that did not depend on the group went anyway.
  assert.deepEqual((await leftovers(fake)).map(([k]) => k).sort(), ['networkInterfaces', 'securityGroups']);
});

test('when the fake refuses a delete, clean goes on with the rest and the inventory check fails (exit 1)', async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t, { name: 'refused', location: LOCATION });
  assert.equal((await runScript('deploy-ecs', cleanEnv(fake, ws))).code, 0);
  putOwnedStack(fake);
  fake.inject({ fail: { service: 'logs', operation: 'DeleteLogGroup', code: 'AccessDeniedException', message: 'not allowed: logs:DeleteLogGroup', count: Infinity } });
  const r = await runScript('clean', cleanEnv(fake, ws));
  assert.equal(r.code, 1, show(r));
  assert.match(r.stdout, /✗ log-group\s+\/ecs\/refused-test: AccessDeniedException: not allowed: logs:DeleteLogGroup — fix the cause and run make clean again/);
  assert.match(r.stdout, /✓ stack\s+l2f-clean-test/, 'deletes after the failure still ran');
  assert.match(r.stdout, /inventory check FAILED: 1 resource\(s\)[^\n]*\n {2}log-group\s+\/ecs\/refused-test/);
  assert.deepEqual(await leftovers(fake), [['logGroups', ['/ecs/refused-test']]]);
});

test('without the SAM CLI, an existing stack is not deleted: clean says how to delete it and exits 1', async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t, { name: 'nosam', location: LOCATION });
  putOwnedStack(fake);
  const r = await runScript('clean', cleanEnv(fake, ws, { PATH: '/usr/bin:/bin' }));
  assert.equal(r.code, 1, show(r));
  assert.match(r.stdout, new RegExp(`the SAM CLI is not installed, so the stack was not deleted — install it and run \`sam delete --stack-name ${STACK} --region us-east-1 --no-prompts\`, or run \`aws cloudformation delete-stack --stack-name ${STACK} --region us-east-1\``));
  assert.deepEqual(await leftovers(fake), [['stacks', [STACK]]]);
});

test('a failing `sam delete` is reported with its output and fails the inventory check', async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t, { name: 'samfails', location: LOCATION });
  putOwnedStack(fake);
  const r = await runScript('clean', cleanEnv(fake, ws, { SAM_STUB_FAIL: '1' }));
  assert.equal(r.code, 1, show(r));
  assert.match(r.stdout, /✗ stack\s+l2f-clean-test: `sam delete --stack-name l2f-clean-test --region us-east-1 --no-prompts` exited 1: Error: Failed to delete the stack/);
});

test('a lookup the fake refuses does not stop the clean: the rest is deleted and the check is incomplete (exit 1)', async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t, { name: 'blind', location: LOCATION });
  assert.equal((await runScript('deploy-ecs', cleanEnv(fake, ws))).code, 0);
  fake.inject({ fail: { service: 'iam', operation: 'GetRole', code: 'AccessDenied', message: 'not authorized to perform: iam:GetRole', status: 403, count: Infinity } });
  const r = await runScript('clean', cleanEnv(fake, ws));
  assert.equal(r.code, 1, show(r));
  assert.match(r.stdout, /\? could not look for the execution role: AccessDenied: not authorized to perform: iam:GetRole/);
  assert.match(r.stdout, /inventory check incomplete: 1 lookup\(s\) failed — fix the cause \(often missing IAM permissions\) and run make clean again/);
  assert.deepEqual(await leftovers(fake), [['roles', ['blind-test-exec']]]);
});
