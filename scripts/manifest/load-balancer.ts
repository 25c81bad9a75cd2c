import { isFields } from './layers.ts';
import type { Layered } from './layers.ts';
import { formatPath } from './problems.ts';
import type { Path } from './problems.ts';
import { durationIn } from './service.ts';
import { locate } from './source.ts';
import type { FieldAt, HealthCheck, LoadBalancerSettings, ScalingSettings } from './types.ts';

/**
 * Defaults for a fast, safe rollout. A new task is healthy after interval × healthyThreshold
 * (10 s × 2 = 20 s, against AWS's 30 s × 5 = 150 s), an old one is gone after the deregistration
 * delay (15 s, against AWS's 300 s that stalls rollouts — copilot-cli #2619, #5515).
 */
export const loadBalancerDefaults = {
  idleTimeout: '60s',
  healthCheck: { interval: '10s', timeout: '5s', healthyThreshold: 2, unhealthyThreshold: 3, matcher: '200' },
  deregistrationDelay: '15s',
  gracePeriod: '30s',
  // the policy AWS recommends (TLS 1.3 with 1.2 fallback); the console's default for HTTPS listeners
  sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
};

export const scalingDefaults = { scaleInCooldown: '2m', scaleOutCooldown: '1m' };

/** ELBv2's rule for load balancer and target group names (CreateLoadBalancer / CreateTargetGroup `Name`). */
export const ELB_NAME_MAX = 32;

export function loadBalancerNames(name: string, environment: string): LoadBalancerSettings['names'] {
  const base = `${name}-${environment}`;
  return { loadBalancer: base, targetGroup: base, securityGroup: `${base}-alb-sg` };
}

/**
 * "must have a maximum of 32 characters, must contain only alphanumeric characters or hyphens,
 * must not begin or end with a hyphen, and must not begin with "internal-"" (ELBv2 API
 * reference, CreateLoadBalancer Name; CreateTargetGroup Name has the same rule but the prefix).
 */
export function elbNameProblems(names: LoadBalancerSettings['names']): string[] {
  const out: string[] = [];
  for (const [what, value] of [['load balancer', names.loadBalancer], ['target group', names.targetGroup]] as const) {
    if (value.length > ELB_NAME_MAX) {
      out.push(`makes the ${what} name "${value}" ${value.length} characters long; ${what} names allow at most ${ELB_NAME_MAX} — shorten the name or the environment name by ${value.length - ELB_NAME_MAX}`);
    } else if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(value)) {
      out.push(`makes the ${what} name "${value}", which ${what} names do not allow (letters, digits and hyphens, not at the start or end)`);
    }
  }
  if (/^internal-/i.test(names.loadBalancer)) out.push(`makes the load balancer name "${names.loadBalancer}", and load balancer names must not begin with "internal-" — rename the service`);
  return out;
}

function fieldAt(m: Layered, path: Path): FieldAt {
  const raw = m.origin(path);
  return { file: m.source.file, ...locate(m.source, raw, 'value'), path: formatPath(raw) };
}

