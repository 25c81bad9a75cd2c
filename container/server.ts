/**
 * The ECS side: an express server that runs a Lambda Function URL handler for every request.
 *
 *   HANDLER=lambda/handler.handler PORT=3000 HOST=0.0.0.0 npx tsx container/server.ts
 *
 * Env: HANDLER (<module path>.<export>, default lambda/handler.handler), PORT (3000), HOST (0.0.0.0),
 * HEALTH_PATH (/healthz, answered here without calling the handler), SHUTDOWN_TIMEOUT (seconds that
 * in-flight requests get after SIGTERM/SIGINT, default 25 — under ECS's default 30 s stopTimeout),
 * FUNCTION_NAME (context.functionName; AWS_LAMBDA_FUNCTION_NAME stays unset, as on Fargate),
 * HANDLER_TIMEOUT (seconds, like the function's Timeout: a slower invocation answers 502; default none),
 * TRUST_PROXY (`alb`: behind our load balancer, the client is the right-most X-Forwarded-For entry;
 * unset: the socket's peer, and a client's X-Forwarded-* are dropped), KEEP_ALIVE_TIMEOUT_SECONDS
 * (idle keep-alive, default 65 — above the load balancer's idle timeout; headers timeout 1 s more).
 *
 * startServer(options) → { url, server, close() } is what tests and scripts call.
 */
import { realpathSync } from 'node:fs';
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import express from 'express';
import type { FunctionUrlHandler } from '../lambda/types.ts';
import { closeGracefully, DEFAULT_KEEP_ALIVE_SECONDS, functionUrlListener, listen, tuneForLoadBalancer, writeLogLine } from './http.ts';
import type { ListenerOptions, RunningServer, ShutdownState, TrustProxy } from './http.ts';
import { DEFAULT_HANDLER, readHandler } from './load-handler.ts';

export interface ServerOptions extends Omit<ListenerOptions, 'state'> {
  /** a function, or a HANDLER spec resolved against the working directory */
  handler?: FunctionUrlHandler | string;
  host?: string;
  port?: number;
  healthPath?: string;
  /** what close() waits for in-flight requests by default */
  shutdownTimeoutMs?: number;
  /** server.keepAliveTimeout in seconds (headersTimeout is 1 s more); default 65 */
  keepAliveTimeoutSeconds?: number;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const {
    handler = DEFAULT_HANDLER,
    host = '0.0.0.0',
    port = 3000,
    healthPath = '/healthz',
    shutdownTimeoutMs = 25_000,
    keepAliveTimeoutSeconds = DEFAULT_KEEP_ALIVE_SECONDS,
    ...listenerOptions
  } = options;
  const fn = typeof handler === 'string' ? await readHandler(handler) : handler;
  const state: ShutdownState = { closing: false };

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  const listener = functionUrlListener(fn, { ...listenerOptions, state });
  // one layer for both: each express layer costs every request a match and a next()
  app.use((req, res) => {
    const method = req.method;
    if ((method === 'GET' || method === 'HEAD') && isPath(req.url, healthPath)) {
      // 503 while draining, so a checker that still reaches us sees we are going away
      res.status(state.closing ? 503 : 200).json({ status: state.closing ? 'stopping' : 'ok' });
      return;
    }
    listener(req, res);
  });

  const server = http.createServer(app);
  tuneForLoadBalancer(server, keepAliveTimeoutSeconds);
  const url = await listen(server, host, port);
  return {
    url,
    server,
    close: async (timeoutMs = shutdownTimeoutMs) => {
      await closeGracefully(server, timeoutMs, state);
    },
  };
}

/** The request target's path is `path` (a query string may follow). */
function isPath(url: string, path: string): boolean {
  return url.startsWith(path) && (url.length === path.length || url.charCodeAt(path.length) === 63 /* ? */);
}

/** TRUST_PROXY and KEEP_ALIVE_TIMEOUT_SECONDS, which the deploy sets in load-balanced mode. */
export function proxySettings(env: NodeJS.ProcessEnv): { trustProxy?: TrustProxy; keepAliveTimeoutSeconds: number } {
  const trust = env.TRUST_PROXY?.trim() ?? '';
  if (trust !== '' && trust !== 'alb') throw new Error(`TRUST_PROXY=${trust}: expected alb (behind the service's load balancer) or nothing`);
  const raw = env.KEEP_ALIVE_TIMEOUT_SECONDS?.trim() ?? '';
  const keepAliveTimeoutSeconds = raw === '' ? DEFAULT_KEEP_ALIVE_SECONDS : Number(raw);
  if (!Number.isInteger(keepAliveTimeoutSeconds) || keepAliveTimeoutSeconds < 1) {
    throw new Error(`KEEP_ALIVE_TIMEOUT_SECONDS=${raw}: expected whole seconds above 0 (the load balancer's idle timeout + 5)`);
  }
  return { ...(trust === 'alb' ? { trustProxy: 'alb' as const } : {}), keepAliveTimeoutSeconds };
}

async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const port = Number(env.PORT || 3000);
  const shutdownSeconds = Number(env.SHUTDOWN_TIMEOUT || 25);
  const timeoutSeconds = env.HANDLER_TIMEOUT ? Number(env.HANDLER_TIMEOUT) : undefined;
  if (timeoutSeconds !== undefined && !(timeoutSeconds > 0)) throw new Error(`HANDLER_TIMEOUT=${env.HANDLER_TIMEOUT}: expected seconds above 0`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT=${env.PORT}: expected a port number`);
  if (!Number.isFinite(shutdownSeconds) || shutdownSeconds < 0) throw new Error(`SHUTDOWN_TIMEOUT=${env.SHUTDOWN_TIMEOUT}: expected seconds`);
  const handler = env.HANDLER || DEFAULT_HANDLER;
  const running = await startServer({
    handler,
    host: env.HOST || '0.0.0.0',
    port,
    healthPath: env.HEALTH_PATH || '/healthz',
    shutdownTimeoutMs: shutdownSeconds * 1000,
    ...(env.FUNCTION_NAME ? { functionName: env.FUNCTION_NAME } : {}),
    ...(timeoutSeconds !== undefined ? { timeoutMs: timeoutSeconds * 1000 } : {}),
    ...proxySettings(env),
  });
  writeLogLine({ time: new Date().toISOString(), level: 'info', message: 'listening', url: running.url, handler });

  // A stray rejection inside a handler must not take every in-flight request down with the process.
  process.on('unhandledRejection', (reason) => {
    writeLogLine({ time: new Date().toISOString(), level: 'error', message: 'unhandled rejection', error: String(reason instanceof Error ? reason.stack : reason) });
  });
  // As PID 1 node ignores SIGTERM unless it handles it; ECS stops tasks with SIGTERM.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    writeLogLine({ time: new Date().toISOString(), level: 'info', message: 'stopping', signal });
    void running.close().then(() => {
      writeLogLine({ time: new Date().toISOString(), level: 'info', message: 'stopped' });
      process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return pathToFileURL(realpathSync(entry)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main().catch((err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
