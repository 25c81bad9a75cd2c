import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { clfTime, newRequestId, toResponse } from '../../container/adapter.ts';
import { createFunctionUrlServer, requestLogText, writeLogLine } from '../../container/http.ts';
import type { RequestLogLine } from '../../container/http.ts';
import { flushLog, isoTime, writeLine } from '../../container/log.ts';
import { rawRequest } from './raw-http.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('what the server computes once and shares between requests', () => {
  test('the Function URL time string is the request\'s own second, also when seconds go back and forth', () => {
    const t = Date.UTC(2020, 2, 4, 19, 3, 58, 390);
    assert.equal(clfTime(t), '04/Mar/2020:19:03:58 +0000');
    assert.equal(clfTime(t + 609), '04/Mar/2020:19:03:58 +0000');
    assert.equal(clfTime(t + 610), '04/Mar/2020:19:03:59 +0000');
    assert.equal(clfTime(t), '04/Mar/2020:19:03:58 +0000');
    assert.equal(clfTime(Date.UTC(2026, 11, 31, 23, 59, 59, 999)), '31/Dec/2026:23:59:59 +0000');
    assert.equal(clfTime(Date.UTC(2027, 0, 1, 0, 0, 0, 0)), '01/Jan/2027:00:00:00 +0000');
  });

  test('the log time is the ISO string of its own millisecond', () => {
    const t = Date.UTC(2026, 11, 1, 16, 0, 0, 5);
    assert.equal(isoTime(t), '2026-12-01T16:00:00.005Z');
    assert.equal(isoTime(t + 1), '2026-12-01T16:00:00.006Z');
    assert.equal(isoTime(t), '2026-12-01T16:00:00.005Z');
  });

  test('request ids are UUID v4 strings, all different, and another process draws another random part', () => {
    const ids = Array.from({ length: 100_000 }, newRequestId);
    for (const id of [ids[0]!, ids[15]!, ids[16]!, ids.at(-1)!]) assert.match(id, UUID_V4);
    assert.equal(new Set(ids).size, ids.length);
    const script = `import { newRequestId } from ${JSON.stringify(path.join(ROOT, 'container/adapter.ts'))}; console.log(newRequestId());`;
    const other = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' }).trim();
    assert.match(other, UUID_V4);
    assert.notEqual(other.slice(0, 24), ids[0]!.slice(0, 24));
  });
});

describe('the request log line', () => {
  const base: RequestLogLine = { time: '2026-12-01T16:00:00.005Z', level: 'info', requestId: 'a-b', method: 'GET', path: '/', status: 200, durationMs: 0.25 };

  test('is byte for byte what JSON.stringify makes of it, whatever the path holds', () => {
    const paths = ['/', '/a"b', '/back\\slash', '/caf%C3%A9', '/café', '/tab\there', '/nl\nx', '/\u0000\u001f\u007f', '/emoji-😀', '/\ud800lone'];
    for (const path of paths) {
      for (const line of [{ ...base, path }, { ...base, path, method: 'M"', status: 499, durationMs: 1234.56 }]) {
        assert.equal(requestLogText(line), `${JSON.stringify(line)}\n`, `path ${JSON.stringify(path)}`);
      }
    }
  });

  test('lines written in one turn of the event loop leave in one write, in order, after it', async () => {
    const writes: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    // the test runner reports on stdout too, in binary; the log writes text
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      if (typeof chunk !== 'string') return original(chunk, ...rest);
      writes.push(chunk);
      return true;
    }) as typeof process.stdout.write;
    try {
      writeLine('one\n');
      writeLine('two\n');
      assert.deepEqual(writes, [], 'nothing is written before the turn ends');
      await new Promise((r) => setImmediate(r));
      writeLine('three\n');
      flushLog();
      assert.deepEqual(writes, ['one\ntwo\n', 'three\n']);
      await new Promise((r) => setImmediate(r));
      assert.equal(writes.length, 2, 'a flush leaves nothing for the next turn');
      writeLine('four\n');
      writeLogLine({ message: 'stopping' });
      assert.deepEqual(writes.slice(2), ['four\n{"message":"stopping"}\n'], 'a lifecycle line goes out at once, after what was queued');
    } finally {
      process.stdout.write = original;
    }
  });
});

