import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SignatureV4 } from '@smithy/signature-v4';
import { ToolError, isAwsError, message } from '../lib/errors.ts';

/** The stack's outputs by key (FunctionUrl, FunctionName, LogGroupName, AuthType). */
export async function stackOutputs(cfn: CloudFormationClient, stackName: string): Promise<Record<string, string>> {
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const outputs: Record<string, string> = {};
    for (const o of out.Stacks?.[0]?.Outputs ?? []) if (o.OutputKey) outputs[o.OutputKey] = o.OutputValue ?? '';
    return outputs;
  } catch (err) {
    if (isAwsError(err, 'ValidationError')) {
      throw new ToolError(message(`stack ${stackName}`, 'it does not exist after sam deploy', 'read the sam deploy output above for the failure'), { cause: err });
    }
    throw new ToolError(message(`reading the outputs of stack ${stackName}`, 'CloudFormation DescribeStacks failed', 'check the credentials and region, then rerun'), { cause: err });
  }
}

/** The stack's status, or undefined when it does not exist (or cannot be read). */
export async function stackStatus(cfn: CloudFormationClient, stackName: string): Promise<string | undefined> {
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    return out.Stacks?.[0]?.StackStatus;
  } catch {
    return undefined;
  }
}

type Bytes = string | ArrayBuffer | ArrayBufferView;
const toBuffer = (d: Bytes) =>
  typeof d === 'string' ? Buffer.from(d, 'utf8') : ArrayBuffer.isView(d) ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : Buffer.from(d);

/** SHA-256 (or HMAC-SHA-256 with a secret) in the shape SignatureV4 wants, from node:crypto. */
export class Sha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: Bytes) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(this.secret));
  }
  update(data: Bytes): void {
    this.hash.update(toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignWith {
  region: string;
  credentials: () => Promise<Credentials>;
}

/** Headers that make a GET to an AWS_IAM Function URL pass (SigV4, service "lambda"). */
export async function signedHeaders(url: string, sign: SignWith): Promise<Record<string, string>> {
  const u = new URL(url);
  const signer = new SignatureV4({ service: 'lambda', region: sign.region, credentials: sign.credentials, sha256: Sha256 });
  const query: Record<string, string> = {};
  u.searchParams.forEach((v, k) => (query[k] = v));
  const signed = await signer.sign({
    method: 'GET',
    protocol: u.protocol,
    hostname: u.hostname,
    ...(u.port ? { port: Number(u.port) } : {}),
    path: u.pathname,
    query,
    headers: { host: u.host },
  });
  const { host: _host, ...headers } = signed.headers;
  return headers;
}

export interface Answer {
  status: number;
  body: string;
  attempts: number;
}

/**
 * GET the URL until it answers 200 or `waitSeconds` pass. A new URL's permissions take a few
 * seconds to apply (403 meanwhile), so 403, 429, 5xx and network errors are retried.
 */
export async function callUrl(url: string, o: { sign?: SignWith; waitSeconds: number; intervalMs?: number }): Promise<Answer> {
  const deadline = Date.now() + o.waitSeconds * 1000;
  for (let attempts = 1; ; attempts++) {
    let answer: Answer | undefined;
    let failure: unknown;
    try {
      const headers = o.sign ? await signedHeaders(url, o.sign) : {};
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(15_000) });
      answer = { status: res.status, body: await res.text(), attempts };
    } catch (err) {
      failure = err;
    }
    const retry = !answer || answer.status === 403 || answer.status === 429 || answer.status >= 500;
    if (!retry || Date.now() >= deadline) {
      if (answer) return answer;
      const why = failure instanceof Error ? (failure.cause instanceof Error ? failure.cause.message : failure.message) : String(failure);
      throw new ToolError(message(`calling ${url}`, why, 'check the URL in the stack outputs and your network, then rerun'), { cause: failure });
    }
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 3000));
  }
}
