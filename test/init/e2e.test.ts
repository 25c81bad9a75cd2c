import { createHash } from 'node:crypto';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { strToU8, zipSync } from 'fflate';
import { startFakeAws, type FakeAws } from '../fake-aws/index.ts';
import { output as deployOutput, runDeploy } from '../deploy-ecs/e2e.ts';
import { requireDocker } from '../support/docker.ts';
import { REPO, functionRole, output, project, runInit } from './support.ts';

let fake: FakeAws | undefined;
after(async () => {
  await fake?.stop();
});

/** A function as teams ship them: one bundled file with the AWS SDK inside, calling AWS with its role. */
async function bundledPackage(): Promise<Buffer> {
  const out = await build({
    stdin: {
      contents: [
        "import { createHash } from 'node:crypto';",
        "import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';",
        // the handler proves it got the secret without echoing it (the deploy prints the answer)
        "const digest = (v) => (v === undefined ? null : createHash('sha256').update(v).digest('hex'));",
        'export const handler = async (event, context) => {',
        '  const me = await new STSClient({}).send(new GetCallerIdentityCommand({}));',
        "  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ function: context.functionName, caller: me.Arn, table: process.env.TABLE_NAME, password: digest(process.env.DB_PASSWORD) }) };",
        '};',
      ].join('\n'),
      resolveDir: REPO,
      loader: 'js',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    write: false,
    logLevel: 'silent',
  });
  return Buffer.from(zipSync({ 'index.js': out.outputFiles[0]!.contents }));
}

test('from a function in the fake: make init CODE=1, the secret put in SSM, make deploy-ecs — the service answers as the function, with its role and its secret', { timeout: 900_000 }, async (t) => {
  if (!requireDocker(t)) return;
  fake = await startFakeAws({ docker: true, registry: true });
  const fn = `migrated-${process.pid % 10000}`;
  fake.lambda.putFunction({
    name: fn,
    memory: 512,
    timeout: 10,
    role: await functionRole(fake, `${fn}-role`, { inline: { table: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders' }] } }),
    environment: { TABLE_NAME: 'orders', DB_PASSWORD: 's3cret-pw' },
    zip: await bundledPackage(),
    url: { authType: 'NONE' },
  });
  const dir = project(true);
  const init = await runInit(fake, dir, { FUNCTION: fn, CODE: '1' });
  assert.equal(init.code, 0, output(init));

  // what the manifest's comment asks for: the value in Parameter Store, the block uncommented
  const file = join(dir, 'manifests/service.yml');
  const written = readFileSync(file, 'utf8');
  const suggestion = `# secrets:\n#   DB_PASSWORD: /${fn}/DB_PASSWORD  # the name says it is a secret`;
  assert.ok(written.includes(suggestion), written);
  writeFileSync(file, written.replace(suggestion, `secrets:\n  DB_PASSWORD: /${fn}/DB_PASSWORD`));
  fake.ssm.put(`/${fn}/DB_PASSWORD`, 's3cret-pw', 'SecureString');

  const deploy = await runDeploy(fake, file);
  assert.equal(deploy.code, 0, deployOutput(deploy));
  assert.doesNotMatch(deploy.stdout + deploy.stderr, /s3cret-pw/, 'the secret never reaches the output');
  const url = /(http:\/\/[\d.]+:3000\/) → 200/.exec(deploy.stdout)?.[1];
  assert.ok(url, deployOutput(deploy));
  const body = (await (await fetch(url)).json()) as Record<string, unknown>;
  const taskId = String(body.caller).split('/').pop();
  assert.deepEqual(body, {
    function: fn,
    caller: `arn:aws:sts::123456789012:assumed-role/${fn}-test-task/${taskId}`,
    table: 'orders',
    password: createHash('sha256').update('s3cret-pw').digest('hex'),
  });
  assert.equal(fake.iam.decide(`arn:aws:iam::123456789012:role/${fn}-test-task`, 'dynamodb:GetItem', 'arn:aws:dynamodb:us-east-1:123456789012:table/orders'), 'allow', 'the task role may do what the function could');
});
