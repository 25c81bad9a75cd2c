import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { containerEnvironment } from '../../scripts/resources/task-definition.ts';
import { loadServiceManifest } from '../../scripts/manifest/index.ts';
import { startFakeAws, type FakeAws } from '../fake-aws/index.ts';
import { functionRole, output, packageZip, project, runInit, serveProject } from './support.ts';

interface JsonReport {
  files: { code?: string };
  code?: { files: number; bytes: number };
  notes: Array<{ topic: string; detail: string; action: string }>;
}

describe('make init CODE=1 brings the function\'s code and the container runs it', () => {
  let fake: FakeAws;
  before(async () => {
    fake = await startFakeAws();
    const role = await functionRole(fake, 'code-role');
    fake.lambda.putFunction({ name: 'greeter', memory: 256, timeout: 5, role, environment: { TABLE_NAME: 'greetings' }, zip: packageZip(), url: { authType: 'NONE' } });
    fake.lambda.putFunction({ name: 'escaper', role, zip: Buffer.from(zipSync({ 'index.js': strToU8('exports.handler = async () => ({})'), '../outside.js': strToU8('x') })), url: { authType: 'NONE' } });
    fake.lambda.putFunction({
      name: 'sdk-user',
      role,
      zip: Buffer.from(zipSync({ 'index.mjs': strToU8("import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const handler = async () => ({ statusCode: 200 });\n") })),
      handler: 'index.handler',
      url: { authType: 'NONE' },
    });
    const layer = 'arn:aws:lambda:us-east-1:123456789012:layer:shared:3';
    fake.lambda.putLayer(
      layer,
      Buffer.from(
        zipSync({
          'nodejs/node_modules/shout/index.js': strToU8('exports.shout = (s) => s.toUpperCase() + "!";\n'),
          'nodejs/node_modules/greeting/index.js': strToU8('exports.greet = () => "the layer\'s copy";\n'),
          'bin/tool': strToU8('#!/bin/sh\n'),
        }),
      ),
    );
    fake.lambda.putFunction({
      name: 'layered',
      role,
      layers: [layer, 'arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:38'],
      zip: Buffer.from(
        zipSync({
          'index.js': strToU8("const { shout } = require('shout');\nconst { greet } = require('greeting');\nexports.handler = async () => ({ statusCode: 200, body: shout(greet('x')) });\n"),
          'node_modules/greeting/index.js': strToU8('exports.greet = (n) => `hello ${n}`;\n'),
        }),
      ),
      url: { authType: 'NONE' },
    });
  });
  after(() => fake.stop());

  test('the package is unzipped into functions/<name>/, HANDLER points at it, and GET / answers what the handler answers', async () => {
    const dir = project();
    const run = await runInit(fake, dir, { FUNCTION: 'greeter', CODE: '1', OUTPUT: 'json' });
    assert.equal(run.code, 0, output(run));
    const report = JSON.parse(run.stdout) as JsonReport;
    assert.equal(report.files.code, 'functions/greeter');
    assert.equal(report.code?.files, 3);
    assert.ok(existsSync(join(dir, 'functions/greeter/node_modules/greeting/index.js')), 'the dependencies come along');
    assert.match(readFileSync(join(dir, 'manifests/service.yml'), 'utf8'), /\n {2}HANDLER: functions\/greeter\/index\.handler\n/);

    // the environment the deploy renders into the task definition, from the manifest init wrote
    const svc = await loadServiceManifest(join(dir, 'manifests/service.yml'));
    const env = Object.fromEntries(containerEnvironment(svc).map((e) => [e.name, e.value]));
    const server = await serveProject(dir, env);
    try {
      const res = await fetch(`${server.url}/`);
      // the same code called as Lambda calls it, with the function's variable set
      process.env.TABLE_NAME = 'greetings';
      const direct = await (createRequire(join(dir, 'functions/greeter/'))('./index.js') as { handler: Function }).handler({ rawPath: '/' }, { functionName: 'greeter' });
      delete process.env.TABLE_NAME;
      assert.equal(res.status, direct.statusCode);
      assert.equal(res.headers.get('content-type'), direct.headers['content-type']);
      assert.deepEqual(await res.json(), JSON.parse(direct.body));
      assert.deepEqual(JSON.parse(direct.body), { message: 'hello from greeter', path: '/', table: 'greetings' });
    } finally {
      await server.stop();
    }
  });

  test('a Node.js layer is baked into the function\'s node_modules (the function\'s own files win); one that cannot be downloaded stays a note', async () => {
    const dir = project();
    const run = await runInit(fake, dir, { FUNCTION: 'layered', CODE: '1', OUTPUT: 'json' });
    assert.equal(run.code, 0, output(run));
    const report = JSON.parse(run.stdout) as JsonReport & { code: { layers: Record<string, number> } };
    assert.deepEqual(report.code.layers, { 'arn:aws:lambda:us-east-1:123456789012:layer:shared:3': 1 });
    assert.deepEqual(report.notes.map((n) => n.topic), ['layers', 'layer content']);
    assert.match(report.notes[0]!.detail, /^1 layer\(s\) could not be downloaded: arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:38 \(ResourceNotFoundException\)/);
    assert.match(report.notes[1]!.detail, /other content was not copied: arn:aws:lambda:us-east-1:123456789012:layer:shared:3 \(bin\/\)$/);
    const svc = await loadServiceManifest(join(dir, 'manifests/service.yml'));
    const server = await serveProject(dir, Object.fromEntries(containerEnvironment(svc).map((e) => [e.name, e.value])));
    try {
      assert.equal(await (await fetch(`${server.url}/`)).text(), 'HELLO X!');
    } finally {
      await server.stop();
    }
  });

  test('an existing functions/<name>/ is kept without FORCE=1: exit 2, and no manifest is written either', async () => {
    const dir = project();
    mkdirSync(join(dir, 'functions/greeter'), { recursive: true });
    const run = await runInit(fake, dir, { FUNCTION: 'greeter', CODE: '1' });
    assert.equal(run.code, 2, output(run));
    assert.match(run.stderr, /functions\/greeter: already exists — rerun with FORCE=1 to replace it/);
    assert.equal(existsSync(join(dir, 'manifests/service.yml')), false);
  });

  test('a package with an entry outside its folder is refused: exit 1, nothing unzipped or written', async () => {
    const dir = project();
    const run = await runInit(fake, dir, { FUNCTION: 'escaper', CODE: '1' });
    assert.equal(run.code, 1, output(run));
    assert.match(run.stderr, /has entries outside its folder: \.\.\/outside\.js/);
    assert.equal(existsSync(join(dir, 'functions/escaper')), false);
    assert.equal(existsSync(join(dir, 'functions/outside.js')), false);
    assert.equal(existsSync(join(dir, 'manifests/service.yml')), false);
  });

  test('code that imports the AWS SDK the Lambda runtime provided is reported, with the npm install that fixes it', async () => {
    const dir = project();
    const run = await runInit(fake, dir, { FUNCTION: 'sdk-user', CODE: '1', OUTPUT: 'json' });
    assert.equal(run.code, 0, output(run));
    const note = (JSON.parse(run.stdout) as JsonReport).notes.find((n) => n.topic === 'AWS SDK');
    assert.equal(note?.detail, 'the code imports @aws-sdk/client-dynamodb, which the Lambda runtime provides but the image does not');
    assert.equal(note?.action, 'add it to the package: cd functions/sdk-user && npm install @aws-sdk/client-dynamodb (or bundle the function with its dependencies)');
  });
});
