import { randomBytes, randomUUID } from 'node:crypto';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

/** An error the fake answers with: `code` is the wire error code, `status` the HTTP status. */
export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status = 400) {
    super(message);
    this.code = code;
    this.name = code;
    this.status = status;
  }
}

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
export const requestId = (): string => randomUUID();
export const uuid = (): string => randomUUID();

export type Tags = Record<string, string>;

export const toKeyValue = (t: Tags) => Object.entries(t).map(([Key, Value]) => ({ Key, Value }));
export const toLowerKeyValue = (t: Tags) => Object.entries(t).map(([key, value]) => ({ key, value }));

export function fromKeyValue(list: unknown): Tags {
  const out: Tags = {};
  if (!Array.isArray(list)) return out;
  for (const t of list as Array<Record<string, unknown>>) {
    const k = t.Key ?? t.key;
    if (typeof k === 'string') out[k] = String(t.Value ?? t.value ?? '');
  }
  return out;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** Reads a string parameter, failing the way AWS does for a missing required one. */
export function str(params: Record<string, unknown>, name: string, code = 'ValidationError'): string {
  const v = params[name];
  if (typeof v !== 'string' || v === '') throw new AwsError(code, `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`);
  return v;
}

/** A list parameter as an array: absent → [], one restXml element (an object) or value → [it]. */
export function asArray<T = unknown>(v: unknown): T[] {
  if (Array.isArray(v)) return v as T[];
  if (v === undefined || v === null || v === '') return [];
  return [v as T];
}

/** AWS filter values accept `*` and `?` wildcards. */
export function globMatch(pattern: string, value: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === value;
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(value);
}

/** Epoch seconds, as the awsJson protocols encode timestamps. */
export const epoch = (d: Date | undefined): number | undefined => (d ? d.getTime() / 1000 : undefined);
