import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { resolveSecrets, resolveTaskRole } from './access.ts';
import { cidrProblem } from './cidr.ts';
import { formatDuration, seconds } from './duration.ts';
import { fargateSizeProblem } from './fargate.ts';
import { isFields } from './layers.ts';
import { resolveLoadBalancer, resolveScaling } from './load-balancer.ts';
import type { Layered } from './layers.ts';
import { nameProblems, resourceNames } from './names.ts';
import { manifestTags } from './tags.ts';
import type { HealthCheck, ImageBuild, Platform, ResolvedService } from './types.ts';

/** Defaults that match the tutorial: one small public task on port 3000, open to everyone on that port. */
export const serviceDefaults = {
  port: 3000,
  platform: 'linux/x86_64' as Platform,
  cpu: 256,
  memory: 512,
  count: 1,
  retention: 14,
  publicIp: true,
  allowedCidrs: ['0.0.0.0/0'],
  rollback: true,
  timeout: '10m',
  keepImages: 10,
  healthcheck: { interval: '10s', timeout: '5s', retries: 3, startPeriod: '10s' },
};

/**
 * The meaning checks a schema cannot express, run on the manifest with its environment applied,
 * and the resolved service with every default filled in. Assumes the schema accepted the file,
 * so the types are right wherever a value is present.
 */
export function resolveService(m: Layered): ResolvedService {
  const d = serviceDefaults;
  const get = <T>(path: Array<string | number>, fallback: T): T => (m.get(path) ?? fallback) as T;
  const name = get(['name'], '');
  const environment = m.environment;

  const names = resourceNames(name, environment);
  if (name) for (const p of nameProblems(names)) m.problem(['name'], `"${name}" in environment "${environment}" ${p}`);

  const image = resolveImage(m);

  const cpu = get(['cpu'], d.cpu);
  const memory = get(['memory'], d.memory);
  const size = m.refusedAt(['cpu']) || m.refusedAt(['memory']) ? undefined : fargateSizeProblem(cpu, memory);
  if (size) m.problem(sizeCulprit(m), size);

  const retention = get(['logging', 'retention'], d.retention);
  const timeout = durationIn(m, ['deployment', 'timeout'], d.timeout, 30, 6 * 3600);
  const healthcheck = resolveHealthcheck(m);
  const variables = strings(get(['variables'], {}));
  // The deploy sets these two itself (PORT from image.port); a different value here would be lost.
  if ('PORT' in variables && variables.PORT !== String(image.port)) {
    m.problem(['variables', 'PORT'], `the container gets PORT=${image.port} from image.port — set image.port instead`, 'key');
  }
  for (const [k, v] of Object.entries(variables)) {
    // terraform-provider-aws#39533: ECS leaves such an entry out of the stored revision
    if (v === '' && !m.refusedAt(['variables', k])) {
      m.problem(['variables', k], 'is empty — ECS does not store a variable whose value is empty, so the app would see it unset (and every deploy would register a new revision); give it a value or remove it');
    }
  }
  if ('HOST' in variables) m.problem(['variables', 'HOST'], 'the deploy sets HOST=0.0.0.0 so the server answers on the task\'s address — remove it', 'key');
  const taskRole = resolveTaskRole(m);
  const secrets = resolveSecrets(m, variables);

  const count = get(['count'], d.count);
  const loadBalancer = resolveLoadBalancer(m, name, healthcheck);
  for (const k of ['TRUST_PROXY', 'KEEP_ALIVE_TIMEOUT_SECONDS']) {
    if (k in variables) m.problem(['variables', k], `the deploy sets ${k} itself, in load-balanced mode only (from loadBalancer.idleTimeout for the keep-alive) — remove it`, 'key');
  }
  const scaling = resolveScaling(m, count, !!loadBalancer);

  return {
    file: m.source.abs,
    name,
    environment,
    image,
    platform: get(['platform'], d.platform),
    cpu,
    memory,
    count,
    variables,
    ...(taskRole ? { taskRole } : {}),
    ...secrets,
    ...(healthcheck ? { healthcheck } : {}),
    logging: { retention },
    network: resolveNetwork(m),
    deployment: { rollback: get(['deployment', 'rollback'], d.rollback), timeout, keepImages: get(['deployment', 'keepImages'], d.keepImages) },
    tags: manifestTags(m),
    names,
    ...(loadBalancer ? { loadBalancer } : {}),
    ...(scaling ? { scaling } : {}),
  };
}

/** Which of cpu/memory to blame: the one an environment changed, else memory unless it is a default. */
function sizeCulprit(m: Layered): string[] {
  const fromEnvironment = (field: string) => m.written([field]) && m.origin([field])[0] === 'environments';
  if (fromEnvironment('cpu') !== fromEnvironment('memory')) return fromEnvironment('cpu') ? ['cpu'] : ['memory'];
  return m.written(['memory']) ? ['memory'] : ['cpu'];
}

