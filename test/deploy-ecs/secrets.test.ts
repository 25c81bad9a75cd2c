import assert from 'node:assert/strict';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { after, before, test } from 'node:test';
import { ACCOUNT } from '../fake-aws/common.ts';
import { startFakeAws } from '../fake-aws/index.ts';
import type { FakeAws } from '../fake-aws/index.ts';
import { isLockRequest, locationManifest, output, resourceWrites, runDeploy, uniqueName, writeManifest } from './e2e.ts';
import type { RunResult } from './e2e.ts';
import { digest } from './handlers/calls-aws.ts';

// Without Docker: the fake runs the container server as the task, with the HANDLER below, the
// secrets it resolved with the execution role, and a credentials endpoint for the task role.
let fake: FakeAws;
before(async () => {
  fake = await startFakeAws({});
});
after(async () => {
  await fake?.stop();
});

const HANDLER = 'test/deploy-ecs/handlers/calls-aws.handler';
const S3_READ = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
const writesSince = (from: number) => resourceWrites(fake, from);
const ops = (from: number) => writesSince(from).map((r) => r.operation);
const callsSince = (from: number) => fake.requests.length - from;
const noClean = { YES: '1', LAMBDA_MANIFEST: '/nonexistent/lambda.yml' };

/** The answer of GET / the deploy printed (the handler reports digests of its secrets, never values). */
function answer(r: RunResult): { caller?: string; error?: string; secrets: Record<string, string | null> } {
  const body = /http:\/\/[\d.]+:3000\/ → 200 (\{.*\})$/m.exec(r.stdout)?.[1];
  assert.ok(body, output(r));
  return JSON.parse(body);
}

/** A service whose handler calls STS, with a task role, one SSM SecureString and one Secrets Manager JSON key. */
function secretService(name: string, extra: Record<string, unknown> = {}) {
  const apiKey = `ssm-value-${name}`;
  const password = `sm-value-${name}`;
  fake.ssm.put(`/${name}/api-key`, apiKey, 'SecureString');
  const secret = fake.secretsManager.put(`${name}/db`, JSON.stringify({ username: 'app', password }));
  const manifest = locationManifest(name, {
    variables: { HANDLER, SECRET_NAMES: 'API_KEY,DB_PASSWORD' },
    taskRole: { managedPolicies: [S3_READ], statements: [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }] },
    secrets: { API_KEY: `/${name}/api-key`, DB_PASSWORD: `${secret.ARN}:password::` },
    ...extra,
  });
  return { manifest, apiKey, password, secretArn: secret.ARN };
}

const registered = (family: string) => fake.requests.filter((r) => r.operation === 'RegisterTaskDefinition' && r.params.family === family).map((r) => r.params as Record<string, any>);
const inlinePolicy = (role: string, policy: string) => {
  const doc = fake.iam.role(role).inline.get(policy);
  return doc === undefined ? undefined : JSON.parse(doc);
};

