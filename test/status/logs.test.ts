import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STACK, cleanEnv, putOwnedStack, runScript, show, withFake, workspace } from '../clean/support.ts';

const LOCATION = 'lambda2fargate:local';
const LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[([0-9a-f]{12})\] (.*)$/gm;

test('logs of a running service: each task\'s lines with timestamps, labelled by task id', async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t, { name: 'chatty', location: LOCATION, count: 2 });
  assert.equal((await runScript('deploy-ecs', cleanEnv(fake, ws))).code, 0);
  const r = await runScript('logs', cleanEnv(fake, ws, { SINCE: '5m' }));
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /^ECS service chatty-test: log group \/ecs\/chatty-test, since \d{4}-/m);
  const lines = [...r.stdout.matchAll(LINE)];
  const tasks = new Set(lines.filter((m) => /"listening"/.test(m[2] ?? '')).map((m) => m[1]));
  assert.equal(tasks.size, 2, r.stdout);
  const status = JSON.parse((await runScript('status', cleanEnv(fake, ws, { OUTPUT: 'json' }))).stdout) as { ecs: { tasks: Array<{ id: string }> } };
  assert.deepEqual([...tasks].sort(), status.ecs.tasks.map((x) => x.id.slice(0, 12)).sort());
  const stamps = lines.map((m) => m[0].slice(0, 24));
  assert.deepEqual(stamps, [...stamps].sort(), 'oldest first');
});

test('logs of a failed deployment show what the crashing tasks printed', async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t, { name: 'crashy', location: LOCATION, variables: { FAKE_TASK_EXIT: '3' } });
  assert.notEqual((await runScript('deploy-ecs', cleanEnv(fake, ws))).code, 0);
  const r = await runScript('logs', cleanEnv(fake, ws));
  assert.equal(r.code, 0, show(r));
  const crashes = [...r.stdout.matchAll(LINE)].filter((m) => m[2] === 'fake task exiting with 3');
  assert.ok(crashes.length >= 3, r.stdout);
  assert.equal(new Set(crashes.map((m) => m[1])).size, crashes.length, 'one line per task');
});

test('logs with nothing deployed say so and exit 0, for the service and for the Lambda', async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t, { name: 'empty', location: LOCATION });
  const r = await runScript('logs', cleanEnv(fake, ws));
  assert.equal(r.code, 0, show(r));
  assert.equal(r.stdout.trim(), 'nothing deployed: log group /ecs/empty-test does not exist in us-east-1 — make deploy-ecs creates it');
  const l = await runScript('logs', cleanEnv(fake, ws, { LAMBDA: '1' }));
  assert.equal(l.code, 0, show(l));
  assert.equal(l.stdout.trim(), `nothing deployed: no Lambda stack ${STACK} in us-east-1 — make deploy-lambda deploys it`);
});

test('LAMBDA=1 reads the function\'s log group from the stack output; SINCE bounds the window', async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t, { name: 'fn', location: LOCATION });
  const group = `/aws/lambda/${STACK}`;
  putOwnedStack(fake, { FunctionName: 'fn-HelloFunction-9Z', LogGroupName: group });
  fake.logs.createGroup(group);
  const stream = '2026/11/27/[$LATEST]0123456789abcdef';
  fake.logs.append(group, stream, 'START RequestId: old', Date.now() - 2 * 3_600_000);
  fake.logs.append(group, stream, 'START RequestId: new', Date.now() - 60_000);
  const recent = await runScript('logs', cleanEnv(fake, ws, { LAMBDA: '1', SINCE: '1h' }));
  assert.equal(recent.code, 0, show(recent));
  assert.match(recent.stdout, /^Lambda function fn-HelloFunction-9Z: log group \/aws\/lambda\/l2f-clean-test/m);
  assert.deepEqual([...recent.stdout.matchAll(LINE)].map((m) => `${m[1]} ${m[2]}`), ['0123456789ab START RequestId: new']);
  const longer = await runScript('logs', cleanEnv(fake, ws, { LAMBDA: '1', SINCE: '3h' }));
  assert.deepEqual([...longer.stdout.matchAll(LINE)].map((m) => m[2]), ['START RequestId: old', 'START RequestId: new']);
});

test('FOLLOW=1 prints new lines as they arrive, each once, and exits 0 on Ctrl-C (SIGINT)', async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t, { name: 'follow', location: LOCATION });
  assert.equal((await runScript('deploy-ecs', cleanEnv(fake, ws))).code, 0);
  let seen = '';
  const waitFor = async (re: RegExp) => {
    for (let i = 0; i < 200 && !re.test(seen); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(seen, re);
  };
  const run = runScript('logs', cleanEnv(fake, ws, { FOLLOW: '1', L2F_POLL_MS: '100' }), { onStdout: (c) => (seen += c) });
  await waitFor(/following — Ctrl-C stops/);
  await waitFor(/"listening"/);
  const stream = [...fake.logs.groups.get('/ecs/follow-test')!.streams.keys()][0]!;
  fake.logs.append('/ecs/follow-test', stream, 'marker one');
  await waitFor(/marker one/);
  fake.logs.append('/ecs/follow-test', stream, 'marker two');
  await waitFor(/marker two/);
  run.kill('SIGINT');
  const r = await run;
  assert.equal(r.code, 0, show(r));
  assert.equal(r.stdout.match(/marker one/g)?.length, 1);
  assert.equal(r.stdout.match(/"listening"/g)?.length, 1);
});
