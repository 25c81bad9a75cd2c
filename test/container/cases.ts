/**
 * Requests through the Function URL adapter, each with the exact event the handler must receive and
 * the exact response the client must get. adapter.test.ts runs them through invoke(); server.test.ts
 * sends the same bytes to the real server on a socket.
 */
import type { FunctionUrlEvent } from '../../lambda/types.ts';
import type * as handlers from './fixtures/handlers.ts';

export interface Case {
  name: string;
  request: {
    method: string;
    url: string;
    /** every header line sent, as sent (the socket test writes exactly these) */
    headers: Array<[string, string]>;
    body?: Buffer;
  };
  /** export of fixtures/handlers.ts */
  handler: keyof typeof handlers;
  /** the event the handler gets; null when the handler must not be called */
  event: FunctionUrlEvent | null;
  /** the adapter's response; over HTTP, content-length and x-amzn-requestid follow these headers */
  response: { statusCode: number; headers: Array<[string, string]>; body: Buffer | string };
}

/** The fixed invocation context the adapter test uses; the server test checks the real values instead. */
export const REQUEST_ID = '3f6e1a2b-8c4d-4e5f-9a6b-7c8d9e0f1a2b';
export const NOW = new Date('2026-03-12T19:03:58.390Z');
export const SOURCE_IP = '203.0.113.7';
const DOMAIN = 'abc123xyz.lambda-url.us-east-1.on.aws';
const UA = 'cases/1.0';

const BASE: Array<[string, string]> = [['Host', DOMAIN], ['User-Agent', UA]];
const withLength = (type: string | undefined, body: Buffer): Array<[string, string]> => [
  ...BASE,
  ...(type ? ([['Content-Type', type]] as Array<[string, string]>) : []),
  ['Content-Length', String(body.byteLength)],
];

function event(over: Partial<Omit<FunctionUrlEvent, 'requestContext'>> & { method?: string; userAgent?: string; domainName?: string } = {}): FunctionUrlEvent {
  const { method = 'GET', userAgent = UA, domainName = DOMAIN, ...rest } = over;
  const rawPath = rest.rawPath ?? '/';
  const prefix = domainName.split('.')[0]!;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers: { host: domainName, 'user-agent': userAgent },
    ...rest,
    requestContext: {
      accountId: 'anonymous',
      apiId: prefix,
      domainName,
      domainPrefix: prefix,
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: SOURCE_IP, userAgent },
      requestId: REQUEST_ID,
      routeKey: '$default',
      stage: '$default',
      time: '12/Mar/2026:19:03:58 +0000',
      timeEpoch: 1773342238390,
    },
    isBase64Encoded: rest.isBase64Encoded ?? false,
  };
}

const OK = { statusCode: 200, headers: [], body: 'ok' };
const JSON_TYPE: [string, string] = ['content-type', 'application/json'];
const BAD_GATEWAY = { statusCode: 502, headers: [['content-type', 'text/plain; charset=utf-8']] as Array<[string, string]>, body: 'Internal Server Error' };

const json = Buffer.from('{"key1":"value1","key2":"value2"}');
const unicodeText = Buffer.from('héllo 🌍 — ✓ 日本語');
const binary = Buffer.from([0x00, 0x01, 0x02, 0xfe, 0xff, 0x80]);
const form = Buffer.from('name=Jane+Doe&city=Z%C3%BCrich');
const invalidUtf8 = Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]);
const oversize = Buffer.alloc(6 * 1024 * 1024 + 1, 0x61);
const exactLimit = Buffer.alloc(6 * 1024 * 1024, 0x61);

