import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateServiceCommand, DeleteServiceCommand, DescribeClustersCommand, DescribeTasksCommand, ListTasksCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { startFakeAws, type FakeAws } from './index.ts';
import { rejection, sdkClients, waitFor } from './sdk.ts';
import { describeService, prepare, registerTaskDef, waitForRollout } from './ecs-fixture.ts';

describe('fake AWS faults: throttling, injected failures, IAM propagation, circuit breaker', () => {
  let fake: FakeAws;
  let aws: ReturnType<typeof sdkClients>;
  let env: Awaited<ReturnType<typeof prepare>>;
  before(async () => {
    fake = await startFakeAws({ restartDelayMs: 50 });
    aws = sdkClients(fake);
    env = await prepare(aws, 'faults');
  });
  after(() => fake.stop());

  test('a throttling burst on each protocol is retried by the SDK without the caller noticing', async () => {
    fake.inject({ throttle: { service: 'ecs', operation: 'DescribeClusters', count: 2 } });
    fake.inject({ throttle: { service: 'ec2', count: 1 } });
    fake.inject({ throttle: { service: 'iam', operation: 'GetRole', count: 1 } });
    fake.resetRequests();
    const out = await aws.ecs.send(new DescribeClustersCommand({ clusters: ['faults'] }));
    assert.equal(out.clusters?.[0]?.status, 'ACTIVE');
    await aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [env.groupId] }));
    await aws.iam.send(new GetRoleCommand({ RoleName: 'faults-exec' }));
    assert.deepEqual(
      fake.requests.map((r) => `${r.operation} ${r.status} ${r.error ?? ''}`.trim()),
      [
        'DescribeClusters 400 ThrottlingException',
        'DescribeClusters 400 ThrottlingException',
        'DescribeClusters 200',
        'DescribeSecurityGroups 503 RequestLimitExceeded',
        'DescribeSecurityGroups 200',
        'GetRole 400 Throttling',
        'GetRole 200',
      ],
    );
  });

  test('an injected failure answers the given code until its count is used up', async () => {
    fake.inject({ fail: { service: 'ecr', operation: 'DescribeRepositories', code: 'AccessDeniedException', message: 'not allowed', count: 2 } });
    for (let i = 0; i < 2; i++) {
      const err = await rejection(aws.ecr.send(new DescribeRepositoriesCommand({})));
      assert.equal(err.name, 'AccessDeniedException');
      assert.equal(err.message, 'not allowed');
    }
    assert.deepEqual((await aws.ecr.send(new DescribeRepositoriesCommand({}))).repositories, []);
  });

  test('a persistent failure (count Infinity) never runs out until cleared', async () => {
    fake.inject({ fail: { service: 'ecr', operation: 'DescribeRepositories', code: 'AccessDeniedException', count: Infinity } });
    for (let i = 0; i < 3; i++) assert.equal((await rejection(aws.ecr.send(new DescribeRepositoriesCommand({})))).name, 'AccessDeniedException');
    fake.clearFaults();
    await aws.ecr.send(new DescribeRepositoriesCommand({}));
  });

  test('a role younger than iamPropagationMs: CreateService succeeds, the scheduler cannot launch yet and says so, then converges', async () => {
    fake.knobs.iamPropagationMs = 60_000;
    fake.knobs.launchRetryMs = 100;
    const td = await registerTaskDef(aws, 'faults', env.roleArn);
    await aws.ecs.send(new CreateServiceCommand({ cluster: env.cluster, serviceName: 'young', taskDefinition: td, desiredCount: 1, networkConfiguration: env.network }));
    const waiting = await waitFor('a failed launch event', async () => {
      const s = await describeService(aws, env.cluster, 'young');
      return (s.events ?? []).filter((e) => e.message?.startsWith('(service young) failed to launch a task with (error ECS was unable to assume the role')).length >= 2 ? s : undefined;
    });
    assert.equal(waiting.runningCount ?? 0, 0);
    assert.equal(waiting.deployments?.[0]?.rolloutState, 'IN_PROGRESS');
    assert.match(waiting.events?.[0]?.message ?? '', new RegExp(`the role '${env.roleArn}' that was provided for this task\\. Please verify`));
    fake.knobs.iamPropagationMs = 0;
    await waitForRollout(aws, env.cluster, 'young', 'COMPLETED');
  });

  test('a new revision whose container exits trips the circuit breaker and rolls back to the running revision', async () => {
    await aws.ecs.send(
      new UpdateServiceCommand({ cluster: env.cluster, service: 'young', deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } } }),
    );
    const broken = await registerTaskDef(aws, 'faults', env.roleArn, { FAKE_TASK_EXIT: '3' });
    const before = await describeService(aws, env.cluster, 'young');
    await aws.ecs.send(new UpdateServiceCommand({ cluster: env.cluster, service: 'young', taskDefinition: broken }));
    const s = await waitForRollout(aws, env.cluster, 'young', 'COMPLETED');
    assert.equal(s.taskDefinition, before.taskDefinition);
    assert.match(s.deployments?.[0]?.rolloutStateReason ?? '', /completed/);
    const messages = (s.events ?? []).map((e) => e.message ?? '');
    assert.ok(messages.some((m) => /deployment failed: tasks failed to start/.test(m)));
    const stopped = (await aws.ecs.send(new ListTasksCommand({ cluster: env.cluster, serviceName: 'young', desiredStatus: 'STOPPED' }))).taskArns ?? [];
    const tasks = (await aws.ecs.send(new DescribeTasksCommand({ cluster: env.cluster, tasks: stopped }))).tasks ?? [];
    const crashed = tasks.filter((t) => t.taskDefinitionArn === broken);
    assert.ok(crashed.length >= 3);
    assert.equal(crashed[0]?.stoppedReason, 'Essential container in task exited');
    assert.equal(crashed[0]?.containers?.[0]?.exitCode, 3);
  });

  test('without a previous deployment the circuit breaker leaves the service FAILED with nothing running', async () => {
    const broken = await registerTaskDef(aws, 'faults', env.roleArn, { FAKE_TASK_EXIT: '1' });
    await aws.ecs.send(
      new CreateServiceCommand({
        cluster: env.cluster,
        serviceName: 'doomed',
        taskDefinition: broken,
        desiredCount: 1,
        networkConfiguration: env.network,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      }),
    );
    const s = await waitForRollout(aws, env.cluster, 'doomed', 'FAILED');
    assert.equal(s.deployments?.[0]?.rolloutStateReason, 'ECS deployment circuit breaker: tasks failed to start.');
    assert.ok((s.deployments?.[0]?.failedTasks ?? 0) >= 3);
    await new Promise((r) => setTimeout(r, 300));
    const later = await describeService(aws, env.cluster, 'doomed');
    assert.equal(later.runningCount, 0);
    assert.equal(later.pendingCount, 0);
  });

  test('the real container server with a HANDLER that does not load exits 1 and trips the breaker (no rollback)', async () => {
    const broken = await registerTaskDef(aws, 'faults', env.roleArn, { HANDLER: '/nonexistent.handler' });
    await aws.ecs.send(
      new CreateServiceCommand({
        cluster: env.cluster,
        serviceName: 'badhandler',
        taskDefinition: broken,
        desiredCount: 1,
        networkConfiguration: env.network,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } },
      }),
    );
    const s = await waitForRollout(aws, env.cluster, 'badhandler', 'FAILED');
    assert.equal(s.runningCount, 0);
    const stopped = (await aws.ecs.send(new ListTasksCommand({ cluster: env.cluster, serviceName: 'badhandler', desiredStatus: 'STOPPED' }))).taskArns ?? [];
    const task = (await aws.ecs.send(new DescribeTasksCommand({ cluster: env.cluster, tasks: stopped }))).tasks?.find((t) => t.lastStatus === 'STOPPED');
    assert.equal(task?.containers?.[0]?.exitCode, 1);
    assert.equal(task?.stopCode, 'EssentialContainerExited');
  });

  test('a task whose log group is missing fails to start with the awslogs ResourceInitializationError', async () => {
    const td = await registerTaskDef(aws, 'nologs', env.roleArn);
    await aws.ecs.send(new CreateServiceCommand({ cluster: env.cluster, serviceName: 'nologs', taskDefinition: td, desiredCount: 1, networkConfiguration: env.network }));
    const task = await waitFor('a stopped task', async () => {
      const arns = (await aws.ecs.send(new ListTasksCommand({ cluster: env.cluster, serviceName: 'nologs', desiredStatus: 'STOPPED' }))).taskArns ?? [];
      if (!arns.length) return undefined;
      return (await aws.ecs.send(new DescribeTasksCommand({ cluster: env.cluster, tasks: arns }))).tasks?.find((t) => t.lastStatus === 'STOPPED');
    });
    assert.match(task.stoppedReason ?? '', /^ResourceInitializationError: .*The specified log group does not exist/);
    assert.equal(task.stopCode, 'TaskFailedToStart');
  });

  test('an INACTIVE service stays describable, and CreateService with its name makes a new ACTIVE one', async () => {
    const td = await registerTaskDef(aws, 'faults', env.roleArn);
    const create = () => aws.ecs.send(new CreateServiceCommand({ cluster: env.cluster, serviceName: 'phoenix', taskDefinition: td, desiredCount: 0, networkConfiguration: env.network }));
    const first = await create();
    await aws.ecs.send(new DeleteServiceCommand({ cluster: env.cluster, service: 'phoenix' }));
    const draining = await rejection(create());
    assert.equal(draining.message, 'Unable to Start a service that is still Draining.');
    await waitFor('INACTIVE', async () => (await describeService(aws, env.cluster, 'phoenix')).status === 'INACTIVE');
    const second = await create();
    assert.equal(second.service?.status, 'ACTIVE');
    assert.notEqual(second.service?.createdAt?.getTime(), undefined);
    assert.ok((second.service?.createdAt?.getTime() ?? 0) >= (first.service?.createdAt?.getTime() ?? 0));
    assert.equal((await describeService(aws, env.cluster, 'phoenix')).status, 'ACTIVE');
  });

  test('DescribeTasks reports unknown tasks under failures with reason MISSING', async () => {
    const out = await aws.ecs.send(new DescribeTasksCommand({ cluster: env.cluster, tasks: ['0123456789abcdef0123456789abcdef'] }));
    assert.deepEqual(out.tasks, []);
    assert.equal(out.failures?.[0]?.reason, 'MISSING');
  });

  test('the control endpoints answer over HTTP', async () => {
    const snap = (await (await fetch(`${fake.url}/_fake/snapshot`)).json()) as { clusters: string[] };
    assert.deepEqual(snap.clusters, ['faults']);
    const inject = await fetch(`${fake.url}/_fake/inject`, { method: 'POST', body: JSON.stringify({ fail: { service: 'ecs', operation: 'ListClusters', code: 'ServerException', status: 500, count: 'Infinity' } }) });
    assert.equal(inject.status, 200);
    const requests = (await (await fetch(`${fake.url}/_fake/requests`)).json()) as unknown[];
    assert.ok(requests.length > 10);
    fake.clearFaults();
  });
});

