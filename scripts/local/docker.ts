import type { Platform, ResolvedService } from '../manifest/types.ts';
import { desiredTaskDefinition } from '../resources/task-definition.ts';
import { ToolError, message } from '../lib/errors.ts';
import { CommandFailed, run, runOk } from '../lib/process.ts';

/** True when a Docker engine answers. */
export async function dockerAvailable(): Promise<boolean> {
  const r = await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 15_000 }).catch(() => undefined);
  return r?.code === 0;
}

/** The manifest spells platforms as ECS does; Docker wants amd64 for x86_64. */
export function dockerPlatform(platform: Platform): string {
  return platform === 'linux/x86_64' ? 'linux/amd64' : platform;
}

/** The platform this machine runs natively, so a local image starts without emulation. */
export function hostPlatform(arch: string = process.arch): Platform {
  return arch === 'arm64' ? 'linux/arm64' : 'linux/x86_64';
}

export function localImageTag(service: Pick<ResolvedService, 'name'>): string {
  return `lambda2fargate-local/${service.name.toLowerCase()}:dev`;
}

export function buildArgs(service: ResolvedService, tag: string, platform: Platform): string[] {
  const build = service.image.build;
  if (!build) throw new ToolError(message(`image of ${service.name}`, 'the manifest names an image to pull, not one to build', 'add image.build to the manifest to run it locally'));
  const args = ['build', '--network', 'host', '--platform', dockerPlatform(platform), '-t', tag, '-f', build.dockerfile];
  for (const [k, v] of Object.entries(build.args)) args.push('--build-arg', `${k}=${v}`);
  if (build.target) args.push('--target', build.target);
  args.push(build.context);
  return args;
}

export interface RunOptions {
  name: string;
  image: string;
  port: number;
  /** where the server listens; with --network host this is an address of this machine */
  host: string;
  labels?: Record<string, string>;
  detach?: boolean;
  /** secrets read for the run: passed by name only (`--env NAME`), the value from docker's own environment, never on its command line */
  secretNames?: string[];
}

/**
 * `docker run` arguments for the container as the task definition describes it — rendered by the
 * same code deploy-ecs registers — with its cpu and memory limits, environment, health check and
 * init process. ECS gives each task its own network interface; here `--network host` and HOST
 * (an address of this machine instead of 0.0.0.0) stand in for it, and PORT is the local port.
 */
export function runArgs(service: ResolvedService, o: RunOptions): string[] {
  const local: ResolvedService = { ...service, image: { ...service.image, port: o.port } };
  const { doc } = desiredTaskDefinition(local, { image: o.image, executionRoleArn: 'local', region: 'local' });
  const container = doc.containerDefinitions?.[0];
  if (!container) throw new ToolError(message('task definition', 'it has no container', 'report this as a bug'));
  const args = ['run', '--rm', '--name', o.name, '--network', 'host'];
  if (o.detach) args.push('--detach');
  if (container.linuxParameters?.initProcessEnabled) args.push('--init');
  for (const [k, v] of Object.entries(o.labels ?? {})) args.push('--label', `${k}=${v}`);
  // ECS cpu units: 1024 = one vCPU
  args.push('--cpus', String(Number(doc.cpu) / 1024), '--memory', `${doc.memory}m`);
  const env: Record<string, string> = {};
  for (const { name, value } of container.environment ?? []) if (name) env[name] = value ?? '';
  env.HOST = o.host;
  for (const [k, v] of Object.entries(env)) args.push('--env', `${k}=${v}`);
  for (const name of o.secretNames ?? []) args.push('--env', name);
  const h = container.healthCheck;
  const cmd = h?.command ? healthCmd(h.command) : undefined;
  if (h && cmd) {
    args.push('--health-cmd', cmd);
    if (h.interval !== undefined) args.push('--health-interval', `${h.interval}s`);
    if (h.timeout !== undefined) args.push('--health-timeout', `${h.timeout}s`);
    if (h.retries !== undefined) args.push('--health-retries', String(h.retries));
    if (h.startPeriod !== undefined) args.push('--health-start-period', `${h.startPeriod}s`);
  }
  args.push(o.image);
  return args;
}

/** ECS health commands ("CMD-SHELL", …) or ("CMD", …) as the one shell string `docker run` takes. */
export function healthCmd(command: string[]): string | undefined {
  const [kind, ...rest] = command;
  if (kind === 'CMD-SHELL') return rest.join(' ');
  if (kind === 'CMD') return rest.map(shellQuote).join(' ');
  return command.length > 0 ? command.map(shellQuote).join(' ') : undefined;
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Removes the container whatever its state; true when none is left. */
export async function removeContainer(name: string): Promise<boolean> {
  const argv = ['rm', '--force', '--volumes', name];
  const r = await run('docker', argv, { timeoutMs: 30_000 });
  if (r.code !== 0 && !/No such container/i.test(r.stderr)) throw new CommandFailed(['docker', ...argv], r);
  return !(await containerExists(name));
}

export async function containerExists(name: string): Promise<boolean> {
  const stdout = await runOk('docker', ['ps', '--all', '--quiet', '--filter', `name=^/${name}$`], { timeoutMs: 30_000 });
  return stdout.trim() !== '';
}

export async function imageSize(ref: string): Promise<number> {
  const stdout = await runOk('docker', ['image', 'inspect', '--format', '{{.Size}}', ref], { timeoutMs: 30_000 });
  return Number(stdout.trim());
}

/** Bytes of memory the container uses now, from `docker stats` (the cgroup's usage). */
export async function containerMemory(name: string): Promise<number> {
  const stdout = await runOk('docker', ['stats', '--no-stream', '--format', '{{.MemUsage}}', name], { timeoutMs: 30_000 });
  return parseSize(stdout.split('/')[0] ?? '');
}

const UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };
/** "12.3MiB" → bytes */
export function parseSize(text: string): number {
  const m = /^\s*([\d.]+)\s*([kmg]?i?b)\s*$/i.exec(text);
  if (!m) throw new ToolError(message('docker stats', `unexpected memory figure "${text.trim()}"`, 'report this with `docker version`'));
  return Number(m[1]) * (UNITS[m[2]!.toLowerCase()] ?? NaN);
}
