import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startFakeAws } from '../fake-aws/index.ts';
import type { FakeAws } from '../fake-aws/index.ts';
import { locationManifest, output, resourceWrites, runDeploy, uniqueName, writeManifest } from './e2e.ts';

let fake: FakeAws;
before(async () => {
  fake = await startFakeAws({});
});
after(async () => {
  await fake?.stop();
});

/** Everything the fake holds for one service: exactly one of each, or the deploy duplicated something. */
async function holdings(name: string) {
  const s = await fake.snapshot();
  const mine = (list: string[]) => list.filter((x) => x.includes(`${name}-default`));
  return {
    roles: mine(s.roles).length,
    logGroups: mine(s.logGroups).length,
    securityGroups: mine(s.securityGroups).length,
    clusters: mine(s.clusters).length,
    taskDefinitions: mine(s.taskDefinitions),
    services: mine(s.services).length,
  };
}

const ONE_OF_EACH = (name: string) => ({
  roles: 1,
  logGroups: 1,
  securityGroups: 1,
  clusters: 1,
  taskDefinitions: [`${name}-default:1`],
  services: 1,
});

const creates = (from: number) =>
  fake.requests
    .slice(from)
    .filter((r) => /^(Create|Register)/.test(r.operation) && r.status === 200)
    .map((r) => r.operation)
    .sort();

test('throttling bursts on reads and writes are retried and the deploy converges with one of each resource', async () => {
  const name = uniqueName('throttle');
  for (const operation of ['DescribeVpcs', 'GetRole', 'CreateRole', 'CreateSecurityGroup', 'RegisterTaskDefinition', 'CreateService', 'DescribeServices']) {
    fake.inject({ throttle: { operation, count: 2 } });
  }
  const mark = fake.requests.length;
  const r = await runDeploy(fake, writeManifest(locationManifest(name)));
  fake.clearFaults();
  assert.equal(r.code, 0, output(r));
  assert.ok(fake.requests.slice(mark).filter((x) => /Throttl|RequestLimitExceeded/.test(x.error ?? '')).length >= 14, 'the bursts were hit');
  assert.deepEqual(await holdings(name), ONE_OF_EACH(name));
  assert.deepEqual(creates(mark), ['CreateCluster', 'CreateLogGroup', 'CreateRole', 'CreateSecurityGroup', 'CreateService', 'RegisterTaskDefinition']);
});

const SERVICE_LINKED_ROLE = 'Unable to assume the service linked role. Please verify that the ECS service linked role exists.';

test('first use of ECS and eventual consistency right after each create are retried, each saying what it waits for, and the deploy converges with one of each', async () => {
  const name = uniqueName('consistency');
  const faults = [
    { service: 'ecs', operation: 'CreateCluster', code: 'InvalidParameterException', message: SERVICE_LINKED_ROLE, count: 2 },
    { service: 'ecs', operation: 'CreateService', code: 'ClusterNotFoundException', message: 'Cluster not found.', count: 1 },
    { service: 'ecs', operation: 'CreateService', code: 'InvalidParameterException', message: SERVICE_LINKED_ROLE, count: 1 },
    { service: 'ec2', operation: 'AuthorizeSecurityGroupIngress', code: 'InvalidGroup.NotFound', message: "The security group 'sg-x' does not exist", count: 2 },
    { service: 'logs', operation: 'PutRetentionPolicy', code: 'OperationAbortedException', message: 'A conflicting operation is currently in progress against this resource.', count: 1 },
    { service: 'iam', operation: 'AttachRolePolicy', code: 'NoSuchEntity', message: `The role with name ${name}-default-exec cannot be found.`, status: 404, count: 1 },
  ];
  for (const fail of faults) fake.inject({ fail });
  const mark = fake.requests.length;
  const r = await runDeploy(fake, writeManifest(locationManifest(name)));
  fake.clearFaults();
  assert.equal(r.code, 0, output(r));
  for (const why of [
    /CreateCluster: ECS's service-linked role is new in this account \(first use of ECS\) and not ready yet — retrying in/,
    /CreateService: the cluster created a moment ago is not visible to ECS yet — retrying in/,
    /CreateService: ECS's service-linked role is new/,
    /AuthorizeSecurityGroupIngress: the security group created a moment ago is not visible to EC2 yet — retrying in/,
    /PutRetentionPolicy: the log group created a moment ago is still being set up — retrying in/,
    /AttachRolePolicy: the role created a moment ago is not visible to IAM yet — retrying in/,
  ]) {
    assert.match(r.stdout, why);
  }
  const ops = new Set(faults.map((f) => f.operation));
  const failed = fake.requests.slice(mark).filter((x) => x.error && ops.has(x.operation)).length;
  assert.equal(failed, 8, 'each injected error was met once, and retried');
  assert.deepEqual(await holdings(name), ONE_OF_EACH(name));
});

