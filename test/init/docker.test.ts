import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitFor200 } from '../../scripts/local/ports.ts';
import { loadServiceManifest } from '../../scripts/manifest/index.ts';
import { containerEnvironment } from '../../scripts/resources/task-definition.ts';
import { startFakeAws, type FakeAws } from '../fake-aws/index.ts';
import { requireDocker } from '../support/docker.ts';
import { functionRole, output, packageZip, project, runInit } from './support.ts';

const run = promisify(execFile);
const SUFFIX = `${process.pid}-${randomBytes(3).toString('hex')}`;
const TAG = `l2f-init-test:${SUFFIX}`;
const NAME = `l2f-init-test-${SUFFIX}`;

const docker = (...args: string[]) => run('docker', args, { maxBuffer: 64 * 1024 * 1024, timeout: 900_000 });

describe('make init CODE=1, then the image: the function\'s own code answers from the container', () => {
  let fake: FakeAws;
  let built = false;
  before(async () => {
    fake = await startFakeAws();
    fake.lambda.putFunction({ name: 'greeter', memory: 256, timeout: 5, role: await functionRole(fake, 'greeter-role'), environment: { TABLE_NAME: 'greetings' }, zip: packageZip(), url: { authType: 'NONE' } });
  });
  after(async () => {
    await docker('rm', '-f', NAME).catch(() => {});
    if (built) await docker('rmi', '-f', TAG).catch(() => {});
    await fake.stop();
  });

  test('the Dockerfile copies functions/<name>/ (with its node_modules) and GET / answers as the function does', async (t) => {
    if (!requireDocker(t)) return;
    const dir = project(true);
    const init = await runInit(fake, dir, { FUNCTION: 'greeter', CODE: '1' });
    assert.equal(init.code, 0, output(init));
    await docker('build', '--network', 'host', '-t', TAG, dir);
    built = true;
    const files = (await docker('run', '--rm', '--network', 'host', '--entrypoint', 'find', TAG, '/app/functions', '-type', 'f')).stdout.trim().split('\n').sort();
    assert.deepEqual(files, ['/app/functions/greeter/index.js', '/app/functions/greeter/node_modules/greeting/index.js', '/app/functions/greeter/node_modules/greeting/package.json', '/app/functions/package.json']);

    const svc = await loadServiceManifest(join(dir, 'manifests/service.yml'));
    const port = await freePort();
    const env = containerEnvironment(svc).flatMap((e) => (e.name === 'HOST' || e.name === 'PORT' ? [] : ['-e', `${e.name}=${e.value}`]));
    await docker('run', '-d', '--name', NAME, '--network', 'host', '-e', 'HOST=127.0.0.1', '-e', `PORT=${port}`, '--cpus', String(svc.cpu / 1024), '--memory', `${svc.memory}m`, ...env, TAG);
    const url = `http://127.0.0.1:${port}`;
    await waitFor200(`${url}/healthz`, { timeoutMs: 20_000 }).catch(async (err: Error) => {
      throw new Error(`${err.message}\n${(await docker('logs', NAME).catch(() => ({ stdout: '' }))).stdout}`);
    });
    const res = await fetch(`${url}/`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.deepEqual(await res.json(), { message: 'hello from greeter', path: '/', table: 'greetings' });
  });
});
