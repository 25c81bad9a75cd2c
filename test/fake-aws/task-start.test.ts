import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, type Task } from '@aws-sdk/client-ecs';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { startFakeAws, type FakeAws } from './index.ts';
import { prepare } from './ecs-fixture.ts';
import { rejection, sdkClients, waitFor } from './sdk.ts';

const ACCOUNT = '123456789012';
const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const allow = (Action: string, Resource: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource }] });

describe('a Fargate task start in the fake: secrets with the execution role, credentials for the task role', () => {
  let fake: FakeAws;
  let aws: ReturnType<typeof sdkClients>;
  let env: Awaited<ReturnType<typeof prepare>>;
  let secretArn = '';
  const paramArn = `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/sec-test/api-key`;

  before(async () => {
    fake = await startFakeAws();
    aws = sdkClients(fake);
    env = await prepare(aws, 'sec-test');
    fake.ssm.put('/sec-test/api-key', 'k-123', 'SecureString');
    secretArn = fake.secretsManager.put('sec-test/db', '{"password":"pw-456","user":"app"}').ARN;
  });
  after(() => fake.stop());

  async function run(handler: string, opts: { secrets?: Array<{ name: string; valueFrom: string }>; taskRoleArn?: string } = {}): Promise<Task> {
    const td = await aws.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'sec-test',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        executionRoleArn: env.roleArn,
        ...(opts.taskRoleArn ? { taskRoleArn: opts.taskRoleArn } : {}),
        containerDefinitions: [
          {
            name: 'app',
            image: 'public.ecr.aws/docker/library/node:24-slim',
            portMappings: [{ containerPort: 8080 }],
            environment: [{ name: 'HANDLER', value: `test/fake-aws/fixtures/task-handler.${handler}` }],
            ...(opts.secrets ? { secrets: opts.secrets } : {}),
          },
        ],
      }),
    );
    const out = await aws.ecs.send(new RunTaskCommand({ cluster: env.cluster, taskDefinition: td.taskDefinition?.taskDefinitionArn, launchType: 'FARGATE', networkConfiguration: env.network }));
    const arn = out.tasks?.[0]?.taskArn ?? '';
    return waitFor(`task ${arn} running or stopped`, async () => {
      const t = (await aws.ecs.send(new DescribeTasksCommand({ cluster: env.cluster, tasks: [arn] }))).tasks?.[0];
      if (t?.lastStatus === 'STOPPED') return t;
      const ip = t && publicIp(t);
      if (t?.lastStatus !== 'RUNNING' || !ip) return undefined;
      try {
        await fetch(`http://${ip}:8080/healthz`);
        return t;
      } catch {
        return undefined;
      }
    });
  }

  async function get(task: Task, path: string): Promise<{ status: number; body: any }> {
    const ip = publicIp(task);
    const res = await fetch(`http://${ip}:8080${path}`);
    const text = await res.text();
    return { status: res.status, body: res.ok ? JSON.parse(text) : text };
  }

  /** The loopback address the fake gives a task doubles as its ENI's public IP. */
  function publicIp(t: Task): string | undefined {
    const eni = t.attachments?.[0]?.details?.find((d) => d.name === 'networkInterfaceId')?.value;
    return eni ? fake.ec2.enis.get(eni)?.publicIp : undefined;
  }

  const taskId = (t: Task) => t.taskArn?.split('/').pop();

  test('a container definition with secrets needs an execution role (ClientException)', async () => {
    const err = await rejection(
      aws.ecs.send(new RegisterTaskDefinitionCommand({ family: 'x', containerDefinitions: [{ name: 'app', image: 'img', secrets: [{ name: 'A', valueFrom: 'a' }] }] })),
    );
    assert.equal(err.name, 'ClientException');
    assert.match(err.message, /you must also specify a value for 'executionRoleArn'/);
  });

  test('a secret whose valueFrom is neither a parameter name nor an SSM / Secrets Manager ARN is refused at register', async () => {
    for (const valueFrom of ['db password', 'arn:aws:s3:::bucket/key', 'arn:aws:secretsmanager:us-east-1:123456789012:db']) {
      const err = await rejection(
        aws.ecs.send(new RegisterTaskDefinitionCommand({ family: 'x', executionRoleArn: env.roleArn, containerDefinitions: [{ name: 'app', image: 'img', secrets: [{ name: 'DB', valueFrom }] }] })),
      );
      assert.equal(err.name, 'ClientException', valueFrom);
      assert.match(err.message, /^The Systems Manager parameter name specified for secret DB is invalid/);
    }
  });

  test('an execution role that may not read the parameter stops the task with the agent\'s SSM AccessDenied text', async () => {
    const t = await run('env', { secrets: [{ name: 'API_KEY', valueFrom: '/sec-test/api-key' }] });
    assert.equal(t.lastStatus, 'STOPPED');
    assert.equal(t.stopCode, 'TaskFailedToStart');
    const principal = `arn:aws:sts::${ACCOUNT}:assumed-role/sec-test-exec/${taskId(t)}`;
    assert.match(
      t.stoppedReason ?? '',
      new RegExp(
        `^ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time\\(s\\): AccessDeniedException: User: ${principal} is not authorized to perform: ssm:GetParameters on resource: ${paramArn} because no identity-based policy allows the ssm:GetParameters action status code: 400, request id: [0-9a-f-]{36}$`,
      ),
    );
  });

  test('with ssm:GetParameters allowed, a Secrets Manager secret it may not read stops the task with the ASM text naming the secret', async () => {
    await aws.iam.send(new PutRolePolicyCommand({ RoleName: 'sec-test-exec', PolicyName: 'ssm', PolicyDocument: allow('ssm:GetParameters', paramArn) }));
    const t = await run('env', { secrets: [{ name: 'API_KEY', valueFrom: paramArn }, { name: 'DB_PASSWORD', valueFrom: `${secretArn}:password::` }] });
    assert.equal(t.lastStatus, 'STOPPED');
    assert.ok(
      (t.stoppedReason ?? '').startsWith(
        `ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${secretArn} from secrets manager: AccessDeniedException: User: arn:aws:sts::${ACCOUNT}:assumed-role/sec-test-exec/${taskId(t)} is not authorized to perform: secretsmanager:GetSecretValue on resource: ${secretArn} because no identity-based policy allows the secretsmanager:GetSecretValue action status code: 400`,
      ),
      t.stoppedReason,
    );
  });

  test('once both are allowed the values (and a JSON key of the secret) reach the container environment', async () => {
    await aws.iam.send(new PutRolePolicyCommand({ RoleName: 'sec-test-exec', PolicyName: 'asm', PolicyDocument: allow('secretsmanager:GetSecretValue', secretArn) }));
    const t = await run('env', { secrets: [{ name: 'API_KEY', valueFrom: paramArn }, { name: 'DB_PASSWORD', valueFrom: `${secretArn}:password::` }, { name: 'DB', valueFrom: secretArn }] });
    assert.equal(t.lastStatus, 'RUNNING', t.stoppedReason);
    const { body } = await get(t, '/?names=API_KEY,DB_PASSWORD,DB,AWS_CONTAINER_CREDENTIALS_FULL_URI');
    assert.deepEqual(body, { API_KEY: 'k-123', DB_PASSWORD: 'pw-456', DB: '{"password":"pw-456","user":"app"}', AWS_CONTAINER_CREDENTIALS_FULL_URI: null });
  });

  test('a missing parameter and a missing JSON key stop the task with the agent\'s texts', async () => {
    await aws.iam.send(new PutRolePolicyCommand({ RoleName: 'sec-test-exec', PolicyName: 'ssm', PolicyDocument: allow('ssm:GetParameters', `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/sec-test/*`) }));
    const missing = await run('env', { secrets: [{ name: 'GONE', valueFrom: '/sec-test/gone' }] });
    assert.equal(missing.stoppedReason, 'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: /sec-test/gone');
    const noKey = await run('env', { secrets: [{ name: 'X', valueFrom: `${secretArn}:nokey::` }] });
    assert.equal(noKey.stoppedReason, 'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): retrieved secret from Secrets Manager did not contain json key nokey');
  });

  test('a handler that calls AWS from a task with a task role is the assumed role, session named after the task', async () => {
    const role = await aws.iam.send(new CreateRoleCommand({ RoleName: 'sec-test-task', AssumeRolePolicyDocument: trust }));
    const t = await run('whoami', { taskRoleArn: role.Role?.Arn });
    assert.equal(t.lastStatus, 'RUNNING', t.stoppedReason);
    const { status, body } = await get(t, '/');
    assert.equal(status, 200);
    assert.deepEqual(body, { Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/sec-test-task/${taskId(t)}`, UserId: `${role.Role?.RoleId}:${taskId(t)}`, Account: ACCOUNT });
    const call = fake.requests.findLast((r) => r.operation === 'GetCallerIdentity');
    assert.equal(call?.status, 200, 'the call went to the fake, signed with the issued keys');
  });

  test('without a task role the container has no credentials, so its AWS call fails', async () => {
    const t = await run('whoami');
    assert.equal(t.lastStatus, 'RUNNING', t.stoppedReason);
    const { status } = await get(t, '/');
    assert.equal(status, 502);
  });
});
