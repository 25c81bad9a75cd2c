import type { Path } from './problems.ts';

export interface Unresolved {
  path: Path;
  message: string;
}

const reference = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const inner = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/**
 * Replaces `${VAR}` (and `${VAR:-fallback}`) in every text value with the variable from `env`;
 * `$${` writes a literal `${`. A value that is only `${VAR}` takes the variable's type when it
 * reads as a whole number or true/false, so `cpu: ${CPU}` works. Unset variables and malformed
 * references come back with their paths; the caller decides which of them matter.
 */
export function interpolate(value: unknown, env: NodeJS.ProcessEnv, path: Path = [], out: Unresolved[] = []): { value: unknown; unresolved: Unresolved[] } {
  if (typeof value === 'string') return { value: interpolateText(value, env, path, out), unresolved: out };
  if (Array.isArray(value)) return { value: value.map((v, i) => interpolate(v, env, [...path, i], out).value), unresolved: out };
  if (value && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) result[k] = interpolate(v, env, [...path, k], out).value;
    return { value: result, unresolved: out };
  }
  return { value, unresolved: out };
}

function interpolateText(text: string, env: NodeJS.ProcessEnv, path: Path, out: Unresolved[]): unknown {
  if (!text.includes('${')) return text;
  let failed = false;
  const replaced = text.replace(reference, (match, body: string | undefined) => {
    if (match === '$${') return '${';
    const m = body === undefined ? null : inner.exec(body);
    if (!m) {
      failed = true;
      out.push({ path, message: `bad reference ${body === undefined ? '"${" without a closing }' : JSON.stringify(match)} — write \${NAME} (letters, digits, _), \${NAME:-fallback}, or $\${ for a literal \${` });
      return match;
    }
    const [, name, fallback] = m;
    const v = env[name!];
    if (v !== undefined) return v;
    if (fallback !== undefined) return fallback;
    failed = true;
    out.push({ path, message: `\${${name}} reads the environment variable ${name}, which is not set — export ${name}=… (or write \${${name}:-fallback})` });
    return match;
  });
  if (failed) return text;
  if (/^\$\{[^}]*\}$/.test(text)) {
    if (/^-?(0|[1-9][0-9]*)$/.test(replaced)) return Number(replaced);
    if (replaced === 'true' || replaced === 'false') return replaced === 'true';
  }
  return replaced;
}
