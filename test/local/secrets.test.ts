import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../scripts/local/ports.ts';
import { runArgs } from '../../scripts/local/docker.ts';
import { localSecrets, type SecretReaders } from '../../scripts/local/secrets.ts';
import { parseSecretRef } from '../../scripts/manifest/access.ts';
import type { SecretRef } from '../../scripts/manifest/types.ts';
import { startFakeAws, type FakeAws } from '../fake-aws/index.ts';
import { digest } from '../deploy-ecs/handlers/calls-aws.ts';
import { ROOT, runMake } from './run-make.ts';
import { sampleService } from './service.ts';

const ref = (written: string) => parseSecretRef(written) as SecretRef;
const refusing = async (): Promise<SecretReaders> => assert.fail('AWS was asked although LOCAL_SECRETS is not set');

describe('make local and the manifest’s secrets', () => {
  let fake: FakeAws;
  const saved: Record<string, string | undefined> = {};
  before(async () => {
    fake = await startFakeAws({});
    for (const [k, v] of Object.entries(fake.env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  after(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await fake?.stop();
  });

  test('without LOCAL_SECRETS nothing is read from AWS, and the note names every secret left unset', async () => {
    const svc = sampleService({ secrets: { API_KEY: ref('/hello/api-key'), DB_PASSWORD: ref('/hello/db') } });
    const mark = fake.requests.length;
    const got = await localSecrets(svc, false, refusing);
    assert.deepEqual(got.values, {});
    assert.deepEqual(got.notes, ['secrets left unset (nothing is read from AWS): API_KEY, DB_PASSWORD — LOCAL_SECRETS=1 reads them with your AWS credentials']);
    assert.equal(fake.requests.length, mark);
    assert.deepEqual(await localSecrets(sampleService(), true, refusing), { values: {}, notes: [] });
  });

  test('with LOCAL_SECRETS=1 the values come from Parameter Store and Secrets Manager with the user’s credentials; a missing one is named and left unset', async () => {
    fake.ssm.put('/hello/api-key', 'local-ssm-value', 'SecureString');
    const secret = fake.secretsManager.put('hello/db', JSON.stringify({ password: 'local-sm-value', port: 5432 }));
    const svc = sampleService({
      secrets: {
        API_KEY: ref('/hello/api-key'),
        DB_PASSWORD: ref(`${secret.ARN}:password::`),
        DB_PORT: ref(`${secret.ARN}:port::`),
        DB_ALL: ref(secret.ARN),
        GONE: ref('/hello/not-there'),
      },
    });
    const got = await localSecrets(svc, true);
    assert.deepEqual(got.values, {
      API_KEY: 'local-ssm-value',
      DB_PASSWORD: 'local-sm-value',
      DB_PORT: '5432',
      DB_ALL: JSON.stringify({ password: 'local-sm-value', port: 5432 }),
    });
    assert.deepEqual(got.notes, [
      'secrets read with your AWS credentials (LOCAL_SECRETS=1): API_KEY, DB_ALL, DB_PASSWORD, DB_PORT',
      'secrets left unset: GONE (no parameter /hello/not-there)',
    ]);
    assert.equal(got.notes.join('\n').includes('local-sm-value'), false);
    const ops = fake.requests.filter((r) => r.service === 'ssm' || r.service === 'secretsmanager').map((r) => r.operation);
    assert.deepEqual([...new Set(ops)].sort(), ['GetParameters', 'GetSecretValue']);
  });

  test('the container gets a secret by name only: docker reads the value from its own environment, never from the command line', () => {
    const args = runArgs(sampleService(), { name: 'c', image: 'i', host: '127.0.0.1', port: 8080, secretNames: ['API_KEY'] });
    const i = args.lastIndexOf('API_KEY');
    assert.equal(args[i - 1], '--env');
    assert.equal(args.some((a) => a.startsWith('API_KEY=')), false);
  });

  test('make local NO_DOCKER=1 LOCAL_SECRETS=1: the container gets the manifest\'s variables and the secrets it could read, and says which it left unset', async () => {
    fake.ssm.put('/hello/local-key', 'make-local-value', 'SecureString');
    const dir = mkdtempSync(join(tmpdir(), 'l2f-local-secrets-'));
    const manifest = join(dir, 'service.yml');
    writeFileSync(
      manifest,
      JSON.stringify({
        name: 'hello',
        image: { build: { context: ROOT, dockerfile: join(ROOT, 'Dockerfile') } },
        healthcheck: { path: '/healthz' },
        variables: { HANDLER: 'test/deploy-ecs/handlers/calls-aws.handler', SECRET_NAMES: 'API_KEY,GONE' },
        secrets: { API_KEY: '/hello/local-key', GONE: '/hello/gone' },
      }),
    );
    const port = await freePort();
    const run = runMake('local', { ...fake.env, NO_DOCKER: '1', LOCAL_SECRETS: '1', MANIFEST: manifest, LOCAL_PORT: String(port), LAMBDA_PORT: String(await freePort()) });
    try {
      const shown = await run.waitFor(/Press Ctrl-C to stop/, 60_000);
      assert.match(shown, /note: secrets read with your AWS credentials \(LOCAL_SECRETS=1\): API_KEY/);
      assert.match(shown, /note: secrets left unset: GONE \(no parameter \/hello\/gone\)/);
      const body = (await (await fetch(`http://127.0.0.1:${port}/`)).json()) as { secrets: Record<string, string | null> };
      assert.deepEqual(body.secrets, { API_KEY: digest('make-local-value'), GONE: null });
    } finally {
      run.interrupt();
      await run.exit;
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(run.output().includes('make-local-value'), false);
  });
});
