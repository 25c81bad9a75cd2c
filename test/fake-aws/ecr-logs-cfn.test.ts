import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  GetAuthorizationTokenCommand,
  GetLifecyclePolicyCommand,
  ListImagesCommand,
  ListTagsForResourceCommand as EcrListTags,
  PutImageScanningConfigurationCommand,
  PutLifecyclePolicyCommand,
  TagResourceCommand as EcrTag,
} from '@aws-sdk/client-ecr';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  ListTagsForResourceCommand as LogsListTags,
  ListTagsLogGroupCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  TagResourceCommand as LogsTag,
} from '@aws-sdk/client-cloudwatch-logs';
import { DeleteStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { startFakeAws, type FakeAws } from './index.ts';
import { rejection, sdkClients } from './sdk.ts';

describe('fake ECR (in memory), CloudWatch Logs and CloudFormation through the real SDK', () => {
  let fake: FakeAws;
  let aws: ReturnType<typeof sdkClients>;
  before(async () => {
    fake = await startFakeAws();
    aws = sdkClients(fake);
  });
  after(() => fake.stop());

  test('a repository is created once (RepositoryAlreadyExistsException after) with its tags and fake ECR URI', async () => {
    const out = await aws.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app-test', tags: [{ Key: 'managed-by', Value: 'lambda2fargate' }] }));
    assert.equal(out.repository?.repositoryUri, '123456789012.dkr.ecr.us-east-1.amazonaws.com/app-test');
    assert.ok(out.repository?.createdAt instanceof Date);
    const err = await rejection(aws.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app-test' })));
    assert.equal(err.name, 'RepositoryAlreadyExistsException');
    assert.equal(err.$metadata?.httpStatusCode, 400);
    const arn = out.repository?.repositoryArn ?? '';
    await aws.ecr.send(new EcrTag({ resourceArn: arn, tags: [{ Key: 'env', Value: 'test' }] }));
    const tags = await aws.ecr.send(new EcrListTags({ resourceArn: arn }));
    assert.deepEqual(tags.tags, [{ Key: 'managed-by', Value: 'lambda2fargate' }, { Key: 'env', Value: 'test' }]);
  });

  test('a missing repository fails with RepositoryNotFoundException', async () => {
    const err = await rejection(aws.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['nope'] })));
    assert.equal(err.name, 'RepositoryNotFoundException');
  });

  test('lifecycle policy and scanning configuration round-trip; a missing policy is LifecyclePolicyNotFoundException', async () => {
    const missing = await rejection(aws.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'app-test' })));
    assert.equal(missing.name, 'LifecyclePolicyNotFoundException');
    const text = JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 10 }, action: { type: 'expire' } }] });
    await aws.ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'app-test', lifecyclePolicyText: text }));
    assert.equal((await aws.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'app-test' }))).lifecyclePolicyText, text);
    const scan = await aws.ecr.send(new PutImageScanningConfigurationCommand({ repositoryName: 'app-test', imageScanningConfiguration: { scanOnPush: true } }));
    assert.equal(scan.imageScanningConfiguration?.scanOnPush, true);
  });

  test('images put through the control method are listed, described, fetched and deleted', async () => {
    const digest = fake.putImage('app-test', 'v1');
    fake.putImage('app-test', 'latest', digest);
    const listed = await aws.ecr.send(new ListImagesCommand({ repositoryName: 'app-test' }));
    assert.deepEqual(listed.imageIds?.map((i) => i.imageTag).sort(), ['latest', 'v1']);
    const described = await aws.ecr.send(new DescribeImagesCommand({ repositoryName: 'app-test', imageIds: [{ imageTag: 'v1' }] }));
    assert.equal(described.imageDetails?.[0]?.imageDigest, digest);
    assert.deepEqual(described.imageDetails?.[0]?.imageTags?.sort(), ['latest', 'v1']);
    const missing = await rejection(aws.ecr.send(new DescribeImagesCommand({ repositoryName: 'app-test', imageIds: [{ imageTag: 'v9' }] })));
    assert.equal(missing.name, 'ImageNotFoundException');
    const got = await aws.ecr.send(new BatchGetImageCommand({ repositoryName: 'app-test', imageIds: [{ imageTag: 'v1' }, { imageTag: 'v9' }] }));
    assert.equal(got.images?.[0]?.imageId?.imageDigest, digest);
    assert.equal(got.failures?.[0]?.failureCode, 'ImageNotFound');
    const notEmpty = await rejection(aws.ecr.send(new DeleteRepositoryCommand({ repositoryName: 'app-test' })));
    assert.equal(notEmpty.name, 'RepositoryNotEmptyException');
    const deleted = await aws.ecr.send(new BatchDeleteImageCommand({ repositoryName: 'app-test', imageIds: [{ imageDigest: digest }, { imageTag: 'gone' }] }));
    assert.equal(deleted.imageIds?.[0]?.imageDigest, digest);
    assert.equal(deleted.failures?.[0]?.failureCode, 'ImageNotFound');
    await aws.ecr.send(new DeleteRepositoryCommand({ repositoryName: 'app-test' }));
    assert.deepEqual((await fake.snapshot()).repositories, []);
  });

  test('DeleteRepository with force removes a repository that still holds images', async () => {
    await aws.ecr.send(new CreateRepositoryCommand({ repositoryName: 'forced' }));
    fake.putImage('forced', 'v1');
    await aws.ecr.send(new DeleteRepositoryCommand({ repositoryName: 'forced', force: true }));
    const snap = await fake.snapshot();
    assert.deepEqual([snap.repositories, snap.images], [[], []]);
  });

  test('GetAuthorizationToken answers base64 "AWS:<password>" and a proxy endpoint', async () => {
    const out = await aws.ecr.send(new GetAuthorizationTokenCommand({}));
    const data = out.authorizationData?.[0];
    assert.match(Buffer.from(data?.authorizationToken ?? '', 'base64').toString(), /^AWS:.+/);
    assert.ok(data?.expiresAt instanceof Date);
    assert.match(data?.proxyEndpoint ?? '', /^https?:\/\//);
  });

  test('a log group is created once (ResourceAlreadyExistsException after) with tags and retention', async () => {
    await aws.logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/app-test', tags: { 'managed-by': 'lambda2fargate' } }));
    const again = await rejection(aws.logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/app-test' })));
    assert.equal(again.name, 'ResourceAlreadyExistsException');
    await aws.logs.send(new PutRetentionPolicyCommand({ logGroupName: '/ecs/app-test', retentionInDays: 14 }));
    const groups = await aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/app' }));
    assert.equal(groups.logGroups?.length, 1);
    assert.equal(groups.logGroups?.[0]?.retentionInDays, 14);
    const arn = groups.logGroups?.[0]?.logGroupArn ?? '';
    await aws.logs.send(new LogsTag({ resourceArn: arn, tags: { env: 'test' } }));
    assert.deepEqual((await aws.logs.send(new LogsListTags({ resourceArn: arn }))).tags, { 'managed-by': 'lambda2fargate', env: 'test' });
    assert.deepEqual((await aws.logs.send(new ListTagsLogGroupCommand({ logGroupName: '/ecs/app-test' }))).tags, { 'managed-by': 'lambda2fargate', env: 'test' });
    const none = await aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/nothing' }));
    assert.deepEqual(none.logGroups, []);
  });

  test('log events written to a stream are read back by GetLogEvents and FilterLogEvents', async () => {
    await aws.logs.send(new CreateLogStreamCommand({ logGroupName: '/ecs/app-test', logStreamName: 'ecs/app/1' }));
    const now = Date.now();
    await aws.logs.send(
      new PutLogEventsCommand({
        logGroupName: '/ecs/app-test',
        logStreamName: 'ecs/app/1',
        logEvents: [
          { timestamp: now, message: 'listening on 8080' },
          { timestamp: now + 1, message: 'GET / 200' },
        ],
      }),
    );
    const streams = await aws.logs.send(new DescribeLogStreamsCommand({ logGroupName: '/ecs/app-test', orderBy: 'LastEventTime', descending: true }));
    assert.equal(streams.logStreams?.[0]?.logStreamName, 'ecs/app/1');
    const events = await aws.logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/app-test', logStreamName: 'ecs/app/1', startFromHead: true }));
    assert.deepEqual(events.events?.map((e) => e.message), ['listening on 8080', 'GET / 200']);
    const next = await aws.logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/app-test', logStreamName: 'ecs/app/1', nextToken: events.nextForwardToken }));
    assert.deepEqual(next.events, []);
    assert.equal(next.nextForwardToken, events.nextForwardToken);
    const filtered = await aws.logs.send(new FilterLogEventsCommand({ logGroupName: '/ecs/app-test', filterPattern: 'GET' }));
    assert.deepEqual(filtered.events?.map((e) => [e.logStreamName, e.message]), [['ecs/app/1', 'GET / 200']]);
  });

  test('deleting a missing log group fails with ResourceNotFoundException', async () => {
    await aws.logs.send(new DeleteLogGroupCommand({ logGroupName: '/ecs/app-test' }));
    const err = await rejection(aws.logs.send(new DeleteLogGroupCommand({ logGroupName: '/ecs/app-test' })));
    assert.equal(err.name, 'ResourceNotFoundException');
  });

  test('a stack put by the control method is described; a missing one is a ValidationError', async () => {
    fake.putStack('hello', { FunctionUrl: 'https://abc.lambda-url.us-east-1.on.aws/' }, { 'managed-by': 'lambda2fargate' });
    const out = await aws.cfn.send(new DescribeStacksCommand({ StackName: 'hello' }));
    assert.equal(out.Stacks?.[0]?.StackStatus, 'CREATE_COMPLETE');
    assert.deepEqual(out.Stacks?.[0]?.Outputs?.map((o) => [o.OutputKey, o.OutputValue]), [['FunctionUrl', 'https://abc.lambda-url.us-east-1.on.aws/']]);
    assert.deepEqual(out.Stacks?.[0]?.Tags, [{ Key: 'managed-by', Value: 'lambda2fargate' }]);
    await aws.cfn.send(new DeleteStackCommand({ StackName: 'hello' }));
    const err = await rejection(aws.cfn.send(new DescribeStacksCommand({ StackName: 'hello' })));
    assert.equal(err.name, 'ValidationError');
    assert.equal(err.message, 'Stack with id hello does not exist');
    assert.equal(err.$metadata?.httpStatusCode, 400);
  });
});