export const cases: Case[] = [
  {
    name: 'a plain GET of the root',
    request: { method: 'GET', url: '/', headers: BASE },
    handler: 'ok',
    event: event(),
    response: OK,
  },
  {
    name: 'a nested path keeps its percent-encoding in rawPath and http.path',
    request: { method: 'GET', url: '/caf%C3%A9/a%20b/c', headers: BASE },
    handler: 'ok',
    event: event({ rawPath: '/caf%C3%A9/a%20b/c' }),
    response: OK,
  },
  {
    name: 'query parameters arrive raw and parsed, without the leading question mark',
    request: { method: 'GET', url: '/search?a=1&b=two', headers: BASE },
    handler: 'ok',
    event: event({ rawPath: '/search', rawQueryString: 'a=1&b=two', queryStringParameters: { a: '1', b: 'two' } }),
    response: OK,
  },
  {
    name: 'repeated query keys are joined with commas in order',
    request: { method: 'GET', url: '/?parameter1=value1&parameter1=value2&parameter2=value', headers: BASE },
    handler: 'ok',
    event: event({
      rawQueryString: 'parameter1=value1&parameter1=value2&parameter2=value',
      queryStringParameters: { parameter1: 'value1,value2', parameter2: 'value' },
    }),
    response: OK,
  },
  {
    name: 'encoded query characters are decoded in queryStringParameters only',
    request: { method: 'GET', url: '/?q=caf%C3%A9&plus=a%2Bb&space=a+b&amp=x%26y', headers: BASE },
    handler: 'ok',
    event: event({
      rawQueryString: 'q=caf%C3%A9&plus=a%2Bb&space=a+b&amp=x%26y',
      queryStringParameters: { q: 'café', plus: 'a+b', space: 'a b', amp: 'x&y' },
    }),
    response: OK,
  },
  {
    name: 'a query key without a value maps to the empty string',
    request: { method: 'GET', url: '/?flag&empty=', headers: BASE },
    handler: 'ok',
    event: event({ rawQueryString: 'flag&empty=', queryStringParameters: { flag: '', empty: '' } }),
    response: OK,
  },
  {
    name: 'a bare question mark gives an empty rawQueryString and no parameters',
    request: { method: 'GET', url: '/path?', headers: BASE },
    handler: 'ok',
    event: event({ rawPath: '/path' }),
    response: OK,
  },
  {
    name: 'several cookies become the cookies array and leave the headers',
    request: { method: 'GET', url: '/', headers: [...BASE, ['Cookie', 'Cookie_1=Value_1; Cookie_2=Value_2; theme=dark']] },
    handler: 'ok',
    event: event({ cookies: ['Cookie_1=Value_1', 'Cookie_2=Value_2', 'theme=dark'] }),
    response: OK,
  },
  {
    name: 'cookies from two Cookie header lines are all kept',
    request: { method: 'GET', url: '/', headers: [...BASE, ['Cookie', 'a=1'], ['cookie', 'b=2;c=3']] },
    handler: 'ok',
    event: event({ cookies: ['a=1', 'b=2', 'c=3'] }),
    response: OK,
  },
  {
    name: 'repeated headers are joined with commas and names are lower-cased',
    request: { method: 'GET', url: '/', headers: [...BASE, ['X-Multi', 'a'], ['x-multi', 'b, c'], ['X-Custom-Header', 'Mixed Case Value']] },
    handler: 'ok',
    event: event({ headers: { host: DOMAIN, 'user-agent': UA, 'x-multi': 'a,b, c', 'x-custom-header': 'Mixed Case Value' } }),
    response: OK,
  },
  {
    name: 'a request without User-Agent has an empty userAgent',
    request: { method: 'GET', url: '/', headers: [['Host', DOMAIN]] },
    handler: 'ok',
    event: event({ headers: { host: DOMAIN }, userAgent: '' }),
    response: OK,
  },
  {
    name: 'the domain name drops the Host port and the prefix is its first label',
    request: { method: 'GET', url: '/', headers: [['Host', 'svc.example.com:8080'], ['User-Agent', UA]] },
    handler: 'ok',
    event: event({ headers: { host: 'svc.example.com:8080', 'user-agent': UA }, domainName: 'svc.example.com' }),
    response: OK,
  },
  {
    name: 'a JSON body arrives as text',
    request: { method: 'POST', url: '/items', headers: withLength('application/json', json), body: json },
    handler: 'ok',
    event: event({
      method: 'POST',
      rawPath: '/items',
      headers: { host: DOMAIN, 'user-agent': UA, 'content-type': 'application/json', 'content-length': String(json.byteLength) },
      body: json.toString(),
    }),
    response: OK,
  },
  {
    name: 'a unicode text body arrives as the same text',
    request: { method: 'PUT', url: '/note', headers: withLength('text/plain; charset=utf-8', unicodeText), body: unicodeText },
    handler: 'ok',
    event: event({
      method: 'PUT',
      rawPath: '/note',
      headers: { host: DOMAIN, 'user-agent': UA, 'content-type': 'text/plain; charset=utf-8', 'content-length': String(unicodeText.byteLength) },
      body: 'héllo 🌍 — ✓ 日本語',
    }),
    response: OK,
  },
  {
    name: 'a binary body arrives base64-encoded',
    request: { method: 'POST', url: '/upload', headers: withLength('application/octet-stream', binary), body: binary },
    handler: 'ok',
    event: event({
      method: 'POST',
      rawPath: '/upload',
      headers: { host: DOMAIN, 'user-agent': UA, 'content-type': 'application/octet-stream', 'content-length': '6' },
      body: 'AAEC/v+A',
      isBase64Encoded: true,
    }),
    response: OK,
  },
  {
    name: 'a body without a content type is base64-encoded, as on a Function URL',
    request: { method: 'POST', url: '/', headers: withLength(undefined, Buffer.from('abc')), body: Buffer.from('abc') },
    handler: 'ok',
    event: event({ method: 'POST', headers: { host: DOMAIN, 'user-agent': UA, 'content-length': '3' }, body: 'YWJj', isBase64Encoded: true }),
    response: OK,
  },
  {
    name: 'a form post is base64-encoded, as on a Function URL',
    request: { method: 'POST', url: '/form', headers: withLength('application/x-www-form-urlencoded', form), body: form },
    handler: 'ok',
    event: event({
      method: 'POST',
      rawPath: '/form',
      headers: { host: DOMAIN, 'user-agent': UA, 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(form.byteLength) },
      body: form.toString('base64'),
      isBase64Encoded: true,
    }),
    response: OK,
  },
  {
    name: 'a JSON-labelled body that is not valid UTF-8 is base64-encoded rather than mangled',
    request: { method: 'POST', url: '/', headers: withLength('application/json', invalidUtf8), body: invalidUtf8 },
    handler: 'ok',
    event: event({
      method: 'POST',
      headers: { host: DOMAIN, 'user-agent': UA, 'content-type': 'application/json', 'content-length': '6' },
      body: invalidUtf8.toString('base64'),
      isBase64Encoded: true,
    }),
    response: OK,
  },
  {
    name: 'an empty body leaves body out of the event',
    request: { method: 'POST', url: '/', headers: withLength('application/json', Buffer.alloc(0)), body: Buffer.alloc(0) },
    handler: 'ok',
    event: event({ method: 'POST', headers: { host: DOMAIN, 'user-agent': UA, 'content-type': 'application/json', 'content-length': '0' } }),
    response: OK,
  },
  {
    name: 'HEAD reaches the handler as HEAD',
    request: { method: 'HEAD', url: '/', headers: BASE },
    handler: 'ok',
    event: event({ method: 'HEAD' }),
    response: OK,
  },
  {
    name: 'an OPTIONS preflight reaches the handler, which answers CORS itself',
    request: {
      method: 'OPTIONS',
      url: '/api',
      headers: [...BASE, ['Origin', 'https://app.example'], ['Access-Control-Request-Method', 'POST']],
    },
    handler: 'cors',
    event: event({
      method: 'OPTIONS',
      rawPath: '/api',
      headers: { host: DOMAIN, 'user-agent': UA, origin: 'https://app.example', 'access-control-request-method': 'POST' },
    }),
    response: {
      statusCode: 204,
      headers: [['access-control-allow-origin', 'https://app.example'], ['access-control-allow-methods', 'GET, POST']],
      body: '',
    },
  },
  {
    name: 'a string result is JSON with its quotes kept',
    request: { method: 'GET', url: '/', headers: BASE },
    handler: 'string',
    event: event(),
    response: { statusCode: 200, headers: [JSON_TYPE], body: '"Hello, world!"' },
  },
  {
    name: 'an object result without statusCode is its own JSON body',
    request: { method: 'GET', url: '/', headers: BASE },
    handler: 'object',
    event: event(),
    response: { statusCode: 200, headers: [JSON_TYPE], body: '{"message":"Hello, world!","n":1}' },
  },
  {
    name: 'a number result is JSON',
    request: { method: 'GET', url: '/', headers: BASE },
    handler: 'number',
    event: event(),
    response: { statusCode: 200, headers: [JSON_TYPE], body: '42' },
  },
  {
    name: 'an array result is JSON, never read as a response object',
    request: { method: 'GET', url: '/', headers: BASE },
    handler: 'list',
    event: event(),
    response: { statusCode: 200, headers: [JSON_TYPE], body: '[1,"two"]' },
  },
  {
    name: 'an undefined result is the JSON null',
    request: { method: 'GET', url: '/', headers: BASE },
    handler: 'nothing',
    event: event(),
    response: { statusCode: 200, headers: [JSON_TYPE], body: 'null' },
  },
  {
    name: 'body and headers without statusCode are just an object to serialize',
    request: { method: 'GET', url: '/', headers: BASE },
    handler: 'bodyWithoutStatus',
    event: event(),
    response: { statusCode: 200, headers: [JSON_TYPE], body: '{"body":"not a response","headers":{"a":"b"}}' },
  },
  {
    name: 'a result is read after JSON serialization, so toJSON decides',
    request: { method: 'GET', url: '/', headers: BASE },
    handler: 'withToJSON',
    event: event(),
    response: { statusCode: 202, headers: [], body: 'from toJSON' },
  },
  {
    name: 'explicit status and headers are sent, names lower-cased and values as strings',
    request: { method: 'POST', url: '/things', headers: withLength('application/json', json), body: json },
    handler: 'created',
    event: event({
      method: 'POST',
      rawPath: '/things',
      headers: { host: DOMAIN, 'user-agent': UA, 'content-type': 'application/json', 'content-length': String(json.byteLength) },
      body: json.toString(),
    }),
    response: {
      statusCode: 201,
      headers: [JSON_TYPE, ['my-custom-header', 'Custom Value'], ['x-count', '3']],
      body: '{"message":"Hello, world!"}',
    },
  },
  {
    name: 'an explicit 404 passes through',
    request: { method: 'GET', url: '/missing', headers: BASE },
    handler: 'notFound',
    event: event({ rawPath: '/missing' }),
    response: { statusCode: 404, headers: [['content-type', 'text/plain']], body: 'nope' },
  },
  {
    name: 'a statusCode without body gives an empty body and no content type',
    request: { method: 'DELETE', url: '/things/1', headers: BASE },
    handler: 'noContent',
    event: event({ method: 'DELETE', rawPath: '/things/1' }),
    response: { statusCode: 204, headers: [], body: '' },
  },
  {
    name: 'each entry of cookies becomes its own Set-Cookie header',
    request: { method: 'GET', url: '/login', headers: BASE },
    handler: 'cookies',
    event: event({ rawPath: '/login' }),
    response: {
      statusCode: 200,
      headers: [
        ['content-type', 'text/plain'],
        ['set-cookie', 'Cookie_1=Value1; Expires=21 Oct 2021 07:48 GMT'],
        ['set-cookie', 'Cookie_2=Value2; Max-Age=78000'],
        ['set-cookie', 'session=abc; HttpOnly; Secure'],
      ],
      body: 'cookies set',
    },
  },
  {
    name: 'a base64 result body is decoded to bytes',
    request: { method: 'GET', url: '/logo.png', headers: BASE },
    handler: 'image',
    event: event({ rawPath: '/logo.png' }),
    response: { statusCode: 200, headers: [['content-type', 'image/png']], body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  },
  {
    name: 'a unicode result body is sent as UTF-8',
    request: { method: 'GET', url: '/', headers: BASE },
    handler: 'unicode',
    event: event(),
    response: { statusCode: 200, headers: [['content-type', 'text/plain; charset=utf-8']], body: 'héllo 🌍 — ✓' },
  },
  {
    name: 'a thrown error is a 502 without the error text',
    request: { method: 'GET', url: '/', headers: BASE },
    handler: 'throws',
    event: event(),
    response: BAD_GATEWAY,
  },
  {
    name: 'a handler that throws before returning a promise is a 502 too',
    request: { method: 'GET', url: '/', headers: BASE },
    handler: 'throwsSync',
    event: event(),
    response: BAD_GATEWAY,
  },
  {
    name: 'a result JSON cannot serialize is a 502',
    request: { method: 'GET', url: '/', headers: BASE },
    handler: 'bigint',
    event: event(),
    response: BAD_GATEWAY,
  },
  {
    name: 'a statusCode that is not a number is a 502',
    request: { method: 'GET', url: '/', headers: BASE },
    handler: 'badStatus',
    event: event(),
    response: BAD_GATEWAY,
  },
  {
    name: 'a body that is not a string is a 502',
    request: { method: 'GET', url: '/', headers: BASE },
    handler: 'objectBody',
    event: event(),
    response: BAD_GATEWAY,
  },
  {
    name: 'a body of exactly 6 MB still reaches the handler',
    request: { method: 'POST', url: '/big', headers: withLength('text/plain', exactLimit), body: exactLimit },
    handler: 'ok',
    event: event({
      method: 'POST',
      rawPath: '/big',
      headers: { host: DOMAIN, 'user-agent': UA, 'content-type': 'text/plain', 'content-length': String(exactLimit.byteLength) },
      body: exactLimit.toString(),
    }),
    response: OK,
  },
  {
    name: 'a body over 6 MB is a 413 and the handler is not called',
    request: { method: 'POST', url: '/big', headers: withLength('text/plain', oversize), body: oversize },
    handler: 'ok',
    event: null,
    response: {
      statusCode: 413,
      headers: [['content-type', 'text/plain; charset=utf-8']],
      body: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
    },
  },
];
