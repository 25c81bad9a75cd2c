import { createHash, createHmac, randomBytes } from 'node:crypto';
import { ACCOUNT, AwsError, REGION, uuid } from './common.ts';
import type { Params, ServiceDef } from './service.ts';

/**
 * Lambda's read side for `make init` (REST-JSON): functions a test puts, their Function URL,
 * reserved and provisioned concurrency, and the deployment package behind a presigned-style
 * `Code.Location` that the fake serves on its own port and that expires after 10 minutes, as
 * GetFunction's does (Lambda API reference, GetFunction: "a presigned URL ... valid for 10 minutes").
 */
export interface FunctionSpec {
  name: string;
  runtime?: string;
  handler?: string;
  memory?: number;
  timeout?: number;
  architectures?: Array<'x86_64' | 'arm64'>;
  environment?: Record<string, string>;
  role?: string;
  layers?: string[];
  vpc?: { subnetIds: string[]; securityGroupIds: string[]; vpcId: string };
  ephemeralStorage?: number;
  description?: string;
  /** the deployment package (a zip); absent for an image function */
  zip?: Buffer;
  imageUri?: string;
  url?: { authType: 'NONE' | 'AWS_IAM'; invokeMode?: 'BUFFERED' | 'RESPONSE_STREAM'; cors?: Record<string, unknown> };
  reservedConcurrency?: number;
  provisioned?: Array<{ qualifier: string; requested: number }>;
  tags?: Record<string, string>;
}

interface StoredFunction {
  spec: FunctionSpec;
  arn: string;
  configuration: Record<string, unknown>;
  urlCreated: string;
}

export const LAMBDA_CODE_PATH = '/snapshots/';
const CODE_TTL_S = 600;

const lastModified = (d: Date) => d.toISOString().replace('Z', '+0000');

export class Lambda {
  readonly functions = new Map<string, StoredFunction>();
  /** layer version ARN → its zip */
  readonly layers = new Map<string, Buffer>();
  /** what the code links serve: path → zip */
  private readonly blobs = new Map<string, Buffer>();
  private readonly signingKey = randomBytes(32);

  /** `base()` is the fake's URL, where the code links point. */
  constructor(private readonly base: () => string) {}

