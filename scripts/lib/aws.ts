import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ACMClient } from '@aws-sdk/client-acm';
import { Route53Client } from '@aws-sdk/client-route-53';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { SSMClient } from '@aws-sdk/client-ssm';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isLockName } from '../resources/lock.ts';
import { ToolError, message } from './errors.ts';

/**
 * One set of SDK clients per run. Region, profile, credentials and AWS_ENDPOINT_URL come from the
 * SDK's standard chain. Throttling is retried by the SDK's standard retry mode (exponential
 * backoff with jitter; adaptive mode's client-side rate limiting made a throttled deploy 2.5× slower); every call is
 * counted so a run can report how many calls (and how many writes) it made.
 */
export interface AwsCall {
  service: string;
  operation: string;
  ms: number;
  error?: string;
  /** the deploy lock's own calls: bookkeeping, not a change to what the tool deploys */
  bookkeeping?: true;
}

export interface Aws {
  region: string;
  ecr: ECRClient;
  ecs: ECSClient;
  ec2: EC2Client;
  iam: IAMClient;
  sts: STSClient;
  logs: CloudWatchLogsClient;
  cloudwatch: CloudWatchClient;
  cfn: CloudFormationClient;
  lambda: LambdaClient;
  elbv2: ElasticLoadBalancingV2Client;
  acm: ACMClient;
  route53: Route53Client;
  autoscaling: ApplicationAutoScalingClient;
  ssm: SSMClient;
  calls: AwsCall[];
}

const READ_PREFIXES = ['Describe', 'Get', 'List', 'BatchGet', 'FilterLogEvents', 'Lookup'];

/** True for calls that change nothing in AWS (Describe*, Get*, List*, …). */
export function isReadOperation(operation: string): boolean {
  return READ_PREFIXES.some((p) => operation.startsWith(p));
}

/** Calls that change what the tool deploys (the deploy lock's aside). */
export function writeCalls(calls: AwsCall[]): AwsCall[] {
  return calls.filter((c) => !isReadOperation(c.operation) && !c.bookkeeping);
}

/** AWS_REGION, AWS_DEFAULT_REGION, then the `region` of the profile in the shared config file — the SDK's own order. */
export function resolveRegion(env: NodeJS.ProcessEnv = process.env): string {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || profileRegion(env);
  if (!region) {
    throw new ToolError(
      message('AWS region', 'none is set', 'set AWS_REGION (for example AWS_REGION=us-east-1) or a region in your AWS_PROFILE'),
    );
  }
  return region;
}

function profileRegion(env: NodeJS.ProcessEnv): string | undefined {
  const profile = env.AWS_PROFILE || 'default';
  const file = env.AWS_CONFIG_FILE || join(homedir(), '.aws', 'config');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const wanted = profile === 'default' ? ['default', 'profile default'] : [`profile ${profile}`];
  let inProfile = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const section = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (section) inProfile = wanted.includes(section[1]!.replace(/\s+/g, ' '));
    else if (inProfile) {
      const kv = /^region\s*=\s*(\S+)$/.exec(line);
      if (kv) return kv[1];
    }
  }
  return undefined;
}

export function createAws(region: string = resolveRegion()): Aws {
  const calls: AwsCall[] = [];
  const config = { region, retryMode: 'standard' as const, maxAttempts: 8 };
  const clients = {
    ecr: new ECRClient(config),
    ecs: new ECSClient(config),
    ec2: new EC2Client(config),
    iam: new IAMClient(config),
    sts: new STSClient(config),
    logs: new CloudWatchLogsClient(config),
    cloudwatch: new CloudWatchClient(config),
    cfn: new CloudFormationClient(config),
    lambda: new LambdaClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    acm: new ACMClient(config),
    route53: new Route53Client(config),
    autoscaling: new ApplicationAutoScalingClient(config),
    ssm: new SSMClient(config),
  };
  for (const [service, client] of Object.entries(clients)) {
    (client.middlewareStack as unknown as MiddlewareStack).add(
      (next, context) => async (args) => {
        const started = performance.now();
        const call: AwsCall = { service, operation: String(context.commandName ?? '').replace(/Command$/, ''), ms: 0 };
        if (service === 'ssm' && isLockName((args as { input?: { Name?: unknown } }).input?.Name)) call.bookkeeping = true;
        try {
          return await next(args);
        } catch (err) {
          call.error = err instanceof Error ? err.name : String(err);
          throw err;
        } finally {
          call.ms = performance.now() - started;
          calls.push(call);
        }
      },
      { step: 'initialize', name: 'lambda2fargateCallLog' },
    );
  }
  return { region, ...clients, calls };
}

/** The slice of the SDK's middleware stack this module uses (the clients' own types do not unify). */
interface MiddlewareStack {
  add(
    middleware: (
      next: (args: unknown) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: unknown) => Promise<unknown>,
    options: { step: 'initialize'; name: string },
  ): void;
}

export interface CallerIdentity {
  account: string;
  arn: string;
}

/** Pre-flight: proves the credentials work and says where the run will deploy. */
export async function callerIdentity(aws: Aws): Promise<CallerIdentity> {
  try {
    const out = await aws.sts.send(new GetCallerIdentityCommand({}));
    return { account: out.Account ?? '', arn: out.Arn ?? '' };
  } catch (err) {
    const name = err instanceof Error ? err.name : '';
    if (name === 'CredentialsProviderError' || /credential/i.test(String((err as Error)?.message))) {
      throw new ToolError(
        message('AWS credentials', 'none were found', 'run `aws configure`, set AWS_PROFILE, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'),
        { cause: err },
      );
    }
    throw new ToolError(message('AWS credentials', `STS GetCallerIdentity failed (${name})`, 'check AWS_PROFILE / the access keys and AWS_REGION'), { cause: err });
  }
}
