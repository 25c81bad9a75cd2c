import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { handler, platform } from '../../lambda/handler.ts';
import type { FunctionUrlStructuredResult } from '../../lambda/types.ts';
import { functionUrlEvent } from './event.ts';

const saved = process.env.AWS_LAMBDA_FUNCTION_NAME;
afterEach(() => {
  if (saved === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME;
  else process.env.AWS_LAMBDA_FUNCTION_NAME = saved;
});

async function call(event = functionUrlEvent()): Promise<FunctionUrlStructuredResult & { json: unknown }> {
  const result = (await handler(event)) as FunctionUrlStructuredResult;
  return { ...result, json: result.body === undefined ? undefined : JSON.parse(result.body) };
}

test('GET / says "Hello from Lambda!" when Lambda has set AWS_LAMBDA_FUNCTION_NAME', async () => {
  process.env.AWS_LAMBDA_FUNCTION_NAME = 'lambda2fargate-hello-HelloFunction-AbC123';
  const res = await call();
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json, { message: 'Hello from Lambda!' });
  assert.equal(res.headers?.['content-type'], 'application/json');
});

test('GET / says "Hello from ECS!" when the same code runs without AWS_LAMBDA_FUNCTION_NAME', async () => {
  delete process.env.AWS_LAMBDA_FUNCTION_NAME;
  const res = await call();
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json, { message: 'Hello from ECS!' });
});

test('an empty AWS_LAMBDA_FUNCTION_NAME counts as not on Lambda', () => {
  assert.equal(platform({ AWS_LAMBDA_FUNCTION_NAME: '' }), 'ECS');
  assert.equal(platform({ AWS_LAMBDA_FUNCTION_NAME: 'fn' }), 'Lambda');
  assert.equal(platform({ ECS_CONTAINER_METADATA_URI_V4: 'http://169.254.170.2/v4/x' }), 'ECS');
});

test('an unknown path answers 404 with a JSON body naming the path', async () => {
  const res = await call(functionUrlEvent({ rawPath: '/nope/deeper' }));
  assert.equal(res.statusCode, 404);
  assert.equal(res.headers?.['content-type'], 'application/json');
  assert.deepEqual(res.json, { message: 'Not found: /nope/deeper' });
});

test('HEAD / answers 200 like GET (load balancers and curl -I probe with it)', async () => {
  const res = await call(functionUrlEvent({ http: { method: 'HEAD' } }));
  assert.equal(res.statusCode, 200);
});

test('another method on / answers 405 with an Allow header', async () => {
  const res = await call(functionUrlEvent({ http: { method: 'POST' }, body: '{}' }));
  assert.equal(res.statusCode, 405);
  assert.equal(res.headers?.allow, 'GET, HEAD');
  assert.deepEqual(res.json, { message: 'Method not allowed: POST' });
});

test('the route comes from rawPath and the method from requestContext.http.method', async () => {
  // requestContext.http.path disagrees on purpose: rawPath must win.
  const notFound = await call(functionUrlEvent({ rawPath: '/x', http: { path: '/' } }));
  assert.equal(notFound.statusCode, 404);
  const found = await call(functionUrlEvent({ rawPath: '/', http: { path: '/x' } }));
  assert.equal(found.statusCode, 200);
  // a query string does not change the route
  const query = await call(functionUrlEvent({ rawQueryString: 'a=1', queryStringParameters: { a: '1' } }));
  assert.equal(query.statusCode, 200);
});

test('the result is a structured Function URL response: status, headers and a string body, not base64', async () => {
  const result = (await handler(functionUrlEvent())) as FunctionUrlStructuredResult;
  assert.equal(typeof result.statusCode, 'number');
  assert.equal(typeof result.body, 'string');
  assert.notEqual(result.isBase64Encoded, true);
  for (const [k, v] of Object.entries(result.headers ?? {})) {
    assert.equal(k, k.toLowerCase());
    assert.equal(typeof v, 'string');
  }
});
