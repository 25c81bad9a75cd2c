import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { FunctionUrlEvent, FunctionUrlHandler } from '../../lambda/types.ts';
import { createFunctionUrlServer } from '../../container/http.ts';
import type { RequestLogLine, RunningServer } from '../../container/http.ts';
import { startServer } from '../../container/server.ts';
import { cases } from './cases.ts';
import * as handlers from './fixtures/handlers.ts';
import { rawRequest } from './raw-http.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function clf(epoch: number): string {
  const d = new Date(epoch);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

describe('the express server answers each table case on a real socket', () => {
  let current: FunctionUrlHandler = handlers.ok;
  const events: FunctionUrlEvent[] = [];
  const logs: RequestLogLine[] = [];
  const errors: unknown[] = [];
  let running: RunningServer;

  before(async () => {
    running = await startServer({
      handler: (event, context) => {
        events.push(structuredClone(event));
        return current(event, context);
      },
      host: '127.0.0.1',
      port: 0,
      log: (line) => logs.push(line),
      onError: (err) => errors.push(err),
    });
  });
  after(() => running.close());

  for (const c of cases) {
    test(c.name, async () => {
      current = handlers[c.handler];
      events.length = 0;
      logs.length = 0;
      errors.length = 0;
      const sent = Date.now();
      const res = await rawRequest(running.url, c.request);
      const received = Date.now();

      const requestId = res.headers.find(([n]) => n === 'x-amzn-requestid')?.[1] ?? '';
      assert.match(requestId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      if (c.event === null) {
        assert.equal(events.length, 0, 'the handler must not be called');
      } else {
        assert.equal(events.length, 1);
        const got = events[0]!;
        const epoch = got.requestContext.timeEpoch;
        assert.ok(epoch >= sent && epoch <= received, `timeEpoch ${epoch} is the time of the request`);
        // as on a Function URL, the event says who connected, over what and to which port; a client's own X-Forwarded-* never get through
        const forwarded = { 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'http', 'x-forwarded-port': new URL(running.url).port };
        const expected: FunctionUrlEvent = {
          ...c.event,
          headers: { ...c.event.headers, ...forwarded },
          requestContext: {
            ...c.event.requestContext,
            http: { ...c.event.requestContext.http, sourceIp: '127.0.0.1' },
            requestId,
            time: clf(epoch),
            timeEpoch: epoch,
          },
        };
        assert.deepEqual(got, expected);
      }

      const body = Buffer.from(c.response.body);
      const fromNode = new Set(['Date', 'Connection', 'Keep-Alive']);
      const closing = c.response.statusCode === 413;
      assert.equal(res.statusCode, c.response.statusCode);
      assert.deepEqual(
        res.headers.filter(([n]) => !fromNode.has(n)),
        [...c.response.headers, ['content-length', String(body.byteLength)], ['x-amzn-requestid', requestId], ...(closing ? [['connection', 'close']] : [])],
      );
      assert.deepEqual(
        res.headers.filter(([n]) => fromNode.has(n)).map(([n, v]) => (n === 'Date' ? [n, v.endsWith(' GMT')] : [n, v])),
        closing ? [['Date', true]] : [['Date', true], ['Connection', 'keep-alive'], ['Keep-Alive', 'timeout=65']],
      );
      assert.deepEqual(res.body, c.request.method === 'HEAD' ? Buffer.alloc(0) : body);

      assert.deepEqual(
        logs.map(({ method, path, status, requestId: id, level }) => ({ method, path, status, id, level })),
        [{ method: c.request.method, path: c.request.url.split('?')[0], status: c.response.statusCode, id: requestId, level: 'info' }],
      );
      assert.equal(errors.length, c.response.statusCode === 502 ? 1 : 0);
    });
  }
});

describe('the server in production', () => {
  let running: RunningServer;
  let calls = 0;
  before(async () => {
    running = await startServer({
      handler: async (e, ctx) => {
        calls += 1;
        return handlers.ok(e, ctx);
      },
      host: '127.0.0.1',
      port: 0,
      healthPath: '/ping',
      log: () => {},
    });
  });
  after(() => running.close());

  test('the health path answers without calling the handler, and only for GET and HEAD', async () => {
    calls = 0;
    const res = await fetch(`${running.url}/ping`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
    assert.equal(res.headers.get('x-powered-by'), null);
    assert.equal((await fetch(`${running.url}/ping`, { method: 'HEAD' })).status, 200);
    assert.equal(calls, 0);
    assert.equal((await fetch(`${running.url}/ping`, { method: 'POST' })).status, 200);
    assert.equal((await fetch(`${running.url}/healthz`)).status, 200);
    assert.equal(calls, 2, 'POST /ping and the default /healthz (moved away) reach the handler');
  });

  test('idle connections outlive a load balancer\'s 60 s idle timeout, and headers may take longer still', () => {
    assert.ok(running.server.keepAliveTimeout > 60_000);
    assert.ok(running.server.headersTimeout > running.server.keepAliveTimeout);
  });

  test('a chunked upload over 6 MB is refused with 413 before the handler runs', async () => {
    calls = 0;
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${running.url}/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < 7; i++) req.write(chunk);
      req.end();
    });
    assert.equal(status, 413);
    assert.equal(calls, 0);
  });
});

