import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ToolError, message } from '../lib/errors.ts';
import { isCommandNotFound, run } from '../lib/process.ts';

const INSTALL_SAM =
  'install the AWS SAM CLI (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/install-sam-cli.html: ' +
  'the installer for your OS, `brew install aws-sam-cli`, or `pipx install aws-sam-cli`), then check `sam --version`';

/** The SAM CLI's version line; throws when `sam` is not on PATH or does not run. */
export async function checkSam(): Promise<string> {
  let r;
  try {
    r = await run('sam', ['--version'], { timeoutMs: 60_000 });
  } catch (err) {
    if (isCommandNotFound(err)) throw new ToolError(message('SAM CLI', '`sam` is not on PATH', INSTALL_SAM));
    throw new ToolError(message('SAM CLI', (err as Error).message, `reinstall it — ${INSTALL_SAM}`), { cause: err });
  }
  if (r.code !== 0) {
    const why = r.timedOut ? '`sam --version` did not answer within 60 s' : `\`sam --version\` exited with ${r.code}: ${(r.stderr || r.stdout).trim().split('\n')[0] ?? ''}`;
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