describe('a handler result read without the JSON round trip gives the response the round trip gives', () => {
  const cases: Array<[string, unknown]> = [
    ['a number header', { statusCode: 200, headers: { 'X-N': 1.5, ok: true }, body: 'x' }],
    ['a NaN header (JSON makes it null)', { statusCode: 200, headers: { n: Number.NaN } }],
    ['an undefined header (JSON drops it)', { statusCode: 200, headers: { gone: undefined, kept: 'y' } }],
    ['an undefined body', { statusCode: 204, body: undefined }],
    ['a null body', { statusCode: 200, body: null }],
    ['an extra key Lambda ignores', { statusCode: 200, body: 'x', extra: { deep: [1] } }],
    ['an extra BigInt (JSON cannot)', { statusCode: 200, body: 'x', n: 1n }],
    ['a Date header', { statusCode: 200, headers: { when: new Date(0) } }],
    ['a class instance', new (class R { statusCode = 201; body = 'from a class'; })()],
    ['cookies with a hole', { statusCode: 200, cookies: ['a=1', , 'b=2'] }],
    ['base64', { statusCode: 200, body: Buffer.from('hi').toString('base64'), isBase64Encoded: true }],
    ['isBase64Encoded as a string', { statusCode: 200, body: 'x', isBase64Encoded: 'yes' }],
  ];
  const viaJson = (result: unknown) => {
    try {
      // what the full path makes of a value it reads from JSON; plain data either way
      const json = JSON.stringify(result);
      return toResponse(json === undefined ? undefined : JSON.parse(json));
    } catch (err) {
      return (err as Error).message;
    }
  };
  const direct = (result: unknown) => {
    try {
      return toResponse(result);
    } catch (err) {
      return (err as Error).message;
    }
  };
  for (const [name, result] of cases) {
    test(name, () => {
      const expected = name.includes('BigInt') ? /not serializable to JSON/ : undefined;
      if (expected) assert.match(String(direct(result)), expected);
      else assert.deepEqual(direct(result), viaJson(result));
    });
  }
});

describe('a text body kept a string on its way out is sent as its UTF-8 bytes', () => {
  const texts: Array<[string, string]> = [
    ['ASCII', '{"message":"Hello from ECS!"}'],
    ['non-ASCII', 'héllo 🌍 — ✓ 日本語'],
    ['a lone surrogate (UTF-8 makes it U+FFFD)', 'a\ud800b'],
  ];
  for (const [name, text] of texts) {
    test(`${name}: the bytes received are its UTF-8 bytes, and Content-Length counts them`, async () => {
      const running = await createFunctionUrlServer({ handler: async () => ({ statusCode: 200, body: text }), log: () => {} });
      try {
        const res = await rawRequest(running.url, { method: 'GET', url: '/', headers: [['Host', 'x'], ['Connection', 'close']] });
        assert.deepEqual(res.body, Buffer.from(text));
        assert.equal(res.headers.find(([n]) => n === 'content-length')?.[1], String(Buffer.from(text).byteLength));
      } finally {
        await running.close();
      }
    });
  }
});

test('invokeAs names no closure per request: under esbuild --keep-names, as in the image, each would cost a defineProperty', async () => {
  const { build } = await import('esbuild');
  const out = await build({ entryPoints: [path.join(ROOT, 'container/adapter.ts')], write: false, format: 'esm', platform: 'node', keepNames: true, logLevel: 'silent' });
  const code = out.outputFiles[0]!.text;
  const body = code.slice(code.indexOf('function invokeAs('), code.indexOf('__name(invokeAs,'));
  assert.ok(body.includes('buildEvent('), 'the body of invokeAs was found');
  assert.doesNotMatch(body, /__name\(/);
});
