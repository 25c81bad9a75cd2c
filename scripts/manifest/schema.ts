import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { formatPath } from './problems.ts';
import type { Path, Problem } from './problems.ts';
import { locate } from './source.ts';
import type { Source } from './source.ts';
import { didYouMean } from './suggest.ts';

export type SchemaName = 'service' | 'lambda';

const schemaUrl = (name: SchemaName) => new URL(`../../manifests/schema/${name}.schema.json`, import.meta.url);

type JsonSchema = Record<string, unknown>;

const compiled = new Map<SchemaName, { validate: ValidateFunction; root: JsonSchema }>();

function validator(name: SchemaName): { validate: ValidateFunction; root: JsonSchema } {
  let v = compiled.get(name);
  if (!v) {
    const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true, strict: true });
    // Editor hints (VS Code / yaml-language-server); the loader reads them for its own messages.
    ajv.addKeyword({ keyword: 'patternErrorMessage', schemaType: 'string' });
    const root = JSON.parse(readFileSync(schemaUrl(name), 'utf8')) as JsonSchema;
    v = { validate: ajv.compile(root), root };
    compiled.set(name, v);
  }
  return v;
}

/** A schema's own fields, following a local `$ref` (`#/definitions/…`). */
function fieldsOf(root: JsonSchema, schema: unknown): Record<string, unknown> {
  let s = schema as JsonSchema | undefined;
  for (let hops = 0; s && typeof s.$ref === 'string' && hops < 5; hops++) {
    s = (s.$ref as string).slice(2).split('/').reduce<unknown>((node, seg) => (node as JsonSchema | undefined)?.[seg], root) as JsonSchema | undefined;
  }
  return (s?.properties ?? {}) as Record<string, unknown>;
}

/** For a key written one level off (`publicIp` at the top): the field of a neighbouring block it belongs to. */
function misplaced(root: JsonSchema, name: string, here: Record<string, unknown>): string | undefined {
  const lower = name.toLowerCase();
  for (const [block, schema] of Object.entries(here)) {
    const inner = Object.keys(fieldsOf(root, schema)).find((f) => f.toLowerCase() === lower);
    if (inner) return `${block}.${inner}`;
  }
  return undefined;
}

/** Other names people use for the allowed values (Docker says amd64 where AWS says x86_64). */
const aliases: Record<string, string[]> = {
  'linux/amd64': ['linux/x86_64', 'x86_64'],
  amd64: ['x86_64', 'linux/x86_64'],
  x86_64: ['linux/x86_64'],
  'linux/aarch64': ['linux/arm64', 'arm64'],
  aarch64: ['arm64', 'linux/arm64'],
  arm64: ['linux/arm64'],
  arm: ['arm64', 'linux/arm64'],
};

