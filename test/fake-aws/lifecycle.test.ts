import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  CreateServiceCommand,
  DeleteClusterCommand,
  DescribeTasksCommand,
  ListTagsForResourceCommand,
  RunTaskCommand,
  StopTaskCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-ecs';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startFakeAws, type FakeAws } from './index.ts';
import { rejection, sdkClients, waitFor } from './sdk.ts';
import { prepare, registerTaskDef } from './ecs-fixture.ts';

const SERVER = `require('http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), process.env.HOST)`;

describe('fake ECS stand-alone tasks, cluster deletion and tags', () => {
  let fake: FakeAws;
  let aws: ReturnType<typeof sdkClients>;
  let env: Awaited<ReturnType<typeof prepare>>;
  let td = '';
  before(async () => {
    fake = await startFakeAws({ taskCommand: () => ({ command: process.execPath, args: ['-e', SERVER] }) });
    aws = sdkClients(fake);
    env = await prepare(aws, 'life');
    td = await registerTaskDef(aws, 'life', env.roleArn);
  });
  after(() => fake.stop());

  test('CreateService in a missing cluster fails with ClusterNotFoundException', async () => {
    const err = await rejection(aws.ecs.send(new CreateServiceCommand({ cluster: 'nowhere', serviceName: 's', taskDefinition: td, desiredCount: 1, networkConfiguration: env.network })));
    assert.equal(err.name, 'ClusterNotFoundException');
  });

  test('a running task keeps its cluster (ClusterContainsTasksException) until StopTask stops it', async () => {
    const run = await aws.ecs.send(new RunTaskCommand({ cluster: env.cluster, taskDefinition: td, launchType: 'FARGATE', networkConfiguration: env.network }));
    const arn = run.tasks?.[0]?.taskArn ?? '';
    assert.equal(run.tasks?.[0]?.lastStatus, 'PROVISIONING');
    await waitFor('RUNNING', async () => (await aws.ecs.send(new DescribeTasksCommand({ cluster: env.cluster, tasks: [arn] }))).tasks?.[0]?.lastStatus === 'RUNNING');
    const busy = await rejection(aws.ecs.send(new DeleteClusterCommand({ cluster: env.cluster })));
    assert.equal(busy.name, 'ClusterContainsTasksException');
    await aws.ecs.send(new StopTaskCommand({ cluster: env.cluster, task: arn, reason: 'done testing' }));
    const stopped = await waitFor('STOPPED', async () => {
      const t = (await aws.ecs.send(new DescribeTasksCommand({ cluster: env.cluster, tasks: [arn] }))).tasks?.[0];
      return t?.lastStatus === 'STOPPED' ? t : undefined;
    });
    assert.equal(stopped.stoppedReason, 'done testing');
    assert.equal(stopped.stopCode, 'UserInitiated');
    assert.equal(stopped.desiredStatus, 'STOPPED');
    assert.equal((await aws.ecs.send(new DeleteClusterCommand({ cluster: env.cluster }))).cluster?.status, 'INACTIVE');
  });

  test('tags on a task definition are added and removed by ARN', async () => {
    await aws.ecs.send(new TagResourceCommand({ resourceArn: td, tags: [{ key: 'team', value: 'web' }] }));
    await aws.ecs.send(new UntagResourceCommand({ resourceArn: td, tagKeys: ['managed-by'] }));
    assert.deepEqual((await aws.ecs.send(new ListTagsForResourceCommand({ resourceArn: td }))).tags, [{ key: 'team', value: 'web' }]);
  });
});

test('main.ts runs the fake as a process, prints the endpoint to export and stops on SIGTERM', async () => {
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', main], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let endpoint = '';
  for await (const line of createInterface({ input: child.stdout })) {
    const m = /^export AWS_ENDPOINT_URL=(http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
    if (m?.[1]) {
      endpoint = m[1];
      break;
    }
  }
  const sts = new STSClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  assert.equal((await sts.send(new GetCallerIdentityCommand({}))).Account, '123456789012');
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});
