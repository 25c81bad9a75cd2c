import { AwsError, requestId } from '../common.ts';
import type { Params, ServiceDef } from '../service.ts';
import type { Codec, Decoded, WireRequest, WireResponse } from './types.ts';
import { escapeXml } from './xml.ts';

/** Form-encoded `Action=…&Version=…&A.member.1=…` (awsQuery and ec2Query alike). */
export function decodeForm(req: WireRequest): Decoded {
  const form = new URLSearchParams(req.body.toString('utf8'));
  const flat: Record<string, string> = {};
  for (const [k, v] of form) flat[k] = v;
  const operation = flat.Action ?? '';
  delete flat.Action;
  delete flat.Version;
  return { operation, params: nestQuery(flat) };
}

/**
 * Turns `A.member.1.Key=x` / `Filter.1.Value.2=y` into nested objects where numbered segments
 * become arrays, so `members()` and plain indexing read query parameters.
 */
export function nestQuery(flat: Record<string, string>): Params {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const parts = key.split('.');
    let node: Record<string, unknown> = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Record<string, unknown>;
    });
  }
  return arrayify(root) as Params;
}

function arrayify(node: unknown): unknown {
  if (typeof node !== 'object' || node === null) return node;
  const entries = Object.entries(node as Record<string, unknown>);
  if (entries.length > 0 && entries.every(([k]) => /^\d+$/.test(k))) {
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => arrayify(v));
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, arrayify(v)]));
}

/** awsQuery lists arrive as `Name.member.N`. */
export function members<T = unknown>(v: unknown): T[] {
  const m = (v as { member?: unknown } | undefined)?.member;
  return Array.isArray(m) ? (m as T[]) : [];
}

/** Objects become elements, arrays `<member>` (awsQuery) or `<item>` (ec2Query) children. */
export function toXml(value: unknown, listTag: 'member' | 'item'): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => `<${listTag}>${toXml(v, listTag)}</${listTag}>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${toXml(v, listTag)}</${k}>`)
      .join('');
  }
  return escapeXml(String(value));
}

/** awsQuery: `<OpResponse><OpResult>…</OpResult><ResponseMetadata/></OpResponse>`, errors in `<ErrorResponse>`. */
export const queryCodec: Codec = {
  decode: decodeForm,
  encode(operation: string, result: unknown, def: ServiceDef): WireResponse {
    const id = requestId();
    const inner = result === undefined ? '' : `<${operation}Result>${toXml(result, 'member')}</${operation}Result>`;
    const body = `<${operation}Response xmlns="${def.xmlns}">${inner}<ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></${operation}Response>`;
    return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': id }, body };
  },
  error(err: AwsError, def: ServiceDef): WireResponse {
    const id = requestId();
    return { status: err.status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': id }, body: xmlErrorResponse(err, def.xmlns, id) };
  },
  unknownOperation: { code: 'InvalidAction', status: 400 },
  internalError: 'InternalFailure',
  throttling: () => new AwsError('Throttling', 'Rate exceeded', 400),
};

/** The `<ErrorResponse>` envelope awsQuery and restXml share. */
export function xmlErrorResponse(err: AwsError, xmlns: string, id: string): string {
  const type = err.status >= 500 ? 'Receiver' : 'Sender';
  const ns = xmlns ? ` xmlns="${xmlns}"` : '';
  return `<ErrorResponse${ns}><Error><Type>${type}</Type><Code>${err.code}</Code><Message>${escapeXml(err.message)}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`;
}
