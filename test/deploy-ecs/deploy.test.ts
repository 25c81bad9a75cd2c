import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startFakeAws } from '../fake-aws/index.ts';
import type { FakeAws } from '../fake-aws/index.ts';
import { REPO, locationManifest, output, resourceWrites, runDeploy, uniqueName, writeManifest } from './e2e.ts';

// Without Docker: `image.location`, nothing built; the fake runs the project's container server as the task.
let fake: FakeAws;
before(async () => {
  fake = await startFakeAws({});
});
after(async () => {
  await fake?.stop();
});

const writesSince = (from: number) => resourceWrites(fake, from);
const ops = (from: number) => writesSince(from).map((r) => r.operation);

test('a first deploy creates everything and the printed URL answers; the rerun writes nothing and says so', async () => {
  const name = uniqueName('first');
  const manifest = writeManifest(locationManifest(name));
  const mark = fake.requests.length;
  const first = await runDeploy(fake, manifest);
  assert.equal(first.code, 0, output(first));
  assert.deepEqual(ops(mark).sort(), [
    'AttachRolePolicy',
    'AuthorizeSecurityGroupIngress',
    'CreateCluster',
    'CreateLogGroup',
    'CreateRole',
    'CreateSecurityGroup',
    'CreateService',
    'PutRetentionPolicy',
    'RegisterTaskDefinition',
  ]);
  const url = /(http:\/\/[\d.]+:3000\/) → 200/.exec(first.stdout)?.[1];
  assert.ok(url, output(first));
  assert.match(await (await fetch(url)).text(), /Hello from ECS!/);

  const mark2 = fake.requests.length;
  const second = await runDeploy(fake, manifest);
  assert.equal(second.code, 0, output(second));
  assert.deepEqual(ops(mark2), []);
  assert.match(second.stdout, /No changes: .*nothing was written/);
  assert.match(second.stdout, /AWS calls: \d+ \(0 writes\)/);
});

test('changing only count updates only the service’s desiredCount', async () => {
  const name = uniqueName('count');
  const dir = writeManifest(locationManifest(name));
  assert.equal((await runDeploy(fake, dir)).code, 0);
  const mark = fake.requests.length;
  const r = await runDeploy(fake, writeManifest(locationManifest(name, { count: 2 })));
  assert.equal(r.code, 0, output(r));
  const writes = writesSince(mark);
  assert.deepEqual(writes.map((w) => w.operation), ['UpdateService']);
  assert.deepEqual(Object.keys(writes[0]!.params).sort(), ['cluster', 'desiredCount', 'service']);
  assert.match(r.stdout, /desiredCount: 1 → 2/);
  assert.match(r.stdout, /running 2\/2/);
});

test('changing only a variable registers one revision and moves only the service’s task definition', async () => {
  const name = uniqueName('vars');
  assert.equal((await runDeploy(fake, writeManifest(locationManifest(name, { variables: { GREETING: 'a' } })))).code, 0);
  const mark = fake.requests.length;
  const r = await runDeploy(fake, writeManifest(locationManifest(name, { variables: { GREETING: 'b' } })));
  assert.equal(r.code, 0, output(r));
  const writes = writesSince(mark);
  assert.deepEqual(writes.map((w) => w.operation), ['RegisterTaskDefinition', 'UpdateService']);
  assert.deepEqual(Object.keys(writes[1]!.params).sort(), ['cluster', 'service', 'taskDefinition']);
  assert.match(r.stdout, /containerDefinitions\.\S+\.environment\.GREETING: "a" → "b"/);
  assert.match(r.stdout, /registered \S+:2/);
  assert.match(r.stdout, /task definition +\S+:2 +updated/);
});

test('DRY_RUN on an empty account makes no write call and lists what would be created', async () => {
  const name = uniqueName('plan-empty');
  const mark = fake.requests.length;
  const r = await runDeploy(fake, writeManifest(locationManifest(name)), { DRY_RUN: '1' });
  assert.equal(r.code, 0, output(r));
  assert.deepEqual(ops(mark), []);
  for (const what of ['IAM execution role', 'CloudWatch log group', 'security group', 'ECS cluster', 'task definition', 'ECS service']) {
    assert.match(r.stdout, new RegExp(`\\+ would create: ${what}`));
  }
  assert.match(r.stdout, /DRY RUN: nothing was changed/);
  assert.ok(!(await fake.snapshot()).services.some((s) => s.includes(name)));
});

test('DRY_RUN after a deploy shows the field-level diff of the task definition and service, and writes nothing', async () => {
  const name = uniqueName('plan-diff');
  assert.equal((await runDeploy(fake, writeManifest(locationManifest(name)))).code, 0);
  const mark = fake.requests.length;
  const r = await runDeploy(fake, writeManifest(locationManifest(name, { count: 3, memory: 1024, variables: { NEW: 'x' } })), { DRY_RUN: '1' });
  assert.equal(r.code, 0, output(r));
  assert.deepEqual(ops(mark), []);
  assert.match(r.stdout, /~ would update: task definition/);
  assert.match(r.stdout, /memory: "512" → "1024"/);
  assert.match(r.stdout, /environment\.NEW: \+ "x"/);
  assert.match(r.stdout, /would register a new revision/);
  assert.match(r.stdout, /desiredCount: 1 → 3/);
  assert.match(r.stdout, /taskDefinition: ".*:1" → ".*:\(new revision\)"/);
});

