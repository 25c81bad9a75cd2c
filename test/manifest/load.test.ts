import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ManifestError, loadLambdaManifest, loadServiceManifest } from '../../scripts/manifest/index.ts';
import type { ResolvedService } from '../../scripts/manifest/index.ts';

const valid = (name: string) => fileURLToPath(new URL(`fixtures/valid/${name}`, import.meta.url));
const repo = fileURLToPath(new URL('../../', import.meta.url));
const names = (base: string, container: string): ResolvedService['names'] => ({
  cluster: base,
  service: base,
  family: base,
  repository: base,
  executionRole: `${base}-exec`,
  taskRole: `${base}-task`,
  securityGroup: `${base}-sg`,
  logGroup: `/ecs/${base}`,
  container,
});

describe('a valid service manifest resolves to the values later steps use', () => {
  test('a manifest with only name and image gets the tutorial defaults in the "default" environment', async () => {
    const file = valid('minimal.yml');
    assert.deepEqual(await loadServiceManifest(file, undefined, {}), {
      file,
      name: 'web',
      environment: 'default',
      image: { location: 'public.ecr.aws/nginx/nginx:1.27', port: 3000 },
      platform: 'linux/x86_64',
      cpu: 256,
      memory: 512,
      count: 1,
      variables: {},
      logging: { retention: 14 },
      network: { publicIp: true, allowedCidrs: ['0.0.0.0/0'] },
      deployment: { rollback: true, timeout: 600, keepImages: 10 },
      tags: {},
      names: names('web-default', 'web'),
    });
  });

  const full: Omit<ResolvedService, 'file'> = {
    name: 'api',
    environment: 'staging',
    image: {
      build: { context: valid('app'), dockerfile: valid('app/Containerfile'), args: { NODE_VERSION: '24', RELEASE: 'r7' }, target: 'runtime' },
      port: 8080,
    },
    platform: 'linux/arm64',
    cpu: 1024,
    memory: 2048,
    count: 2,
    variables: { LOG_LEVEL: 'info', FEATURE_X: 'true' },
    healthcheck: { command: ['CMD-SHELL', 'curl -fsS http://localhost:8080/ready'], interval: 15, timeout: 3, retries: 5, startPeriod: 60 },
    logging: { retention: 30 },
    network: {
      publicIp: true,
      allowedCidrs: ['203.0.113.0/24', '198.51.100.7/32'],
      vpcId: 'vpc-0123456789abcdef0',
      subnets: ['subnet-0123456789abcdef0', 'subnet-89abcdef'],
    },
    deployment: { rollback: false, timeout: 5400, keepImages: 3 },
    tags: { team: 'web', 'cost-center': '42' },
    names: names('api-staging', 'api'),
  };

  test('without ENV, defaultEnvironment applies; an empty environment changes nothing; paths resolve against the manifest folder', async () => {
    const file = valid('full.yml');
    assert.deepEqual(await loadServiceManifest(file, undefined, { L2F_TEST_RELEASE: 'r7' }), { file, ...full });
    assert.deepEqual(await loadServiceManifest(file, 'staging', { L2F_TEST_RELEASE: 'r7' }), { file, ...full });
  });

  test('an environment merges maps key by key, replaces lists and values, and swaps build for location and command for path', async () => {
    const file = valid('full.yml');
    assert.deepEqual(await loadServiceManifest(file, 'prod', { L2F_TEST_RELEASE: 'r7' }), {
      file,
      ...full,
      environment: 'prod',
      image: { location: '123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.4.2', port: 8080 },
      cpu: 2048,
      memory: 4096,
      variables: { LOG_LEVEL: 'warn', FEATURE_X: 'true' },
      healthcheck: { path: '/ready', interval: 15, timeout: 3, retries: 5, startPeriod: 60 },
      network: { ...full.network, allowedCidrs: ['0.0.0.0/0'] },
      tags: { team: 'web', 'cost-center': '42', tier: 'production' },
      names: names('api-prod', 'api'),
    });
  });

  test('ENV=default applies no environment even when the manifest names a defaultEnvironment', async () => {
    const r = await loadServiceManifest(valid('full.yml'), 'default', { L2F_TEST_RELEASE: 'r7' });
    assert.equal(r.environment, 'default');
    assert.equal(r.cpu, 1024);
    assert.equal(r.names.cluster, 'api-default');
  });

  test('${VAR} reads the given environment: whole numbers and booleans keep their type, :- gives a fallback, $${ is literal', async () => {
    const env = { L2F_TEST_TAG: '1.0', L2F_TEST_COUNT: '3', L2F_TEST_PUBLIC: 'false', L2F_TEST_WHO: 'you' };
    // `${L2F_TEST_PUBLIC}` read as the boolean false: the meaning check (false needs subnets) sees a boolean.
    const err = await loadServiceManifest(valid('variables.yml'), undefined, env).catch((e: unknown) => e);
    assert.ok(err instanceof ManifestError);
    assert.deepEqual(err.problems.map((p) => [p.line, p.path]), [[7, 'network.publicIp']]);

    const r = await loadServiceManifest(valid('variables.yml'), undefined, { ...env, L2F_TEST_PUBLIC: 'true' });
    assert.equal(r.name, 'vars');
    assert.equal(r.image.location, 'registry.example.com/vars:1.0');
    assert.equal(r.count, 3);
    assert.equal(r.network.publicIp, true);
    assert.deepEqual(r.variables, { GREETING: 'hello you, not ${L2F_TEST_WHO}' });
  });

  test('an unset variable in an environment that is not applied does not matter; in the applied one it does', async () => {
    const env = { L2F_TEST_TAG: '1', L2F_TEST_COUNT: '1', L2F_TEST_PUBLIC: 'true', L2F_TEST_WHO: 'x' };
    assert.equal((await loadServiceManifest(valid('variables.yml'), undefined, env)).environment, 'default');
    const err = await loadServiceManifest(valid('variables.yml'), 'prod', env).catch((e: unknown) => e);
    assert.ok(err instanceof ManifestError);
    assert.deepEqual(err.problems.map((p) => `${p.line}:${p.col} ${p.path}`), ['13:19 environments.prod.variables.SECRET_ARN']);
    const prod = await loadServiceManifest(valid('variables.yml'), 'prod', { ...env, L2F_TEST_SECRET_ARN: 'arn:aws:secretsmanager:x' });
    assert.equal(prod.variables.SECRET_ARN, 'arn:aws:secretsmanager:x');
    assert.equal(prod.names.service, 'vars-prod');
  });

  test('YAML anchors kept under x- keys merge into an environment', async () => {
    const file = valid('anchors.yml');
    const base = await loadServiceManifest(file, undefined, {});
    assert.deepEqual([base.cpu, base.memory, base.count], [256, 512, 1]);
    const prod = await loadServiceManifest(file, 'prod', {});
    assert.deepEqual([prod.cpu, prod.memory, prod.count], [1024, 4096, 3]);
    assert.equal('x-size' in prod, false);
  });

  test('document markers around the one document are accepted', async () => {
    assert.equal((await loadServiceManifest(valid('document-markers.yml'), undefined, {})).name, 'marked');
  });

  test('a relative file is read from the current directory and reported absolute in file', async () => {
    const r = await loadServiceManifest('manifests/service.yml', undefined, {});
    assert.equal(r.file, resolve('manifests/service.yml'));
  });
});

