import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { handler } from '../../lambda/handler.ts';
import type { FunctionUrlStructuredResult } from '../../lambda/types.ts';
import { Sha256 } from '../../scripts/lambda/smoke.ts';
import { functionUrlEvent } from '../lambda/event.ts';

export interface Signer {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/**
 * A local stand-in for a deployed Function URL: runs lambda/handler.ts as Lambda would (with
 * AWS_LAMBDA_FUNCTION_NAME set). With `iam`, it answers 403 like AuthType AWS_IAM unless the
 * request carries a valid SigV4 signature (service lambda) for those credentials.
 */
export async function startFunctionUrl(o: { iam?: Signer } = {}): Promise<{ url: string; calls: string[]; stop(): Promise<void> }> {
  const calls: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    calls.push(`${req.method} ${u.pathname}`);
    if (o.iam && !(await validSignature(req.method ?? 'GET', u, req.headers, o.iam))) {
      return res.writeHead(403, { 'content-type': 'application/json' }).end('{"Message":"Forbidden"}');
    }
    const saved = process.env.AWS_LAMBDA_FUNCTION_NAME;
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'l2f-test-hello-HelloFunction-TEST';
    try {
      const r = (await handler(functionUrlEvent({ rawPath: u.pathname, http: { method: req.method ?? 'GET' } }))) as FunctionUrlStructuredResult;
      res.writeHead(r.statusCode ?? 200, r.headers).end(r.body);
    } finally {
      if (saved === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME;
      else process.env.AWS_LAMBDA_FUNCTION_NAME = saved;
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, calls, stop: () => new Promise((r) => server.close(() => r())) };
}

async function validSignature(method: string, u: URL, headers: Record<string, string | string[] | undefined>, s: Signer): Promise<boolean> {
  const auth = String(headers.authorization ?? '');
  const amzDate = String(headers['x-amz-date'] ?? '');
  const signedNames = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(';') ?? [];
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m || !signedNames.includes('host')) return false;
  const signingDate = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  const signer = new SignatureV4({ service: 'lambda', region: s.region, credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey }, sha256: Sha256 });
  const picked = Object.fromEntries(signedNames.map((n) => [n, String(headers[n] ?? '')]));
  const query: Record<string, string> = {};
  u.searchParams.forEach((v, k) => (query[k] = v));
  const expected = await signer.sign({ method, protocol: 'http:', hostname: u.hostname, path: u.pathname, query, headers: picked }, { signingDate });
  return expected.headers.authorization === auth;
}
