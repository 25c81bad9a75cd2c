import path from 'node:path';
import { ToolError, message } from '../lib/errors.ts';
import { lastLines, run } from '../lib/process.ts';
import type { ResolvedService } from '../manifest/types.ts';
import { startChild, nodeTs, type Child } from './children.ts';
import { buildArgs, dockerAvailable, dockerPlatform, hostPlatform, localImageTag, removeContainer, runArgs } from './docker.ts';
import { lambdaEnvironment } from './lambda-env.ts';
import { formatLogLine } from './log-lines.ts';
import { localSecrets } from './secrets.ts';
import { assertPortFree, isPortFree, waitFor200 } from './ports.ts';
import { containerEnvironment as taskEnvironment } from '../resources/task-definition.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface LocalOptions {
  service: ResolvedService;
  /** the Lambda side's settings (from manifests/lambda.yml) */
  lambda: { functionName: string; memorySize: string; region: string };
  host: string;
  ecsPort: number;
  lambdaPort: number;
  noDocker: boolean;
  /** LOCAL_SECRETS=1: read the manifest's secrets with the user's credentials (else they stay unset) */
  readSecrets?: boolean;
  out?: (line: string) => void;
}

/** Runs both halves until SIGINT/SIGTERM, then stops them and checks nothing is left behind. */
export async function runLocal(o: LocalOptions): Promise<number> {
  const out = o.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (o.ecsPort === o.lambdaPort) {
    throw new ToolError(message('ports', `LOCAL_PORT and LAMBDA_PORT are both ${o.ecsPort}`, 'give them different values'));
  }
  await assertPortFree(o.host, o.ecsPort, 'LOCAL_PORT');
  await assertPortFree(o.host, o.lambdaPort, 'LAMBDA_PORT');
  if (!o.noDocker && !(await dockerAvailable())) {
    throw new ToolError(
      message('docker', 'no Docker engine answers (`docker info` failed)', 'start Docker, or run `make local NO_DOCKER=1` to run the container\'s server with Node instead'),
    );
  }

  const children: Child[] = [];
  let containerName: string | undefined;
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    await Promise.all(children.map((c) => c.stop()));
    if (containerName && !(await removeContainer(containerName))) {
      throw new ToolError(message(`container ${containerName}`, 'still there after `docker rm --force`', `remove it with \`docker rm -f ${containerName}\``));
    }
  };
  const portsLeftBusy = async () => {
    const busy = [];
    for (const port of [o.ecsPort, o.lambdaPort]) if (!(await isPortFree(o.host, port))) busy.push(port);
    if (busy.length > 0) throw new ToolError(message('make local', `port ${busy.join(' and ')} still in use after stopping`, 'see `ss -ltnp`'));
  };

  // Ctrl-C may come at any point, the image build included: it aborts what is under way.
  const interrupt = new AbortController();
  const ended = new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      interrupt.abort(signal);
      resolve(signal);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  const unlessInterrupted = <T>(work: Promise<T>): Promise<T> =>
    Promise.race([work, ended.then((signal): never => { throw new Interrupted(signal); })]);

  const secrets = await localSecrets(o.service, !!o.readSecrets);
  for (const note of secrets.notes) out(`note: ${note}`);
  try {
    const ecsUrl = `http://${o.host}:${o.ecsPort}`;
    const lambdaUrl = `http://${o.host}:${o.lambdaPort}`;
    try {
      const ecs = o.noDocker
        ? startNodeServer(o, secrets.values)
        : await unlessInterrupted(startContainer(o, secrets.values, out, interrupt.signal, (name) => (containerName = name)));
      children.push(ecs);
      children.push(startLambdaEndpoint(o));
      const died = () => children.map((c) => (c.exited() ? `${c.name} ${c.exited()}` : undefined)).find(Boolean);
      await unlessInterrupted(
        Promise.all([
          // the health path logs no request line, and Docker relays the server's lines late
          waitFor200(`${ecsUrl}${o.service.healthcheck?.path ?? '/'}`, { timeoutMs: 90_000, gaveUp: died }),
          waitFor200(`${lambdaUrl}/`, { timeoutMs: 30_000, gaveUp: died }),
        ]).catch((err: unknown) => {
          throw new ToolError(message('make local', (err as Error).message, 'see the lines above for why'));
        }),
      );
      showRequests = true;
      out('');
      out(`  Lambda (local Function URL): ${lambdaUrl}/`);
      out(`  ECS    (${o.noDocker ? 'container server on Node, NO_DOCKER=1' : `container ${containerName}`}): ${ecsUrl}/`);
      out('');
      for (const [name, url] of [['lambda', lambdaUrl], ['ecs', ecsUrl]] as const) {
        const res = await unlessInterrupted(fetch(`${url}/`));
        out(`  curl ${url}/  →  ${res.status} ${(await res.text()).trim()}`);
        if (res.status !== 200) throw new ToolError(message(`GET ${url}/ (${name})`, `answered ${res.status}`, 'see its log lines above'));
      }
    } catch (err) {
      if (!interrupt.signal.aborted) throw err;
      out(`${String(interrupt.signal.reason)}: stopped before both halves were up.`);
      await stopAll();
      await portsLeftBusy();
      return 130;
    }
    out('');
    out('Both halves are running; a line per request follows. Press Ctrl-C to stop.');

    const childDied = Promise.race(children.map((c) => c.done.then(() => c)));
    const first = await Promise.race([ended, childDied]);
    if (typeof first !== 'string') {
      throw new ToolError(message(`the ${first.name} server`, `stopped by itself (${first.exited()})`, 'see its log lines above'));
    }
    out('');
    out(`${first}: stopping both halves…`);
    await stopAll();
    await portsLeftBusy();
    out(`stopped${containerName ? `: container ${containerName} removed` : ''}; ports ${o.ecsPort} and ${o.lambdaPort} are free.`);
    return 0;
  } finally {
    if (!stopping) await stopAll().catch(() => undefined);
  }
}

