import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WireRequest } from '../protocols/types.ts';
import type { Params } from '../service.ts';
import type { Protocol } from '../wire.ts';
import { compileJavaPattern } from './java-regex.ts';
import type { Violation } from './types.ts';

/**
 * AWS's API models (botocore service-2 data, prose removed) are reference data of the build
 * machines at `../shared/aws-models/` beside the repository; they are read from there, never copied
 * in. `L2F_AWS_MODELS` names another folder, or `none` to use only the repository's own table.
 */
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export function modelsDir(): string | undefined {
  const env = process.env.L2F_AWS_MODELS;
  if (env === 'none') return undefined;
  const dir = env ? resolve(env) : join(REPO_ROOT, '..', 'shared', 'aws-models');
  return existsSync(dir) ? dir : undefined;
}

/** SigV4 signing name → model file, where they differ. */
const MODEL_FILES: Record<string, string> = {
  elasticloadbalancing: 'elbv2',
  monitoring: 'cloudwatch',
};

interface Member {
  shape: string;
  location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  locationName?: string;
  queryName?: string;
  jsonName?: string;
  flattened?: boolean;
}

interface Shape {
  type: string;
  members?: Record<string, Member>;
  required?: string[];
  member?: Member;
  key?: Member;
  value?: Member;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  flattened?: boolean;
  union?: boolean;
  payload?: string;
}

export interface Model {
  file: string;
  operations: Record<string, { input?: { shape: string } }>;
  shapes: Record<string, Shape>;
}

const loaded = new Map<string, Model | undefined>();

export function loadModel(signingName: string): Model | undefined {
  const dir = modelsDir();
  if (!dir) return undefined;
  const file = join(dir, `${MODEL_FILES[signingName] ?? signingName}.json`);
  if (!loaded.has(file)) {
    loaded.set(file, existsSync(file) ? { file, ...(JSON.parse(readFileSync(file, 'utf8')) as Omit<Model, 'file'>) } : undefined);
  }
  return loaded.get(file);
}

/** Patterns JS cannot compile: skipped, and listed here so the final check can say so. */
export const uncompiled = new Map<string, string>();

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const present = (v: unknown) => v !== undefined && v !== null;

/** How AWS prints a value in a validation message. */
export function show(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (typeof v === 'object' && v !== null) return `{${Object.entries(v).map(([k, x]) => `${k}=${show(x)}`).join(', ')}}`;
  return String(v);
}

interface Walk {
  model: Model;
  protocol: Protocol;
  out: Violation[];
}

/** The wire name of a structure member inside a value (not at the top of a REST request). */
function wireName(protocol: Protocol, name: string, m: Member): string {
  if (protocol === 'ec2') return m.queryName ?? upperFirst(m.locationName ?? name);
  if (protocol === 'json' || protocol === 'cbor') return name;
  if (protocol === 'rest-json') return m.jsonName ?? name;
  return m.locationName ?? name;
}

/** A list as the protocol decoded it: awsQuery `X.member.N`, ec2Query `X.N`, restXml wrapped `<X><Item/></X>`. */
function listItems(w: Walk, list: Shape, member: Member, raw: unknown): unknown[] | undefined {
  if (raw === '' && w.protocol !== 'json' && w.protocol !== 'rest-json') return [];
  if (w.protocol === 'json' || w.protocol === 'rest-json' || w.protocol === 'cbor' || w.protocol === 'ec2') {
    if (w.protocol === 'ec2') return Array.isArray(raw) ? raw : [raw];
    return Array.isArray(raw) ? raw : undefined;
  }
  const flattened = member.flattened || list.flattened;
  const inner = flattened ? raw : (raw as Params | undefined)?.[list.member?.locationName ?? 'member'];
  if (inner === undefined || inner === '') return [];
  return Array.isArray(inner) ? inner : [inner];
}

function mapEntries(w: Walk, map: Shape, member: Member, raw: unknown): Array<[unknown, unknown]> | undefined {
  if (w.protocol === 'json' || w.protocol === 'rest-json' || w.protocol === 'cbor') {
    return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? Object.entries(raw) : undefined;
  }
  const k = map.key?.locationName ?? 'key';
  const v = map.value?.locationName ?? 'value';
  const flattened = member.flattened || map.flattened;
  const entries = flattened ? raw : (raw as Params | undefined)?.entry;
  const list = Array.isArray(entries) ? entries : present(entries) && entries !== '' ? [entries] : [];
  return (list as Params[]).map((e) => [e?.[k], e?.[v]]);
}

