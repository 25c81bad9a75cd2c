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
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FunctionUrlHandler } from '../lambda/types.ts';
import { invoke, payloadTooLarge, PAYLOAD_LIMIT_BYTES } from './adapter.ts';
import type { AdapterRequest, AdapterResponse, InvokeOptions } from './adapter.ts';
import { readHandler } from './load-handler.ts';

export interface RequestLogLine {
  time: string;
  level: 'info';
  requestId: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
}

export interface ListenerOptions extends Pick<InvokeOptions, 'accountId' | 'apiId' | 'domainName' | 'functionName' | 'onError' | 'timeoutMs'> {
  /** one call per finished request; default: a JSON line on stdout */
  log?: (line: RequestLogLine) => void;
  /** shared with closeGracefully: once closing, responses ask the client to close the connection */
  state?: ShutdownState;
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

export function functionUrlListener(handler: FunctionUrlHandler, opts: ListenerOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const log = opts.log ?? writeLogLine;
  return (req, res) => {
    const started = performance.now();
    const requestId = randomUUID();
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    // 'close' also fires when the client goes away before the response is complete
    res.once('close', () => {
      log({
        time: new Date().toISOString(),
        level: 'info',
        requestId,
        method: req.method ?? 'GET',
        path: q < 0 ? target : target.slice(0, q),
        status: res.writableFinished ? res.statusCode : 499,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      });
    });
    void handle(handler, req, res, requestId, opts);
  };
}

async function handle(handler: FunctionUrlHandler, req: IncomingMessage, res: ServerResponse, requestId: string, opts: ListenerOptions): Promise<void> {
  const body = await readBody(req);
  if (body === 'aborted') return;
  if (body === 'too large') {
    // the client may still be sending; don't read megabytes more on a keep-alive connection
    send(res, payloadTooLarge(), requestId, true);
    return;
  }
  const headers: Array<[string, string]> = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  const request: AdapterRequest = {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    headers,
    body,
    sourceIp: req.socket.remoteAddress ?? '',
    protocol: `HTTP/${req.httpVersion}`,
  };
  const { log: _log, state: _state, ...invokeOptions } = opts;
  const response = await invoke(handler, request, { ...invokeOptions, requestId });
  send(res, response, requestId, opts.state?.closing ?? false);
}

/** The body; reading stops at the Function URL limit. An aborted upload never reaches the handler. */
async function readBody(req: IncomingMessage): Promise<Buffer | 'too large' | 'aborted'> {
  if (Number(req.headers['content-length'] ?? 0) > PAYLOAD_LIMIT_BYTES) return 'too large';
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

function send(res: ServerResponse, response: AdapterResponse, requestId: string, closeConnection: boolean): void {
  if (res.headersSent || res.destroyed) return;
  const flat: string[] = [];
  for (const [name, value] of response.headers) if (!DROPPED.has(name)) flat.push(name, value);
  flat.push('content-length', String(response.body.byteLength), 'x-amzn-requestid', requestId);
  if (closeConnection) flat.push('connection', 'close');
  res.writeHead(response.statusCode, flat);
  res.end(response.body);
}

export function writeLogLine(line: object): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** Idle keep-alive above a load balancer's 60 s, so the balancer (not us) closes idle connections. */
export function tuneForLoadBalancer(server: Server): void {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
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