describe('fake ECS health checks with a stand-in container (taskCommand)', () => {
  let fake: FakeAws;
  let aws: ReturnType<typeof sdkClients>;
  const sick = `require('http').createServer((q, s) => { s.statusCode = q.url === '/healthz' ? 503 : 200; s.end('x') }).listen(Number(process.env.PORT), process.env.HOST)`;
  before(async () => {
    fake = await startFakeAws({ healthTimeoutMs: 300, restartDelayMs: 20, taskCommand: () => ({ command: process.execPath, args: ['-e', sick] }) });
    aws = sdkClients(fake);
  });
  after(() => fake.stop());

  test('a container failing its healthCheck is stopped UNHEALTHY and counts towards the circuit breaker', async () => {
    const env = await prepare(aws, 'sick');
    const out = await aws.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'sick',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          {
            name: 'app',
            image: 'example/sick:1',
            portMappings: [{ containerPort: 8080 }],
            healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/healthz || exit 1'], interval: 5, retries: 2 },
          },
        ],
      }),
    );
    await aws.ecs.send(
      new CreateServiceCommand({
        cluster: env.cluster,
        serviceName: 'sick',
        taskDefinition: out.taskDefinition?.taskDefinitionArn,
        desiredCount: 1,
        networkConfiguration: env.network,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      }),
    );
    const s = await waitForRollout(aws, env.cluster, 'sick', 'FAILED');
    assert.ok((s.deployments?.[0]?.failedTasks ?? 0) >= 3);
    const stopped = (await aws.ecs.send(new ListTasksCommand({ cluster: env.cluster, serviceName: 'sick', desiredStatus: 'STOPPED' }))).taskArns ?? [];
    const task = (await aws.ecs.send(new DescribeTasksCommand({ cluster: env.cluster, tasks: stopped }))).tasks?.[0];
    assert.equal(task?.stoppedReason, 'Task failed container health checks');
    assert.equal(task?.healthStatus, 'UNHEALTHY');
  });
});
