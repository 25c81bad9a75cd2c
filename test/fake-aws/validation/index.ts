import { appendFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AwsError } from '../common.ts';
import type { WireRequest } from '../protocols/types.ts';
import type { Params } from '../service.ts';
import type { Protocol } from '../wire.ts';
import { countInputRules, loadModel, modelViolations, modelsDir, show } from './model.ts';
import { RULES, type Check, type Rule } from './rules.ts';
import { compileJavaPattern } from './java-regex.ts';
import type { Violation } from './types.ts';

export type { Violation } from './types.ts';

/** The error and message style each service answers a request that breaks its rules with. */
type Style = 'coral' | 'ecr' | 'ec2';
const SERVICE_ERRORS: Record<string, { code: string; style: Style }> = {
  iam: { code: 'ValidationError', style: 'coral' },
  sts: { code: 'ValidationError', style: 'coral' },
  cloudformation: { code: 'ValidationError', style: 'coral' },
  elasticloadbalancing: { code: 'ValidationError', style: 'coral' },
  monitoring: { code: 'ValidationError', style: 'coral' },
  ec2: { code: 'InvalidParameterValue', style: 'ec2' },
  // "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression …'"
  ecr: { code: 'InvalidParameterException', style: 'ecr' },
  ecs: { code: 'InvalidParameterException', style: 'coral' },
  logs: { code: 'InvalidParameterException', style: 'coral' },
  route53: { code: 'InvalidInput', style: 'coral' },
};
const DEFAULT_ERROR = (protocol: Protocol) => ({ code: protocol === 'query' ? 'ValidationError' : 'ValidationException', style: 'coral' as Style });

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** `Tags.member.3.Value` (awsQuery) or `tags.3.value` (JSON) → AWS's `tags.3.member.value`. */
function coralPath(wirePath: string): string {
  const parts = wirePath.split('.');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] ?? '';
    if (p === 'member' && /^\d+$/.test(parts[i + 1] ?? '')) continue;
    out.push(/^\d+$/.test(p) ? `${p}.member` : lowerFirst(p));
  }
  return out.join('.');
}

/** Every value at a rule's path: `*` is each list item, `{}` each map value. */
function resolve(value: unknown, tokens: string[], at: string): Array<[string, unknown]> {
  if (tokens.length === 0) return [[at, value]];
  if (value === undefined || value === null) return [];
  const [head = '', ...rest] = tokens;
  const join = (k: string | number) => (at ? `${at}.${k}` : String(k));
  if (head === '*') return Array.isArray(value) ? value.flatMap((v, i) => resolve(v, rest, join(i + 1))) : [];
  if (head === '{}') return typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => resolve(v, rest, join(k))) : [];
  return typeof value === 'object' ? resolve((value as Params)[head], rest, join(head)) : [];
}

function constraintsBroken(check: Check, value: unknown): string[] {
  const broken: string[] = [];
  if (value === undefined || value === null) return check.required ? ['Member must not be null'] : [];
  if (check.maxItems !== undefined && Array.isArray(value) && value.length > check.maxItems) broken.push(`Member must have length less than or equal to ${check.maxItems}`);
  if (check.enum) {
    const candidate = typeof check.enum[0] === 'number' ? Number(value) : value;
    if (!check.enum.includes(candidate as string | number)) broken.push(`Member must satisfy enum value set: [${check.enum.join(', ')}]`);
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (check.min !== undefined && length < check.min) broken.push(`Member must have length greater than or equal to ${check.min}`);
    if (check.max !== undefined && length > check.max) broken.push(`Member must have length less than or equal to ${check.max}`);
    if (check.pattern !== undefined) {
      const re = compileJavaPattern(check.pattern);
      if ('re' in re && !re.re.test(value)) broken.push(`Member must satisfy regular expression pattern: ${check.pattern}`);
    }
    if (check.not) {
      const re = compileJavaPattern(check.not.pattern);
      if ('re' in re && re.re.test(value)) broken.push(check.not.why);
    }
  } else if (typeof value === 'number') {
    if (check.min !== undefined && value < check.min) broken.push(`Member must have value greater than or equal to ${check.min}`);
    if (check.max !== undefined && value > check.max) broken.push(`Member must have value less than or equal to ${check.max}`);
  }
  return broken;
}

function ruleViolations(rule: Rule, params: Params): Violation[] {
  const tokens = rule.path.split('.');
  const last = tokens.pop() ?? '';
  const out: Violation[] = [];
  for (const [parentPath, parent] of resolve(params, tokens, '')) {
    const pairs = last === '*' || last === '{}' ? resolve(parent, [last], parentPath) : [[parentPath ? `${parentPath}.${last}` : last, (parent as Params | undefined)?.[last]] as [string, unknown]];
    for (const [wirePath, value] of pairs) {
      for (const constraint of constraintsBroken(rule.check, value)) {
        out.push({ path: coralPath(wirePath), wirePath, value: value ?? null, constraint, rule: `${rule.kind}:${rule.id}`, answer: rule.answer ? rule.answer(value, wirePath) : undefined });
      }
    }
  }
  return out;
}

export interface ValidationSource {
  /** 'models': AWS's models and the documented rules; 'table': the repository's own table and the documented rules */
  kind: 'models' | 'table';
  /** where the models came from */
  dir?: string;
}

/** Checks each request against AWS's rules before any backend sees it. */
export class Validator {
  readonly source: ValidationSource;
  private readonly rules: Rule[];

