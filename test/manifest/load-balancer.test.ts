import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ManifestError, loadServiceManifest } from '../../scripts/manifest/index.ts';

const EXAMPLE = fileURLToPath(new URL('../../manifests/examples/service.load-balanced.yml', import.meta.url));
const DIR = mkdtempSync(join(tmpdir(), 'l2f-lb-manifest-'));
after(() => rmSync(DIR, { recursive: true, force: true }));

let n = 0;
function write(text: string): string {
  const file = join(DIR, `service-${++n}.yml`);
  writeFileSync(file, text);
  return file;
}

const BASE = 'name: hello\nimage: { location: example.com/hello:1, port: 3000 }\nhealthcheck: { path: /healthz }\n';

async function problems(text: string, env?: string): Promise<string[]> {
  try {
    await loadServiceManifest(write(text), env);
  } catch (err) {
    if (err instanceof ManifestError) return err.problems.map((p) => `${p.line}:${p.col}: ${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

describe('the loadBalancer and scaling blocks', () => {
  test('without them the service is in public-IP mode, unchanged', async () => {
    const svc = await loadServiceManifest(write(BASE));
    assert.equal(svc.loadBalancer, undefined);
    assert.equal(svc.scaling, undefined);
  });

  test('the shipped example resolves to the fast rollout defaults: 10 s × 2 healthy checks, 15 s drain, 60 s idle timeout', async () => {
    const svc = await loadServiceManifest(EXAMPLE, 'test');
    assert.deepEqual(svc.loadBalancer?.names, { loadBalancer: 'hello-test', targetGroup: 'hello-test', securityGroup: 'hello-test-alb-sg' });
    assert.deepEqual(svc.loadBalancer?.healthCheck, { path: '/healthz', interval: 10, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3, matcher: '200' });
    assert.equal(svc.loadBalancer?.deregistrationDelay, 15);
    assert.equal(svc.loadBalancer?.idleTimeout, 60);
    assert.equal(svc.loadBalancer?.gracePeriod, 30);
    assert.equal(svc.loadBalancer?.domain, undefined);
    assert.deepEqual(svc.scaling, { min: 2, max: 6, cpu: 60, requestsPerTarget: 1000, scaleInCooldown: 120, scaleOutCooldown: 60 });
  });

  test('its prod environment adds a domain served over HTTPS with the current TLS policy, and remembers where the domain was written', async () => {
    const svc = await loadServiceManifest(EXAMPLE, 'prod');
    assert.equal(svc.loadBalancer?.domain, 'hello.example.com');
    assert.equal(svc.loadBalancer?.sslPolicy, 'ELBSecurityPolicy-TLS13-1-2-2021-06');
    assert.equal(svc.loadBalancer?.at.domain?.path, 'environments.prod.loadBalancer.domain');
    assert.ok((svc.loadBalancer?.at.domain?.line ?? 0) > 40);
    assert.deepEqual([svc.scaling?.min, svc.scaling?.max], [3, 10]);
  });

  test('`enabled: false` in an environment turns load-balanced mode off there', async () => {
    const svc = await loadServiceManifest(write(`${BASE}loadBalancer: {}\nenvironments:\n  off: { loadBalancer: { enabled: false } }\n`), 'off');
    assert.equal(svc.loadBalancer, undefined);
  });

  test('the health check path falls back to healthcheck.path, then /', async () => {
    assert.equal((await loadServiceManifest(write(`${BASE}loadBalancer: {}\n`))).loadBalancer?.healthCheck.path, '/healthz');
    assert.equal((await loadServiceManifest(write('name: hello\nimage: { location: x/y:1 }\nloadBalancer: {}\n'))).loadBalancer?.healthCheck.path, '/');
  });
});

describe('bad load balancer and scaling input exits 2 with file:line:col', () => {
  test('min above max', async () => {
    assert.deepEqual(await problems(`${BASE}scaling: { min: 5, max: 2, cpu: 50 }\n`), [
      '4:17: scaling.min: min (5) is more than max (2) — the scaler keeps the task count between min and max; raise max or lower min',
    ]);
  });

  test('requests-per-target scaling without a load balancer', async () => {
    assert.deepEqual(await problems(`${BASE}scaling:\n  max: 4\n  requestsPerTarget: 500\n`), [
      '6:22: scaling.requestsPerTarget: scaling on requests per target needs a load balancer to count them — add a loadBalancer block, or scale on cpu instead',
    ]);
  });

  test('scaling that tracks nothing', async () => {
    assert.deepEqual(await problems(`${BASE}scaling: { max: 4 }\n`), [
      '4:1: scaling: says neither what to track — add cpu (target average CPU %, e.g. 60) and/or requestsPerTarget (requests per task per minute, load-balanced mode)',
    ]);
  });

  test('names over 32 characters, for the load balancer and the target group, blamed on the environment that made them', async () => {
    const found = await problems('name: a-rather-long-service-name\nimage: { location: x/y:1 }\nloadBalancer: {}\nenvironments:\n  production: {}\n', 'production');
    assert.deepEqual(found, [
      '1:7: name: "a-rather-long-service-name" in environment "production" makes the load balancer name "a-rather-long-service-name-production" 37 characters long; load balancer names allow at most 32 — shorten the name or the environment name by 5',
      '1:7: name: "a-rather-long-service-name" in environment "production" makes the target group name "a-rather-long-service-name-production" 37 characters long; target group names allow at most 32 — shorten the name or the environment name by 5',
    ]);
    assert.deepEqual(await problems('name: a-rather-long-service-name\nimage: { location: x/y:1 }\nenvironments:\n  production: {}\n', 'production'), [], 'the same name is fine in public-IP mode');
  });

  test('a load balancer name may not begin with internal-', async () => {
    assert.deepEqual(await problems('name: internal-api\nimage: { location: x/y:1 }\nloadBalancer: {}\n'), [
      '1:7: name: "internal-api" in environment "default" makes the load balancer name "internal-api-default", and load balancer names must not begin with "internal-" — rename the service',
    ]);
  });

  test('a health check timeout not shorter than its interval, a certificate without a domain, out-of-range durations', async () => {
    const found = await problems(`${BASE}loadBalancer:\n  healthCheck: { interval: 5s, timeout: 5s }\n  certificate: arn:aws:acm:us-east-1:123456789012:certificate/0a1b\n  idleTimeout: 5000s\n  deregistrationDelay: 2h\n`);
    assert.deepEqual(found, [
      '5:41: loadBalancer.healthCheck.timeout: the health check timeout (5s) must be shorter than its interval (5s)',
      '6:16: loadBalancer.certificate: a certificate needs loadBalancer.domain (the name it is for) — add the domain, or remove the certificate for plain HTTP',
      '7:16: loadBalancer.idleTimeout: must be from 1s to 1h6m40s, got 5000s',
      '8:24: loadBalancer.deregistrationDelay: must be from 0s to 1h, got 2h',
    ]);
  });

  test('the schema refuses a malformed domain, certificate ARN and matcher', async () => {
    const found = await problems(`${BASE}loadBalancer:\n  domain: not a domain\n  certificate: arn:aws:iam::123:role/x\n  healthCheck: { matcher: "600" }\n`);
    assert.equal(found.length, 3, found.join('\n'));
    assert.match(found[0]!, /^5:11: loadBalancer\.domain: .*a DNS name such as api\.example\.com/);
    assert.match(found[1]!, /^6:16: loadBalancer\.certificate: .*an ACM certificate ARN/);
    assert.match(found[2]!, /^7:27: loadBalancer\.healthCheck\.matcher: .*codes from 200 to 499/);
  });

  test('the deploy sets TRUST_PROXY and KEEP_ALIVE_TIMEOUT_SECONDS itself', async () => {
    const found = await problems(`${BASE}variables: { TRUST_PROXY: alb }\n`);
    assert.match(found[0] ?? '', /^4:14: variables\.TRUST_PROXY: the deploy sets TRUST_PROXY itself, in load-balanced mode only/);
  });
});
