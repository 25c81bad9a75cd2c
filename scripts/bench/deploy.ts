import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isReadOperation } from '../lib/aws.ts';
import { isLockName } from '../resources/lock.ts';
import { startChild, nodeTs } from '../local/children.ts';
import { atInterrupt } from '../local/cleanup.ts';
import type { DeployFigures, DeployRun } from './report.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The part of test/fake-aws's API the bench uses (see docs/ARCHITECTURE.md). */
interface FakeAws {
  env: Record<string, string>;
  requests: Array<{ service: string; operation: string; status: number; params: Record<string, unknown> }>;
  stop(): Promise<void>;
}
type StartFakeAws = (options: { docker?: boolean; registry?: boolean }) => Promise<FakeAws>;

export async function loadFakeAws(): Promise<StartFakeAws> {
  // a computed specifier: the bench runs (and reports "not measured") while the fake is missing
  const mod = (await import(pathToFileURL(path.join(ROOT, 'test/fake-aws/index.ts')).href)) as { startFakeAws?: StartFakeAws };
  if (typeof mod.startFakeAws !== 'function') throw new Error('test/fake-aws/index.ts exports no startFakeAws');
  return mod.startFakeAws;
}

/**
 * `make deploy-ecs` twice against the fake AWS: a first deploy into an empty account, then one
 * with nothing changed. Calls are counted from the fake's request log, not from the tool's own.
 */
export async function deployBench(o: { docker: boolean; env?: string; manifest?: string; log?: (line: string) => void }): Promise<DeployFigures> {
  const startFakeAws = await loadFakeAws();
  // tasks run the pushed image under Docker, pulled from the registry standing in for ECR
  const fake = await startFakeAws({ docker: o.docker, registry: o.docker });
  const forget = atInterrupt(() => fake.stop());
  try {
    const first = await deployOnce(fake, o);
    const noop = await deployOnce(fake, o);
    return { first, noop };
  } finally {
    await fake.stop();
    forget();
  }
}

async function deployOnce(fake: FakeAws, o: { env?: string; manifest?: string; log?: (line: string) => void }): Promise<DeployRun> {
  const before = fake.requests.length;
  const { command, args } = nodeTs(path.join(ROOT, 'scripts/deploy-ecs.ts'));
  const output: string[] = [];
  const env: NodeJS.ProcessEnv = { ...process.env, ...fake.env, YES: '1', DRY_RUN: '' };
  if (o.env) env.ENV = o.env;
  if (o.manifest) env.MANIFEST = o.manifest;
  const started = performance.now();
  const child = startChild({ name: 'deploy-ecs', command, args, env, cwd: ROOT, onLine: (line) => { output.push(line); o.log?.(line); } });
  const forget = atInterrupt(() => child.stop());
  await child.done;
  forget();
  const ms = performance.now() - started;
  const exit = child.exited();
  if (child.process.exitCode !== 0) {
    const why = output.filter((l) => l.startsWith('error:')).at(-1) ?? output.at(-1) ?? '';
    throw new Error(`deploy-ecs against the fake AWS ${exit}${why ? ` (${why})` : ''}\n${output.slice(-15).join('\n')}`);
  }
  const calls = fake.requests.slice(before);
  // the deploy lock's put and delete are bookkeeping, not writes to what is deployed
  return { calls: calls.length, writes: calls.filter((c) => !isReadOperation(c.operation) && !(c.service === 'ssm' && isLockName(c.params.Name))).length, ms };
}
