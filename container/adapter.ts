/**
 * HTTP request ⇄ Lambda Function URL event/result (payload format 2.0), as the Lambda developer
 * guide ("Invoking Lambda function URLs") describes it. No HTTP framework types: the express server,
 * the plain node:http server (`make local`, the bench) and the tests all go through these.
 *
 *   toEvent(req, ctx)            request → FunctionUrlEvent
 *   toResponse(result)           handler result → response (throws InvalidResultError when Lambda would 502)
 *   invoke(handler, req, opts)   both, plus 413 over the payload limit and 502 on throw / bad result
 */
import { randomUUID } from 'node:crypto';
import type { FunctionUrlContext, FunctionUrlEvent, FunctionUrlHandler } from '../lambda/types.ts';

/** Function URLs (BUFFERED) take request and response payloads up to 6 MB. */
export const PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

export interface AdapterRequest {
  method: string;
  /** the request target as sent: path plus optional "?query" */
  url: string;
  /** header lines in arrival order, names as sent (node's rawHeaders, paired) */
  headers: ReadonlyArray<readonly [string, string]>;
  body: Uint8Array;
  sourceIp: string;
  /** "HTTP/1.1" when absent */
  protocol?: string;
}

export interface AdapterResponse {
  statusCode: number;
  /** header lines to send, in order; `set-cookie` may repeat */
  headers: Array<[string, string]>;
  body: Buffer;
}

/** Values a Function URL fills in from its own configuration rather than from the request. */
export interface EventContext {
  requestId: string;
  now: Date;
  /** "anonymous" when absent, as for a Function URL with AuthType NONE */
  accountId?: string;
  /** defaults to the first label of domainName, like a Function URL's url-id */
  apiId?: string;
  /** defaults to the Host header without its port */
  domainName?: string;
}

export interface InvokeOptions extends Partial<EventContext> {
  functionName?: string;
  /** like the function's Timeout: past it the client gets 502 and the handler's result is dropped; none by default */
  timeoutMs?: number;
  /** called when the handler throws or returns something a Function URL would reject; default: one JSON line on stderr */
  onError?: (error: unknown, requestId: string) => void;
}

export class InvalidResultError extends Error {
  override name = 'InvalidResultError';
}

export function toEvent(req: AdapterRequest, ctx: EventContext): FunctionUrlEvent {
  const { rawPath, rawQueryString } = splitTarget(req.url);
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [rawName, value] of req.headers) {
    const name = rawName.toLowerCase();
    if (name === 'cookie') {
      for (const c of value.split(';')) if (c.trim()) cookies.push(c.trim());
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const domainName = ctx.domainName ?? hostWithoutPort(headers.host ?? '') ?? 'localhost';
  const domainPrefix = domainName.split('.')[0] ?? domainName;
  const query = parseQuery(rawQueryString);
  const event: FunctionUrlEvent = {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: ctx.accountId ?? 'anonymous',
      apiId: ctx.apiId ?? domainPrefix,
      domainName,
      domainPrefix,
      http: {
        method: req.method.toUpperCase(),
        path: rawPath,
        protocol: req.protocol ?? 'HTTP/1.1',
        sourceIp: req.sourceIp.startsWith('::ffff:') ? req.sourceIp.slice(7) : req.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: ctx.requestId,
      routeKey: '$default',
      stage: '$default',
      time: clfTime(ctx.now),
      timeEpoch: ctx.now.getTime(),
    },
    isBase64Encoded: false,
  };
  if (req.body.byteLength > 0) {
    const text = isTextContentType(headers['content-type']) ? utf8(req.body) : undefined;
    event.body = text ?? Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength).toString('base64');
    event.isBase64Encoded = text === undefined;
  }
  return event;
}

/**
 * What a Function URL makes of a handler's return value. The value goes through JSON first, as the
 * Lambda runtime serializes it (so `undefined` fields vanish, `toJSON` applies, a BigInt fails).
 */