  constructor() {
    const dir = modelsDir();
    this.source = dir ? { kind: 'models', dir } : { kind: 'table' };
    this.rules = RULES.filter((r) => r.kind === 'documented' || !dir);
  }

  check(service: string, protocol: Protocol, operation: string, params: Params, wire: WireRequest): Violation[] {
    const model = this.source.kind === 'models' ? loadModel(service) : undefined;
    const fromModel = model ? (modelViolations(model, protocol, operation, params, wire) ?? []) : [];
    const fromRules = this.rules.filter((r) => r.service === service && r.operations.includes(operation)).flatMap((r) => ruleViolations(r, params));
    return [...fromModel, ...fromRules];
  }

  /** The answer AWS gives: the service's validation error listing each violation, or a documented rule's own error. */
  error(service: string, protocol: Protocol, violations: Violation[]): AwsError {
    const plain = violations.filter((v) => !v.answer);
    const own = violations.find((v) => v.answer)?.answer;
    if (own && plain.length === 0) return new AwsError(own.code, own.message, own.status ?? 400);
    const { code, style } = SERVICE_ERRORS[service] ?? DEFAULT_ERROR(protocol);
    const first = plain[0] as Violation;
    if (style === 'ec2') {
      if (first.value === null) return new AwsError('MissingParameter', `The request must contain the parameter ${first.wirePath}`);
      return new AwsError(code, `Value (${show(first.value)}) for parameter ${first.wirePath} is invalid. ${first.constraint}`);
    }
    if (style === 'ecr') {
      const what = first.constraint.replace(/^Member /, '').replace('regular expression pattern: ', 'regular expression ');
      return new AwsError(code, `Invalid parameter at '${first.path}' failed to satisfy constraint: '${what.replace(/expression (.*)$/, "expression '$1'")}'`);
    }
    const n = plain.length;
    const each = plain.map((v) => `Value ${v.value === null ? 'null' : `'${show(v.value)}'`} at '${v.path}' failed to satisfy constraint: ${v.constraint}`);
    return new AwsError(code, `${n} validation error${n > 1 ? 's' : ''} detected: ${each.join('; ')}`);
  }
}

/** How many rules the fake enforces in this mode (models: every input constraint of every model it serves). */
export function ruleCount(services: string[]): { models: number; documented: number; table: number } {
  const dir = modelsDir();
  const models = dir ? services.reduce((n, s) => n + (loadModel(s) ? countInputRules(loadModel(s)!) : 0), 0) : 0;
  return { models, documented: RULES.filter((r) => r.kind === 'documented').length, table: RULES.filter((r) => r.kind === 'table').length };
}

/** One answered violation, as the suite's final check reads it. */
export interface RecordedViolation {
  service: string;
  operation: string;
  violations: Array<Pick<Violation, 'rule' | 'path' | 'wirePath' | 'constraint'> & { value: string }>;
  error: string;
  message: string;
  deliberate: boolean;
  file: string;
}

/**
 * `L2F_FAKE_AWS_VIOLATIONS` (set by `make test`) names a folder where every test process appends
 * what its fakes answered, one JSONL file per process; the suite's last check reads them all.
 */
export function recordViolation(entry: Omit<RecordedViolation, 'file'>, source: ValidationSource): void {
  const dir = process.env.L2F_FAKE_AWS_VIOLATIONS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const file = relative(process.cwd(), process.argv[1] ?? 'unknown');
  appendFileSync(join(dir, `${process.pid}.jsonl`), `${JSON.stringify({ ...entry, file, source: source.kind })}\n`);
}

/** Records which mode a test process validated in, for which services, and how many rules that is. */
const announced = new Set<string>();
export function announce(source: ValidationSource, services: string[]): void {
  const dir = process.env.L2F_FAKE_AWS_VIOLATIONS;
  const key = `${source.kind}:${services.join(',')}`;
  if (!dir || announced.has(key)) return;
  announced.add(key);
  mkdirSync(dir, { recursive: true });
  const line = { mode: source.kind, dir: source.dir ?? null, services, rules: ruleCount(services), file: relative(process.cwd(), process.argv[1] ?? 'unknown') };
  appendFileSync(join(dir, `${process.pid}.jsonl`), `${JSON.stringify(line)}\n`);
}

export interface ExpectInvalid {
  service?: string;
  operation?: string;
  /** how many matching requests may break rules deliberately (default 1; Infinity: all) */
  count?: number;
}

/** The violations one fake answered, and which of them its test sent on purpose. */
export class ViolationLog {
  readonly answered: Array<Omit<RecordedViolation, 'file'>> = [];
  private expected: Array<{ service?: string; operation?: string; remaining: number }> = [];

  constructor(private readonly source: ValidationSource) {}

  /** Marks the next matching request(s) as deliberately invalid: answered the same, not counted against the suite. */
  expect(m: ExpectInvalid = {}): void {
    this.expected.push({ service: m.service, operation: m.operation, remaining: m.count ?? 1 });
  }

  note(service: string, operation: string, violations: Violation[], err: AwsError): void {
    const hit = this.expected.find((e) => e.remaining > 0 && (!e.service || e.service === service) && (!e.operation || e.operation === operation));
    if (hit) hit.remaining--;
    const entry = {
      service,
      operation,
      violations: violations.map((v) => ({ rule: v.rule, path: v.path, wirePath: v.wirePath, constraint: v.constraint, value: v.value === null ? 'null' : show(v.value).slice(0, 200) })),
      error: err.code,
      message: err.message,
      deliberate: Boolean(hit),
    };
    this.answered.push(entry);
    recordViolation(entry, this.source);
  }
}
