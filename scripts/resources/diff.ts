import type { FieldChange } from './types.ts';

/**
 * Field-level differences between two JSON-like values, as paths. Arrays of `{name, …}` objects
 * (environment variables, containers, port mappings by name) are compared by name, so a reordering
 * is not a change and a new variable reads as one added path.
 */
export function diffValues(from: unknown, to: unknown, path = ''): FieldChange[] {
  if (isNamedList(from) && isNamedList(to)) return diffValues(byName(from), byName(to), path);
  if (isPlainObject(from) && isPlainObject(to)) {
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
    return keys.flatMap((k) => diffValues(from[k], to[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(from) && Array.isArray(to) && from.length === to.length) {
    return from.flatMap((v, i) => diffValues(v, to[i], `${path}[${i}]`));
  }
  return stableJson(from) === stableJson(to) ? [] : [{ path: path || '.', from, to }];
}

/** JSON with object keys sorted, for comparing normalized documents. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys(value[k])]),
    );
  }
  return value;
}

/** Drops undefined, null, empty arrays and empty objects, recursively: AWS omits or fills these at will. */
export function dropEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropEmpty);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const d = dropEmpty(v);
      if (d === undefined || d === null) continue;
      if (Array.isArray(d) && d.length === 0) continue;
      if (isPlainObject(d) && Object.keys(d).length === 0) continue;
      out[k] = d;
    }
    return out;
  }
  return value;
}

export function formatValue(v: unknown): string {
  if (v === undefined) return '(none)';
  if (typeof v === 'string') return JSON.stringify(v);
  return JSON.stringify(sortKeys(v));
}

export function formatChange(c: FieldChange): string {
  if (c.from === undefined) return `${c.path}: + ${formatValue(c.to)}`;
  if (c.to === undefined) return `${c.path}: - ${formatValue(c.from)}`;
  return `${c.path}: ${formatValue(c.from)} → ${formatValue(c.to)}`;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNamedList(v: unknown): v is Array<{ name: string }> {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((x) => isPlainObject(x) && typeof x.name === 'string') &&
    new Set(v.map((x) => (x as { name: string }).name)).size === v.length
  );
}

function byName(list: Array<{ name: string }>): Record<string, unknown> {
  // environment entries collapse to their value so a change reads `environment.GREETING: "a" → "b"`
  return Object.fromEntries(
    list.map((x) => {
      const keys = Object.keys(x);
      const value = keys.length === 2 && keys.includes('value') ? (x as unknown as { value: unknown }).value : x;
      return [x.name, value];
    }),
  );
}