function resolveNetwork(m: Layered): ResolvedService['network'] {
  const d = serviceDefaults;
  const publicIp = (m.get(['network', 'publicIp']) as boolean | undefined) ?? d.publicIp;
  const allowedCidrs = (m.get(['network', 'allowedCidrs']) as string[] | undefined) ?? d.allowedCidrs;
  const vpcId = m.get(['network', 'vpcId']) as string | undefined;
  const subnets = m.get(['network', 'subnets']) as string[] | undefined;
  allowedCidrs.forEach((cidr, i) => {
    const p = typeof cidr === 'string' ? cidrProblem(cidr) : undefined;
    if (p) m.problem(['network', 'allowedCidrs', i], p);
  });
  if (!publicIp && !subnets) {
    m.problem(['network', 'publicIp'], "false needs network.subnets — without a public IP, a task in the default VPC's public subnets cannot pull its image; list private subnets that reach the internet through a NAT gateway (or VPC endpoints)");
  }
  return { publicIp, allowedCidrs, ...(vpcId ? { vpcId } : {}), ...(subnets ? { subnets } : {}) };
}

function resolveImage(m: Layered): ResolvedService['image'] {
  const port = (m.get(['image', 'port']) as number | undefined) ?? serviceDefaults.port;
  const build = m.get(['image', 'build']);
  const location = m.get(['image', 'location']) as string | undefined;
  const [hasBuild, hasLocation] = [m.present(['image', 'build']), m.present(['image', 'location'])];
  if (hasBuild && hasLocation) {
    m.problem(['image', 'location'], 'image has both build and location — keep build to build the image here, or location to run an existing image');
  } else if (!hasBuild && !hasLocation && isFields(m.get(['image']))) {
    m.problem(['image'], 'says neither what to build nor what to run — add image.build (context, dockerfile) or image.location (an existing image URI)', 'key');
  }
  if (location !== undefined) return { location, port };
  if (!isFields(build)) return { port };

  const dir = dirname(m.source.abs);
  const at = (k: string) => m.get(['image', 'build', k]);
  const context = resolve(dir, (at('context') as string | undefined) ?? '.');
  const written = at('dockerfile') as string | undefined;
  const dockerfile = written === undefined ? resolve(context, 'Dockerfile') : resolve(dir, written);
  if (!isDir(context)) m.problem(['image', 'build', 'context'], `the build context ${context} is not a folder — paths are relative to the manifest's folder (${dir})`);
  else if (written !== undefined && !isFile(dockerfile)) m.problem(['image', 'build', 'dockerfile'], `${dockerfile} does not exist — paths are relative to the manifest's folder (${dir})`);
  else if (!isFile(dockerfile)) m.problem(['image', 'build', 'context'], `no Dockerfile in the build context ${context} — add one there or set image.build.dockerfile (relative to ${dir})`);
  const out: ImageBuild = { context, dockerfile, args: strings(at('args') ?? {}) };
  const target = at('target');
  if (typeof target === 'string') out.target = target;
  return { build: out, port };
}

function resolveHealthcheck(m: Layered): HealthCheck | undefined {
  if (!isFields(m.get(['healthcheck']))) return undefined;
  const [hasPath, hasCommand] = [m.present(['healthcheck', 'path']), m.present(['healthcheck', 'command'])];
  if (hasPath && hasCommand) {
    m.problem(['healthcheck', 'command'], 'healthcheck has both path and command — keep one');
  } else if (!hasPath && !hasCommand) {
    m.problem(['healthcheck'], 'says neither path (an HTTP path such as /healthz) nor command', 'key');
  }
  const d = serviceDefaults.healthcheck;
  return {
    ...probe(m.get(['healthcheck', 'path']), m.get(['healthcheck', 'command'])),
    interval: durationIn(m, ['healthcheck', 'interval'], d.interval, 5, 300),
    timeout: durationIn(m, ['healthcheck', 'timeout'], d.timeout, 2, 120),
    retries: (m.get(['healthcheck', 'retries']) as number | undefined) ?? d.retries,
    startPeriod: durationIn(m, ['healthcheck', 'startPeriod'], d.startPeriod, 0, 300),
  };
}

/** A shell string runs under CMD-SHELL; a list runs as is, CMD-prefixed as ECS wants. */
function probe(path: unknown, command: unknown): Pick<HealthCheck, 'path' | 'command'> {
  if (typeof path === 'string') return { path };
  if (typeof command === 'string') return { command: ['CMD-SHELL', command] };
  if (!Array.isArray(command)) return {};
  const cmd = command as string[];
  return { command: cmd[0] === 'CMD' || cmd[0] === 'CMD-SHELL' ? cmd : ['CMD', ...cmd] };
}

/** Seconds of the duration at `path`, checked against the range AWS accepts for it. */
export function durationIn(m: Layered, path: string[], fallback: string, min: number, max: number): number {
  const text = (m.get(path) as string | undefined) ?? fallback;
  const s = seconds(text);
  if (s < min || s > max) m.problem(path, `must be from ${formatDuration(min)} to ${formatDuration(max)}, got ${text}`);
  return s;
}

function strings(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isFields(v)) for (const [k, x] of Object.entries(v)) out[k] = String(x);
  return out;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