class Interrupted extends Error {
  constructor(signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
  }
}

/** Until both answer, the readiness probes' own request lines are noise. */
let showRequests = false;

function prefixed(name: string): (line: string) => void {
  const label = name.padEnd(6);
  return (line) => {
    const text = formatLogLine(line);
    if (!showRequests && / → \d{3}\b/.test(text)) return;
    process.stdout.write(`${label} | ${text}\n`);
  };
}

function startLambdaEndpoint(o: LocalOptions): Child {
  const { command, args } = nodeTs(path.join(ROOT, 'scripts/local/lambda-endpoint.ts'));
  const env = { ...process.env, ...lambdaEnvironment(o.lambda), HOST: o.host, PORT: String(o.lambdaPort) };
  return startChild({ name: 'lambda', command, args, env, cwd: ROOT, onLine: prefixed('lambda') });
}

/** The container's variables as the task definition sets them; nothing from Lambda leaks in. */
function containerEnvironment(o: LocalOptions): NodeJS.ProcessEnv {
  const service = { ...o.service, image: { ...o.service.image, port: o.ecsPort } };
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  for (const { name, value } of taskEnvironment(service)) env[name] = value;
  env.HOST = o.host;
  return env;
}

function startNodeServer(o: LocalOptions, secrets: Record<string, string>): Child {
  const { command, args } = nodeTs(path.join(ROOT, 'container/server.ts'));
  return startChild({ name: 'ecs', command, args, env: { ...containerEnvironment(o), ...secrets }, cwd: ROOT, onLine: prefixed('ecs') });
}

async function startContainer(o: LocalOptions, secrets: Record<string, string>, out: (line: string) => void, signal: AbortSignal, named: (name: string) => void): Promise<Child> {
  const platform = hostPlatform();
  const tag = localImageTag(o.service);
  if (platform !== o.service.platform) {
    out(`note: the manifest deploys ${dockerPlatform(o.service.platform)}; building for this machine's ${dockerPlatform(platform)} so it runs without emulation`);
  }
  out(`building ${tag} (docker build --network host --platform ${dockerPlatform(platform)}) …`);
  const started = performance.now();
  // an abort (Ctrl-C) rejects with the AbortError, which the caller expects
  const built = await run('docker', buildArgs(o.service, tag, platform), { cwd: ROOT, timeoutMs: 15 * 60_000, signal });
  if (built.code !== 0) {
    const tail = lastLines(`${built.stdout}${built.stderr}`.trim(), 25);
    throw new ToolError(message(`docker build of ${tag}`, `it failed:\n${tail}\n`, 'fix the Dockerfile or the manifest\'s image.build'));
  }
  out(`built ${tag} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const name = `lambda2fargate-local-${o.service.name.toLowerCase()}-${o.ecsPort}`;
  // a container left by a run that was killed outright would hold the name
  await removeContainer(name);
  if (signal.aborted) throw new Interrupted(signal.reason as NodeJS.Signals);
  named(name);
  const args = runArgs(o.service, { name, image: tag, host: o.host, port: o.ecsPort, labels: { 'lambda2fargate.local': o.service.name }, secretNames: Object.keys(secrets) });
  out(`starting the container: ${o.service.cpu / 1024} vCPU, ${o.service.memory} MiB, --network host, HOST=${o.host} PORT=${o.ecsPort}`);
  return startChild({ name: 'ecs', command: 'docker', args, env: { ...process.env, ...secrets }, cwd: ROOT, onLine: prefixed('ecs') });
}
