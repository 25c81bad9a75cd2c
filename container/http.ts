/**
 * The adapter on node:http, shared by the express server (server.ts) and by callers that want a
 * Function URL endpoint without express:
 *
 *   functionUrlListener(handler, opts)    (req, res) => void, for http.createServer or app.use
 *   createFunctionUrlServer({ handler, host, port, ...opts })
 *       → Promise<{ url, server, close() }>; `handler` is a function or a HANDLER spec
 *       ("lambda/handler.handler"); host defaults to 127.0.0.1, port to 0 (a free one)
 *   listen(server, host, port) → url;  closeGracefully(server, timeoutMs, state)
 */
import http from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FunctionUrlHandler } from '../lambda/types.ts';
import { invokeAs, newRequestId, payloadTooLarge, PAYLOAD_LIMIT_BYTES } from './adapter.ts';
import type { AdapterRequest, AdapterResponse, InvokeOptions } from './adapter.ts';
import { readHandler } from './load-handler.ts';
import { flushLog, isoTime, writeLine } from './log.ts';

export interface RequestLogLine {
  time: string;
  level: 'info';
  requestId: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
}

/**
 * Who the client is. Unset: the socket's peer, whatever X-Forwarded-* the client sends. 'alb': the
 * task sits behind our Application Load Balancer, which appends the client's address to
 * X-Forwarded-For and sets X-Forwarded-Proto and X-Forwarded-Port; the right-most X-Forwarded-For
 * entry is the one it appended (docs.aws.amazon.com/elasticloadbalancing/latest/application/x-forwarded-headers.html).
 */
export type TrustProxy = 'alb';

export interface ListenerOptions extends Pick<InvokeOptions, 'accountId' | 'apiId' | 'domainName' | 'functionName' | 'onError' | 'timeoutMs'> {
  /** one call per answered request; default: a JSON line on stdout */
  log?: (line: RequestLogLine) => void;
  /** shared with closeGracefully: once closing, responses ask the client to close the connection */
  state?: ShutdownState;
  trustProxy?: TrustProxy;
}

export interface ShutdownState {
  closing: boolean;
}

export interface RunningServer {
  url: string;
  server: Server;
  /** stops accepting, lets in-flight requests finish (at most timeoutMs, default 10 s), then resolves */
  close(timeoutMs?: number): Promise<void>;
}

/** The handler's own framing headers would contradict the body we send. */
const DROPPED = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);
const NO_BODY = Buffer.alloc(0);

type LogRequest = (req: IncomingMessage, requestId: string, status: number, started: number) => void;

export function functionUrlListener(handler: FunctionUrlHandler, opts: ListenerOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const { log, state, trustProxy, ...invokeOptions } = opts;
  const logLine = log ?? ((line: RequestLogLine) => writeLine(requestLogText(line)));
  const logRequest: LogRequest = (req, requestId, status, started) =>
    logLine({ time: isoTime(Date.now()), level: 'info', requestId, method: req.method ?? 'GET', path: pathOf(req.url ?? '/'), status, durationMs: since(started) });
  const answer = (req: IncomingMessage, res: ServerResponse, requestId: string, started: number, body: Buffer): Promise<void> =>
    invokeAs(handler, adapterRequest(req, body, trustProxy === 'alb'), requestId, invokeOptions).then((response) => {
      logRequest(req, requestId, send(res, response, requestId, state?.closing ?? false) ? response.statusCode : 499, started);
    });
  return (req, res) => {
    const started = performance.now();
    const requestId = newRequestId();
    const length = bodyLength(req.rawHeaders);
    // most requests have no body: no stream to read, no tick to wait for
    if (length === 0) {
      void answer(req, res, requestId, started, NO_BODY);
      return;
    }
    void readBody(req, length).then((body) => {
      if (body === 'aborted') return logRequest(req, requestId, 499, started);
      // the client may still be sending; don't read megabytes more on a keep-alive connection
      if (body === 'too large') return logRequest(req, requestId, send(res, payloadTooLarge(), requestId, true) ? 413 : 499, started);
      return answer(req, res, requestId, started, body);
    });
  };
}

/**
 * The request's body length from its headers (RFC 9112 §6.3): 0 without Content-Length or
 * Transfer-Encoding, -1 when only the stream can tell (chunked).
 */
function bodyLength(raw: string[]): number {
  let length = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 14 && name.toLowerCase() === 'content-length') length = Number(raw[i + 1]) || 0;
    else if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') return -1;
  }
  return length;
}

/** The request as the adapter takes it, with the client's address and the X-Forwarded-* a Function URL event carries. */
function adapterRequest(req: IncomingMessage, body: Buffer, trustProxy: boolean): AdapterRequest {
  const raw = req.rawHeaders;
  const headers: Array<[string, string]> = [];
  let forwardedFor: string | undefined;
  let proto = false;
  let port = false;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const n = name.length;
    if (n >= 15 && n <= 17 && (name.charCodeAt(0) | 0x20) === 120 /* x */) {
      const lower = name.toLowerCase();
      if (lower === 'x-forwarded-for' || lower === 'x-forwarded-proto' || lower === 'x-forwarded-port') {
        // only our load balancer's are true; a client's own would let it claim any address
        if (!trustProxy) continue;
        if (lower === 'x-forwarded-for') forwardedFor = forwardedFor === undefined ? value : `${forwardedFor},${value}`;
        else if (lower === 'x-forwarded-proto') proto = true;
        else port = true;
      }
    }
    headers.push([name, value]);
  }
  const socket = req.socket;
  const peer = unmapped(socket.remoteAddress ?? '');
  if (forwardedFor === undefined) headers.push(['x-forwarded-for', peer]);
  if (!proto) headers.push(['x-forwarded-proto', 'encrypted' in socket && socket.encrypted ? 'https' : 'http']);
  if (!port) headers.push(['x-forwarded-port', String(socket.localPort ?? '')]);
  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    headers,
    body,
    sourceIp: forwardedFor === undefined ? peer : (clientOf(forwardedFor) ?? peer),
    protocol: req.httpVersion === '1.1' ? 'HTTP/1.1' : `HTTP/${req.httpVersion}`,
  };
}

