import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  BatchDeleteImageCommand,
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeImagesCommand,
  GetAuthorizationTokenCommand,
  ListImagesCommand,
  BatchGetImageCommand,
} from '@aws-sdk/client-ecr';
import { CreateServiceCommand, DeleteServiceCommand, DescribeTasksCommand, ListTasksCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { DescribeNetworkInterfacesCommand } from '@aws-sdk/client-ec2';
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { dockerAvailable, requireDocker } from '../support/docker.ts';
import { startFakeAws, type FakeAws } from './index.ts';
import { rejection, sdkClients, waitFor } from './sdk.ts';
import { prepare, waitForRollout } from './ecs-fixture.ts';

const run = promisify(execFile);
const SERVER = `require('http').createServer((q, s) => { console.log(q.method + ' ' + q.url); s.end(JSON.stringify({ message: 'Hello from Docker' })) }).listen(Number(process.env.PORT), process.env.HOST, () => console.log('listening on ' + process.env.HOST))`;

describe('fake AWS with Docker tasks and a registry-backed ECR', () => {
  let fake: FakeAws | undefined;
  let aws: ReturnType<typeof sdkClients>;
  let namespace = '';
  before(async () => {
    if (!dockerAvailable()) return;
    fake = await startFakeAws({ docker: true, registry: true });
    aws = sdkClients(fake);
  });
  after(async () => {
    await fake?.stop();
  });

  test('ECR answers with the registry: URI, login token, pushed images, deletes', async (t) => {
    if (!requireDocker(t) || !fake) return;
    const repo = await aws.ecr.send(new CreateRepositoryCommand({ repositoryName: 'hello-docker' }));
    const uri = repo.repository?.repositoryUri ?? '';
    namespace = /^127\.0\.0\.1:5001\/(fake-[0-9a-f]{8})\/hello-docker$/.exec(uri)?.[1] ?? '';
    assert.ok(namespace, `${uri} is under a per-fake namespace of the registry`);
    const auth = (await aws.ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData?.[0];
    assert.equal(auth?.proxyEndpoint, 'http://127.0.0.1:5001');
    const [user, password] = Buffer.from(auth?.authorizationToken ?? '', 'base64').toString().split(':');
    const login = promisify(execFile)('docker', ['login', '127.0.0.1:5001', '-u', user ?? '', '--password-stdin']);
    login.child.stdin?.end(password);
    await login;
    await run('docker', ['tag', 'node:24-slim', `${uri}:v1`]);
    await run('docker', ['push', `${uri}:v1`], { timeout: 300_000 });
    const images = await aws.ecr.send(new DescribeImagesCommand({ repositoryName: 'hello-docker', imageIds: [{ imageTag: 'v1' }] }));
    const digest = images.imageDetails?.[0]?.imageDigest ?? '';
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);
    assert.ok((images.imageDetails?.[0]?.imageSizeInBytes ?? 0) > 1_000_000);
    const listed = await aws.ecr.send(new ListImagesCommand({ repositoryName: 'hello-docker' }));
    assert.deepEqual(listed.imageIds, [{ imageDigest: digest, imageTag: 'v1' }]);
    const manifest = await aws.ecr.send(new BatchGetImageCommand({ repositoryName: 'hello-docker', imageIds: [{ imageTag: 'v1' }] }));
    assert.ok(JSON.parse(manifest.images?.[0]?.imageManifest ?? '{}').schemaVersion === 2);
    const refused = await rejection(aws.ecr.send(new DeleteRepositoryCommand({ repositoryName: 'hello-docker' })));
    assert.equal(refused.name, 'RepositoryNotEmptyException');
  });

  test('a service runs the image under Docker and the task answers at its public IP', async (t) => {
    if (!requireDocker(t) || !fake) return;
    const env = await prepare(aws, 'hello-docker');
    const image = `127.0.0.1:5001/${namespace}/hello-docker:v1`;
    const td = await aws.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'hello-docker',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        executionRoleArn: env.roleArn,
        containerDefinitions: [
          {
            name: 'app',
            image,
            command: ['node', '-e', SERVER],
            portMappings: [{ containerPort: 8080 }],
            logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/hello-docker', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'ecs' } },
          },
        ],
      }),
    );
    await aws.ecs.send(
      new CreateServiceCommand({ cluster: env.cluster, serviceName: 'hello-docker', taskDefinition: td.taskDefinition?.taskDefinitionArn, desiredCount: 1, networkConfiguration: env.network }),
    );
    await waitForRollout(aws, env.cluster, 'hello-docker', 'COMPLETED', 120_000);
    const arns = (await aws.ecs.send(new ListTasksCommand({ cluster: env.cluster, serviceName: 'hello-docker' }))).taskArns ?? [];
    const task = (await aws.ecs.send(new DescribeTasksCommand({ cluster: env.cluster, tasks: arns }))).tasks?.[0];
    const eniId = task?.attachments?.[0]?.details?.find((d) => d.name === 'networkInterfaceId')?.value ?? '';
    const ip = (await aws.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }))).NetworkInterfaces?.[0]?.Association?.PublicIp;
    const res = await fetch(`http://${ip}:8080/`);
    assert.deepEqual(await res.json(), { message: 'Hello from Docker' });
    const id = task?.taskArn?.split('/').pop() ?? '';
    const { stdout } = await run('docker', ['inspect', '--format', '{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}} {{.HostConfig.NetworkMode}}', `l2f-fake-${id}`]);
    assert.equal(stdout.trim(), `250000000 ${512 * 1024 * 1024} host`);
    const events = await waitFor('log lines', async () => {
      const out = await aws.logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/hello-docker', logStreamName: `ecs/app/${id}`, startFromHead: true }));
      return (out.events?.length ?? 0) >= 2 ? out.events : undefined;
    });
    assert.ok(events?.some((e) => e.message?.startsWith('listening on 127.')));
    await aws.ecs.send(new DeleteServiceCommand({ cluster: env.cluster, service: 'hello-docker', force: true }));
    const stopped = await waitFor('the task stopped', async () => {
      const out = (await aws.ecs.send(new DescribeTasksCommand({ cluster: env.cluster, tasks: arns }))).tasks?.[0];
      return out?.lastStatus === 'STOPPED' ? out : undefined;
    }, 30_000);
    assert.equal(stopped.desiredStatus, 'STOPPED');
  });

  test('a missing image tag stops the task with CannotPullContainerError', async (t) => {
    if (!requireDocker(t) || !fake) return;
    const td = await aws.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'nopull',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'app', image: `127.0.0.1:5001/${namespace}/hello-docker:missing` }],
      }),
    );
    const network = { awsvpcConfiguration: { subnets: [...fake.ec2.subnets.keys()].slice(0, 1) } };
    await aws.ecs.send(new CreateServiceCommand({ cluster: 'hello-docker', serviceName: 'nopull', taskDefinition: td.taskDefinition?.taskDefinitionArn, desiredCount: 1, networkConfiguration: network }));
    const task = await waitFor('a stopped task', async () => {
      const arns = (await aws.ecs.send(new ListTasksCommand({ cluster: 'hello-docker', serviceName: 'nopull', desiredStatus: 'STOPPED' }))).taskArns ?? [];
      return arns.length ? (await aws.ecs.send(new DescribeTasksCommand({ cluster: 'hello-docker', tasks: arns }))).tasks?.[0] : undefined;
    });
    assert.match(task.stoppedReason ?? '', /^CannotPullContainerError: /);
    await aws.ecs.send(new DeleteServiceCommand({ cluster: 'hello-docker', service: 'nopull', force: true }));
  });

  test('BatchDeleteImage and DeleteRepository(force) delete manifests in the registry', async (t) => {
    if (!requireDocker(t) || !fake) return;
    const images = await aws.ecr.send(new ListImagesCommand({ repositoryName: 'hello-docker' }));
    const deleted = await aws.ecr.send(new BatchDeleteImageCommand({ repositoryName: 'hello-docker', imageIds: images.imageIds }));
    assert.equal(deleted.imageIds?.length, 1);
    assert.deepEqual((await aws.ecr.send(new ListImagesCommand({ repositoryName: 'hello-docker' }))).imageIds, []);
    await aws.ecr.send(new DeleteRepositoryCommand({ repositoryName: 'hello-docker', force: true }));
    assert.deepEqual((await fake.snapshot()).repositories, []);
  });
});
