import { awsErrorName } from '../lib/errors.ts';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * An error AWS answers for a while right after a create, while the new thing propagates (IAM, EC2,
 * ECR, Logs and ECS are eventually consistent), and what the user is told while it is retried.
 * Only these are retried; every other error fails at once. Throttling is the SDK's own retry.
 */
export interface Transient {
  /** the AWS error name (`err.name`) */
  name: string;
  /** and, when the name alone is too broad, its message */
  message?: RegExp;
  /** what is not ready yet, e.g. "the security group created a moment ago is not visible to EC2 yet" */
  why: string;
}

export const TRANSIENT = {
  // terraform-provider-aws retryClusterCreate / retryServiceCreate: the first use of ECS in an account
  serviceLinkedRole: { name: 'InvalidParameterException', message: /unable to assume the service linked role/i, why: "ECS's service-linked role is new in this account (first use of ECS) and not ready yet" },
  // terraform-provider-aws retryServiceCreate (a load balancer's service role)
  serviceRole: { name: 'InvalidParameterException', message: /verify that the ECS service role being passed has the proper permissions/i, why: 'the service role is not usable by ECS yet (IAM is eventually consistent)' },
  clusterNotFound: { name: 'ClusterNotFoundException', why: 'the cluster created a moment ago is not visible to ECS yet' },
  // EC2 eventual consistency page: InvalidGroup.NotFound right after a successful CreateSecurityGroup
  groupNotFound: { name: 'InvalidGroup.NotFound', why: 'the security group created a moment ago is not visible to EC2 yet' },
  groupNotFoundInEcs: { name: 'InvalidParameterException', message: /security group.*does not exist/i, why: 'the security group created a moment ago is not visible to ECS yet' },
  repositoryNotFound: { name: 'RepositoryNotFoundException', why: 'the repository created a moment ago is not visible to ECR yet' },
  // CloudWatch Logs: "multiple concurrent requests to update the same resource were in conflict"
  logGroupBusy: { name: 'OperationAbortedException', why: 'the log group created a moment ago is still being set up' },
  roleNotFound: { name: 'NoSuchEntity', why: 'the role created a moment ago is not visible to IAM yet' },
  // docker push answers "name unknown: The repository with name '…' does not exist" while ECR catches up
  pushRepositoryNotFound: { name: 'ToolError', message: /name unknown|repository .*does not exist/i, why: 'the repository created a moment ago does not take pushes yet' },
} satisfies Record<string, Transient>;

export function matchTransient(err: unknown, transients: readonly Transient[]): Transient | undefined {
  const name = awsErrorName(err) ?? '';
  const text = err instanceof Error ? err.message : String(err);
  return transients.find((t) => (t.name === name || `${t.name}Exception` === name) && (!t.message || t.message.test(text)));
}

/** Delays in ms: about two minutes in all (terraform waits up to its 2-minute IAM propagation timeout). L2F_RETRY_SCALE shrinks them for tests. */
export function retryDelays(): number[] {
  const scale = Number(process.env.L2F_RETRY_SCALE ?? '1');
  const k = Number.isFinite(scale) && scale >= 0 ? scale : 1;
  return [1000, 2000, 4000, 8000, 15000, 15000, 15000, 15000, 15000, 15000, 15000].map((d) => Math.round(d * k));
}

/**
 * Calls `fn`; while it fails with one of `transients`, says what it waits for and calls it again
 * after the next delay. When the delays run out the last error is thrown as it came.
 */
export async function retryTransient<T>(
  what: string,
  transients: readonly Transient[],
  fn: () => Promise<T>,
  log: (line: string) => void = (l) => console.log(l),
  delays: number[] = retryDelays(),
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const hit = matchTransient(err, transients);
      const delay = delays[attempt];
      if (!hit || delay === undefined) throw err;
      log(`    ${what}: ${hit.why} — retrying in ${(delay / 1000).toFixed(1)}s`);
      await sleep(delay);
    }
  }
}
