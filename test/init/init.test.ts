import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeAws, type FakeAws } from '../fake-aws/index.ts';
import { putShapes } from './shapes.ts';
import { output, project, runInit } from './support.ts';

const header = (fn: string) =>
  [
    '# yaml-language-server: $schema=./schema/service.schema.json',
    `# Written by make init from the Lambda function arn:aws:lambda:us-east-1:123456789012:function:${fn}.`,
    '# Every field is described in manifests/schema/service.schema.json; make validate prints what it resolves to.',
    '',
  ].join('\n');

const image = ['image:', '  build:', '    context: ..', '    dockerfile: ../Dockerfile', '  port: 3000'].join('\n');
const tail = ['healthcheck:', '  path: /healthz', '', 'logging:', '  retention: 14', '', 'defaultEnvironment: test', 'environments:', '  test: {}', ''].join('\n');

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

interface JsonReport {
  service: string;
  mapping: Array<{ lambda: string; value: string; fargate: string }>;
  notes: Array<{ topic: string; detail: string; action: string }>;
}

describe('make init FUNCTION=… writes the manifests a deployed function maps to', () => {
  let fake: FakeAws;
  before(async () => {
    fake = await startFakeAws();
    await putShapes(fake);
  });
  after(() => fake.stop());

  async function init(fn: string, env: Record<string, string> = {}) {
    const dir = project();
    const run = await runInit(fake, dir, { FUNCTION: fn, OUTPUT: 'json', ...env });
    assert.equal(run.code, 0, output(run));
    return { dir, report: JSON.parse(run.stdout) as JsonReport };
  }

  test('a 128 MiB x86 function: the smallest task, its plain variables copied, a secret-looking one held back as a secrets suggestion', async () => {
    const { dir, report } = await init('tiny');
    assert.equal(
      read(dir, 'manifests/service.yml'),
      [
        header('tiny'),
        'name: tiny',
        image,
        'platform: linux/x86_64',
        'cpu: 256',
        'memory: 512',
        'count: 1',
        '',
        'variables:',
        '  FUNCTION_NAME: tiny',
        '  HANDLER_TIMEOUT: "3"',
        '  LOG_LEVEL: debug',
        "  # HANDLER: functions/tiny/index.handler  # make init CODE=1 downloads the function's code there",
        '',
        '# These variables look like secrets and were not copied: put each value in SSM Parameter Store,',
        "#   aws ssm put-parameter --type SecureString --name /tiny/API_TOKEN --value '…'",
        '# then uncomment the block (the execution role is allowed to read exactly these).',
        '# secrets:',
        '#   API_TOKEN: /tiny/API_TOKEN  # the name says it is a secret',
        '',
        tail,
      ].join('\n'),
    );
    assert.doesNotMatch(read(dir, 'manifests/service.yml'), /tok-123/, 'the secret-looking value is not written anywhere');
    assert.deepEqual(report.notes.map((n) => n.topic), ['no Function URL', 'secret-looking variables']);
    assert.equal(
      read(dir, 'manifests/lambda.yml'),
      [
        '# yaml-language-server: $schema=./schema/lambda.schema.json',
        '# How make deploy-lambda deploys template.yaml, sized like arn:aws:lambda:us-east-1:123456789012:function:tiny (written by make init).',
        'stackName: lambda2fargate-tiny',
        'defaultEnvironment: test',
        'parameters:',
        '  Architecture: x86_64',
        '  MemorySize: 128',
        '  Timeout: 3',
        '  AuthType: NONE',
        '  LogRetentionInDays: 14',
        'tags: {}',
        'environments:',
        '  test: {}',
        '',
      ].join('\n'),
    );
  });

  test('a 1,769 MiB arm64 function: exactly one vCPU (1024 / 2048), Graviton, its role as taskRole without the basic execution policy, the URL\'s CORS reported', async () => {
    const { dir, report } = await init('Orders_API');
    assert.equal(
      read(dir, 'manifests/service.yml'),
      [
        header('Orders_API'),
        'name: orders-api',
        image,
        'platform: linux/arm64',
        'cpu: 1024',
        'memory: 2048',
        'count: 1',
        '',
        'variables:',
        '  FUNCTION_NAME: Orders_API',
        '  HANDLER_TIMEOUT: "30"',
        '  TABLE_NAME: orders',
        "  # HANDLER: functions/orders-api/index.handler  # make init CODE=1 downloads the function's code there",
        '',
        "# The function's role arn:aws:iam::123456789012:role/service-role/orders-role, without what only Lambda uses.",
        'taskRole:',
        '  managedPolicies:',
        '    - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
        '  statements:',
        '    - Effect: Allow',
        '      Action:',
        '        - dynamodb:GetItem',
        '        - dynamodb:PutItem',
        '      Resource: arn:aws:dynamodb:us-east-1:123456789012:table/orders',
        '',
        tail,
      ].join('\n'),
    );
    assert.deepEqual(report.notes, [
      {
        topic: 'CORS',
        detail: 'the Function URL answered CORS itself (Access-Control-Allow-Origin: https://shop.example.com; Access-Control-Allow-Methods: GET, POST; Access-Control-Max-Age: 300)',
        action: 'send these headers from the handler (and answer OPTIONS preflight requests), or from a proxy in front of the service',
      },
    ]);
    assert.match(read(dir, 'manifests/lambda.yml'), /\n {2}Architecture: arm64\n {2}MemorySize: 1769\n {2}Timeout: 30\n/);
  });

  test('a 10,240 MiB function: 8 vCPU / 16 GiB; a Python runtime, reserved and provisioned concurrency and response streaming are reported', async () => {
    const { dir, report } = await init('big-batch');
    assert.equal(
      read(dir, 'manifests/service.yml'),
      [header('big-batch'), 'name: big-batch', image, 'platform: linux/x86_64', 'cpu: 8192', 'memory: 16384', 'count: 1', '', 'variables:', '  FUNCTION_NAME: big-batch', '  HANDLER_TIMEOUT: "900"', '', tail].join('\n'),
    );
    assert.deepEqual(report.notes.map((n) => n.topic), ['runtime', 'reserved concurrency', 'provisioned concurrency', 'response streaming']);
    assert.match(report.notes[0]!.detail, /python3\.12; the container server runs Node\.js handlers only/);
    assert.match(report.notes[1]!.detail, /capped at 10 concurrent executions/);
    assert.match(report.notes[2]!.detail, /provisioned concurrency 4 on live/);
    assert.deepEqual(report.mapping.find((m) => m.lambda === 'MemorySize'), {
      lambda: 'MemorySize',
      value: '10240 MiB (5.79 vCPU)',
      fargate: 'cpu: 8192, memory: 16384 (smallest Fargate size with cpu >= 5928 units and memory >= 10240 MiB)',
    });
  });

  test('a VPC function: its subnets without a public IP, the VPC access policy left out, and the NAT / endpoint note', async () => {
    const { dir, report } = await init('vpc-reader');
    assert.equal(
      read(dir, 'manifests/service.yml'),
      [
        header('vpc-reader'),
        'name: vpc-reader',
        image,
        'platform: linux/x86_64',
        'cpu: 512',
        'memory: 1024',
        'count: 1',
        '',
        'variables:',
        '  FUNCTION_NAME: vpc-reader',
        '  HANDLER_TIMEOUT: "10"',
        "  # HANDLER: functions/vpc-reader/index.handler  # make init CODE=1 downloads the function's code there",
        '',
        'healthcheck:',
        '  path: /healthz',
        '',
        "# The function's subnets, without a public IP: they need a NAT gateway or VPC endpoints to pull the image.",
        'network:',
        '  publicIp: false',
        '  vpcId: vpc-0123456789abcdef0',
        '  subnets:',
        '    - subnet-0123456789abcdef0',
        '    - subnet-0fedcba9876543210',
        '',
        'logging:',
        '  retention: 14',
        '',
        'defaultEnvironment: test',
        'environments:',
        '  test: {}',
        '',
      ].join('\n'),
    );
    assert.deepEqual(report.notes.map((n) => n.topic), ['private subnets', 'security groups']);
    assert.match(report.notes[0]!.action, /NAT gateway, or add VPC endpoints for ecr\.api, ecr\.dkr, logs and s3/);
    assert.match(report.mapping.find((m) => m.lambda === 'Role')!.fargate, /^no taskRole \(only Lambda-only policies: .*AWSLambdaBasicExecutionRole, .*AWSLambdaVPCAccessExecutionRole\)$/);
  });

  test('a function with layers and an AWS_IAM URL: the layers to bake into the image and the auth the service cannot do are reported', async () => {
    const { dir, report } = await init('layered');
    assert.equal(
      read(dir, 'manifests/service.yml'),
      [
        header('layered'),
        'name: layered',
        image,
        'platform: linux/x86_64',
        'cpu: 1024',
        'memory: 2048',
        'count: 1',
        '',
        'variables:',
        '  FUNCTION_NAME: layered',
        '  HANDLER_TIMEOUT: "60"',
        "  # HANDLER: functions/layered/index.handler  # make init CODE=1 downloads the function's code there",
        '',
        tail,
      ].join('\n'),
    );
    assert.deepEqual(report.notes.map((n) => n.topic), ['layers', 'AWS_IAM Function URL auth']);
    assert.match(report.notes[0]!.detail, /2 layer\(s\): arn:aws:lambda:us-east-1:123456789012:layer:shared-deps:7, arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:38/);
    assert.match(report.notes[0]!.action, /bake each one into the image/);
    assert.match(report.notes[1]!.detail, /an Application Load Balancer, which offers OIDC and Amazon Cognito\) does not check SigV4/);
    assert.match(read(dir, 'manifests/lambda.yml'), /\n {2}AuthType: AWS_IAM\n/);
  });

  test('a container image function: no handler to load, and what to do with the image instead', async () => {
    fake.lambda.putFunction({ name: 'from-image', imageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/from-image:v1', role: 'arn:aws:iam::123456789012:role/none', url: { authType: 'NONE' } });
    const { dir, report } = await init('from-image', { CODE: '1' });
    assert.doesNotMatch(read(dir, 'manifests/service.yml'), /HANDLER:/);
    assert.equal(existsSync(join(dir, 'functions/from-image')), false, 'an image function has no package to download');
    const topics = report.notes.map((n) => n.topic);
    assert.deepEqual(topics, ['container image function', 'role']);
    assert.match(report.notes[0]!.detail, /runs the image 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/from-image:v1, built for the Lambda runtime interface/);
    assert.match(report.notes[1]!.detail, /could not be read \(NoSuchEntity/);
  });

  test('the text report lists the mapping and what to do for each thing that does not carry over', async () => {
    const dir = project();
    const run = await runInit(fake, dir, { FUNCTION: 'layered' });
    assert.equal(run.code, 0, output(run));
    assert.match(run.stdout, /^make init: arn:aws:lambda:us-east-1:123456789012:function:layered → manifests\/service\.yml, manifests\/lambda\.yml/);
    assert.match(run.stdout, /\n {2}MemorySize +1024 MiB \(0\.58 vCPU\) {2}→ {2}cpu: 1024, memory: 2048/);
    assert.match(run.stdout, /\nNo Fargate equivalent \(2\) — what to do:\n {2}- layers: .*\n {4}do: bake each one/);
  });

  test('an existing manifest is not overwritten without FORCE=1: exit 2 naming it, nothing read or written', async () => {
    const dir = project();
    writeFileSync(join(dir, 'manifests/service.yml'), 'name: mine\n');
    fake.resetRequests();
    const run = await runInit(fake, dir, { FUNCTION: 'tiny' });
    assert.equal(run.code, 2, output(run));
    assert.equal(run.stderr, 'error: manifests/service.yml: already exists — rerun with FORCE=1 to overwrite, or MANIFEST=<another service manifest> to write elsewhere (nothing was written)\n');
    assert.equal(read(dir, 'manifests/service.yml'), 'name: mine\n');
    assert.equal(existsSync(join(dir, 'manifests/lambda.yml')), false);
    assert.deepEqual(fake.requests, []);
    const forced = await runInit(fake, dir, { FUNCTION: 'tiny', FORCE: '1' });
    assert.equal(forced.code, 0, output(forced));
    assert.match(read(dir, 'manifests/service.yml'), /^name: tiny$/m);
  });

  test('MANIFEST=… writes elsewhere, with paths relative to that folder; ENV names the default environment', async () => {
    const { dir } = await init('tiny', { MANIFEST: 'deploy/orders.yml', ENV: 'prod' });
    const text = read(dir, 'deploy/orders.yml');
    assert.match(text, /^# yaml-language-server: \$schema=\.\.\/manifests\/schema\/service\.schema\.json$/m);
    assert.match(text, /\n {4}context: \.\.\n {4}dockerfile: \.\.\/Dockerfile\n/);
    assert.match(text, /\ndefaultEnvironment: prod\nenvironments:\n {2}prod: \{\}\n$/);
    assert.match(read(dir, 'deploy/lambda.yml'), /\ndefaultEnvironment: prod\n/);
  });

  test('a function that does not exist exits 2 and writes nothing', async () => {
    const dir = project();
    const run = await runInit(fake, dir, { FUNCTION: 'nope' });
    assert.equal(run.code, 2, output(run));
    assert.equal(run.stderr, 'error: FUNCTION=nope: no such function in us-east-1 — check the name or ARN and AWS_REGION (aws lambda list-functions lists them)\n');
    assert.equal(existsSync(join(dir, 'manifests/service.yml')), false);
  });

  test('a role whose policies cannot be read still gives the manifests, without taskRole, and says what to add by hand', async () => {
    fake.inject({ fail: { service: 'iam', operation: 'ListAttachedRolePolicies', code: 'AccessDenied', message: 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: iam:ListAttachedRolePolicies', status: 403, count: Infinity } });
    try {
      const { dir, report } = await init('tiny');
      assert.doesNotMatch(read(dir, 'manifests/service.yml'), /taskRole/);
      const note = report.notes.find((n) => n.topic === 'role');
      assert.match(note?.detail ?? '', /^the policies of arn:aws:iam::123456789012:role\/service-role\/tiny-role could not be read \(AccessDenied(Exception)?: User: .* not authorized to perform: iam:ListAttachedRolePolicies\)$/);
      assert.match(note?.action ?? '', /add taskRole to the manifest by hand/);
    } finally {
      fake.clearFaults();
    }
  });

  test('a read Lambda refuses is a failure naming the call and the permission: exit 1, nothing written', async () => {
    fake.inject({ fail: { service: 'lambda', operation: 'GetFunctionConcurrency', code: 'AccessDeniedException', status: 403, count: Infinity } });
    try {
      const dir = project();
      const run = await runInit(fake, dir, { FUNCTION: 'tiny' });
      assert.equal(run.code, 1, output(run));
      assert.match(run.stderr, /^error: lambda GetFunctionConcurrency tiny: AccessDeniedException — check the credentials allow lambda:GetFunctionConcurrency/);
      assert.equal(existsSync(join(dir, 'manifests/service.yml')), false);
    } finally {
      fake.clearFaults();
    }
  });

  test('init only reads AWS: every request it makes is a Get or List', async () => {
    fake.resetRequests();
    await init('vpc-reader');
    assert.deepEqual([...new Set(fake.requests.map((r) => `${r.service} ${r.operation}`))].sort(), [
      'iam ListAttachedRolePolicies',
      'iam ListRolePolicies',
      'lambda GetFunction',
      'lambda GetFunctionConcurrency',
      'lambda GetFunctionUrlConfig',
      'lambda ListProvisionedConcurrencyConfigs',
    ]);
    assert.deepEqual(fake.writeRequests(), []);
  });
});
