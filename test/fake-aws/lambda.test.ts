import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  GetFunctionUrlConfigCommand,
  LambdaClient,
  ListProvisionedConcurrencyConfigsCommand,
} from '@aws-sdk/client-lambda';
import { strToU8, zipSync } from 'fflate';
import { startFakeAws, type FakeAws } from './index.ts';
import { rejection } from './sdk.ts';

describe('fake Lambda (REST-JSON) through the real SDK', () => {
  let fake: FakeAws;
  let lambda: LambdaClient;
  const zip = Buffer.from(zipSync({ 'index.js': strToU8('exports.handler = async () => ({ statusCode: 200, body: "hi" });') }));
  before(async () => {
    fake = await startFakeAws();
    lambda = new LambdaClient({ region: 'us-east-1', endpoint: fake.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    fake.lambda.putFunction({
      name: 'orders',
      memory: 1769,
      timeout: 30,
      architectures: ['arm64'],
      environment: { TABLE: 'orders' },
      zip,
      url: { authType: 'AWS_IAM', invokeMode: 'RESPONSE_STREAM', cors: { AllowOrigins: ['https://example.com'] } },
      reservedConcurrency: 5,
      provisioned: [{ qualifier: 'live', requested: 2 }],
    });
    fake.lambda.putFunction({ name: 'bare' });
  });
  after(() => fake.stop());

  test('GetFunction answers the configuration and a code link, by name or ARN', async () => {
    for (const ref of ['orders', 'arn:aws:lambda:us-east-1:123456789012:function:orders', '123456789012:function:orders']) {
      const out = await lambda.send(new GetFunctionCommand({ FunctionName: ref }));
      assert.equal(out.Configuration?.MemorySize, 1769);
      assert.deepEqual(out.Configuration?.Architectures, ['arm64']);
      assert.deepEqual(out.Configuration?.Environment?.Variables, { TABLE: 'orders' });
      assert.match(out.Code?.Location ?? '', /\/snapshots\/123456789012\/orders-.*X-Amz-Expires=600/);
    }
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders' }));
    assert.equal(config.Timeout, 30);
  });

  test('a missing function is ResourceNotFoundException (404) naming its ARN', async () => {
    const err = await rejection(lambda.send(new GetFunctionCommand({ FunctionName: 'nope' })));
    assert.equal(err.name, 'ResourceNotFoundException');
    assert.equal(err.$metadata?.httpStatusCode, 404);
    assert.equal(err.message, 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope');
  });

  test('the URL config, reserved and provisioned concurrency read back; a function without a URL is ResourceNotFoundException', async () => {
    const url = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'orders' }));
    assert.equal(url.AuthType, 'AWS_IAM');
    assert.equal(url.InvokeMode, 'RESPONSE_STREAM');
    assert.deepEqual(url.Cors?.AllowOrigins, ['https://example.com']);
    assert.equal((await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'orders' }))).ReservedConcurrentExecutions, 5);
    assert.equal((await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'bare' }))).ReservedConcurrentExecutions, undefined);
    const pc = await lambda.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: 'orders' }));
    assert.deepEqual(pc.ProvisionedConcurrencyConfigs?.map((c) => [c.FunctionArn, c.RequestedProvisionedConcurrentExecutions]), [['arn:aws:lambda:us-east-1:123456789012:function:orders:live', 2]]);
    const none = await rejection(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'bare' })));
    assert.equal(none.name, 'ResourceNotFoundException');
  });

  test('the code link serves the zip; a tampered or expired link is S3\'s 403', async () => {
    const location = (await lambda.send(new GetFunctionCommand({ FunctionName: 'orders' }))).Code?.Location ?? '';
    const res = await fetch(location);
    assert.equal(res.status, 200);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), zip);
    const tampered = await fetch(location.replace(/X-Amz-Signature=[0-9a-f]/, 'X-Amz-Signature=z'));
    assert.equal(tampered.status, 403);
    assert.match(await tampered.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
    const expired = fake.lambda.codeAnswer(location.slice(fake.url.length), Date.now() + 601_000);
    assert.equal(expired.status, 403);
    assert.match(expired.body.toString(), /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
  });
});
