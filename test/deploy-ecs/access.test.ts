import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SecretRef } from '../../scripts/manifest/types.ts';
import { forceNewDeployment } from '../../scripts/resources/redeploy.ts';
import { explainSecretFailure } from '../../scripts/resources/secret-failure.ts';
import { containerSecrets, secretsPolicy } from '../../scripts/resources/secrets.ts';
import { desiredService, planService } from '../../scripts/resources/service.ts';
import { desiredTaskDefinition, planTaskDefinition } from '../../scripts/resources/task-definition.ts';
import type { LiveTaskDefinition } from '../../scripts/resources/task-definition.ts';
import { desiredTaskRole, planTaskRole, taskRoleTrust } from '../../scripts/resources/task-role.ts';
import type { LiveTaskRole } from '../../scripts/resources/task-role.ts';
import { ownershipProblem } from '../../scripts/resources/types.ts';
import { service } from './fixtures.ts';

const target = { partition: 'aws', region: 'us-east-1', account: '123456789012' };
const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:web/db-AbCdEf';
const secrets: Record<string, SecretRef> = {
  API_KEY: { store: 'ssm', written: '/web/api-key', path: 'web/api-key' },
  OTHER: { store: 'ssm', written: 'arn:aws:ssm:eu-west-1:123456789012:parameter/shared/other', path: 'shared/other', arn: 'arn:aws:ssm:eu-west-1:123456789012:parameter/shared/other' },
  DB_PASSWORD: { store: 'secretsmanager', written: `${SECRET}:password::`, secretArn: SECRET, jsonKey: 'password' },
  DB_USER: { store: 'secretsmanager', written: `${SECRET}:username::`, secretArn: SECRET, jsonKey: 'username' },
};

describe('secrets in the task definition and the execution role', () => {
  test('a parameter given by name becomes its ARN in the deploy’s region and account; secrets keep their suffix', () => {
    assert.deepEqual(containerSecrets(service({ secrets }), target), [
      { name: 'API_KEY', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/web/api-key' },
      { name: 'DB_PASSWORD', valueFrom: `${SECRET}:password::` },
      { name: 'DB_USER', valueFrom: `${SECRET}:username::` },
      { name: 'OTHER', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/shared/other' },
    ]);
  });

  test('the execution role may read exactly those parameters and that one secret (two keys of it), and decrypt with the named key', () => {
    const key = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    assert.deepEqual(secretsPolicy(service({ secrets, secretsKmsKeys: [key] }), target), {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ReadParameters', Effect: 'Allow', Action: 'ssm:GetParameters', Resource: ['arn:aws:ssm:eu-west-1:123456789012:parameter/shared/other', 'arn:aws:ssm:us-east-1:123456789012:parameter/web/api-key'] },
        { Sid: 'ReadSecrets', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: [SECRET] },
        { Sid: 'DecryptSecrets', Effect: 'Allow', Action: 'kms:Decrypt', Resource: [key] },
      ],
    });
    assert.equal(secretsPolicy(service(), target), undefined);
  });

  test('the task definition holds taskRoleArn and the secrets; reordered secrets are no change', () => {
    const inputs = { image: 'example.com/web:1', executionRoleArn: 'arn:aws:iam::123456789012:role/web-test-exec', region: 'us-east-1' };
    const svc = service({ secrets });
    const list = containerSecrets(svc, target);
    const desired = desiredTaskDefinition(svc, { ...inputs, taskRoleArn: 'arn:aws:iam::123456789012:role/web-test-task', secrets: list });
    assert.equal(desired.doc.taskRoleArn, 'arn:aws:iam::123456789012:role/web-test-task');
    assert.deepEqual(desired.doc.containerDefinitions?.[0]?.secrets, list);
    const live: LiveTaskDefinition = {
      arn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web-test:1',
      revision: 1,
      doc: { ...desired.doc, containerDefinitions: desired.doc.containerDefinitions!.map((c) => ({ ...c, secrets: [...(c.secrets ?? [])].reverse() })) },
      tags: desired.tags,
    };
    assert.equal(planTaskDefinition(live, desired).action, 'unchanged');
    const without = desiredTaskDefinition(service(), inputs);
    assert.equal('taskRoleArn' in without.doc, false);
    assert.equal('secrets' in (without.doc.containerDefinitions?.[0] ?? {}), false);
    assert.deepEqual(planTaskDefinition(live, without).changes.map((c) => c.path).sort(), ['containerDefinitions.web.secrets', 'taskRoleArn']);
  });
});

describe('the task role', () => {
  const owned = service({
    taskRole: {
      kind: 'owned',
      managedPolicies: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
      statements: [{ Effect: 'Allow', Action: ['dynamodb:Query', 'dynamodb:GetItem'], Resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/web' }],
    },
  });
  const desired = desiredTaskRole(owned, target);
  /** The role as IAM would describe it after the tool created it: documents come back as IAM stores them. */
  const live = (over: Partial<LiveTaskRole['role']> = {}, inlinePolicy: unknown = desired.inlinePolicy): LiveTaskRole => ({
    role: { name: desired.name, arn: `arn:aws:iam::123456789012:role/${desired.name}`, trustPolicy: desired.trustPolicy, attachedPolicyArns: desired.policyArns, tags: desired.tags, ...over },
    inlinePolicy,
    tags: desired.tags,
  });

  test('is trusted by ECS tasks of this account only', () => {
    assert.equal(desired.name, 'web-test-task');
    assert.deepEqual(taskRoleTrust('123456789012').Statement, [
      { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } } },
    ]);
    assert.equal(planTaskRole(undefined, desired).action, 'create');
  });

  test('compares its policies as sets: reordered actions, a single value for a list and Sids are no change', () => {
    const stored = { Version: '2012-10-17', Statement: { Sid: 'x', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: ['arn:aws:dynamodb:us-east-1:123456789012:table/web'] } };
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: ['ecs-tasks.amazonaws.com'] }, Action: ['sts:AssumeRole'], Condition: { StringEquals: { 'aws:SourceAccount': ['123456789012'] } } }] };
    assert.deepEqual(planTaskRole(live({ trustPolicy: trust }, stored), desired).changes, []);
  });

  test('a policy dropped from the manifest is detached, a new one attached, dropped statements remove the inline policy', () => {
    const plan = planTaskRole(live({ attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }), { ...desired, inlinePolicy: undefined });
    assert.deepEqual(plan.changes.map((c) => [c.path, c.from === undefined ? '+' : c.to === undefined ? '-' : '~']), [
      ['attachedPolicies.AmazonS3ReadOnlyAccess', '+'],
      ['attachedPolicies.ReadOnlyAccess', '-'],
      ['inlinePolicy.lambda2fargate-task', '-'],
    ]);
  });

  test('a role of that name the tool did not tag is refused by the deploy’s ownership check, unless ADOPT=1', () => {
    const foreign = { ...live({ tags: {} }), tags: {} };
    assert.match(ownershipProblem(planTaskRole(foreign, desired), owned, false)?.message ?? '', /^IAM task role web-test-task: it exists but was not created by lambda2fargate/);
    assert.equal(ownershipProblem(planTaskRole(live(), desired), owned, false), undefined);
    assert.equal(ownershipProblem(planTaskRole(foreign, desired), owned, true), undefined);
  });
});

