import { ACMClient } from '@aws-sdk/client-acm';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { IAMClient } from '@aws-sdk/client-iam';
import { Route53Client } from '@aws-sdk/client-route-53';
import { STSClient } from '@aws-sdk/client-sts';
import type { FakeAws } from './index.ts';

/** Real SDK v3 clients pointed at a fake, configured as the tool configures its own. */
export function sdkClients(fake: FakeAws) {
  const config = {
    region: 'us-east-1',
    endpoint: fake.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    retryMode: 'adaptive' as const,
    maxAttempts: 6,
  };
  return {
    sts: new STSClient(config),
    iam: new IAMClient(config),
    ecr: new ECRClient(config),
    ecs: new ECSClient(config),
    ec2: new EC2Client(config),
    logs: new CloudWatchLogsClient(config),
    cfn: new CloudFormationClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    scaling: new ApplicationAutoScalingClient(config),
    acm: new ACMClient(config),
    route53: new Route53Client(config),
  };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail, and it succeeded');
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