export function toResponse(result: unknown): AdapterResponse {
  let json: string | undefined;
  try {
    json = JSON.stringify(result === undefined ? null : result);
  } catch (err) {
    throw new InvalidResultError(`the handler's result is not serializable to JSON: ${(err as Error).message}`);
  }
  if (json === undefined) throw new InvalidResultError(`the handler returned a ${typeof result}, which JSON cannot represent`);
  if (Buffer.byteLength(json) > PAYLOAD_LIMIT_BYTES) {
    throw new InvalidResultError(`the handler's result is larger than the ${PAYLOAD_LIMIT_BYTES}-byte payload limit`);
  }
  const value: unknown = JSON.parse(json);
  if (!isRecord(value) || value.statusCode === undefined) {
    return { statusCode: 200, headers: [['content-type', 'application/json']], body: Buffer.from(json) };
  }
  const { statusCode, headers = {}, body, cookies = [], isBase64Encoded = false } = value;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new InvalidResultError(`statusCode must be an integer from 100 to 599, got ${JSON.stringify(statusCode)}`);
  }
  if (!isRecord(headers)) throw new InvalidResultError('headers must be an object of strings');
  if (!Array.isArray(cookies) || !cookies.every((c) => typeof c === 'string')) {
    throw new InvalidResultError('cookies must be an array of strings');
  }
  if (body !== undefined && body !== null && typeof body !== 'string') {
    throw new InvalidResultError('body must be a string (JSON.stringify objects yourself)');
  }
  if (typeof isBase64Encoded !== 'boolean') throw new InvalidResultError('isBase64Encoded must be a boolean');
  const lines: Array<[string, string]> = [];
  for (const [name, v] of Object.entries(headers)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new InvalidResultError(`header ${name} must be a string`);
    }
    lines.push([name.toLowerCase(), String(v)]);
  }
  for (const c of cookies) lines.push(['set-cookie', c]);
  const text = typeof body === 'string' ? body : '';
  return { statusCode, headers: lines, body: isBase64Encoded ? Buffer.from(text, 'base64') : Buffer.from(text) };
}

/** One request through a handler, with a Function URL's failure behaviour; never rejects. */
export async function invoke(handler: FunctionUrlHandler, req: AdapterRequest, opts: InvokeOptions = {}): Promise<AdapterResponse> {
  if (req.body.byteLength > PAYLOAD_LIMIT_BYTES) return payloadTooLarge();
  const requestId = opts.requestId ?? randomUUID();
  const onError = opts.onError ?? logError;
  const now = opts.now ?? new Date();
  const deadline = opts.timeoutMs === undefined ? undefined : now.getTime() + opts.timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  try {
    const event = toEvent(req, { ...opts, requestId, now });
    const context: FunctionUrlContext = {
      awsRequestId: requestId,
      ...(opts.functionName ? { functionName: opts.functionName } : {}),
      // handlers written for Lambda call this unguarded; without a timeout there is no end in sight
      getRemainingTimeInMillis: () => (deadline === undefined ? Number.MAX_SAFE_INTEGER : Math.max(0, deadline - Date.now())),
    };
    const result = handler(event, context);
    if (deadline === undefined) return toResponse(await result);
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Task timed out after ${(opts.timeoutMs! / 1000).toFixed(2)} seconds`)), opts.timeoutMs);
    });
    return toResponse(await Promise.race([result, timedOut]));
  } catch (err) {
    onError(err, requestId);
    return badGateway();
  } finally {
    clearTimeout(timer);
  }
}

export function payloadTooLarge(): AdapterResponse {
  return plain(413, `Request must be smaller than ${PAYLOAD_LIMIT_BYTES} bytes for the InvokeFunction operation`);
}

export function badGateway(): AdapterResponse {
  return plain(502, 'Internal Server Error');
}

function plain(statusCode: number, message: string): AdapterResponse {
  return { statusCode, headers: [['content-type', 'text/plain; charset=utf-8']], body: Buffer.from(message) };
}

function logError(error: unknown, requestId: string): void {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`${JSON.stringify({ level: 'error', requestId, message: 'invocation failed', error: message })}\n`);
}

function splitTarget(url: string): { rawPath: string; rawQueryString: string } {
  // absolute-form targets ("GET http://host/path HTTP/1.1") come from proxies
  const target = url.startsWith('/') ? url : (() => {
    try {
      const u = new URL(url);
      return u.pathname + u.search;
    } catch {
      return `/${url}`;
    }
  })();
  const q = target.indexOf('?');
  return q < 0 ? { rawPath: target, rawQueryString: '' } : { rawPath: target.slice(0, q), rawQueryString: target.slice(q + 1) };
}

function parseQuery(raw: string): Record<string, string> | undefined {
  if (!raw) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(raw)) out[k] = k in out ? `${out[k]},${v}` : v;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Function URLs pass these as text and base64-encode every other body (form posts and no content-type included). */
function isTextContentType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return type.startsWith('text/') || type === 'application/json' || type === 'application/xml' || type === 'application/javascript';
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
function utf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function hostWithoutPort(host: string): string | undefined {
  if (!host) return undefined;
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.split(':')[0];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** "12/Mar/2020:19:03:58 +0000" */
function clfTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
