import type { IncomingMessage } from 'node:http';
import { AwsError, requestId } from './common.ts';

/** How a service speaks: awsJson1.1 (ECS, ECR, Logs), awsQuery (IAM, STS, CFN) or ec2Query. */
export type Protocol = 'json' | 'query' | 'ec2';

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ParsedRequest {
  service: string;
  operation: string;
  params: Record<string, unknown>;
}

const TARGET_SERVICES: Record<string, string> = {
  AmazonEC2ContainerServiceV20141113: 'ecs',
  AmazonEC2ContainerRegistry_V20150921: 'ecr',
  Logs_20140328: 'logs',
};

/** The service comes from the SigV4 credential scope; signatures are not checked. */
export function serviceOf(req: IncomingMessage): string | undefined {
  const auth = String(req.headers.authorization ?? '');
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth);
  if (scope?.[1]) return scope[1];
  const target = String(req.headers['x-amz-target'] ?? '');
  return TARGET_SERVICES[target.split('.')[0] ?? ''];
}

export function parseRequest(service: string, protocol: Protocol, req: IncomingMessage, body: string): ParsedRequest {
  if (protocol === 'json') {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.split('.')[1] ?? '';
    let params: Record<string, unknown> = {};
    try {
      params = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch {
      throw new AwsError('SerializationException', 'Start of structure or map found where not expected.');
    }
    return { service, operation, params };
  }
  const form = new URLSearchParams(body);
  const flat: Record<string, string> = {};
  for (const [k, v] of form) flat[k] = v;
  const operation = flat.Action ?? '';
  delete flat.Action;
  delete flat.Version;
  return { service, operation, params: nestQuery(flat) };
}

/**
 * Turns `A.member.1.Key=x` / `Filter.1.Value.2=y` into nested objects where numbered segments
 * become arrays, so `members()` and plain indexing read query parameters.
 */
export function nestQuery(flat: Record<string, string>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const parts = key.split('.');
    let node: Record<string, unknown> = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Record<string, unknown>;
    });
  }
  return arrayify(root) as Record<string, unknown>;
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

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);

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

export function okResponse(protocol: Protocol, operation: string, result: unknown, xmlns: string): WireResponse {
  const id = requestId();
  if (protocol === 'json') {
    return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': id }, body: JSON.stringify(result ?? {}) };
  }
  const xml =
    protocol === 'ec2'
      ? `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="${xmlns}"><requestId>${id}</requestId>${toXml(result, 'item')}</${operation}Response>`
      : `<${operation}Response xmlns="${xmlns}">${result === undefined ? '' : `<${operation}Result>${toXml(result, 'member')}</${operation}Result>`}<ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></${operation}Response>`;
  return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': id }, body: xml };
}

export function errorResponse(protocol: Protocol, err: AwsError, xmlns: string): WireResponse {
  const id = requestId();
  if (protocol === 'json') {
    return {
      status: err.status,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': id, 'x-amzn-errortype': err.code },
      body: JSON.stringify({ __type: err.code, message: err.message }),
    };
  }
  const msg = escapeXml(err.message);
  if (protocol === 'ec2') {
    return {
      status: err.status,
      headers: { 'content-type': 'text/xml;charset=UTF-8' },
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${err.code}</Code><Message>${msg}</Message></Error></Errors><RequestID>${id}</RequestID></Response>`,
    };
  }
  const type = err.status >= 500 ? 'Receiver' : 'Sender';
  return {
    status: err.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': id },
    body: `<ErrorResponse xmlns="${xmlns}"><Error><Type>${type}</Type><Code>${err.code}</Code><Message>${msg}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`,
  };
}
