import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { FunctionUrlContext, FunctionUrlEvent, FunctionUrlHandler } from '../../lambda/types.ts';
import { invoke, PAYLOAD_LIMIT_BYTES, toEvent, toResponse, InvalidResultError } from '../../container/adapter.ts';
import { readHandler } from '../../container/load-handler.ts';
import { cases, NOW, REQUEST_ID, SOURCE_IP } from './cases.ts';
import * as handlers from './fixtures/handlers.ts';

function recording(handler: FunctionUrlHandler): { fn: FunctionUrlHandler; events: FunctionUrlEvent[]; contexts: Array<FunctionUrlContext | undefined> } {
  const events: FunctionUrlEvent[] = [];
  const contexts: Array<FunctionUrlContext | undefined> = [];
  const fn: FunctionUrlHandler = (event, context) => {
    events.push(structuredClone(event));
    contexts.push(context);
    return handler(event, context);
  };
  return { fn, events, contexts };
}

describe('the adapter maps each table case exactly as a Function URL would', () => {
  assert.ok(cases.length >= 30, `the table has ${cases.length} cases`);
  for (const c of cases) {
    test(c.name, async () => {
      const { fn, events, contexts } = recording(handlers[c.handler]);
      const errors: unknown[] = [];
      const response = await invoke(
        fn,
        { method: c.request.method, url: c.request.url, headers: c.request.headers, body: c.request.body ?? Buffer.alloc(0), sourceIp: SOURCE_IP },
        { requestId: REQUEST_ID, now: NOW, onError: (err) => errors.push(err) },
      );
      if (c.event === null) {
        assert.equal(events.length, 0, 'the handler must not be called');
      } else {
        assert.deepEqual(events, [c.event]);
        assert.equal(contexts[0]?.awsRequestId, REQUEST_ID);
      }
      // the bytes sent: text goes out as UTF-8
      assert.deepEqual({ ...response, body: Buffer.from(response.body) }, { ...c.response, body: Buffer.from(c.response.body) });
      assert.equal(errors.length, c.response.statusCode === 502 ? 1 : 0, 'exactly the failures are reported to onError');
    });
  }
});

describe('the adapter outside the table', () => {
  test('an IPv4-mapped IPv6 source address is reported as plain IPv4', () => {
    const event = toEvent({ method: 'get', url: '/', headers: [], body: Buffer.alloc(0), sourceIp: '::ffff:10.0.0.9' }, { requestId: 'r', now: NOW });
    assert.equal(event.requestContext.http.sourceIp, '10.0.0.9');
    assert.equal(event.requestContext.http.method, 'GET');
    assert.equal(event.requestContext.domainName, 'localhost');
  });

  test('account, url id and domain name can be set for the deployment', () => {
    const event = toEvent(
      { method: 'GET', url: '/', headers: [['host', '10.1.2.3:3000']], body: Buffer.alloc(0), sourceIp: '10.0.0.1' },
      { requestId: 'r', now: NOW, accountId: '123456789012', apiId: 'svc', domainName: 'svc.example.com' },
    );
    assert.deepEqual(
      [event.requestContext.accountId, event.requestContext.apiId, event.requestContext.domainName, event.requestContext.domainPrefix],
      ['123456789012', 'svc', 'svc.example.com', 'svc'],
    );
  });

  test('an absolute-form request target is reduced to path and query', () => {
    const event = toEvent({ method: 'GET', url: 'http://example.com/a/b?x=1', headers: [], body: Buffer.alloc(0), sourceIp: '' }, { requestId: 'r', now: NOW });
    assert.deepEqual([event.rawPath, event.rawQueryString, event.queryStringParameters], ['/a/b', 'x=1', { x: '1' }]);
  });

  test('a result over the 6 MB response limit is a 502', async () => {
    const big: FunctionUrlHandler = async () => ({ statusCode: 200, body: 'a'.repeat(PAYLOAD_LIMIT_BYTES) });
    const errors: unknown[] = [];
    const response = await invoke(big, { method: 'GET', url: '/', headers: [], body: Buffer.alloc(0), sourceIp: '' }, { onError: (e) => errors.push(e) });
    assert.equal(response.statusCode, 502);
    assert.ok(errors[0] instanceof InvalidResultError);
  });

  test('a function result cannot be represented in JSON and is rejected', () => {
    assert.throws(() => toResponse(() => 1), InvalidResultError);
  });

  test('a statusCode outside 100 to 599 is rejected', () => {
    assert.throws(() => toResponse({ statusCode: 700 }), /statusCode must be an integer from 100 to 599/);
  });

  test('the context carries the request id and the configured function name', async () => {
    const { fn, contexts } = recording(handlers.ok);
    await invoke(fn, { method: 'GET', url: '/', headers: [], body: Buffer.alloc(0), sourceIp: '' }, { requestId: 'abc', functionName: 'hello' });
    const { getRemainingTimeInMillis, ...rest } = contexts[0] ?? {};
    assert.deepEqual(rest, { awsRequestId: 'abc', functionName: 'hello' });
    assert.equal(getRemainingTimeInMillis?.(), Number.MAX_SAFE_INTEGER, 'no timeout unless one is set');
  });

  test('past timeoutMs the invocation is a 502 reported as timed out, and the remaining time counts down', async () => {
    const remaining: number[] = [];
    const slow: FunctionUrlHandler = async (_e, ctx) => {
      remaining.push(ctx?.getRemainingTimeInMillis?.() ?? -1);
      await new Promise((r) => setTimeout(r, 300));
      return 'late';
    };
    const errors: unknown[] = [];
    const started = Date.now();
    const response = await invoke(slow, { method: 'GET', url: '/', headers: [], body: Buffer.alloc(0), sourceIp: '' }, { timeoutMs: 100, onError: (e) => errors.push(e) });
    assert.equal(response.statusCode, 502);
    assert.ok(Date.now() - started < 250, 'the client does not wait for the handler');
    assert.match(String(errors[0]), /Task timed out after 0\.10 seconds/);
    assert.ok(remaining[0]! > 0 && remaining[0]! <= 100);
  });

  test('each invocation gets a fresh request id when none is given', async () => {
    const { fn, events } = recording(handlers.ok);
    const req = { method: 'GET', url: '/', headers: [], body: Buffer.alloc(0), sourceIp: '' };
    await invoke(fn, req);
    await invoke(fn, req);
    const [a, b] = events.map((e) => e.requestContext.requestId);
    assert.match(a ?? '', /^[0-9a-f-]{36}$/);
    assert.notEqual(a, b);
  });

  test('a failure is logged as one JSON line on stderr by default, with the stack, and the client sees none of it', async () => {
    const written: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      const response = await invoke(handlers.throws, { method: 'GET', url: '/', headers: [], body: Buffer.alloc(0), sourceIp: '' }, { requestId: 'rid-1' });
      assert.equal(response.body.toString(), 'Internal Server Error');
    } finally {
      process.stderr.write = original;
    }
    assert.equal(written.length, 1);
    const line = JSON.parse(written[0]!) as { level: string; requestId: string; error: string };
    assert.equal(line.level, 'error');
    assert.equal(line.requestId, 'rid-1');
    assert.match(line.error, /boom: secret detail/);
    assert.match(line.error, /at /, 'the stack is logged');
  });
});

