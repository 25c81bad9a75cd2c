import {
  GetFunctionCommand,
  GetLayerVersionByArnCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionUrlConfigCommand,
  ListProvisionedConcurrencyConfigsCommand,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { GetRolePolicyCommand, paginateListAttachedRolePolicies, paginateListRolePolicies } from '@aws-sdk/client-iam';
import type { Aws } from '../lib/aws.ts';
import { ToolError, UserError, awsErrorName, isAwsError, message } from '../lib/errors.ts';
import type { FunctionUrl, LambdaFacts, PolicyStatement, RolePolicies } from './types.ts';

/**
 * Reads a deployed function the way `make init` needs it: GetFunction (configuration and the
 * presigned code link), GetFunctionUrlConfig (absent URL is fine), GetFunctionConcurrency,
 * ListProvisionedConcurrencyConfigs, and the execution role's attached and inline policies.
 * Only reads; a function that does not exist is bad input (exit 2).
 */
export async function readFunction(aws: Aws, ref: string): Promise<LambdaFacts> {
  let fn;
  try {
    fn = await aws.lambda.send(new GetFunctionCommand({ FunctionName: ref }));
  } catch (err) {
    if (isAwsError(err, 'ResourceNotFoundException')) {
      throw new UserError(message(`FUNCTION=${ref}`, `no such function in ${aws.region}`, 'check the name or ARN and AWS_REGION (aws lambda list-functions lists them)'));
    }
    throw new ToolError(message(`lambda GetFunction ${ref}`, awsErrorName(err) ?? 'failed', 'check the credentials allow lambda:GetFunction'), { cause: err });
  }
  const c: FunctionConfiguration = fn.Configuration ?? {};
  const name = c.FunctionName ?? ref;
  const [url, reserved, provisioned] = await Promise.all([
    readUrl(aws, name),
    wrapped(`lambda GetFunctionConcurrency ${name}`, () => readReserved(aws, name)),
    wrapped(`lambda ListProvisionedConcurrencyConfigs ${name}`, () => readProvisioned(aws, name)),
  ]);
  const facts: LambdaFacts = {
    name,
    arn: c.FunctionArn ?? '',
    packageType: c.PackageType === 'Image' ? 'Image' : 'Zip',
    memory: c.MemorySize ?? 128,
    timeout: c.Timeout ?? 3,
    architecture: c.Architectures?.[0] === 'arm64' ? 'arm64' : 'x86_64',
    environment: { ...(c.Environment?.Variables ?? {}) },
    roleArn: c.Role ?? '',
    layers: (c.Layers ?? []).map((l) => l.Arn ?? '').filter(Boolean),
    ephemeralStorage: c.EphemeralStorage?.Size ?? 512,
    provisioned,
  };
  if (c.Runtime) facts.runtime = c.Runtime;
  if (c.Handler) facts.handler = c.Handler;
  if (fn.Code?.ImageUri) facts.imageUri = fn.Code.ImageUri;
  if (fn.Code?.Location) facts.codeLocation = fn.Code.Location;
  if (c.VpcConfig?.VpcId && c.VpcConfig.SubnetIds?.length) {
    facts.vpc = { vpcId: c.VpcConfig.VpcId, subnetIds: [...c.VpcConfig.SubnetIds], securityGroupIds: [...(c.VpcConfig.SecurityGroupIds ?? [])] };
  }
  if (url) facts.url = url;
  if (reserved !== undefined) facts.reservedConcurrency = reserved;
  try {
    facts.role = await readRolePolicies(aws, facts.roleArn);
  } catch (err) {
    // the manifest is still worth writing; the report says why taskRole is missing
    facts.roleProblem = `${awsErrorName(err) ?? 'error'}: ${(err as Error).message}`;
  }
  return facts;
}

/** A failed read names the call and the permission it needs (exit 1). */
async function wrapped<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    const action = what.split(' ').slice(0, 2).join(':');
    throw new ToolError(message(what, awsErrorName(err) ?? 'failed', `check the credentials allow ${action}`), { cause: err });
  }
}

async function readUrl(aws: Aws, name: string): Promise<FunctionUrl | undefined> {
  try {
    const u = await aws.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: name }));
    const url: FunctionUrl = { authType: u.AuthType ?? 'NONE', invokeMode: u.InvokeMode ?? 'BUFFERED' };
    if (u.Cors && Object.keys(u.Cors).length) url.cors = { ...u.Cors };
    return url;
  } catch (err) {
    if (isAwsError(err, 'ResourceNotFoundException')) return undefined;
    throw new ToolError(message(`lambda GetFunctionUrlConfig ${name}`, awsErrorName(err) ?? 'failed', 'check the credentials allow lambda:GetFunctionUrlConfig'), { cause: err });
  }
}

async function readReserved(aws: Aws, name: string): Promise<number | undefined> {
  const out = await aws.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: name }));
  return out.ReservedConcurrentExecutions;
}

async function readProvisioned(aws: Aws, name: string): Promise<LambdaFacts['provisioned']> {
  const out: LambdaFacts['provisioned'] = [];
  let marker: string | undefined;
  do {
    const page = await aws.lambda.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: name, ...(marker ? { Marker: marker } : {}) }));
    for (const p of page.ProvisionedConcurrencyConfigs ?? []) {
      out.push({ qualifier: p.FunctionArn?.split(':').pop() ?? '', requested: p.RequestedProvisionedConcurrentExecutions ?? 0 });
    }
    marker = page.NextMarker;
  } while (marker);
  return out;
}

/** `arn:aws:iam::123456789012:role/service-role/name` → `name` (role names are unique without the path). */
export function roleNameOf(arn: string): string {
  return arn.split(':role/')[1]?.split('/').pop() ?? '';
}

export async function readRolePolicies(aws: Aws, roleArn: string): Promise<RolePolicies> {
  const roleName = roleNameOf(roleArn);
  const attached: RolePolicies['attached'] = [];
  for await (const page of paginateListAttachedRolePolicies({ client: aws.iam }, { RoleName: roleName })) {
    for (const p of page.AttachedPolicies ?? []) attached.push({ name: p.PolicyName ?? '', arn: p.PolicyArn ?? '' });
  }
  const names: string[] = [];
  for await (const page of paginateListRolePolicies({ client: aws.iam }, { RoleName: roleName })) names.push(...(page.PolicyNames ?? []));
  const inline: RolePolicies['inline'] = [];
  for (const name of names) {
    const out = await aws.iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
    inline.push({ name, statements: statementsOf(decodeURIComponent(out.PolicyDocument ?? '')) });
  }
  return { roleName, attached, inline };
}

/** IAM returns documents URL-encoded; `Statement` may be one object or a list. */
function statementsOf(document: string): PolicyStatement[] {
  const doc = JSON.parse(document) as { Statement?: PolicyStatement | PolicyStatement[] };
  return Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
}

/** The presigned link to a layer version's zip (valid 10 minutes, like the function's). */
export async function layerLocation(aws: Aws, arn: string): Promise<string | undefined> {
  const out = await aws.lambda.send(new GetLayerVersionByArnCommand({ Arn: arn }));
  return out.Content?.Location;
}
