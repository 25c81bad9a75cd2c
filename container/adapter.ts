/**
 * HTTP request ⇄ Lambda Function URL event/result (payload format 2.0), as the Lambda developer
 * guide ("Invoking Lambda function URLs") describes it. No HTTP framework types: the express server,
 * the plain node:http server (`make local`, the bench) and the tests all go through these.
 *
 *   toEvent(req, ctx)            request → FunctionUrlEvent
 *   toResponse(result)           handler result → response (throws InvalidResultError when Lambda would 502)
 *   invoke(handler, req, opts)   both, plus 413 over the payload limit and 502 on throw / bad result
 *   newRequestId()               a request id in the UUID v4 format
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
  /** text goes out as UTF-8; bytes (a base64 body, decoded) as they are. Kept a string, node writes it with the headers in one write */
  body: string | Buffer;
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
  return buildEvent(req, ctx.requestId, ctx.now.getTime(), ctx);
}

/** toEvent without the Date: invoke() passes the epoch it already has. */
function buildEvent(req: AdapterRequest, requestId: string, epoch: number, ctx: Partial<EventContext>): FunctionUrlEvent {
  const url = req.url;
  let rawPath = url;
  let rawQueryString = '';
  if (url.charCodeAt(0) !== 47 /* '/' */) ({ rawPath, rawQueryString } = splitTarget(absoluteTarget(url)));
  else {
    const q = url.indexOf('?');
    if (q >= 0) {
      rawPath = url.slice(0, q);
      rawQueryString = url.slice(q + 1);
    }
  }
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [rawName, value] of req.headers) {
    const name = rawName.toLowerCase();
    if (name === 'cookie') {
      for (const c of value.split(';')) {
        const cookie = c.trim();
        if (cookie) (cookies ??= []).push(cookie);
      }
      continue;
    }
    const seen = headers[name];
    headers[name] = seen === undefined ? value : `${seen},${value}`;
  }
  const domainName = ctx.domainName ?? hostWithoutPort(headers.host ?? '') ?? 'localhost';
  const dot = domainName.indexOf('.');
  const domainPrefix = dot < 0 ? domainName : domainName.slice(0, dot);
  const sourceIp = req.sourceIp;
  // built field by field in a Function URL's own order, without spreading temporary objects
  const event = { version: '2.0', routeKey: '$default', rawPath, rawQueryString } as FunctionUrlEvent;
  if (cookies) event.cookies = cookies;
  event.headers = headers;
  const query = rawQueryString ? parseQuery(rawQueryString) : undefined;
  if (query) event.queryStringParameters = query;
  event.requestContext = {
    accountId: ctx.accountId ?? 'anonymous',
    apiId: ctx.apiId ?? domainPrefix,
    domainName,
    domainPrefix,
    http: {
      method: req.method.toUpperCase(),
      path: rawPath,
      protocol: req.protocol ?? 'HTTP/1.1',
      sourceIp: sourceIp.startsWith('::ffff:') ? sourceIp.slice(7) : sourceIp,
      userAgent: headers['user-agent'] ?? '',
    },
    requestId,
    routeKey: '$default',
    stage: '$default',
    time: clfTime(epoch),
    timeEpoch: epoch,
  };
  event.isBase64Encoded = false;
  if (req.body.byteLength > 0) {
    const text = isTextContentType(headers['content-type']) ? utf8(req.body) : undefined;
    event.body = text ?? Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength).toString('base64');
    event.isBase64Encoded = text === undefined;
  }
  return event;
}

/** What a Function URL makes of a handler's return value (throws InvalidResultError where Lambda answers 502). */
export function toResponse(result: unknown): AdapterResponse {
  return plainResult(result) ?? throughJson(result);
}

/**
 * The common case without the JSON round trip: a plain `{ statusCode, headers, body, ... }` whose
 * values JSON would carry unchanged (strings, finite numbers, booleans; no toJSON, no extra keys)
 * and that is far under the payload limit. Anything else returns undefined and takes the full path,
 * which gives the same response for these.
 */
function plainResult(result: unknown): AdapterResponse | undefined {
  if (typeof result !== 'object' || result === null || Object.getPrototypeOf(result) !== Object.prototype) return undefined;
  const r = result as Record<string, unknown>;
  const { statusCode, headers, body, cookies, isBase64Encoded } = r;
  let keys = 1;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return undefined;
  if (typeof body === 'string') keys += 1;
  else if (body !== undefined) return undefined;
  if (typeof isBase64Encoded === 'boolean') keys += 1;
  else if (isBase64Encoded !== undefined) return undefined;
  // JSON escapes a UTF-16 unit to at most 6 bytes: this bound keeps every fast-path result under the limit
  let size = 512 + (body?.length ?? 0);
  const lines: Array<[string, string]> = [];
  if (headers !== undefined) {
    keys += 1;
    if (typeof headers !== 'object' || headers === null || Object.getPrototypeOf(headers) !== Object.prototype) return undefined;
    for (const name in headers) {
      if (!Object.hasOwn(headers, name)) return undefined;
      const v = (headers as Record<string, unknown>)[name];
      let text: string;
      if (typeof v === 'string') text = v;
      else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') text = String(v);
      else return undefined;
      size += name.length + text.length + 8;
      lines.push([name.toLowerCase(), text]);
    }
  }
  if (cookies !== undefined) {
    keys += 1;
    if (!Array.isArray(cookies) || Object.getPrototypeOf(cookies) !== Array.prototype) return undefined;
    for (const c of cookies) {
      if (typeof c !== 'string') return undefined;
      size += c.length + 4;
      lines.push(['set-cookie', c]);
    }
  }
  // a key this count misses (undefined, or one Lambda ignores) may still change what JSON makes of the result
  if (Object.keys(r).length !== keys || 'toJSON' in r || size * 6 > PAYLOAD_LIMIT_BYTES) return undefined;
  const text = body ?? '';
  return { statusCode, headers: lines, body: isBase64Encoded ? Buffer.from(text, 'base64') : text };
}

