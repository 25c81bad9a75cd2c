import net from 'node:net';
import { UserError, message } from '../lib/errors.ts';

/** Reads a port from an environment variable, or the fallback when it is unset or empty. */
export function portFromEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UserError(message(`${name}=${raw}`, 'not a TCP port', 'use a whole number from 1 to 65535'));
  }
  return port;
}

/** Resolves when nothing listens on host:port, by briefly listening there ourselves. */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(false);
      else reject(err);
    });
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function assertPortFree(host: string, port: number, envName: string): Promise<void> {
  if (await isPortFree(host, port)) return;
  throw new UserError(
    message(`port ${port} on ${host}`, 'already in use', `stop what listens there (\`ss -ltnp 'sport = :${port}'\`) or choose another with ${envName}=<port>`),
  );
}

/** A port the kernel has just handed out as free; good enough for short-lived local runs. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host, port: 0 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** resolves early with false when this says the server can no longer come up (its process died) */
  gaveUp?: () => string | undefined;
}

/** Polls url until it answers 200; returns the milliseconds it took. */
export async function waitFor200(url: string, options: WaitOptions): Promise<number> {
  const started = performance.now();
  const interval = options.intervalMs ?? 25;
  let last = 'no answer yet';
  while (performance.now() - started < options.timeoutMs) {
    const reason = options.gaveUp?.();
    if (reason) throw new Error(`${url} will not answer: ${reason}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - started;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
  throw new Error(`${url} did not answer 200 within ${Math.round(options.timeoutMs / 1000)} s (last: ${last})`);
}