describe('a rollout that failed on a secret names it', () => {
  const svc = service({ secrets });
  const user = 'arn:aws:sts::123456789012:assumed-role/web-test-exec/0123456789abcdef';

  test('Parameter Store AccessDenied (copilot-cli#4504): the variable, the role and the permission', () => {
    const reason = `ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: User: ${user} is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:us-east-1:123456789012:parameter/web/api-key because no identity-based policy allows the ssm:GetParameters action status code: 400, request id: 1adcb55f-f798-4503-b8a3-cd1533290001`;
    const [f] = explainSecretFailure(reason, svc);
    assert.deepEqual(f?.names, ['API_KEY']);
    assert.match(f!.line, /^API_KEY ← arn:aws:ssm:us-east-1:123456789012:parameter\/web\/api-key: the execution role web-test-exec may not ssm:GetParameters on it — /);
  });

  test('Secrets Manager AccessDenied: every variable read from that secret, and secretsmanager:GetSecretValue', () => {
    const reason = `ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${SECRET} from secrets manager: AccessDeniedException: User: ${user} is not authorized to perform: secretsmanager:GetSecretValue on resource: ${SECRET} because no identity-based policy allows the secretsmanager:GetSecretValue action status code: 400, request id: x`;
    const [f] = explainSecretFailure(reason, svc);
    assert.deepEqual(f?.names, ['DB_PASSWORD', 'DB_USER']);
    assert.match(f!.line, /may not secretsmanager:GetSecretValue on arn:aws:secretsmanager:\S+ — /);
  });

  test('a KMS key the role may not use, a missing parameter and a missing JSON key each say what to do', () => {
    const kms = `ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${SECRET} from secrets manager: AccessDeniedException: Access to KMS is not allowed status code: 400, request id: a87a66d9`;
    assert.match(explainSecretFailure(kms, svc)[0]!.line, /^DB_PASSWORD, DB_USER ← .*kms:Decrypt — name the key's ARN in secretsKmsKey/);
    const gone = 'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: arn:aws:ssm:us-east-1:123456789012:parameter/web/api-key';
    assert.match(explainSecretFailure(gone, svc)[0]!.line, /^API_KEY ← .*: Parameter Store has no such parameter/);
    const key = 'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): retrieved secret from Secrets Manager did not contain json key username';
    assert.deepEqual(explainSecretFailure(key, svc)[0]?.names, ['DB_USER']);
  });

  test('a stopped reason about something else is not about secrets', () => {
    assert.deepEqual(explainSecretFailure('Essential container in task exited', svc), []);
    assert.deepEqual(explainSecretFailure('ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): AccessDeniedException', svc), []);
  });
});

describe('a forced new deployment', () => {
  const svc = service();
  const desired = desiredService(svc, { taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web-test:3', subnets: ['subnet-1'], securityGroupId: 'sg-1' });
  const unchanged = { ...planService(undefined, desired), action: 'unchanged' as const, live: {} as never };
  const aws = { ecs: { send: async () => ({}) } } as never;

  test('turns an unchanged service into an update the rollout waits for; a dry run writes nothing', async () => {
    const lines: string[] = [];
    const plan = await forceNewDeployment(aws, unchanged, { dryRun: true, log: (l) => lines.push(l), why: 'FORCE_NEW_DEPLOYMENT=1' });
    assert.equal(plan.action, 'update');
    assert.deepEqual(plan.changes, [{ path: 'forceNewDeployment', to: true }]);
    assert.match(lines.join('\n'), /would force a new deployment \(FORCE_NEW_DEPLOYMENT=1\)/);
  });

  test('is not needed when the deploy registers a new task definition', async () => {
    const moving = { ...unchanged, action: 'update' as const, changes: [{ path: 'taskDefinition', from: 'a', to: 'b' }] };
    assert.equal(await forceNewDeployment(aws, moving, { dryRun: false, log: () => {}, why: 'FORCE_NEW_DEPLOYMENT=1' }), moving);
  });
});