describe('a client that goes away', () => {
  test('an upload cut short never reaches the handler and is logged as 499', async () => {
    let calls = 0;
    const logs: RequestLogLine[] = [];
    const running = await startServer({
      handler: async () => {
        calls += 1;
        return 'x';
      },
      host: '127.0.0.1',
      port: 0,
      log: (l) => logs.push(l),
    });
    try {
      const { port } = new URL(running.url);
      const socket = net.connect(Number(port), '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      socket.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789');
      await new Promise((r) => setTimeout(r, 50));
      socket.destroy();
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(calls, 0);
      assert.deepEqual(logs.map((l) => [l.method, l.path, l.status]), [['POST', '/upload', 499]]);
    } finally {
      await running.close();
    }
  });
});

describe('stopping the server', () => {
  test('close() lets an in-flight request finish and refuses new connections', async () => {
    const running = await startServer({ handler: handlers.slow, host: '127.0.0.1', port: 0, log: () => {} });
    const inFlight = fetch(`${running.url}/`).then(async (r) => [r.status, await r.text(), r.headers.get('connection')]);
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await running.close(5_000);
    const waited = Date.now() - started;
    assert.deepEqual(await inFlight, [200, 'slow done', 'close']);
    assert.ok(waited >= 1_000 && waited < 3_000, `close waited ${waited} ms for the 1.5 s request`);
    await assert.rejects(fetch(`${running.url}/`), /fetch failed/);
  });

  test('close() cuts requests still running after the timeout', async () => {
    const running = await startServer({ handler: handlers.slow, host: '127.0.0.1', port: 0, log: () => {} });
    const inFlight = fetch(`${running.url}/`).then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await running.close(300);
    assert.ok(Date.now() - started < 1_000);
    assert.equal(await inFlight, 'cut');
  });
});

describe('the server as a process', () => {
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });

  function serve(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string; exit: Promise<number | null> }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'container/server.ts'], {
      cwd: ROOT,
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return new Promise((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        const m = /"message":"listening","url":"([^"]+)"/.exec(out);
        if (m) resolve({ child, url: m[1]!, output: () => out, exit });
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      void exit.then((code) => reject(new Error(`server exited with ${code} before listening:\n${out}`)));
    });
  }

  test('HANDLER picks any handler module, and SIGTERM lets the in-flight request finish and exits 0', async () => {
    const { child, url, output, exit } = await serve({ HANDLER: 'test/container/fixtures/handlers.slow', SLOW_MS: '1000' });
    const inFlight = fetch(`${url}/work`).then(async (r) => [r.status, await r.text()]);
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    assert.deepEqual(await inFlight, [200, 'slow done']);
    assert.equal(await exit, 0);
    const lines = output().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      lines.map((l) => l.message ?? `${l.method} ${l.path} ${l.status}`),
      ['listening', 'stopping', 'GET /work 200', 'stopped'],
    );
  });

  test('the default handler is the project\'s own', async () => {
    const { child, url, exit } = await serve({ HANDLER: '' });
    const res = await fetch(`${url}/`);
    assert.deepEqual(await res.json(), { message: 'Hello from ECS!' });
    child.kill('SIGINT');
    assert.equal(await exit, 0);
  });

  test('a HANDLER that does not load stops the process with exit code 1 and says why', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'container/server.ts'], {
      cwd: ROOT,
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', HANDLER: 'lambda/nothing-here.handler' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 1);
    assert.match(err, /HANDLER=lambda\/nothing-here\.handler: no module found/);
  });
});

describe('createFunctionUrlServer serves a handler without express', () => {
  test('a HANDLER spec is loaded and served as a Function URL would', async () => {
    const running = await createFunctionUrlServer({ handler: path.join(ROOT, 'test/container/fixtures/handlers.echo'), log: () => {} });
    try {
      assert.match(running.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${running.url}/x?a=1&a=2`, { headers: { cookie: 'k=v' } });
      const event = (await res.json()) as FunctionUrlEvent;
      assert.deepEqual([event.rawPath, event.queryStringParameters, event.cookies, event.headers.cookie], ['/x', { a: '1,2' }, ['k=v'], undefined]);
      assert.equal(res.headers.get('x-powered-by'), null);
    } finally {
      await running.close();
    }
  });
});