test('against the fake made eventually consistent on demand (a new account, every create propagating for a while), the first deploy converges and the rerun writes nothing', async () => {
  const name = uniqueName('propagating');
  const manifest = writeManifest(locationManifest(name));
  const knobs = { serviceLinkedRoleFailures: 2, clusterPropagationMs: 800, securityGroupPropagationMs: 800, logGroupPropagationMs: 800, rolePropagationMs: 800, policyPropagationMs: 800, iamPropagationMs: 800 };
  const saved = Object.fromEntries(Object.keys(knobs).map((k) => [k, fake.knobs[k as keyof typeof knobs]]));
  Object.assign(fake.knobs, knobs);
  try {
    const r = await runDeploy(fake, manifest, { L2F_RETRY_SCALE: '0.2' });
    assert.equal(r.code, 0, output(r));
    assert.match(r.stdout, /CreateCluster: ECS's service-linked role is new in this account/);
    assert.match(r.stdout, /AuthorizeSecurityGroupIngress: the security group created a moment ago is not visible to EC2 yet/);
    assert.match(r.stdout, /rollout COMPLETED/);
  } finally {
    Object.assign(fake.knobs, saved);
  }
  const mark = fake.requests.length;
  const again = await runDeploy(fake, manifest);
  assert.equal(again.code, 0, output(again));
  assert.deepEqual(resourceWrites(fake, mark), []);
  assert.deepEqual(await holdings(name), ONE_OF_EACH(name));
});

test('an error that does not go away ends the bounded retries with exit 1 naming the step and the AWS error', async () => {
  const name = uniqueName('slr-never');
  fake.inject({ fail: { service: 'ecs', operation: 'CreateCluster', code: 'InvalidParameterException', message: SERVICE_LINKED_ROLE, count: Infinity } });
  const mark = fake.requests.length;
  const r = await runDeploy(fake, writeManifest(locationManifest(name)), { L2F_RETRY_SCALE: '0.001' });
  fake.clearFaults();
  assert.equal(r.code, 1, output(r));
  assert.match(r.stderr, /step 7 \(cluster and task definition\): InvalidParameterException: Unable to assume the service linked role/);
  assert.equal(fake.requests.slice(mark).filter((x) => x.operation === 'CreateCluster').length, 12, 'one call and 11 bounded retries');
});

// Against the fake's own model of a new execution role (issue 10, item 5): ECS accepts CreateService,
// its scheduler records "failed to launch a task" events and tries again (pulumi/pulumi-awsx#927).
test('a new role ECS cannot assume yet: the service is created, the failed launches are shown, and the rollout completes once it can', async () => {
  const name = uniqueName('iam');
  fake.knobs.iamPropagationMs = 1500;
  try {
    const mark = fake.requests.length;
    const r = await runDeploy(fake, writeManifest(locationManifest(name)), { L2F_RETRY_SCALE: '0.2' });
    assert.equal(r.code, 0, output(r));
    assert.match(r.stdout, /event: \(service [^)]+\) failed to launch a task with \(error ECS was unable to assume the role/);
    assert.deepEqual(fake.requests.slice(mark).filter((x) => x.operation === 'CreateService').map((x) => x.status), [200]);
    assert.deepEqual(await holdings(name), ONE_OF_EACH(name));
  } finally {
    fake.knobs.iamPropagationMs = 0;
  }
});

test('a role ECS never manages to assume ends the wait after the bounded grace with exit 1, the failed launches shown', async () => {
  const name = uniqueName('iam-never');
  fake.knobs.iamPropagationMs = 600_000;
  try {
    const r = await runDeploy(fake, writeManifest(locationManifest(name)), { L2F_ROLE_GRACE_MS: '1500' });
    assert.equal(r.code, 1, output(r));
    assert.match(r.stdout, /failed to launch a task with \(error ECS was unable to assume the role/);
    assert.match(r.stderr, /ECS still could not use the execution role after/);
  } finally {
    fake.knobs.iamPropagationMs = 0;
  }
});

test('a deploy stopped after each step in turn (L2F_STOP_AFTER_STEP) converges on rerun with nothing created twice', async () => {
  const name = uniqueName('resume');
  const manifest = writeManifest(locationManifest(name));
  const mark = fake.requests.length;
  // the steps of public-IP mode, by id
  for (const step of ['preflight', 'repository', 'image', 'role', 'task-role', 'security-group', 'task-definition', 'service', 'rollout', 'secrets-cleanup', 'endpoint']) {
    const r = await runDeploy(fake, manifest, { L2F_STOP_AFTER_STEP: step });
    assert.equal(r.code, 0, output(r));
    assert.match(r.stdout, new RegExp(`stopped after step \\d+ \\(L2F_STOP_AFTER_STEP=${step}\\)`));
    assert.doesNotMatch(r.stdout.slice(r.stdout.indexOf('stopped after step')), /\[\d+\/\d+\]/, 'no step after the stop');
  }
  const last = await runDeploy(fake, manifest);
  assert.equal(last.code, 0, output(last));
  assert.match(last.stdout, /nothing was written/);
  assert.deepEqual(creates(mark), ['CreateCluster', 'CreateLogGroup', 'CreateRole', 'CreateSecurityGroup', 'CreateService', 'RegisterTaskDefinition']);
  assert.deepEqual(await holdings(name), ONE_OF_EACH(name));
});

test('a deploy killed while waiting for the rollout is finished by the rerun', async () => {
  const name = uniqueName('killed');
  const manifest = writeManifest(locationManifest(name));
  fake.knobs.pendingMs = 1500;
  try {
    const killed = await runDeploy(fake, manifest, {}, { killWhen: /\] wait for the rollout/ });
    assert.notEqual(killed.code, 0);
  } finally {
    fake.knobs.pendingMs = 100;
  }
  const rerun = await runDeploy(fake, manifest);
  assert.equal(rerun.code, 0, output(rerun));
  assert.match(rerun.stdout, /rollout COMPLETED/);
  assert.match(rerun.stdout, /Hello from ECS!/);
  assert.deepEqual(await holdings(name), ONE_OF_EACH(name));
});

test('an invalid L2F_STOP_AFTER_STEP is bad input (exit 2)', async () => {
  const r = await runDeploy(fake, writeManifest(locationManifest(uniqueName('badstop'))), { L2F_STOP_AFTER_STEP: 'eleven' });
  assert.equal(r.code, 2, output(r));
  assert.match(r.stderr, /L2F_STOP_AFTER_STEP: "eleven" is not a step number — use 1 to 19/);
});

test('any other AWS error fails fast (one call, exit 1) naming the step and the AWS error, even at the stop step', async () => {
  const name = uniqueName('denied');
  fake.inject({ fail: { service: 'iam', operation: 'CreateRole', code: 'AccessDenied', message: 'User is not authorized to perform: iam:CreateRole', status: 403 } });
  const mark = fake.requests.length;
  const r = await runDeploy(fake, writeManifest(locationManifest(name)), { L2F_STOP_AFTER_STEP: '4' });
  fake.clearFaults();
  assert.equal(r.code, 1, output(r));
  assert.match(r.stderr, /^error: step 4 \(execution role and log group\): AccessDenied: User is not authorized to perform: iam:CreateRole — fix the cause and run the deploy again/m);
  assert.equal(fake.requests.slice(mark).filter((x) => x.operation === 'CreateRole').length, 1);
  assert.doesNotMatch(r.stdout, /stopped after step/);
});