/**
 * What a Function URL makes of any other return value. The value goes through JSON first, as the
 * Lambda runtime serializes it (so `undefined` fields vanish, `toJSON` applies, a BigInt fails).
 */
function throughJson(result: unknown): AdapterResponse {
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
    return { statusCode: 200, headers: [['content-type', 'application/json']], body: json };
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
  return { statusCode, headers: lines, body: isBase64Encoded ? Buffer.from(text, 'base64') : text };
}

/** One request through a handler, with a Function URL's failure behaviour; never rejects. */
export function invoke(handler: FunctionUrlHandler, req: AdapterRequest, opts: InvokeOptions = {}): Promise<AdapterResponse> {
  return invokeAs(handler, req, opts.requestId ?? newRequestId(), opts);
}

/** invoke() with the request id apart from the options, so a server can share one options object. */
export function invokeAs(handler: FunctionUrlHandler, req: AdapterRequest, requestId: string, opts: Omit<InvokeOptions, 'requestId'>): Promise<AdapterResponse> {
  if (req.body.byteLength > PAYLOAD_LIMIT_BYTES) return Promise.resolve(payloadTooLarge());
  const epoch = opts.now ? opts.now.getTime() : Date.now();
  const timeoutMs = opts.timeoutMs;
  const deadline = timeoutMs === undefined ? undefined : epoch + timeoutMs;
  let result: Promise<unknown>;
  try {
    const context: FunctionUrlContext = {
      awsRequestId: requestId,
      // handlers written for Lambda call this unguarded; without a timeout there is no end in sight
      getRemainingTimeInMillis() {
        return deadline === undefined ? Number.MAX_SAFE_INTEGER : Math.max(0, deadline - Date.now());
      },
    };
    if (opts.functionName) context.functionName = opts.functionName;
    result = Promise.resolve(handler(buildEvent(req, requestId, epoch, opts), context));
  } catch (err) {
    return Promise.resolve(failed(err, requestId, opts));
  }
  // one promise step per request, not an async function's; inline arrows and a method, because a
  // named closure per request costs a defineProperty of its name under esbuild's --keep-names
  const settled = timeoutMs === undefined ? result : withTimeout(result, timeoutMs);
  return settled.then((value) => answered(value, requestId, opts), (err) => failed(err, requestId, opts));
}

/** Rejects as the Lambda runtime reports a timeout, unless the handler settles first. */
function withTimeout(result: Promise<unknown>, timeoutMs: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`)), timeoutMs);
  });
  return Promise.race([result, timedOut]).finally(() => clearTimeout(timer));
}

function answered(value: unknown, requestId: string, opts: Omit<InvokeOptions, 'requestId'>): AdapterResponse {
  try {
    return toResponse(value);
  } catch (err) {
    return failed(err, requestId, opts);
  }
}

function failed(err: unknown, requestId: string, opts: Omit<InvokeOptions, 'requestId'>): AdapterResponse {
  (opts.onError ?? logError)(err, requestId);
  return badGateway();
}

/**
 * A request id in the UUID v4 format Lambda uses, unique without a random draw per request: 74
 * random bits drawn when the process starts (and again every 2^48 ids), then a 48-bit sequence.
 * Ids from two processes can collide only if their random parts do (about 1 in 2^35 among a million processes).
 */
export function newRequestId(): string {
  if (sequence >= SEQUENCE_END) {
    idPrefix = randomUUID().slice(0, 24);
    sequence = 0;
  }
  const n = sequence++;
  const hex = n.toString(16);
  return idPrefix + (hex.length < 12 ? ZEROS.slice(hex.length) + hex : hex);
}
const SEQUENCE_END = 2 ** 48;
const ZEROS = '000000000000';
let idPrefix = '';
let sequence = SEQUENCE_END;

export function payloadTooLarge(): AdapterResponse {
  return plain(413, `Request must be smaller than ${PAYLOAD_LIMIT_BYTES} bytes for the InvokeFunction operation`);
}

export function badGateway(): AdapterResponse {
  return plain(502, 'Internal Server Error');
}

function plain(statusCode: number, message: string): AdapterResponse {
  return { statusCode, headers: [['content-type', 'text/plain; charset=utf-8']], body: message };
}

function logError(error: unknown, requestId: string): void {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`${JSON.stringify({ level: 'error', requestId, message: 'invocation failed', error: message })}\n`);
}

/** Absolute-form targets ("GET http://host/path HTTP/1.1") come from proxies. */
function absoluteTarget(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return `/${url}`;
  }
}

function splitTarget(target: string): { rawPath: string; rawQueryString: string } {
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
  const colon = host.indexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
let clfSecond = Number.NaN;
let clfText = '';
/** "12/Mar/2020:19:03:58 +0000"; it changes once a second, so the last one is kept for that second. */
export function clfTime(epoch: number): string {
  const second = Math.floor(epoch / 1000);
  if (second === clfSecond) return clfText;
  const d = new Date(second * 1000);
  const p = (n: number) => (n < 10 ? `0${n}` : String(n));
  clfText = `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
  clfSecond = second;
  return clfText;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