/** Schema problems of the whole file (every environment), each placed where it was written. */
export function schemaProblems(source: Source, name: SchemaName, skip: (path: Path) => boolean = () => false): Problem[] {
  const { validate, root } = validator(name);
  if (validate(source.value)) return [];
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'propertyNames' && e.keyword !== 'if');
  const typed = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    // A wrong type says enough; the same value's enum/pattern errors would only repeat it.
    if (e.keyword !== 'type' && typed.has(e.instancePath) && !isChildError(e)) continue;
    const { path, on } = where(source.value, e);
    if (skip(path)) continue;
    const message = describe(e, root);
    const key = `${formatPath(path)}\0${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ file: source.file, ...locate(source, path, on), path: formatPath(path), message });
  }
  return problems;
}

/** Errors about a key (unknown, missing, badly named) rather than about the value at instancePath. */
function isChildError(e: ErrorObject): boolean {
  return e.keyword === 'additionalProperties' || e.keyword === 'required' || propertyName(e) !== undefined;
}

function propertyName(e: ErrorObject): string | undefined {
  return (e as ErrorObject & { propertyName?: string }).propertyName;
}

function where(root: unknown, e: ErrorObject): { path: Path; on: 'key' | 'value' } {
  const path = pointerToPath(root, e.instancePath);
  const named = propertyName(e);
  if (named !== undefined) return { path: [...path, named], on: 'key' };
  if (e.keyword === 'additionalProperties') return { path: [...path, String(e.params.additionalProperty)], on: 'key' };
  if (e.keyword === 'required') return { path: [...path, String(e.params.missingProperty)], on: 'key' };
  return { path, on: 'value' };
}

function pointerToPath(root: unknown, pointer: string): Path {
  const path: Array<string | number> = [];
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      path.push(Number(seg));
      node = node[Number(seg)];
    } else {
      path.push(seg);
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
    }
  }
  return path;
}

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing (an empty value)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `the text ${JSON.stringify(v)}`;
  return `${typeof v === 'number' ? 'the number' : 'the boolean'} ${String(v)}`;
}

const typeNames: Record<string, string> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true/false',
  object: 'a map of fields',
  array: 'a list',
  null: 'empty',
};

function describe(e: ErrorObject, root: JsonSchema): string {
  const p = e.params as Record<string, unknown>;
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  const got = describeValue(e.data);
  switch (e.keyword) {
    case 'required':
      return `missing — this field is required`;
    case 'additionalProperties': {
      const here = (parent.properties ?? {}) as Record<string, unknown>;
      const allowed = Object.keys(here);
      const name = String(p.additionalProperty);
      const elsewhere = misplaced(root, name, here);
      const hint = elsewhere ? ` — did you mean "${elsewhere}"?` : didYouMean(name, allowed);
      return `unknown field${hint} (allowed here: ${allowed.join(', ')})`;
    }
    case 'type': {
      const hint = typeof parent.patternErrorMessage === 'string' ? parent.patternErrorMessage : undefined;
      if (hint && String(p.type) === 'string') {
        const fix = typeof e.data === 'number' && /duration/.test(hint) ? ` — write ${e.data}s for ${e.data} seconds` : '';
        return `must be ${hint}, got ${got}${fix}`;
      }
      if (p.type === 'boolean') return `must be true or false, got ${got}`;
      const types = String(p.type).split(',').map((t) => typeNames[t] ?? t);
      return `must be ${types.length > 1 ? `${types.slice(0, -1).join(', ')} or ${types[types.length - 1]}` : types[0]}, got ${got}`;
    }
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]) ?? [];
      const alias = typeof e.data === 'string' ? aliases[e.data]?.find((a) => allowed.includes(a)) : undefined;
      const suggestion =
        alias ? ` — did you mean "${alias}"?` : typeof e.data === 'string' ? didYouMean(e.data, allowed.map(String)) : '';
      return `must be one of ${allowed.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(', ')}; got ${got}${suggestion}`;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const [lo, hi] = [parent.minimum, parent.maximum];
      return lo !== undefined && hi !== undefined ? `must be from ${lo} to ${hi}, got ${got}` : `must be ${String(p.comparison)} ${String(p.limit)}, got ${got}`;
    }
    case 'pattern': {
      const hint = typeof parent.patternErrorMessage === 'string' ? parent.patternErrorMessage : `text matching ${String(p.pattern)}`;
      return propertyName(e) !== undefined ? `bad name — must be ${hint}` : `must be ${hint}; got ${got}`;
    }
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters`;
    case 'maxLength':
      return propertyName(e) !== undefined ? `name too long — at most ${String(p.limit)} characters` : `too long — at most ${String(p.limit)} characters, got ${String((e.data as string).length)}`;
    case 'minItems':
      return p.limit === 1 ? 'must list at least one item' : `must list at least ${String(p.limit)} items`;
    case 'uniqueItems':
      return `lists the same value twice (items ${String(p.j)} and ${String(p.i)}) — remove one`;
    case 'maxProperties':
      return `at most ${String(p.limit)} entries`;
    default:
      return e.message ?? `invalid (${e.keyword})`;
  }
}