describe('the shipped manifests', () => {
  const service = resolve(repo, 'manifests/service.yml');

  test('service.yml resolves to hello in test by default: one 256/512 x86_64 task built from the repository root', async () => {
    const r = await loadServiceManifest(service, undefined, {});
    assert.deepEqual(r, {
      file: service,
      name: 'hello',
      environment: 'test',
      image: { build: { context: resolve(repo), dockerfile: resolve(repo, 'Dockerfile'), args: {} }, port: 3000 },
      platform: 'linux/x86_64',
      cpu: 256,
      memory: 512,
      count: 1,
      variables: {},
      healthcheck: { path: '/healthz', interval: 10, timeout: 5, retries: 3, startPeriod: 10 },
      logging: { retention: 14 },
      network: { publicIp: true, allowedCidrs: ['0.0.0.0/0'] },
      deployment: { rollback: true, timeout: 600, keepImages: 10 },
      tags: {},
      names: names('hello-test', 'hello'),
    });
  });

  test('service.yml in prod runs two 512/1024 tasks and keeps logs 30 days', async () => {
    const r = await loadServiceManifest(service, 'prod', {});
    assert.deepEqual([r.environment, r.count, r.cpu, r.memory, r.logging.retention], ['prod', 2, 512, 1024, 30]);
    assert.deepEqual(r.names, names('hello-prod', 'hello'));
    assert.equal(r.image.build?.dockerfile, resolve(repo, 'Dockerfile'));
  });

  test('lambda.yml resolves test and prod with every template parameter as text', async () => {
    const file = resolve(repo, 'manifests/lambda.yml');
    const parameters = { Architecture: 'arm64', MemorySize: '512', Timeout: '30', AuthType: 'NONE', LogRetentionInDays: '14' };
    assert.deepEqual(await loadLambdaManifest(file, undefined, {}), { file, environment: 'test', stackName: 'lambda2fargate-hello', parameters, tags: {} });
    assert.deepEqual(await loadLambdaManifest(file, 'prod', {}), {
      file,
      environment: 'prod',
      stackName: 'lambda2fargate-hello-prod',
      parameters: { ...parameters, MemorySize: '1024' },
      tags: {},
    });
  });
});

describe('the examples under manifests/examples', () => {
  const dir = resolve(repo, 'manifests/examples');
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.yml'))) {
    test(`${name} is valid without ENV and in each environment it defines`, async () => {
      const file = resolve(dir, name);
      const written = parse(readFileSync(file, 'utf8')) as { environments?: object; defaultEnvironment?: string };
      const defined = Object.keys(written.environments ?? {});
      for (const env of [undefined, 'default', ...defined]) {
        assert.equal((await loadServiceManifest(file, env, {})).environment, env ?? written.defaultEnvironment ?? 'default');
      }
    });
  }
});