/** The `loadBalancer` block; undefined when absent or `enabled: false`. */
export function resolveLoadBalancer(m: Layered, name: string, healthcheck: HealthCheck | undefined): LoadBalancerSettings | undefined {
  const block = m.get(['loadBalancer']);
  if (!isFields(block) || m.get(['loadBalancer', 'enabled']) === false) return undefined;
  const d = loadBalancerDefaults;
  const lb = (k: string) => ['loadBalancer', k];
  const hc = (k: string) => ['loadBalancer', 'healthCheck', k];
  const names = loadBalancerNames(name, m.environment);
  if (name) for (const p of elbNameProblems(names)) m.problem(['name'], `"${name}" in environment "${m.environment}" ${p}`);

  const interval = durationIn(m, hc('interval'), d.healthCheck.interval, 5, 300);
  const timeout = durationIn(m, hc('timeout'), d.healthCheck.timeout, 2, 120);
  // CreateTargetGroup: "the timeout must be smaller than the interval"
  if (timeout >= interval) m.problem(m.written(hc('timeout')) ? hc('timeout') : hc('interval'), `the health check timeout (${timeout}s) must be shorter than its interval (${interval}s)`);
  const path = (m.get(hc('path')) as string | undefined) ?? healthcheck?.path ?? '/';
  const subnets = m.get(lb('subnets')) as string[] | undefined;
  const domain = m.get(lb('domain')) as string | undefined;
  const certificate = m.get(lb('certificate')) as string | undefined;
  if (certificate && !domain) m.problem(lb('certificate'), 'a certificate needs loadBalancer.domain (the name it is for) — add the domain, or remove the certificate for plain HTTP');
  const at: LoadBalancerSettings['at'] = {};
  if (domain) at.domain = fieldAt(m, lb('domain'));
  if (certificate) at.certificate = fieldAt(m, lb('certificate'));
  if (subnets) at.subnets = fieldAt(m, lb('subnets'));
  const settings: Omit<LoadBalancerSettings, 'at'> = {
    names,
    ...(subnets ? { subnets } : {}),
    idleTimeout: durationIn(m, lb('idleTimeout'), d.idleTimeout, 1, 4000),
    healthCheck: {
      path,
      interval,
      timeout,
      healthyThreshold: (m.get(hc('healthyThreshold')) as number | undefined) ?? d.healthCheck.healthyThreshold,
      unhealthyThreshold: (m.get(hc('unhealthyThreshold')) as number | undefined) ?? d.healthCheck.unhealthyThreshold,
      matcher: (m.get(hc('matcher')) as string | undefined) ?? d.healthCheck.matcher,
    },
    deregistrationDelay: durationIn(m, lb('deregistrationDelay'), d.deregistrationDelay, 0, 3600),
    gracePeriod: durationIn(m, lb('gracePeriod'), d.gracePeriod, 0, 7200),
    ...(domain ? { domain: domain.toLowerCase().replace(/\.$/, '') } : {}),
    ...(certificate ? { certificate } : {}),
    sslPolicy: (m.get(lb('sslPolicy')) as string | undefined) ?? d.sslPolicy,
  };
  // positions are for error messages, not part of what `make validate` prints
  return Object.defineProperty(settings, 'at', { value: at, enumerable: false }) as LoadBalancerSettings;
}

/** The `scaling` block; undefined when absent. */
export function resolveScaling(m: Layered, count: number, loadBalanced: boolean): ScalingSettings | undefined {
  if (!isFields(m.get(['scaling']))) return undefined;
  const s = (k: string) => ['scaling', k];
  const min = (m.get(s('min')) as number | undefined) ?? 1;
  const max = (m.get(s('max')) as number | undefined) ?? Math.max(min, count);
  if (min > max) m.problem(m.written(s('min')) ? s('min') : s('max'), `min (${min}) is more than max (${max}) — the scaler keeps the task count between min and max; raise max or lower min`);
  const cpu = m.get(s('cpu')) as number | undefined;
  const requestsPerTarget = m.get(s('requestsPerTarget')) as number | undefined;
  if (requestsPerTarget !== undefined && !loadBalanced) {
    m.problem(s('requestsPerTarget'), 'scaling on requests per target needs a load balancer to count them — add a loadBalancer block, or scale on cpu instead');
  }
  if (cpu === undefined && requestsPerTarget === undefined && !m.refusedAt(s('cpu')) && !m.refusedAt(s('requestsPerTarget'))) {
    m.problem(['scaling'], 'says neither what to track — add cpu (target average CPU %, e.g. 60) and/or requestsPerTarget (requests per task per minute, load-balanced mode)', 'key');
  }
  return {
    min,
    max,
    ...(cpu !== undefined ? { cpu } : {}),
    ...(requestsPerTarget !== undefined ? { requestsPerTarget } : {}),
    scaleInCooldown: durationIn(m, s('scaleInCooldown'), scalingDefaults.scaleInCooldown, 0, 3600),
    scaleOutCooldown: durationIn(m, s('scaleOutCooldown'), scalingDefaults.scaleOutCooldown, 0, 3600),
  };
}
