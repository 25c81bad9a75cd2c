/** What lambda/handler.ts answers on GET / in the container, so every server sends the same bytes. */
export const MESSAGE = { message: 'Hello from ECS!' };
export const BODY = Buffer.from(JSON.stringify(MESSAGE));

export function listenAddress(env: NodeJS.ProcessEnv = process.env): { host: string; port: number } {
  const port = Number(env.PORT);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`PORT=${env.PORT ?? ''}: not a port — the bench sets it`);
  return { host: env.HOST || '127.0.0.1', port };
}

// The bench stops servers with SIGTERM; exit at once rather than finish keep-alive connections.
process.on('SIGTERM', () => process.exit(0));