describe('readHandler loads a handler named like Lambda\'s handler setting', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'l2f-handler-'));
  writeFileSync(path.join(dir, 'esm.mjs'), 'export const handler = async () => "esm";\nexport const nested = { deep: { fn: async () => "nested" } };\nexport const notFn = 1;\n');
  writeFileSync(path.join(dir, 'common.cjs'), 'exports.handler = async () => "cjs";\n');
  writeFileSync(path.join(dir, 'plain.js'), 'export async function main() { return "js"; }\n');
  writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
  const run = async (spec: string, cwd = dir) => (await readHandler(spec, cwd))({} as FunctionUrlEvent);

  test('a relative module path without extension resolves .mjs, .cjs and .js', async () => {
    assert.deepEqual([await run('esm.handler'), await run('common.handler'), await run('plain.main')], ['esm', 'cjs', 'js']);
  });

  test('a TypeScript module resolves too (under tsx)', async () => {
    const fn = await readHandler('fixtures/handlers.string', import.meta.dirname);
    assert.equal(await fn({} as FunctionUrlEvent), 'Hello, world!');
  });

  test('an absolute module path and a nested export work', async () => {
    assert.equal(await run(`${dir}/esm.nested.deep.fn`, '/'), 'nested');
  });

  test('a missing module names the files it tried', async () => {
    await assert.rejects(readHandler('nope.handler', dir), (err: Error) => err.message.includes(`${dir}/nope.mjs`) && err.message.startsWith('HANDLER=nope.handler'));
  });

  test('an export that is not a function is refused', async () => {
    await assert.rejects(readHandler('esm.notFn', dir), /has no function export notFn \(found number\)/);
    await assert.rejects(readHandler('esm.missing', dir), /has no function export missing \(found undefined\)/);
  });

  test('a spec without an export is refused with an example', async () => {
    await assert.rejects(readHandler('lambda/handler', dir), /expected <module path>\.<export>, e\.g\. lambda\/handler\.handler/);
    await assert.rejects(readHandler('handler.', dir), /expected <module path>\.<export>/);
  });

  test.after(() => rmSync(dir, { recursive: true, force: true }));
});
