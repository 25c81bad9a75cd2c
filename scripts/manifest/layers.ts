import { formatPath } from './problems.ts';
import type { Path, Problem } from './problems.ts';
import { interpolate } from './interpolate.ts';
import { schemaProblems } from './schema.ts';
import type { SchemaName } from './schema.ts';
import { locate, nodeAt, readSource } from './source.ts';
import type { Source } from './source.ts';
import { didYouMean } from './suggest.ts';

type Fields = Record<string, unknown>;

/**
 * A manifest with one environment applied, and for every field of the result the path in the
 * file where its value was written — so a problem found after merging still points at the line
 * in `environments.<env>` that caused it.
 */
export class Layered {
  readonly problems: Problem[] = [];
  constructor(
    readonly source: Source,
    readonly environment: string,
    readonly value: Fields,
    private readonly origins: Map<string, Path>,
    /** fields (as written, formatted) the schema refused: later checks treat them as absent */
    private readonly refused: ReadonlySet<string> = new Set(),
  ) {}

  /** The merged value at `path`; undefined when absent or when the schema refused it. */
  get(path: Path): unknown {
    if (this.refusedAt(path)) return undefined;
    return valueAt(this.value, path);
  }

  /** Where in the file the value at `path` of the merged manifest came from. */
  origin(path: Path): Path {
    for (let n = path.length; n >= 0; n--) {
      const raw = this.origins.get(key(path.slice(0, n)));
      if (raw) return [...raw, ...path.slice(n)];
    }
    return path;
  }

  /** Whether the merged manifest has a value at `path`, accepted by the schema or not. */
  present(path: Path): boolean {
    return valueAt(this.value, path) !== undefined;
  }

  refusedAt(path: Path): boolean {
    const raw = this.origin(path);
    for (let n = raw.length; n > 0; n--) if (this.refused.has(formatPath(raw.slice(0, n)))) return true;
    return false;
  }

  /** Whether the value at `path` was written in the file (rather than being a default). */
  written(path: Path): boolean {
    return nodeAt(this.source.doc, this.origin(path)) !== undefined;
  }

  problem(path: Path, message: string, on: 'key' | 'value' = 'value'): void {
    const raw = this.origin(path);
    this.problems.push({ file: this.source.file, ...locate(this.source, raw, on), path: formatPath(raw), message });
  }
}

const key = (path: Path) => JSON.stringify(path);

/** Fields where setting one in an environment drops the other from the base. */
const exclusive: Array<[Path, string, string]> = [
  [['image'], 'build', 'location'],
  [['healthcheck'], 'path', 'command'],
  [['taskRole'], 'arn', 'managedPolicies'],
  [['taskRole'], 'arn', 'statements'],
];

export interface LoadResult {
  layered?: Layered;
  problems: Problem[];
}

/**
 * The stages every manifest goes through before its meaning is checked: parse with positions,
 * `${VAR}`, the JSON Schema (the whole file, every environment), then the chosen environment.
 */
export async function loadLayers(file: string, schema: SchemaName, env: string | undefined, processEnv: NodeJS.ProcessEnv): Promise<LoadResult> {
  const read = await readSource(file);
  if (!read.source || read.problems.length) return { problems: read.problems };
  const source = read.source;
  const problems: Problem[] = [];
  const at = (path: Path, message: string, on: 'key' | 'value' = 'value') =>
    problems.push({ file: source.file, ...locate(source, path, on), path: formatPath(path), message });

  const { value, unresolved } = interpolate(source.value, processEnv);
  source.value = value;
  const unresolvedAt = new Set(unresolved.map((u) => key(u.path)));
  const refused = schemaProblems(source, schema, (path) => unresolvedAt.has(key(path)));
  problems.push(...refused);
  if (!isFields(value)) return { problems };

  const environments = isFields(value.environments) ? value.environments : {};
  const names = Object.keys(environments);
  const fallback = typeof value.defaultEnvironment === 'string' ? value.defaultEnvironment : undefined;
  if (fallback !== undefined && !names.includes(fallback)) {
    at(['defaultEnvironment'], `"${fallback}" is not one of the environments${names.length ? ` (${names.join(', ')})` : ' — this file defines none under environments:'}${didYouMean(fallback, names)}`);
  }
  // `default` is always there and changes nothing; a bad choice is reported and checking goes on with it.
  let chosen = env ?? (fallback !== undefined && names.includes(fallback) ? fallback : 'default');
  if (chosen !== 'default' && !names.includes(chosen)) {
    const where: Path = names.length ? ['environments'] : [];
    at(where, `unknown environment "${chosen}" (from ENV) — ${names.length ? `this file defines ${names.join(', ')}` : 'this file defines no environments; leave ENV unset'}${didYouMean(chosen, names)}`, 'key');
    chosen = 'default';
  }

  // Unset variables matter only where this deploy reads them: the base and the chosen environment.
  for (const u of unresolved) {
    if (u.path[0] !== 'environments' || u.path[1] === chosen) at(u.path, u.message);
  }

  const origins = new Map<string, Path>();
  const base: Fields = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'environments' || k === 'defaultEnvironment') continue;
    base[k] = v;
  }
  record(origins, base, [], []);
  const overrides = environments[chosen];
  const merged = isFields(overrides) ? mergeEnvironment(base, overrides, ['environments', chosen], origins) : base;
  const layered = new Layered(source, chosen, merged, origins, new Set([...refused.map((p) => p.path), ...unresolved.map((u) => formatPath(u.path))]));
  layered.problems.push(...problems);
  return { layered, problems: layered.problems };
}

function mergeEnvironment(base: Fields, overrides: Fields, from: Path, origins: Map<string, Path>): Fields {
  const merged = merge(base, overrides, [], from, origins) as Fields;
  for (const [at, a, b] of exclusive) {
    const over = valueAt(overrides, at);
    const target = valueAt(merged, at);
    if (!isFields(over) || !isFields(target)) continue;
    if (a in over && !(b in over)) delete target[b];
    if (b in over && !(a in over)) delete target[a];
  }
  return merged;
}

/** Maps merge key by key; lists and single values replace. */
function merge(base: unknown, over: unknown, path: Path, from: Path, origins: Map<string, Path>): unknown {
  if (isFields(base) && isFields(over)) {
    const out: Fields = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v, [...path, k], [...from, k], origins);
    // The root stays where it is, so a default (a field written nowhere) is reported at the top.
    if (path.length) origins.set(key(path), from);
    return out;
  }
  record(origins, over, path, from);
  return over;
}

function record(origins: Map<string, Path>, value: unknown, path: Path, from: Path): void {
  origins.set(key(path), from);
  if (Array.isArray(value)) value.forEach((v, i) => record(origins, v, [...path, i], [...from, i]));
  else if (isFields(value)) for (const [k, v] of Object.entries(value)) record(origins, v, [...path, k], [...from, k]);
}

function valueAt(value: unknown, path: Path): unknown {
  let node = value;
  for (const seg of path) node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[seg] : undefined;
  return node;
}

export function isFields(v: unknown): v is Fields {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
