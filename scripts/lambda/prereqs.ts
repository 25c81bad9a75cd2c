import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ToolError, message } from '../lib/errors.ts';

const INSTALL_SAM =
  'install the AWS SAM CLI (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/install-sam-cli.html: ' +
  'the installer for your OS, `brew install aws-sam-cli`, or `pipx install aws-sam-cli`), then check `sam --version`';

/** The SAM CLI's version line; throws when `sam` is not on PATH or does not run. */
export function checkSam(): string {
  const r = spawnSync('sam', ['--version'], { encoding: 'utf8', timeout: 60_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new ToolError(message('SAM CLI', '`sam` is not on PATH', INSTALL_SAM));
  }
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `\`sam --version\` exited with ${r.status}: ${(r.stderr || r.stdout).trim().split('\n')[0] ?? ''}`;
    throw new ToolError(message('SAM CLI', why, `reinstall it — ${INSTALL_SAM}`));
  }
  return r.stdout.trim();
}

/** True when the project's esbuild is installed, so `sam build` can bundle without a container. */
export function localEsbuild(root: string): boolean {
  return existsSync(join(root, 'node_modules/.bin/esbuild'));
}

/** `sam build --use-container` runs the build in Docker: the engine must answer. */
export function checkDocker(): void {
  const r = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 30_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new ToolError(
      message('Docker', '`docker` is not on PATH and esbuild is not installed, so sam build must run in a container', 'run `npm ci` (installs esbuild; no Docker needed then) or install Docker'),
    );
  }
  if (r.status !== 0) {
    throw new ToolError(message('Docker', `the engine does not answer (${(r.stderr || '').trim().split('\n')[0]})`, 'start Docker, or run `npm ci` so sam build can use the local esbuild'));
  }
}
