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

/**
 * `sam build` bundles with the project's esbuild (SAM finds it on PATH), so the build needs neither
 * Docker nor a global esbuild. A container build would not help: SAM's build images lack esbuild.
 */
export function checkEsbuild(root: string): string {
  const bin = join(root, 'node_modules/.bin');
  if (!existsSync(join(bin, 'esbuild'))) {
    throw new ToolError(message('esbuild', `${bin}/esbuild is missing (sam build bundles the handler with it)`, 'run `npm ci` in the project root (make deploy-lambda does it when package.json changes)'));
  }
  return bin;
}
