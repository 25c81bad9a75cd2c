import type { FunctionUrlEvent } from '../../lambda/types.ts';

/**
 * A Function URL event as Lambda delivers it (payload format 2.0), shaped after the example in the
 * Lambda developer guide. `overrides.http` replaces fields of requestContext.http.
 */
export function functionUrlEvent(
  overrides: Partial<Omit<FunctionUrlEvent, 'requestContext'>> & { http?: Partial<FunctionUrlEvent['requestContext']['http']> } = {},
): FunctionUrlEvent {
  const { http, ...top } = overrides;
  const rawPath = top.rawPath ?? '/';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers: {
      'x-amzn-tls-cipher-suite': 'TLS_AES_128_GCM_SHA256',
      'x-amzn-tls-version': 'TLSv1.3',
      'x-forwarded-proto': 'https',
      'x-forwarded-port': '443',
      host: 'abcdefghijklmnopqrstuvwxyz0123456.lambda-url.us-east-1.on.aws',
      'user-agent': 'curl/8.5.0',
      accept: '*/*',
    },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abcdefghijklmnopqrstuvwxyz0123456',
      domainName: 'abcdefghijklmnopqrstuvwxyz0123456.lambda-url.us-east-1.on.aws',
      domainPrefix: 'abcdefghijklmnopqrstuvwxyz0123456',
      http: {
        method: 'GET',
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'curl/8.5.0',
        ...http,
      },
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      routeKey: '$default',
      stage: '$default',
      time: '27/Nov/2026:01:00:00 +0000',
      timeEpoch: 1_795_741_200_000,
    },
    isBase64Encoded: false,
    ...top,
  };
}
