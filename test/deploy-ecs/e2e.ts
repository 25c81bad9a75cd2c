import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isReadOperation } from '../../scripts/lib/aws.ts';
import { isLockName } from '../../scripts/resources/lock.ts';
import type { FakeAws, RecordedRequest } from '../fake-aws/index.ts';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

// every temp manifest and build context of this test process, removed when it exits
const ROOT = mkdtempSync(join(tmpdir(), 'l2f-deploy-test-'));
process.once('exit', () => rmSync(ROOT, { recursive: true, force: true }));

export function tempDir(prefix = 'dir-'): string {
  return mkdtempSync(join(ROOT, prefix));
}

let counter = 0;
/** A service name no other test uses, so parallel tests never share resources. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid % 10000}-${++counter}`;
}

/** Writes a manifest (YAML is a superset of JSON) into a fresh temp folder; returns its path. */
export function writeManifest(manifest: Record<string, unknown>, dir = tempDir('manifest-')): string {
  const file = join(dir, 'service.yml');
  writeFileSync(file, JSON.stringify(manifest, null, 2));
  return file;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `node --import tsx scripts/deploy-ecs.ts` (or `opts.script`, e.g. clean) as a child process talking to the fake. */
export function runDeploy(fake: FakeAws, manifest: string, env: Record<string, string> = {}, opts: { killWhen?: RegExp; script?: string } = {}): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${opts.script ?? 'deploy-ecs'}.ts`], {
      cwd: REPO,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...fake.env,
        MANIFEST: manifest,
        L2F_POLL_MS: '200',
        L2F_RETRY_SCALE: '0.05',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      // an interruption at a chosen moment, as Ctrl-C or a lost CI runner would make it
      if (opts.killWhen?.test(stdout)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

/** The deploy lock's own requests (taken and released by every deploy): bookkeeping, not a change to what was deployed. */
export const isLockRequest = (r: RecordedRequest) => r.service === 'ssm' && isLockName(r.params.Name);

/** Requests since `from` that changed what is deployed: writes, the deploy lock's aside. */
export const resourceWrites = (fake: FakeAws, from: number) => fake.requests.slice(from).filter((r) => !isReadOperation(r.operation) && !isLockRequest(r));

/** What went wrong, for assertion messages. */
export const output = (r: RunResult) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

/** The project's own image run as a process by the fake: any location will do. */
export function locationManifest(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    image: { location: 'lambda2fargate:local', port: 3000 },
    count: 1,
    healthcheck: { path: '/healthz' },
    deployment: { timeout: '2m' },
    ...extra,
  };
}
