import { resourceNames } from '../../scripts/manifest/index.ts';
import type { ResolvedService } from '../../scripts/manifest/types.ts';

/** A resolved service as the manifest loader would hand it over; `overrides` replace whole fields. */
export function service(overrides: Partial<ResolvedService> = {}): ResolvedService {
  const name = overrides.name ?? 'web';
  const environment = overrides.environment ?? 'test';
  return {
    file: '/tmp/service.yml',
    name,
    environment,
    image: { location: 'example.com/web:1', port: 3000 },
    platform: 'linux/x86_64',
    cpu: 256,
    memory: 512,
    count: 1,
    variables: { GREETING: 'hi' },
    healthcheck: { path: '/healthz', interval: 10, timeout: 5, retries: 3, startPeriod: 10 },
    logging: { retention: 14 },
    network: { publicIp: true, allowedCidrs: ['0.0.0.0/0'] },
    deployment: { rollback: true, timeout: 120, keepImages: 10 },
    tags: { team: 'blue' },
    names: resourceNames(name, environment),
    ...overrides,
  };
}
