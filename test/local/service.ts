import path from 'node:path';
import type { ResolvedService } from '../../scripts/manifest/types.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** A resolved service like manifests/service.yml's, for tests that must not depend on the loader. */
export function sampleService(overrides: Partial<ResolvedService> = {}): ResolvedService {
  return {
    file: path.join(ROOT, 'manifests/service.yml'),
    name: 'hello',
    environment: 'test',
    image: { build: { context: ROOT, dockerfile: path.join(ROOT, 'Dockerfile'), args: {} }, port: 8080 },
    platform: 'linux/arm64',
    cpu: 256,
    memory: 512,
    count: 1,
    variables: { NODE_ENV: 'production', GREETING: 'hi there' },
    healthcheck: { path: '/healthz', interval: 10, timeout: 5, retries: 3, startPeriod: 5 },
    logging: { retention: 14 },
    network: { publicIp: true, allowedCidrs: ['0.0.0.0/0'] },
    deployment: { rollback: true, timeout: 600, keepImages: 10 },
    tags: {},
    names: {
      cluster: 'hello-test',
      repository: 'hello-test',
      executionRole: 'hello-test-exec',
      taskRole: 'hello-test-task',
      securityGroup: 'hello-test-sg',
      logGroup: '/ecs/hello-test',
      family: 'hello-test',
      service: 'hello-test',
      container: 'hello',
    },
    ...overrides,
  };
}