function check(w: Walk, shapeName: string, raw: unknown, path: string, wirePath: string, member: Member): void {
  const shape = w.model.shapes[shapeName];
  if (!shape || !present(raw)) return;
  const add = (constraint: string, kind: string, value: unknown = raw) =>
    w.out.push({ path, wirePath, value, constraint, rule: `model:${w.model.file.replace(/^.*\//, '').replace(/\.json$/, '')}:${shapeName}.${kind}` });
  switch (shape.type) {
    case 'structure': {
      if (typeof raw !== 'object') return;
      walkStructure(w, shapeName, raw as Params, path, wirePath);
      return;
    }
    case 'list': {
      const items = listItems(w, shape, member, raw);
      if (!items) return;
      if (shape.min !== undefined && items.length < shape.min) add(`Member must have length greater than or equal to ${shape.min}`, 'min', items);
      if (shape.max !== undefined && items.length > shape.max) add(`Member must have length less than or equal to ${shape.max}`, 'max', items);
      const el = shape.member;
      if (!el) return;
      const sep = w.protocol === 'query' ? `.${el.locationName ?? 'member'}.` : '.';
      items.forEach((item, i) => check(w, el.shape, item, `${path}.${i + 1}.member`, `${wirePath}${sep}${i + 1}`, el));
      return;
    }
    case 'map': {
      const entries = mapEntries(w, shape, member, raw);
      if (!entries) return;
      if (shape.min !== undefined && entries.length < shape.min) add(`Member must have length greater than or equal to ${shape.min}`, 'min', Object.fromEntries(entries));
      if (shape.max !== undefined && entries.length > shape.max) add(`Member must have length less than or equal to ${shape.max}`, 'max', Object.fromEntries(entries));
      // AWS reports a map's keys and values as one constraint on the whole map.
      for (const [part, pick] of [['keys', 0], ['value', 1]] as const) {
        const inner = part === 'keys' ? shape.key : shape.value;
        if (!inner) continue;
        const sub: Walk = { ...w, out: [] };
        for (const entry of entries) check(sub, inner.shape, entry[pick], path, wirePath, inner);
        const seen = [...new Set(sub.out.map((v) => v.constraint))];
        if (seen.length) add(`Map ${part} must satisfy constraint: [${seen.join(', ')}]`, `${part}`, Object.fromEntries(entries));
      }
      return;
    }
    case 'string': {
      if (typeof raw !== 'string') return;
      if (shape.enum && !shape.enum.includes(raw)) add(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`, 'enum');
      const length = [...raw].length;
      if (shape.min !== undefined && length < shape.min) add(`Member must have length greater than or equal to ${shape.min}`, 'min');
      if (shape.max !== undefined && length > shape.max) add(`Member must have length less than or equal to ${shape.max}`, 'max');
      if (shape.pattern !== undefined) {
        const re = compileJavaPattern(shape.pattern);
        if ('re' in re) {
          if (!re.re.test(raw)) add(`Member must satisfy regular expression pattern: ${shape.pattern}`, 'pattern');
        } else uncompiled.set(shape.pattern, re.error);
      }
      return;
    }
    case 'integer':
    case 'long':
    case 'float':
    case 'double': {
      const n = typeof raw === 'number' ? raw : Number(raw);
      if (Number.isNaN(n)) return;
      if (shape.min !== undefined && n < shape.min) add(`Member must have value greater than or equal to ${shape.min}`, 'min');
      if (shape.max !== undefined && n > shape.max) add(`Member must have value less than or equal to ${shape.max}`, 'max');
      return;
    }
    default:
      return;
  }
}

function walkStructure(w: Walk, shapeName: string, value: Params, path: string, wirePath: string, top?: { wire: WireRequest }): void {
  const shape = w.model.shapes[shapeName];
  if (!shape?.members) return;
  const prefix = (p: string, name: string) => (p ? `${p}.${name}` : name);
  for (const [name, m] of Object.entries(shape.members)) {
    let raw: unknown;
    let wire = wireName(w.protocol, name, m);
    if (top && m.location) {
      if (m.location === 'header') raw = top.wire.headers[(m.locationName ?? name).toLowerCase()];
      else if (m.location === 'uri' || m.location === 'querystring') raw = value[m.locationName ?? name];
      else continue;
      wire = m.locationName ?? name;
    } else if (top && shape.payload === name) {
      raw = value; // the payload member is the whole body
    } else {
      raw = value[wire];
    }
    const at = prefix(path, lowerFirst(name));
    const wireAt = prefix(wirePath, wire);
    if (!present(raw) || (raw === '' && m.location === undefined && w.protocol !== 'json' && w.protocol !== 'rest-json' && w.model.shapes[m.shape]?.type === 'structure')) {
      if (shape.required?.includes(name) && !shape.union) {
        w.out.push({ path: at, wirePath: wireAt, value: null, constraint: 'Member must not be null', rule: `model:${w.model.file.replace(/^.*\//, '').replace(/\.json$/, '')}:${shapeName}.required` });
      }
      continue;
    }
    check(w, m.shape, raw, at, wireAt, m);
  }
}

/** Every constraint of the operation's input shape the decoded request breaks (none when the model has no such operation). */
export function modelViolations(model: Model, protocol: Protocol, operation: string, params: Params, wire: WireRequest): Violation[] | undefined {
  const input = model.operations[operation]?.input?.shape;
  if (!model.operations[operation]) return undefined;
  const w: Walk = { model, protocol, out: [] };
  if (input) walkStructure(w, input, params, '', '', protocol === 'rest-json' || protocol === 'rest-xml' ? { wire } : undefined);
  return w.out;
}

/** How many constraints the model sets on requests: required members, enums, lengths, patterns, sizes and ranges of every input shape. */
export function countInputRules(model: Model): number {
  const seen = new Set<string>();
  let rules = 0;
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const s = model.shapes[name];
    if (!s) return;
    rules += (s.required?.length ?? 0) + (s.enum ? 1 : 0) + (s.min !== undefined ? 1 : 0) + (s.max !== undefined ? 1 : 0) + (s.pattern !== undefined ? 1 : 0);
    for (const m of Object.values(s.members ?? {})) visit(m.shape);
    for (const m of [s.member, s.key, s.value]) if (m) visit(m.shape);
  };
  for (const op of Object.values(model.operations)) if (op.input) visit(op.input.shape);
  return rules;
}