test('a rule added by hand to the security group is revoked and named', async () => {
  const name = uniqueName('handrule');
  const manifest = writeManifest(locationManifest(name));
  const first = await runDeploy(fake, manifest);
  assert.equal(first.code, 0, output(first));
  const group = [...fake.ec2.groups.values()].find((g) => g.groupName === `${name}-default-sg`);
  assert.ok(group);
  const { EC2Client, AuthorizeSecurityGroupIngressCommand } = await import('@aws-sdk/client-ec2');
  const ec2 = new EC2Client({ endpoint: fake.url, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: group.groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  const mark = fake.requests.length;
  const r = await runDeploy(fake, manifest);
  assert.equal(r.code, 0, output(r));
  assert.deepEqual(ops(mark), ['RevokeSecurityGroupIngress']);
  assert.match(r.stdout, /revoking a rule the manifest does not ask for: tcp 22 from 0\.0\.0\.0\/0/);
});

test('a task that exits at start fails the deploy with exit 1, the stopped reason and the exit code', async () => {
  const name = uniqueName('crash');
  const r = await runDeploy(fake, writeManifest(locationManifest(name, { variables: { FAKE_TASK_EXIT: '3' } })));
  assert.equal(r.code, 1, output(r));
  assert.match(r.stderr, /step \d+ \(wait\)/);
  assert.match(r.stderr, /circuit breaker|rolled back|failed/i);
  assert.match(r.stderr, /task [0-9a-f]+: .*exit 3/);
  assert.match(r.stderr, /fake task exiting with 3/, 'the last log lines are shown');
});

test('a bad manifest exits 2 before any AWS call', async () => {
  const mark = fake.requests.length;
  const r = await runDeploy(fake, writeManifest({ name: 'x', image: { port: 'many' } }));
  assert.equal(r.code, 2, output(r));
  assert.equal(fake.requests.length, mark);
});

test('a bad change is rolled back by the circuit breaker: exit 1 with the reason, the old tasks keep answering; the manifest put back deploys with no write (no new revision, no service update)', async () => {
  const name = uniqueName('rollback');
  const good = writeManifest(locationManifest(name));
  const first = await runDeploy(fake, good);
  assert.equal(first.code, 0, output(first));
  const url = /(http:\/\/[\d.]+:3000\/) → 200/.exec(first.stdout)?.[1];
  assert.ok(url);

  const bad = await runDeploy(fake, writeManifest(locationManifest(name, { variables: { FAKE_TASK_EXIT: '7' } })));
  assert.equal(bad.code, 1, output(bad));
  assert.match(bad.stderr, /step \d+ \(wait\): the deployment of \S+:2 failed: .*circuit breaker.*; ECS rolled back to \S+:1/);
  assert.match(bad.stderr, /exit 7/);
  assert.equal((await fetch(url)).status, 200, 'the previous revision still serves');

  // the family's latest ACTIVE revision is the failed :2; the service runs :1, which is what the manifest says again
  const mark = fake.requests.length;
  const fixed = await runDeploy(fake, good);
  assert.equal(fixed.code, 0, output(fixed));
  assert.deepEqual(ops(mark), []);
  assert.match(fixed.stdout, /task definition\s+\S+:1\b.*unchanged|= task definition \S+:1/);
  assert.match(fixed.stdout, /nothing was written/);
  assert.match(fixed.stdout, /Hello from ECS!/);
});

test('pre-flight: an unreachable Docker engine stops a build deploy before any write, with what to do', async () => {
  const mark = fake.requests.length;
  const manifest = writeManifest({ name: uniqueName('nodocker'), image: { build: { context: REPO }, port: 3000 } });
  const r = await runDeploy(fake, manifest, { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
  assert.equal(r.code, 1, output(r));
  assert.match(r.stderr, /pre-flight: Docker: .* — start Docker, or set image\.location/);
  assert.deepEqual(ops(mark), []);
});

test('pre-flight: subnets named in the manifest that do not exist are bad input (exit 2), before any write', async () => {
  const mark = fake.requests.length;
  const manifest = writeManifest(locationManifest(uniqueName('nosubnet'), { network: { subnets: ['subnet-0123456789abcdef0'] } }));
  const r = await runDeploy(fake, manifest);
  assert.equal(r.code, 2, output(r));
  assert.match(r.stderr, /network: subnets subnet-0123456789abcdef0 not found .* — check network\.vpcId/);
  assert.deepEqual(ops(mark), []);
});
