import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { ownershipTags } from '../../scripts/lib/tags.ts';
import { startFakeAws, type FakeAws, type FakeAwsOptions } from '../fake-aws/index.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
/** A `sam` that deletes the stack through the fake's CloudFormation (first on PATH). */
export const STUB_SAM_DIR = join(ROOT, 'test/clean/bin');
export const STACK = 'l2f-clean-test';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `scripts/<name>.ts` as `make <name>` would, with the fake's environment and test-speed timings. */
export function runScript(name: string, env: Record<string, string | undefined>, opts: { timeoutMs?: number; onStdout?: (chunk: string) => void } = {}): Promise<Run> & { kill: (signal: NodeJS.Signals) => void } {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', `${name}.ts`)], {
    cwd: ROOT,
    env: { ...process.env, L2F_POLL_MS: '50', L2F_RETRY_SCALE: '0.01', ...env, FORCE_COLOR: '0', CI: process.env.CI },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    opts.onStdout?.(d.toString());
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
  const done = new Promise<Run>((resolvePromise) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, ms: performance.now() - started });
    }),
  );
  return Object.assign(done, { kill: (signal: NodeJS.Signals) => void child.kill(signal) });
}

export interface ManifestOptions {
  name?: string;
  location?: string;
  count?: number;
  variables?: Record<string, string>;
  /** a `build:` section instead of `location:` (Docker) */
  build?: { context: string; dockerfile: string };
}

/** A temporary folder holding a service manifest and a Lambda manifest. */
export async function workspace(t: TestContext, m: ManifestOptions = {}, stackName = STACK): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = await mkdtemp(join(tmpdir(), 'l2f-clean-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const image = m.build
    ? `  build:\n    context: ${m.build.context}\n    dockerfile: ${m.build.dockerfile}\n`
    : `  location: ${m.location ?? 'public.ecr.aws/example/hello:1.0'}\n`;
  const variables = Object.entries(m.variables ?? {}).map(([k, v]) => `  ${k}: "${v}"\n`).join('');
  await writeFile(
    join(dir, 'service.yml'),
    `name: ${m.name ?? 'hello'}\nimage:\n${image}  port: 3000\ncount: ${m.count ?? 1}\n` +
      (variables ? `variables:\n${variables}` : '') +
      'healthcheck:\n  path: /healthz\ndefaultEnvironment: test\nenvironments:\n  test: {}\n',
  );
  await writeFile(join(dir, 'lambda.yml'), `stackName: ${stackName}\ndefaultEnvironment: test\nparameters: {}\ntags: {}\nenvironments:\n  test: {}\n`);
  return { dir, env: { MANIFEST: join(dir, 'service.yml'), LAMBDA_MANIFEST: join(dir, 'lambda.yml'), ENV: 'test' } };
}

/** A fresh fake for one test, stopped when the test ends. */
export async function withFake(t: TestContext, opts: FakeAwsOptions = {}): Promise<FakeAws> {
  const fake = await startFakeAws(opts);
  t.after(() => fake.stop());
  return fake;
}


/** What `make deploy-lambda` leaves: the stack, tagged as the Lambda side's "service". */
export function putOwnedStack(fake: FakeAws, outputs: Record<string, string> = {}): void {
  fake.putStack(STACK, outputs, ownershipTags(STACK, 'test'));
}

/** The snapshot's non-empty entries: `[]` means the fake holds nothing a user would pay for. */
export async function leftovers(fake: FakeAws): Promise<Array<[string, string[]]>> {
  return Object.entries(await fake.snapshot()).filter(([, v]) => v.length > 0);
}

export const show = (r: Run) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

/** The environment `make clean` gets in these tests: the fake, the workspace's manifests, the stub sam first on PATH. */
export function cleanEnv(fake: FakeAws, ws: { env: Record<string, string> }, extra: Record<string, string> = {}): Record<string, string> {
  return { ...fake.env, ...ws.env, PATH: `${STUB_SAM_DIR}:${process.env.PATH ?? ''}`, YES: '1', ...extra };
}
