import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  GetParametersCommand,
  ListTagsForResourceCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateRoleCommand, GetRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { startFakeAws, type FakeAws } from './index.ts';
import { rejection, sdkClients } from './sdk.ts';

describe('fake SSM Parameter Store, Secrets Manager and IAM inline policies through the real SDK', () => {
  let fake: FakeAws;
  let ssm: SSMClient;
  let sm: SecretsManagerClient;
  let aws: ReturnType<typeof sdkClients>;
  before(async () => {
    fake = await startFakeAws();
    const config = { region: 'us-east-1', endpoint: fake.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
    ssm = new SSMClient(config);
    sm = new SecretsManagerClient(config);
    aws = sdkClients(fake);
  });
  after(() => fake.stop());

  test('PutParameter without Overwrite is a conditional create: the second one fails with ParameterAlreadyExists', async () => {
    const first = await ssm.send(new PutParameterCommand({ Name: '/locks/hello-test', Value: 'owner-a', Type: 'String', Tags: [{ Key: 'managed-by', Value: 'lambda2fargate' }] }));
    assert.equal(first.Version, 1);
    const err = await rejection(ssm.send(new PutParameterCommand({ Name: '/locks/hello-test', Value: 'owner-b', Type: 'String' })));
    assert.equal(err.name, 'ParameterAlreadyExists');
    assert.equal((await ssm.send(new GetParameterCommand({ Name: '/locks/hello-test' }))).Parameter?.Value, 'owner-a');
    await ssm.send(new DeleteParameterCommand({ Name: '/locks/hello-test' }));
    assert.equal((await ssm.send(new PutParameterCommand({ Name: '/locks/hello-test', Value: 'owner-b', Type: 'String' }))).Version, 1, 'free again once deleted');
  });

  test('Overwrite makes a new version; tags with Overwrite are refused; a type is needed to create', async () => {
    await ssm.send(new PutParameterCommand({ Name: 'db-password', Value: 'one', Type: 'SecureString' }));
    const second = await ssm.send(new PutParameterCommand({ Name: 'db-password', Value: 'two', Overwrite: true }));
    assert.equal(second.Version, 2);
    const err = await rejection(ssm.send(new PutParameterCommand({ Name: 'db-password', Value: 'x', Overwrite: true, Tags: [{ Key: 'a', Value: 'b' }] })));
    assert.equal(err.name, 'ValidationException');
    assert.match(err.message, /tags and overwrite can't be used together/);
    assert.equal((await rejection(ssm.send(new PutParameterCommand({ Name: 'untyped', Value: 'x' })))).name, 'ValidationException');
  });

  test('a SecureString reads back as ciphertext unless decrypted, by name, ARN or :version', async () => {
    const enc = await ssm.send(new GetParameterCommand({ Name: 'db-password' }));
    assert.notEqual(enc.Parameter?.Value, 'two');
    const dec = await ssm.send(new GetParameterCommand({ Name: 'arn:aws:ssm:us-east-1:123456789012:parameter/db-password', WithDecryption: true }));
    assert.equal(dec.Parameter?.Value, 'two');
    assert.equal(dec.Parameter?.ARN, 'arn:aws:ssm:us-east-1:123456789012:parameter/db-password');
    assert.ok(dec.Parameter?.LastModifiedDate instanceof Date);
    assert.equal((await ssm.send(new GetParameterCommand({ Name: 'db-password:1', WithDecryption: true }))).Parameter?.Value, 'one');
  });

  test('GetParameters lists the names it cannot find under InvalidParameters; GetParameter fails with ParameterNotFound', async () => {
    const out = await ssm.send(new GetParametersCommand({ Names: ['db-password', '/nope'], WithDecryption: true }));
    assert.deepEqual(out.Parameters?.map((p) => p.Name), ['db-password']);
    assert.deepEqual(out.InvalidParameters, ['/nope']);
    assert.equal((await rejection(ssm.send(new GetParameterCommand({ Name: '/nope' })))).name, 'ParameterNotFound');
    assert.equal((await rejection(ssm.send(new DeleteParameterCommand({ Name: '/nope' })))).name, 'ParameterNotFound');
  });

  test('DescribeParameters filters by name prefix and tag; tags are added and listed per parameter', async () => {
    await ssm.send(new AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: 'db-password', Tags: [{ Key: 'team', Value: 'api' }] }));
    const tags = await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: 'db-password' }));
    assert.deepEqual(tags.TagList, [{ Key: 'team', Value: 'api' }]);
    const byPrefix = await ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Option: 'BeginsWith', Values: ['/locks/'] }] }));
    assert.deepEqual(byPrefix.Parameters?.map((p) => p.Name), ['/locks/hello-test']);
    const byTag = await ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'tag:team', Values: ['api'] }] }));
    assert.deepEqual(byTag.Parameters?.map((p) => [p.Name, p.Type, p.Version]), [['db-password', 'SecureString', 2]]);
    const err = await rejection(ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: 'missing' })));
    assert.equal(err.name, 'InvalidResourceId');
  });

  test('a secret ARN ends in a six-character suffix; GetSecretValue takes the name, full or partial ARN', async () => {
    const created = await sm.send(new CreateSecretCommand({ Name: 'prod/db', SecretString: '{"password":"s3cret"}' }));
    assert.match(created.ARN ?? '', /^arn:aws:secretsmanager:us-east-1:123456789012:secret:prod\/db-[A-Za-z0-9]{6}$/);
    for (const id of ['prod/db', created.ARN!, 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db']) {
      const v = await sm.send(new GetSecretValueCommand({ SecretId: id }));
      assert.equal(v.SecretString, '{"password":"s3cret"}');
      assert.deepEqual(v.VersionStages, ['AWSCURRENT']);
    }
    const dup = await rejection(sm.send(new CreateSecretCommand({ Name: 'prod/db', SecretString: 'x' })));
    assert.equal(dup.name, 'ResourceExistsException');
    const missing = await rejection(sm.send(new GetSecretValueCommand({ SecretId: 'prod/nope' })));
    assert.equal(missing.name, 'ResourceNotFoundException');
    assert.equal(missing.message, "Secrets Manager can't find the specified secret.");
  });

  test('PutSecretValue rotates: the new version is AWSCURRENT, the old one AWSPREVIOUS', async () => {
    const rotated = await sm.send(new PutSecretValueCommand({ SecretId: 'prod/db', SecretString: '{"password":"new"}' }));
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'prod/db' }))).SecretString, '{"password":"new"}');
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'prod/db', VersionStage: 'AWSPREVIOUS' }))).SecretString, '{"password":"s3cret"}');
    const described = await sm.send(new DescribeSecretCommand({ SecretId: 'prod/db' }));
    assert.deepEqual(described.VersionIdsToStages?.[rotated.VersionId!], ['AWSCURRENT']);
    assert.equal(Object.keys(described.VersionIdsToStages ?? {}).length, 2);
  });

  test('an inline role policy reads back URL-encoded; a missing one is NoSuchEntity; bad JSON is MalformedPolicyDocument', async () => {
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    await aws.iam.send(new CreateRoleCommand({ RoleName: 'policy-test', AssumeRolePolicyDocument: trust }));
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ssm:GetParameters', Resource: 'arn:aws:ssm:us-east-1:123456789012:parameter/db-password' }] });
    await aws.iam.send(new PutRolePolicyCommand({ RoleName: 'policy-test', PolicyName: 'secrets', PolicyDocument: doc }));
    const got = await aws.iam.send(new GetRolePolicyCommand({ RoleName: 'policy-test', PolicyName: 'secrets' }));
    assert.equal(decodeURIComponent(got.PolicyDocument ?? ''), doc);
    assert.equal((await rejection(aws.iam.send(new GetRolePolicyCommand({ RoleName: 'policy-test', PolicyName: 'nope' })))).name, 'NoSuchEntityException');
    const bad = await rejection(aws.iam.send(new PutRolePolicyCommand({ RoleName: 'policy-test', PolicyName: 'bad', PolicyDocument: '{' })));
    assert.equal(bad.name, 'MalformedPolicyDocumentException');
    assert.equal(fake.iam.decide('arn:aws:iam::123456789012:role/policy-test', 'SSM:GetParameters', 'arn:aws:ssm:us-east-1:123456789012:parameter/db-password'), 'allow', 'actions match case-insensitively');
    assert.equal(fake.iam.decide('arn:aws:iam::123456789012:role/policy-test', 'ssm:GetParameters', 'arn:aws:ssm:us-east-1:123456789012:parameter/other'), 'implicit-deny');
  });
});
