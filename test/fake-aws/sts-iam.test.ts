import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  ListRolesCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { startFakeAws, type FakeAws } from './index.ts';
import { rejection, sdkClients } from './sdk.ts';

const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

describe('fake STS and IAM through the real SDK', () => {
  let fake: FakeAws;
  let aws: ReturnType<typeof sdkClients>;
  before(async () => {
    fake = await startFakeAws();
    aws = sdkClients(fake);
  });
  after(() => fake.stop());

  test('GetCallerIdentity answers the fake account', async () => {
    const out = await aws.sts.send(new GetCallerIdentityCommand({}));
    assert.equal(out.Account, '123456789012');
    assert.match(out.Arn ?? '', /^arn:aws:iam::123456789012:/);
  });

  test('a created role reads back with its trust policy, tags and creation date', async () => {
    const created = await aws.iam.send(new CreateRoleCommand({ RoleName: 'app-exec', AssumeRolePolicyDocument: trust, Tags: [{ Key: 'managed-by', Value: 'lambda2fargate' }] }));
    assert.equal(created.Role?.Arn, 'arn:aws:iam::123456789012:role/app-exec');
    const got = await aws.iam.send(new GetRoleCommand({ RoleName: 'app-exec' }));
    assert.deepEqual(JSON.parse(decodeURIComponent(got.Role?.AssumeRolePolicyDocument ?? '')), JSON.parse(trust));
    assert.ok(got.Role?.CreateDate instanceof Date);
    assert.deepEqual(got.Role?.Tags, [{ Key: 'managed-by', Value: 'lambda2fargate' }]);
    const tags = await aws.iam.send(new ListRoleTagsCommand({ RoleName: 'app-exec' }));
    assert.deepEqual(tags.Tags, [{ Key: 'managed-by', Value: 'lambda2fargate' }]);
  });

  test('creating a role twice fails with EntityAlreadyExistsException and HTTP 409', async () => {
    const err = await rejection(aws.iam.send(new CreateRoleCommand({ RoleName: 'app-exec', AssumeRolePolicyDocument: trust })));
    assert.equal(err.name, 'EntityAlreadyExistsException');
    assert.equal(err.$metadata?.httpStatusCode, 409);
  });

  test('a missing role fails with NoSuchEntityException and HTTP 404', async () => {
    const err = await rejection(aws.iam.send(new GetRoleCommand({ RoleName: 'nobody' })));
    assert.equal(err.name, 'NoSuchEntityException');
    assert.equal(err.$metadata?.httpStatusCode, 404);
    assert.match(err.message, /cannot be found/);
  });

  test('a role with attached or inline policies cannot be deleted (DeleteConflictException) until they are gone', async () => {
    const policy = 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy';
    await aws.iam.send(new AttachRolePolicyCommand({ RoleName: 'app-exec', PolicyArn: policy }));
    await aws.iam.send(new PutRolePolicyCommand({ RoleName: 'app-exec', PolicyName: 'inline', PolicyDocument: trust }));
    const attached = await aws.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'app-exec' }));
    assert.deepEqual(attached.AttachedPolicies, [{ PolicyArn: policy, PolicyName: 'AmazonECSTaskExecutionRolePolicy' }]);
    assert.deepEqual((await aws.iam.send(new ListRolePoliciesCommand({ RoleName: 'app-exec' }))).PolicyNames, ['inline']);
    const err = await rejection(aws.iam.send(new DeleteRoleCommand({ RoleName: 'app-exec' })));
    assert.equal(err.name, 'DeleteConflictException');
    assert.equal(err.$metadata?.httpStatusCode, 409);
    await aws.iam.send(new DetachRolePolicyCommand({ RoleName: 'app-exec', PolicyArn: policy }));
    await aws.iam.send(new DeleteRolePolicyCommand({ RoleName: 'app-exec', PolicyName: 'inline' }));
    await aws.iam.send(new DeleteRoleCommand({ RoleName: 'app-exec' }));
    assert.equal((await aws.iam.send(new ListRolesCommand({}))).Roles?.length, 0);
  });

  test('UpdateAssumeRolePolicy and TagRole change the role', async () => {
    await aws.iam.send(new CreateRoleCommand({ RoleName: 'r2', AssumeRolePolicyDocument: trust }));
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: [] });
    await aws.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'r2', PolicyDocument: doc }));
    await aws.iam.send(new TagRoleCommand({ RoleName: 'r2', Tags: [{ Key: 'a', Value: 'b' }] }));
    const got = await aws.iam.send(new GetRoleCommand({ RoleName: 'r2' }));
    assert.equal(decodeURIComponent(got.Role?.AssumeRolePolicyDocument ?? ''), doc);
    assert.deepEqual(got.Role?.Tags, [{ Key: 'a', Value: 'b' }]);
  });

  test('every call is recorded with its service, operation, parameters and status', async () => {
    const roles = fake.requests.filter((r) => r.service === 'iam' && r.operation === 'CreateRole');
    assert.equal(roles[0]?.params.RoleName, 'app-exec');
    assert.equal(roles[1]?.status, 409);
    assert.equal(roles[1]?.error, 'EntityAlreadyExists');
    assert.ok(fake.writeRequests().every((r) => !/^(Get|List|Describe)/.test(r.operation)));
  });
});