test('a deploy with a task role and secrets: taskRoleArn and secrets in the task definition, exactly those secrets readable, the handler calls AWS as the task role; the rerun writes nothing; clean removes the role and the policies', async (t) => {
  const name = uniqueName('sec');
  const s = secretService(name);
  const file = writeManifest(s.manifest);
  const mark = fake.requests.length;
  const first = await runDeploy(fake, file);
  assert.equal(first.code, 0, output(first));
  assert.deepEqual(ops(mark).sort(), [
    'AttachRolePolicy',
    'AttachRolePolicy',
    'AuthorizeSecurityGroupIngress',
    'CreateCluster',
    'CreateLogGroup',
    'CreateRole',
    'CreateRole',
    'CreateSecurityGroup',
    'CreateService',
    'PutRetentionPolicy',
    'PutRolePolicy',
    'PutRolePolicy',
    'RegisterTaskDefinition',
  ]);
  t.diagnostic(`first deploy with a task role and 2 secrets: ${callsSince(mark)} calls, ${writesSince(mark).length} writes`);

  const [td] = registered(`${name}-default`);
  assert.equal(td?.taskRoleArn, `arn:aws:iam::${ACCOUNT}:role/${name}-default-task`);
  assert.deepEqual(td?.containerDefinitions?.[0]?.secrets, [
    { name: 'API_KEY', valueFrom: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/${name}/api-key` },
    { name: 'DB_PASSWORD', valueFrom: `${s.secretArn}:password::` },
  ]);
  assert.deepEqual([...fake.iam.role(`${name}-default-exec`).inline.keys()], ['lambda2fargate-secrets']);
  assert.deepEqual(inlinePolicy(`${name}-default-exec`, 'lambda2fargate-secrets').Statement, [
    { Sid: 'ReadParameters', Effect: 'Allow', Action: 'ssm:GetParameters', Resource: [`arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/${name}/api-key`] },
    { Sid: 'ReadSecrets', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: [s.secretArn] },
  ]);
  const role = fake.iam.role(`${name}-default-task`);
  assert.deepEqual([...role.attached.keys()], [S3_READ]);
  assert.deepEqual(JSON.parse(role.AssumeRolePolicyDocument).Statement[0].Condition, { StringEquals: { 'aws:SourceAccount': ACCOUNT } });
  assert.deepEqual(inlinePolicy(`${name}-default-task`, 'lambda2fargate-task').Statement, [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }]);

  const got = answer(first);
  assert.match(got.caller ?? got.error ?? '', new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/${name}-default-task/`));
  assert.deepEqual(got.secrets, { API_KEY: digest(s.apiKey), DB_PASSWORD: digest(s.password) });

  const mark2 = fake.requests.length;
  const second = await runDeploy(fake, file);
  assert.equal(second.code, 0, output(second));
  assert.deepEqual(ops(mark2), []);
  assert.match(second.stdout, /AWS calls: \d+ \(0 writes\)/);
  t.diagnostic(`rerun: ${callsSince(mark2)} calls, 0 writes`);
  const plan = await runDeploy(fake, file, { DRY_RUN: '1' });
  assert.equal(plan.code, 0, output(plan));

  // the tool never asks for a value: no Secrets Manager call, no SSM call but its own lock's
  const asked = fake.requests.slice(mark).filter((r) => r.service === 'secretsmanager' || (r.service === 'ssm' && !isLockRequest(r)));
  assert.deepEqual(asked.map((r) => r.operation), []);
  for (const r of [first, second, plan]) {
    for (const value of [s.apiKey, s.password]) assert.equal(`${r.stdout}${r.stderr}`.includes(value), false, `a secret value in the output:\n${output(r)}`);
  }

  const mark3 = fake.requests.length;
  const clean = await runDeploy(fake, file, noClean, { script: 'clean' });
  assert.equal(clean.code, 0, output(clean));
  assert.equal(fake.iam.roles.has(`${name}-default-task`), false);
  assert.equal(fake.iam.roles.has(`${name}-default-exec`), false);
  const deleted = writesSince(mark3).filter((w) => w.operation === 'DeleteRolePolicy').map((w) => `${w.params.RoleName}/${w.params.PolicyName}`).sort();
  assert.deepEqual(deleted, [`${name}-default-exec/lambda2fargate-secrets`, `${name}-default-task/lambda2fargate-task`]);
  for (const value of [s.apiKey, s.password]) assert.equal(`${clean.stdout}${clean.stderr}`.includes(value), false);
});

test('DRY_RUN on an empty account lists the task role and the secrets policy it would create, and writes nothing', async () => {
  const name = uniqueName('secdry');
  const s = secretService(name);
  const mark = fake.requests.length;
  const r = await runDeploy(fake, writeManifest(s.manifest), { DRY_RUN: '1' });
  assert.equal(r.code, 0, output(r));
  assert.deepEqual(ops(mark), []);
  assert.match(r.stdout, new RegExp(`\\+ would create: IAM task role ${name}-default-task`));
  assert.match(r.stdout, new RegExp(`\\+ would create: IAM execution role policy ${name}-default-exec/lambda2fargate-secrets`));
  assert.match(r.stdout, /lets ECS read API_KEY, DB_PASSWORD at task start/);
});

test('a secret encrypted with a key the execution role may not use ends the rollout with exit 1 naming it and kms:Decrypt; naming the key converges', async () => {
  const name = uniqueName('seckms');
  const key = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0b1c2d3e-1111-2222-3333-444455556666`;
  const secret = fake.secretsManager.put(`${name}/token`, 'kms-value', { kmsKeyId: key });
  const base = locationManifest(name, { secrets: { TOKEN: secret.ARN }, deployment: { timeout: '1m', rollback: false } });
  // the policy is new in this deploy: the wait first allows for IAM propagation (shortened here)
  const failed = await runDeploy(fake, writeManifest(base), { L2F_ROLE_GRACE_MS: '1500' });
  assert.equal(failed.code, 1, output(failed));
  assert.match(failed.stderr, /secrets the tasks could not read:\n\s+TOKEN ← arn:aws:secretsmanager:\S+: the secret is encrypted with a KMS key the execution role \S+-exec may not kms:Decrypt — name the key's ARN in secretsKmsKey/);
  assert.equal(failed.stderr.includes('kms-value'), false);

  const mark = fake.requests.length;
  const fixed = await runDeploy(fake, writeManifest({ ...base, secretsKmsKey: key }));
  assert.equal(fixed.code, 0, output(fixed));
  // the task definition is the same: only new tasks read the secret with the new access
  assert.deepEqual(ops(mark), ['PutRolePolicy', 'UpdateService']);
  assert.match(fixed.stdout, /forcing a new deployment \(the execution role's access to the secrets changed\)/);
  assert.deepEqual(inlinePolicy(`${name}-default-exec`, 'lambda2fargate-secrets').Statement.at(-1), { Sid: 'DecryptSecrets', Effect: 'Allow', Action: 'kms:Decrypt', Resource: [key] });
});

test('a parameter the execution role is denied ends a forced redeploy with exit 1 naming the variable and ssm:GetParameters', async () => {
  const name = uniqueName('secdeny');
  fake.ssm.put(`/${name}/flag`, 'deny-value');
  const file = writeManifest(locationManifest(name, { secrets: { FLAG: `/${name}/flag` }, deployment: { timeout: '1m', rollback: false } }));
  assert.equal((await runDeploy(fake, file)).code, 0);
  const deny = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'ssm:GetParameters', Resource: '*' }] };
  fake.iam.role(`${name}-default-exec`).inline.set('deny-by-hand', JSON.stringify(deny));
  const r = await runDeploy(fake, file, { FORCE_NEW_DEPLOYMENT: '1' });
  assert.equal(r.code, 1, output(r));
  assert.match(r.stderr, new RegExp(`FLAG ← arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/${name}/flag: the execution role ${name}-default-exec may not ssm:GetParameters on it — `));
  assert.match(r.stderr, /fix what each secret line says and deploy again/);
});

test('make redeploy replaces the tasks so a rotated value is read; a plain rerun takes no such step', async () => {
  const name = uniqueName('secrot');
  fake.ssm.put(`/${name}/api-key`, 'first-value', 'SecureString');
  const file = writeManifest(locationManifest(name, { variables: { HANDLER, SECRET_NAMES: 'API_KEY' }, secrets: { API_KEY: `/${name}/api-key` } }));
  const first = await runDeploy(fake, file);
  assert.equal(first.code, 0, output(first));
  assert.deepEqual(answer(first).secrets, { API_KEY: digest('first-value') });

  fake.ssm.put(`/${name}/api-key`, 'rotated-value', 'SecureString');
  const mark = fake.requests.length;
  const plain = await runDeploy(fake, file);
  assert.equal(plain.code, 0, output(plain));
  assert.deepEqual(ops(mark), []);
  assert.deepEqual(answer(plain).secrets, { API_KEY: digest('first-value') });

  const mark2 = fake.requests.length;
  const forced = await runDeploy(fake, file, { FORCE_NEW_DEPLOYMENT: '1' });
  assert.equal(forced.code, 0, output(forced));
  const writes = writesSince(mark2);
  assert.deepEqual(writes.map((w) => w.operation), ['UpdateService']);
  assert.deepEqual(writes[0]!.params, { cluster: `${name}-default`, service: `${name}-default`, forceNewDeployment: true });
  assert.match(forced.stdout, /forcing a new deployment/);
  assert.match(forced.stdout, /rollout COMPLETED/);
  assert.deepEqual(answer(forced).secrets, { API_KEY: digest('rotated-value') });
});

test('secrets dropped from the manifest: the execution role’s policy goes after the rollout, and the rerun writes nothing', async () => {
  const name = uniqueName('secdrop');
  fake.ssm.put(`/${name}/a`, 'dropped-value');
  const base = locationManifest(name);
  assert.equal((await runDeploy(fake, writeManifest({ ...base, secrets: { A: `/${name}/a` } }))).code, 0);
  assert.ok(inlinePolicy(`${name}-default-exec`, 'lambda2fargate-secrets'));
  const file = writeManifest(base);
  const mark = fake.requests.length;
  const dropped = await runDeploy(fake, file);
  assert.equal(dropped.code, 0, output(dropped));
  assert.deepEqual(ops(mark), ['RegisterTaskDefinition', 'UpdateService', 'DeleteRolePolicy']);
  assert.match(dropped.stdout, /removed the execution role's policy lambda2fargate-secrets/);
  assert.equal(inlinePolicy(`${name}-default-exec`, 'lambda2fargate-secrets'), undefined);
  const mark2 = fake.requests.length;
  assert.equal((await runDeploy(fake, file)).code, 0);
  assert.deepEqual(ops(mark2), []);
});

test('an existing role named by ARN is used as it is: not created, not changed, not deleted by clean', async () => {
  const name = uniqueName('secarn');
  const iam = new IAMClient({ region: 'us-east-1', endpoint: fake.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
  const created = await iam.send(new CreateRoleCommand({ RoleName: `${name}-app`, AssumeRolePolicyDocument: JSON.stringify(trust) }));
  const arn = created.Role!.Arn!;
  const file = writeManifest(locationManifest(name, { variables: { HANDLER }, taskRole: { arn } }));
  const mark = fake.requests.length;
  const r = await runDeploy(fake, file);
  assert.equal(r.code, 0, output(r));
  assert.equal(registered(`${name}-default`)[0]?.taskRoleArn, arn);
  assert.match(answer(r).caller ?? '', new RegExp(`assumed-role/${name}-app/`));
  const touched = writesSince(mark).filter((w) => w.service === 'iam' && w.params.RoleName === `${name}-app`);
  assert.deepEqual(touched, []);
  const missing = await runDeploy(fake, writeManifest(locationManifest(uniqueName('secarn'), { taskRole: { arn: `arn:aws:iam::${ACCOUNT}:role/no-such-role` } })));
  assert.equal(missing.code, 1, output(missing));
  assert.match(missing.stderr, /taskRole\.arn arn:aws:iam::\d+:role\/no-such-role: no role no-such-role exists in account \d+ — create the role, correct the ARN/);

  const clean = await runDeploy(fake, file, noClean, { script: 'clean' });
  assert.equal(clean.code, 0, output(clean));
  assert.equal(fake.iam.roles.has(`${name}-app`), true);
});
