import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FunctionUrlEvent } from '../../lambda/types.ts';
import { clientOf } from '../../container/http.ts';
import type { RunningServer } from '../../container/http.ts';
import { proxySettings, startServer } from '../../container/server.ts';
import * as handlers from './fixtures/handlers.ts';
import { rawRequest } from './raw-http.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** GET / with these header lines; the echo handler answers with the event it got. */
async function eventFor(url: string, headers: Array<[string, string]>): Promise<FunctionUrlEvent> {
  const res = await rawRequest(url, { method: 'GET', url: '/', headers: [['Host', 'svc.example.com'], ...headers] });
  assert.equal(res.statusCode, 200);
  return JSON.parse(res.body.toString()) as FunctionUrlEvent;
}

const forwarded = (e: FunctionUrlEvent) => [e.requestContext.http.sourceIp, e.headers['x-forwarded-for'], e.headers['x-forwarded-proto'], e.headers['x-forwarded-port']];

describe('who the client is', () => {
  let open: RunningServer;
  let alb: RunningServer;
  before(async () => {
    open = await startServer({ handler: handlers.echo, host: '127.0.0.1', port: 0, log: () => {} });
    alb = await startServer({ handler: handlers.echo, host: '127.0.0.1', port: 0, log: () => {}, trustProxy: 'alb' });
  });
  after(async () => {
    await open.close();
    await alb.close();
  });

  test('on a public IP a client cannot claim another address or protocol: the event has the socket\'s, as a Function URL\'s has its own', async () => {
    const event = await eventFor(open.url, [['X-Forwarded-For', '203.0.113.9'], ['X-Forwarded-Proto', 'https'], ['x-forwarded-port', '443']]);
    assert.deepEqual(forwarded(event), ['127.0.0.1', '127.0.0.1', 'http', new URL(open.url).port]);
  });

  test('behind the load balancer the client is the entry it appended, the right-most one, and the protocol is the one it saw', async () => {
    const event = await eventFor(alb.url, [['X-Forwarded-For', '203.0.113.9, 198.51.100.23'], ['X-Forwarded-Proto', 'https'], ['X-Forwarded-Port', '443']]);
    assert.deepEqual(forwarded(event), ['198.51.100.23', '203.0.113.9, 198.51.100.23', 'https', '443']);
  });

  test('behind the load balancer repeated X-Forwarded-For lines count as one list, whose last entry is the client', async () => {
    const event = await eventFor(alb.url, [['X-Forwarded-For', '203.0.113.9'], ['X-Forwarded-For', '198.51.100.23'], ['X-Forwarded-Proto', 'http']]);
    assert.equal(event.requestContext.http.sourceIp, '198.51.100.23');
    assert.equal(event.headers['x-forwarded-port'], new URL(alb.url).port, 'what the balancer did not say comes from the socket');
  });

  test('behind the load balancer a request without X-Forwarded-For (a health check) is from the socket\'s peer', async () => {
    const event = await eventFor(alb.url, []);
    assert.deepEqual(forwarded(event), ['127.0.0.1', '127.0.0.1', 'http', new URL(alb.url).port]);
  });

  test('the client entry loses the port the balancer can add, and IPv6 stays whole', () => {
    assert.equal(clientOf('203.0.113.9, 198.51.100.23:4711'), '198.51.100.23');
    assert.equal(clientOf('[2001:db8::1]:4711'), '2001:db8::1');
    assert.equal(clientOf('10.0.0.1, 2001:db8::7'), '2001:db8::7');
    assert.equal(clientOf('::ffff:192.0.2.4'), '192.0.2.4');
    assert.equal(clientOf('198.51.100.23 , '), undefined);
  });
});

describe('TRUST_PROXY and KEEP_ALIVE_TIMEOUT_SECONDS', () => {
  test('unset, the server trusts no proxy and keeps idle connections 65 s (headers 66 s)', async () => {
    assert.deepEqual(proxySettings({}), { keepAliveTimeoutSeconds: 65 });
    const running = await startServer({ handler: handlers.ok, host: '127.0.0.1', port: 0, log: () => {} });
    try {
      assert.deepEqual([running.server.keepAliveTimeout, running.server.headersTimeout], [65_000, 66_000]);
    } finally {
      await running.close();
    }
  });

  test('they are read as the deploy writes them, and anything else is refused by name', () => {
    assert.deepEqual(proxySettings({ TRUST_PROXY: 'alb', KEEP_ALIVE_TIMEOUT_SECONDS: '125' }), { trustProxy: 'alb', keepAliveTimeoutSeconds: 125 });
    assert.throws(() => proxySettings({ TRUST_PROXY: 'yes' }), /TRUST_PROXY=yes: expected alb/);
    assert.throws(() => proxySettings({ KEEP_ALIVE_TIMEOUT_SECONDS: '0' }), /KEEP_ALIVE_TIMEOUT_SECONDS=0: expected whole seconds above 0/);
    assert.throws(() => proxySettings({ KEEP_ALIVE_TIMEOUT_SECONDS: '6.5' }), /KEEP_ALIVE_TIMEOUT_SECONDS=6\.5/);
  });

  test('the server process takes both from its environment: Keep-Alive says the timeout, and the client is the balancer\'s', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'container/server.ts'], {
      cwd: ROOT,
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', HANDLER: 'test/container/fixtures/handlers.echo', TRUST_PROXY: 'alb', KEEP_ALIVE_TIMEOUT_SECONDS: '7' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /"message":"listening","url":"([^"]+)"/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
      });
      const res = await rawRequest(url, { method: 'GET', url: '/', headers: [['Host', 'x'], ['X-Forwarded-For', '203.0.113.9, 198.51.100.23'], ['X-Forwarded-Proto', 'https']] });
      assert.deepEqual(res.headers.find(([n]) => n === 'Keep-Alive'), ['Keep-Alive', 'timeout=7']);
      const event = JSON.parse(res.body.toString()) as FunctionUrlEvent;
      assert.deepEqual([event.requestContext.http.sourceIp, event.headers['x-forwarded-proto']], ['198.51.100.23', 'https']);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
    }
  });
});
