import { ToolError, UserError, awsErrorName } from './errors.ts';

/**
 * Runs a script's body and maps what it throws to the project's exit codes:
 * 0 success, 1 a failure in AWS/Docker/the network, 2 bad input.
 * The one place errors are caught and printed.
 */
export async function runMain(body: () => Promise<number | void>): Promise<never> {
  let code = 0;
  try {
    const r = await body();
    code = typeof r === 'number' ? r : 0;
  } catch (err) {
    code = exitCodeOf(err);
    process.stderr.write(`error: ${describe(err)}\n`);
    if (process.env.DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  }
  // Let stdout/stderr drain before exiting.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof UserError) return 2;
  if (err instanceof ToolError) return 1;
  return 1;
}

function describe(err: unknown): string {
  if (err instanceof UserError || err instanceof ToolError) {
    const cause = err.cause;
    const name = awsErrorName(cause);
    return cause instanceof Error && name && !err.message.includes(name)
      ? `${err.message} (${name}: ${cause.message})`
      : err.message;
  }
  if (err instanceof Error) {
    const name = awsErrorName(err);
    return name && name !== 'Error' ? `${name}: ${err.message}` : err.message;
  }
  return String(err);
}

/** Options every script takes from the environment (set by the Makefile from make variables). */
export interface CommonOptions {
  env?: string;
  manifest?: string;
  dryRun: boolean;
  yes: boolean;
  /** ADOPT=1: take over same-named resources that lack the tool's tags (they get the tags, and clean will delete them) */
  adopt: boolean;
}

export function commonOptions(defaultManifest: string): CommonOptions & { manifest: string } {
  const truthy = (v: string | undefined) => v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
  const env = process.env.ENV?.trim();
  return {
    env: env ? env : undefined,
    manifest: process.env.MANIFEST?.trim() || defaultManifest,
    dryRun: truthy(process.env.DRY_RUN),
    yes: truthy(process.env.YES),
    adopt: truthy(process.env.ADOPT),
  };
}