/**
 * The right-most X-Forwarded-For entry, without the port the load balancer adds when
 * routing.http.xff_client_port.enabled is on ("192.0.2.1:4711", "[2001:db8::1]:4711").
 */
export function clientOf(forwardedFor: string): string | undefined {
  const comma = forwardedFor.lastIndexOf(',');
  const entry = (comma < 0 ? forwardedFor : forwardedFor.slice(comma + 1)).trim();
  if (!entry) return undefined;
  if (entry.startsWith('[')) {
    const end = entry.indexOf(']');
    return end > 1 ? entry.slice(1, end) : undefined;
  }
  const colon = entry.indexOf(':');
  // one colon is IPv4 with a port; more is a bare IPv6 address
  return unmapped(colon >= 0 && entry.indexOf(':', colon + 1) < 0 ? entry.slice(0, colon) : entry);
}

const unmapped = (ip: string) => (ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip);

/** The body; reading stops at the Function URL limit. An aborted upload never reaches the handler. */
async function readBody(req: IncomingMessage, length: number): Promise<Buffer | 'too large' | 'aborted'> {
  if (length > PAYLOAD_LIMIT_BYTES) return 'too large';
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      if (size > PAYLOAD_LIMIT_BYTES) return 'too large';
      chunks.push(chunk);
    }
  } catch {
    return 'aborted';
  }
  return Buffer.concat(chunks, size);
}

/** Writes the response; false when the client went away before it could have it. */
function send(res: ServerResponse, response: AdapterResponse, requestId: string, closeConnection: boolean): boolean {
  if (res.headersSent || res.destroyed) return false;
  const flat: string[] = [];
  for (const [name, value] of response.headers) if (!DROPPED.has(name)) flat.push(name, value);
  const body = response.body;
  flat.push('content-length', String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength), 'x-amzn-requestid', requestId);
  if (closeConnection) flat.push('connection', 'close');
  res.writeHead(response.statusCode, flat);
  res.end(body);
  return true;
}

const pathOf = (target: string) => {
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
};
const since = (started: number) => Math.round((performance.now() - started) * 100) / 100;

/** Printable ASCII without `"` and `\`: such a string is its own JSON. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const jsonString = (s: string) => (PLAIN.test(s) ? `"${s}"` : JSON.stringify(s));

/** JSON.stringify(line) + newline, from a template: the line's shape is fixed, only its strings need escaping. */
export function requestLogText(l: RequestLogLine): string {
  return `{"time":${jsonString(l.time)},"level":"info","requestId":${jsonString(l.requestId)},"method":${jsonString(l.method)},"path":${jsonString(l.path)},"status":${l.status},"durationMs":${l.durationMs}}\n`;
}

/** Any other log line (startup, shutdown): written at once, after the request lines queued before it. */
export function writeLogLine(line: object): void {
  writeLine(`${JSON.stringify(line)}\n`);
  flushLog();
}

/** Idle keep-alive longer than the load balancer's idle timeout (60 s by default), so the balancer, not us, closes idle connections. */
export const DEFAULT_KEEP_ALIVE_SECONDS = 65;

export function tuneForLoadBalancer(server: Server, keepAliveSeconds = DEFAULT_KEEP_ALIVE_SECONDS): void {
  server.keepAliveTimeout = keepAliveSeconds * 1000;
  // past keepAliveTimeout, or node could drop a connection the balancer is about to reuse
  server.headersTimeout = (keepAliveSeconds + 1) * 1000;
}

export async function listen(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${shown}:${address.port}`;
}

/**
 * Stops accepting, closes idle connections, lets in-flight requests finish (their responses carry
 * `connection: close`), and after timeoutMs cuts whatever is left. Resolves true when it had to cut.
 */
export async function closeGracefully(server: Server, timeoutMs: number, state: ShutdownState): Promise<boolean> {
  state.closing = true;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), timeoutMs);
  });
  const forced = await Promise.race([closed.then(() => false), timedOut]);
  clearTimeout(timer);
  if (forced) {
    server.closeAllConnections();
    await closed;
  }
  return forced;
}

export async function createFunctionUrlServer(
  options: ListenerOptions & { handler: FunctionUrlHandler | string; host?: string; port?: number },
): Promise<RunningServer> {
  const { handler, host = '127.0.0.1', port = 0, ...rest } = options;
  const fn = typeof handler === 'string' ? await readHandler(handler) : handler;
  const state: ShutdownState = { closing: false };
  const server = http.createServer(functionUrlListener(fn, { ...rest, state }));
  tuneForLoadBalancer(server);
  const url = await listen(server, host, port);
  return {
    url,
    server,
    close: async (timeoutMs = 10_000) => {
      await closeGracefully(server, timeoutMs, state);
    },
  };
}
