import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatusReport } from '../../scripts/status/gather.ts';
import { STACK, cleanEnv, putOwnedStack, runScript, show, withFake, workspace } from '../clean/support.ts';

const LOCATION = 'lambda2fargate:local';
const FUNCTION_URL = 'https://abcdef.lambda-url.us-east-1.on.aws/';

test('status of a running service: counts, the completed deployment, each task healthy with a URL that answers, events, the Lambda URL', async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t, { name: 'running', location: LOCATION });
  const deploy = await runScript('deploy-ecs', cleanEnv(fake, ws));
  assert.equal(deploy.code, 0, show(deploy));
  putOwnedStack(fake, { FunctionUrl: FUNCTION_URL, FunctionName: 'l2f-clean-test-HelloFunction-1A2B', LogGroupName: `/aws/lambda/${STACK}` });

  const r = await runScript('status', cleanEnv(fake, ws));
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /^ECS service running-test \(cluster running-test\): ACTIVE, running-test:1 — desired 1, running 1, pending 0$/m);
  assert.match(r.stdout, /^deployments:\n {2}PRIMARY\s+COMPLETED\s+running-test:1 {2}1\/1 running, 0 pending, 0 failed/m);
  const task = /^tasks:\n {2}([0-9a-f]{12}) RUNNING\s+HEALTHY\s+running-test:1 {2}(http:\/\/127\.[\d.]+:3000\/)$/m.exec(r.stdout);
  assert.ok(task, r.stdout);
  const answer = await fetch(task[2]!);
  assert.equal(answer.status, 200);
  assert.match(r.stdout, /^last \d service events:\n {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {2}\(service running-test\)/m);
  assert.match(r.stdout, new RegExp(`^Lambda stack ${STACK}: CREATE_COMPLETE, function l2f-clean-test-HelloFunction-1A2B, URL ${FUNCTION_URL}$`, 'm'));

  const json = await runScript('status', cleanEnv(fake, ws, { OUTPUT: 'json' }));
  assert.equal(json.code, 0, show(json));
  const report = JSON.parse(json.stdout) as StatusReport;
  assert.equal(report.nothingDeployed, false);
  assert.equal(report.ecs?.running, 1);
  assert.equal(report.ecs?.deployments[0]?.rolloutState, 'COMPLETED');
  assert.equal(report.ecs?.tasks[0]?.url, task[2]);
  assert.equal(report.ecs?.tasks[0]?.health, 'HEALTHY');
  assert.equal(report.lambda?.functionUrl, FUNCTION_URL);
});

test('status of a failed deployment shows the FAILED rollout, the stopped tasks with their reason and the events (exit 0)', async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t, { name: 'broken', location: LOCATION, variables: { FAKE_TASK_EXIT: '3' } });
  const deploy = await runScript('deploy-ecs', cleanEnv(fake, ws));
  assert.notEqual(deploy.code, 0, show(deploy));

  const r = await runScript('status', cleanEnv(fake, ws));
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /^ {2}PRIMARY\s+FAILED\s+broken-test:1 .*0 pending, [1-9]\d* failed/m);
  assert.match(r.stdout, /^ {2}[0-9a-f]{12} STOPPED\s+\w+\s+broken-test:1 {2}stopped: Essential container in task exited \(broken exited 3\)$/m);
  assert.match(r.stdout, /Lambda: no stack l2f-clean-test/);
  const report = JSON.parse((await runScript('status', cleanEnv(fake, ws, { OUTPUT: 'json' }))).stdout) as StatusReport;
  assert.equal(report.ecs?.deployments[0]?.rolloutState, 'FAILED');
  assert.ok(report.ecs?.tasks.length && report.ecs.tasks.every((x) => x.lastStatus === 'STOPPED' && !x.url), JSON.stringify(report.ecs?.tasks));
  assert.ok(report.ecs.events.length > 0);
});

test('status with nothing deployed says so clearly and exits 0, in text and in JSON', async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t, { name: 'none', location: LOCATION });
  const r = await runScript('status', cleanEnv(fake, ws));
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /nothing deployed: no ECS service none-test in cluster none-test, no Lambda stack l2f-clean-test — make deploy-ecs \/ make deploy-lambda deploy them/);
  const json = await runScript('status', cleanEnv(fake, ws, { OUTPUT: 'json' }));
  assert.equal(json.code, 0, show(json));
  assert.deepEqual(JSON.parse(json.stdout), { service: 'none', environment: 'test', region: 'us-east-1', ecs: null, lambda: null, nothingDeployed: true });
});

test('an unknown OUTPUT is bad input (exit 2)', async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t, { name: 'badout', location: LOCATION });
  const r = await runScript('status', cleanEnv(fake, ws, { OUTPUT: 'yaml' }));
  assert.equal(r.code, 2, show(r));
  assert.match(r.stderr, /OUTPUT=yaml: unknown output format — use OUTPUT=json/);
});
