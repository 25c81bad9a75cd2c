import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateServiceCommand,
  DeleteClusterCommand,
  DeleteServiceCommand,
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTaskDefinitionsCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTasksCommand,
  ListTagsForResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { DeleteSecurityGroupCommand, DescribeNetworkInterfacesCommand } from '@aws-sdk/client-ec2';
import { GetLogEventsCommand, DescribeLogStreamsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startFakeAws, type FakeAws } from './index.ts';
import { rejection, sdkClients, waitFor } from './sdk.ts';
import { describeService, prepare, registerTaskDef, waitForRollout } from './ecs-fixture.ts';

describe('fake ECS through the real SDK (tasks run the container server as processes)', () => {
  let fake: FakeAws;
  let aws: ReturnType<typeof sdkClients>;
  let env: Awaited<ReturnType<typeof prepare>>;
  let rev1 = '';
  before(async () => {
    fake = await startFakeAws({ eniLingerMs: 400 });
    aws = sdkClients(fake);
    env = await prepare(aws, 'hello-test');
  });
  after(() => fake.stop());

  test('DescribeClusters reports a missing cluster under failures with reason MISSING', async () => {
    const out = await aws.ecs.send(new DescribeClustersCommand({ clusters: ['hello-test', 'nope'], include: ['TAGS'] }));
    assert.equal(out.clusters?.[0]?.status, 'ACTIVE');
    assert.deepEqual(out.clusters?.[0]?.tags, [{ key: 'managed-by', value: 'lambda2fargate' }]);
    assert.deepEqual(out.failures, [{ arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/nope', reason: 'MISSING' }]);
  });

  test('DescribeServices in a missing cluster fails with ClusterNotFoundException', async () => {
    const err = await rejection(aws.ecs.send(new DescribeServicesCommand({ cluster: 'nope', services: ['x'] })));
    assert.equal(err.name, 'ClusterNotFoundException');
    assert.equal(err.$metadata?.httpStatusCode, 400);
  });

  test('every RegisterTaskDefinition makes a new revision; unknown ones are a ClientException', async () => {
    rev1 = await registerTaskDef(aws, 'hello-test', env.roleArn);
    const rev2 = await registerTaskDef(aws, 'hello-test', env.roleArn, { GREETING: 'two' });
    assert.match(rev1, /task-definition\/hello-test:1$/);
    assert.match(rev2, /task-definition\/hello-test:2$/);
    const latest = await aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'hello-test', include: ['TAGS'] }));
    assert.equal(latest.taskDefinition?.revision, 2);
    assert.equal(latest.taskDefinition?.cpu, '256');
    assert.equal(latest.taskDefinition?.containerDefinitions?.[0]?.portMappings?.[0]?.hostPort, 8080);
    assert.deepEqual(latest.tags, [{ key: 'managed-by', value: 'lambda2fargate' }]);
    const err = await rejection(aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'missing:1' })));
    assert.equal(err.name, 'ClientException');
    const list = await aws.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'hello-test', sort: 'DESC' }));
    assert.deepEqual(list.taskDefinitionArns, [rev2, rev1]);
    assert.deepEqual((await aws.ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: 'hello' }))).families, ['hello-test']);
  });

  test('a task definition is deleted only once deregistered (INACTIVE)', async () => {
    const extra = await registerTaskDef(aws, 'other', env.roleArn);
    const refused = await aws.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: [extra] }));
    assert.equal(refused.failures?.[0]?.arn, extra);
    await aws.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: extra }));
    const deleted = await aws.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: [extra] }));
    assert.equal(deleted.taskDefinitions?.[0]?.status, 'DELETE_IN_PROGRESS');
    assert.ok(!(await fake.snapshot()).taskDefinitions.includes('other:1'));
  });

  test('a service rolls out to COMPLETED and its task answers HTTP at its ENI public IP', async () => {
    const created = await aws.ecs.send(
      new CreateServiceCommand({
        cluster: env.cluster,
        serviceName: 'hello-test',
        taskDefinition: rev1,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: env.network,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
        tags: [{ key: 'managed-by', value: 'lambda2fargate' }],
      }),
    );
    assert.equal(created.service?.deployments?.[0]?.rolloutState, 'IN_PROGRESS');
    assert.match(created.service?.deployments?.[0]?.id ?? '', /^ecs-svc\/\d+$/);
    const s = await waitForRollout(aws, env.cluster, 'hello-test', 'COMPLETED');
    assert.equal(s.runningCount, 1);
    assert.equal(s.deployments?.[0]?.status, 'PRIMARY');
    assert.deepEqual(s.tags, [{ key: 'managed-by', value: 'lambda2fargate' }]);
    await waitFor('steady state event', async () => (await describeService(aws, env.cluster, 'hello-test')).events?.[0]?.message?.includes('has reached a steady state.'));
    const arns = (await aws.ecs.send(new ListTasksCommand({ cluster: env.cluster, serviceName: 'hello-test' }))).taskArns ?? [];
    assert.equal(arns.length, 1);
    const task = (await aws.ecs.send(new DescribeTasksCommand({ cluster: env.cluster, tasks: arns }))).tasks?.[0];
    assert.equal(task?.lastStatus, 'RUNNING');
    assert.equal(task?.taskDefinitionArn, rev1);
    assert.ok(task?.startedAt instanceof Date);
    const eniId = task?.attachments?.[0]?.details?.find((d) => d.name === 'networkInterfaceId')?.value ?? '';
    const eni = (await aws.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }))).NetworkInterfaces?.[0];
    const ip = eni?.Association?.PublicIp ?? '';
    assert.match(ip, /^127\.\d+\.\d+\.\d+$/);
    const res = await fetch(`http://${ip}:8080/`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { message: 'Hello from ECS!' });
    const taskId = task?.taskArn?.split('/').pop() ?? '';
    const logs = await waitFor('the task log line', async () => {
      const out = await aws.logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/hello-test', logStreamName: `ecs/app/${taskId}`, startFromHead: true }));
      return out.events?.length ? out.events : undefined;
    });
    assert.ok(logs.some((e) => e.message?.includes('listening')));
  });

  test('creating the same-named service with other parameters is not idempotent (InvalidParameterException)', async () => {
    const err = await rejection(
      aws.ecs.send(new CreateServiceCommand({ cluster: env.cluster, serviceName: 'hello-test', taskDefinition: rev1, desiredCount: 3, networkConfiguration: env.network })),
    );
    assert.equal(err.name, 'InvalidParameterException');
    assert.equal(err.message, 'Creation of service was not idempotent.');
  });

  test('scaling without a new task definition keeps the one deployment', async () => {
    const before = await describeService(aws, env.cluster, 'hello-test');
    await aws.ecs.send(new UpdateServiceCommand({ cluster: env.cluster, service: 'hello-test', desiredCount: 2 }));
    const s = await waitFor('two running tasks', async () => {
      const x = await describeService(aws, env.cluster, 'hello-test');
      return x.runningCount === 2 ? x : undefined;
    });
    assert.equal(s.deployments?.length, 1);
    assert.equal(s.deployments?.[0]?.id, before.deployments?.[0]?.id);
    assert.equal(s.deployments?.[0]?.desiredCount, 2);
  });

  test('a new revision deploys as a new PRIMARY deployment and replaces the old tasks', async () => {
    const rev2 = 'hello-test:2';
    const updated = await aws.ecs.send(new UpdateServiceCommand({ cluster: env.cluster, service: 'hello-test', taskDefinition: rev2, desiredCount: 1 }));
    assert.deepEqual(updated.service?.deployments?.map((d) => d.status), ['PRIMARY', 'ACTIVE']);
    const s = await waitForRollout(aws, env.cluster, 'hello-test', 'COMPLETED');
    assert.match(s.taskDefinition ?? '', /hello-test:2$/);
    const running = await waitFor('old tasks stopped', async () => {
      const arns = (await aws.ecs.send(new ListTasksCommand({ cluster: env.cluster, serviceName: 'hello-test' }))).taskArns ?? [];
      return arns.length === 1 ? arns : undefined;
    });
    const task = (await aws.ecs.send(new DescribeTasksCommand({ cluster: env.cluster, tasks: running }))).tasks?.[0];
    assert.match(task?.taskDefinitionArn ?? '', /hello-test:2$/);
    const stopped = (await aws.ecs.send(new ListTasksCommand({ cluster: env.cluster, serviceName: 'hello-test', desiredStatus: 'STOPPED' }))).taskArns ?? [];
    assert.equal(stopped.length, 2);
  });

  test('UpdateService of a missing service fails with ServiceNotFoundException', async () => {
    const err = await rejection(aws.ecs.send(new UpdateServiceCommand({ cluster: env.cluster, service: 'ghost', desiredCount: 1 })));
    assert.equal(err.name, 'ServiceNotFoundException');
  });

  test('ListTagsForResource reads the service tags', async () => {
    const s = await describeService(aws, env.cluster, 'hello-test');
    const tags = await aws.ecs.send(new ListTagsForResourceCommand({ resourceArn: s.serviceArn }));
    assert.deepEqual(tags.tags, [{ key: 'managed-by', value: 'lambda2fargate' }]);
  });

  test('deleting the service drains it to INACTIVE; its ENIs linger and block the security group for a while', async () => {
    const refused = await rejection(aws.ecs.send(new DeleteServiceCommand({ cluster: env.cluster, service: 'hello-test' })));
    assert.equal(refused.name, 'InvalidParameterException');
    const deleted = await aws.ecs.send(new DeleteServiceCommand({ cluster: env.cluster, service: 'hello-test', force: true }));
    assert.equal(deleted.service?.status, 'DRAINING');
    const busy = await rejection(aws.ecs.send(new DeleteClusterCommand({ cluster: env.cluster })));
    assert.equal(busy.name, 'ClusterContainsServicesException');
    const blocked = await rejection(aws.ec2.send(new DeleteSecurityGroupCommand({ GroupId: env.groupId })));
    assert.equal(blocked.name, 'DependencyViolation');
    await waitFor('INACTIVE', async () => (await describeService(aws, env.cluster, 'hello-test')).status === 'INACTIVE');
    const notActive = await rejection(aws.ecs.send(new UpdateServiceCommand({ cluster: env.cluster, service: 'hello-test', desiredCount: 1 })));
    assert.equal(notActive.name, 'ServiceNotActiveException');
    await waitFor('ENIs gone', async () => (await fake.snapshot()).networkInterfaces.length === 0);
    await aws.ec2.send(new DeleteSecurityGroupCommand({ GroupId: env.groupId }));
    const cluster = await aws.ecs.send(new DeleteClusterCommand({ cluster: env.cluster }));
    assert.equal(cluster.cluster?.status, 'INACTIVE');
    const snap = await fake.snapshot();
    assert.deepEqual([snap.services, snap.tasks, snap.clusters, snap.securityGroups], [[], [], [], []]);
  });

  test('stdout of a task lands in its awslogs stream, named <prefix>/<container>/<task id>', async () => {
    const streams = await aws.logs.send(new DescribeLogStreamsCommand({ logGroupName: '/ecs/hello-test' }));
    assert.ok((streams.logStreams?.length ?? 0) >= 3);
    assert.ok(streams.logStreams?.every((s) => /^ecs\/app\/[0-9a-f]{32}$/.test(s.logStreamName ?? '')));
  });
});
