/**
 * Every failure the tool reports is one of these two, so the top-level catch can map it to an
 * exit code: 2 for bad input (arguments, manifests) — nothing in AWS was touched — and 1 for a
 * failure in AWS, Docker or the network.
 *
 * Messages read "what failed: why — what to do".
 */
export class UserError extends Error {
  readonly exitCode = 2;
  override name = 'UserError';
}

export class ToolError extends Error {
  readonly exitCode = 1;
  override name = 'ToolError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** "what failed: why — what to do" */
export function message(what: string, why: string, fix?: string): string {
  return fix ? `${what}: ${why} — ${fix}` : `${what}: ${why}`;
}

/** The AWS error name (SDK v3 puts the service's exception name on `name`). */
export function awsErrorName(err: unknown): string | undefined {
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; Code?: unknown; code?: unknown };
    if (typeof e.name === 'string') return e.name;
    if (typeof e.Code === 'string') return e.Code;
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

export function isAwsError(err: unknown, ...names: string[]): boolean {
  const n = awsErrorName(err);
  return n !== undefined && names.includes(n);
}
