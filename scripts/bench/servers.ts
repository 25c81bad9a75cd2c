import path from 'node:path';
import { startChild, nodeTs, type Child } from '../local/children.ts';
import { atInterrupt } from '../local/cleanup.ts';
import { freePort, waitFor200 } from '../local/ports.ts';
import { ToolError, message } from '../lib/errors.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface BenchServer {
  name: string;
  what: string;
  script: string;
  env?: Record<string, string>;
}

export const EXPRESS: BenchServer = { name: 'plain express route', what: 'express 5 with one `res.json()` route: what the framework costs', script: 'scripts/bench/servers/express.ts' };
export const CONTAINER: BenchServer = {
  name: 'container server (adapter)',
  what: '`container/server.ts` running `lambda/handler.ts` through the adapter, as in the image (it writes a JSON log line per request, sent to /dev/null here)',
  script: 'container/server.ts',
  env: { HANDLER: 'lambda/handler.handler', HEALTH_PATH: '/healthz' },
};
export const SERVERS: BenchServer[] = [
  { name: 'bare node:http', what: 'the ceiling: `node:http` writing the same JSON, no framework, no adapter', script: 'scripts/bench/servers/bare.ts' },
  EXPRESS,
  CONTAINER,
];

export interface Started {
  url: string;
  child: Child;
  stop: () => Promise<void>;
}

/** A server in its own process, so it never shares an event loop with the load generator. */
/** `nodeArgs` go before the script (e.g. --cpu-prof). */
export async function startServer(s: BenchServer, nodeArgs: string[] = []): Promise<Started> {
  const port = await freePort();
  const { command, args } = nodeTs(path.resolve(ROOT, s.script));
  args.unshift(...nodeArgs);
  const errors: string[] = [];
  const child = startChild({
    name: s.name,
    command,
    args,
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', ...s.env, HOST: '127.0.0.1', PORT: String(port) },
    onLine: (line, stream) => {
      if (stream === 'stderr') errors.push(line);
    },
    quietStdout: true,
  });
  const url = `http://127.0.0.1:${port}/`;
  const forget = atInterrupt(() => child.stop());
  const stop = async () => {
    await child.stop();
    forget();
  };
  try {
    await waitFor200(url, { timeoutMs: 30_000, gaveUp: child.exited });
  } catch (err) {
    await stop();
    throw new ToolError(message(`bench server "${s.name}"`, `${(err as Error).message}${errors.length ? `\n${errors.slice(-10).join('\n')}` : ''}`, `run \`PORT=3000 npx tsx ${s.script}\` to see why`));
  }
  return { url, child, stop };
}