  /** Test helper: a function as it would be after CreateFunction (+ CreateFunctionUrlConfig, PutFunctionConcurrency, …). */
  putFunction(spec: FunctionSpec): string {
    const arn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${spec.name}`;
    const zip = spec.zip ?? Buffer.alloc(0);
    const configuration: Record<string, unknown> = {
      FunctionName: spec.name,
      FunctionArn: arn,
      Runtime: spec.imageUri ? undefined : (spec.runtime ?? 'nodejs22.x'),
      Role: spec.role ?? `arn:aws:iam::${ACCOUNT}:role/service-role/${spec.name}-role`,
      Handler: spec.imageUri ? undefined : (spec.handler ?? 'index.handler'),
      CodeSize: zip.length,
      Description: spec.description ?? '',
      Timeout: spec.timeout ?? 3,
      MemorySize: spec.memory ?? 128,
      LastModified: lastModified(new Date()),
      CodeSha256: createHash('sha256').update(zip).digest('base64'),
      Version: '$LATEST',
      Environment: spec.environment ? { Variables: spec.environment } : undefined,
      TracingConfig: { Mode: 'PassThrough' },
      RevisionId: uuid(),
      Layers: spec.layers?.map((Arn) => ({ Arn, CodeSize: 1024 })),
      VpcConfig: spec.vpc ? { SubnetIds: spec.vpc.subnetIds, SecurityGroupIds: spec.vpc.securityGroupIds, VpcId: spec.vpc.vpcId, Ipv6AllowedForDualStack: false } : undefined,
      State: 'Active',
      LastUpdateStatus: 'Successful',
      PackageType: spec.imageUri ? 'Image' : 'Zip',
      Architectures: spec.architectures ?? ['x86_64'],
      EphemeralStorage: { Size: spec.ephemeralStorage ?? 512 },
      SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
      LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${spec.name}` },
    };
    this.functions.set(spec.name, { spec, arn, configuration, urlCreated: new Date().toISOString() });
    return arn;
  }

  /** By name, full ARN or partial ARN (`123456789012:function:name`), with an optional qualifier. */
  private fn(ref: string): StoredFunction {
    const m = /^(?:arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:|\d{12}:function:|[a-z0-9-]+:\d{12}:function:)?([a-zA-Z0-9_.-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/.exec(ref);
    const stored = m ? this.functions.get(m[1]!) : undefined;
    if (!stored) {
      const name = m?.[1] ?? ref;
      throw new AwsError('ResourceNotFoundException', `Function not found: arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`, 404);
    }
    return stored;
  }

  private signature(path: string, date: string): string {
    return createHmac('sha256', this.signingKey).update(`${path}\n${date}`).digest('hex');
  }

  /** Test helper: a layer version (ARN arn:aws:lambda:<region>:<account>:layer:<name>:<version>) and its zip. */
  putLayer(arn: string, zip: Buffer): void {
    this.layers.set(arn, zip);
  }

  private codeLocation(key: string, zip: Buffer): string {
    const path = `${LAMBDA_CODE_PATH}${ACCOUNT}/${key}-${uuid()}`;
    this.blobs.set(path, zip);
    const date = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
    const q = new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Date': date,
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Expires': String(CODE_TTL_S),
      'X-Amz-Credential': `ASIAFAKELAMBDACODE00/${date.slice(0, 8)}/${REGION}/s3/aws4_request`,
      'X-Amz-Signature': this.signature(path, date),
    });
    return `${this.base()}${path}?${q}`;
  }

  /**
   * GET on a code link: the zip, or S3's 403 for a tampered or expired link. `now` lets a test
   * move the clock.
   */
  codeAnswer(url: string, now = Date.now()): { status: number; type: string; body: Buffer } {
    const [path = '', query = ''] = url.split('?');
    const q = new URLSearchParams(query);
    const date = q.get('X-Amz-Date') ?? '';
    const s3Error = (code: string, message: string) => ({
      status: 403,
      type: 'application/xml',
      body: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${randomBytes(8).toString('hex').toUpperCase()}</RequestId></Error>`),
    });
    const sig = q.get('X-Amz-Signature') ?? '';
    if (!date || sig !== this.signature(path, date)) return s3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
    const signedAt = Date.parse(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`);
    if (now > signedAt + Number(q.get('X-Amz-Expires') ?? 0) * 1000) return s3Error('AccessDenied', 'Request has expired');
    const blob = this.blobs.get(path);
    if (!blob) return { status: 404, type: 'application/xml', body: Buffer.from('<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>') };
    return { status: 200, type: 'application/zip', body: blob };
  }

  service(): ServiceDef {
    return {
      protocol: 'rest-json',
      xmlns: '',
      routes: {
        'GET /2015-03-31/functions/{FunctionName}': 'GetFunction',
        'GET /2015-03-31/functions/{FunctionName}/configuration': 'GetFunctionConfiguration',
        'GET /2021-10-31/functions/{FunctionName}/url': 'GetFunctionUrlConfig',
        'GET /2019-09-30/functions/{FunctionName}/concurrency': 'GetFunctionConcurrency',
        'GET /2019-09-30/functions/{FunctionName}/provisioned-concurrency?List=ALL': 'ListProvisionedConcurrencyConfigs',
        'GET /2018-10-31/layers?find=LayerVersion': 'GetLayerVersionByArn',
      },
      ops: {
        GetFunction: (p: Params) => {
          const f = this.fn(String(p.FunctionName ?? ''));
          const code = f.spec.imageUri
            ? { RepositoryType: 'ECR', ImageUri: f.spec.imageUri, ResolvedImageUri: f.spec.imageUri }
            : { RepositoryType: 'S3', Location: this.codeLocation(f.spec.name, f.spec.zip ?? Buffer.alloc(0)) };
          return {
            Configuration: f.configuration,
            Code: code,
            Tags: f.spec.tags,
            Concurrency: f.spec.reservedConcurrency !== undefined ? { ReservedConcurrentExecutions: f.spec.reservedConcurrency } : undefined,
          };
        },
        GetLayerVersionByArn: (p: Params) => {
          const arn = String(p.Arn ?? '');
          const zip = this.layers.get(arn);
          if (!zip) throw new AwsError('ResourceNotFoundException', 'The resource you requested does not exist.', 404);
          const [name, version] = arn.split(':').slice(6);
          return {
            LayerArn: arn.split(':').slice(0, 7).join(':'),
            LayerVersionArn: arn,
            Version: Number(version),
            Content: { Location: this.codeLocation(`layer-${name}-${version}`, zip), CodeSha256: createHash('sha256').update(zip).digest('base64'), CodeSize: zip.length },
            CreatedDate: lastModified(new Date()),
          };
        },
        GetFunctionConfiguration: (p: Params) => this.fn(String(p.FunctionName ?? '')).configuration,
        GetFunctionUrlConfig: (p: Params) => {
          const f = this.fn(String(p.FunctionName ?? ''));
          const url = f.spec.url;
          if (!url) throw new AwsError('ResourceNotFoundException', 'The resource you requested does not exist.', 404);
          return {
            FunctionUrl: `https://${randomId(f.spec.name)}.lambda-url.${REGION}.on.aws/`,
            FunctionArn: f.arn,
            AuthType: url.authType,
            Cors: url.cors,
            CreationTime: f.urlCreated,
            LastModifiedTime: f.urlCreated,
            InvokeMode: url.invokeMode ?? 'BUFFERED',
          };
        },
        GetFunctionConcurrency: (p: Params) => {
          const f = this.fn(String(p.FunctionName ?? ''));
          return f.spec.reservedConcurrency !== undefined ? { ReservedConcurrentExecutions: f.spec.reservedConcurrency } : {};
        },
        ListProvisionedConcurrencyConfigs: (p: Params) => {
          const f = this.fn(String(p.FunctionName ?? ''));
          return {
            ProvisionedConcurrencyConfigs: (f.spec.provisioned ?? []).map((c) => ({
              FunctionArn: `${f.arn}:${c.qualifier}`,
              RequestedProvisionedConcurrentExecutions: c.requested,
              AvailableProvisionedConcurrentExecutions: c.requested,
              AllocatedProvisionedConcurrentExecutions: c.requested,
              Status: 'READY',
              LastModified: lastModified(new Date()),
            })),
          };
        },
      },
    };
  }
}

/** A Function URL id is 32 lower-case characters, stable per function. */
function randomId(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 32);
}
