import type { Aws } from '../lib/aws.ts';
import type { ResolvedService } from '../manifest/types.ts';
import { emptyReferences, findEcs } from './find-ecs.ts';
import { findLock } from '../resources/lock.ts';
import { findLogGroups, findRepositories, findRoles, findSecurityGroups, findStack } from './find-other.ts';
import { findLoadBalancerResources } from '../resources/lb-inventory.ts';
import { byKind, type Found } from './types.ts';

export interface Target {
  svc: ResolvedService;
  /** the Lambda stack, when manifests/lambda.yml exists; `aws` is the client set for its region */
  stack?: { name: string; environment: string; aws: Aws };
}

export interface Inventory {
  found: Found[];
  /** lookups that failed: what was not checked, and why (clean goes on; the check cannot pass) */
  problems: string[];
}

const errorText = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

/**
 * Everything the tool may have created for the service and environment, found by name and by the
 * tool's tags (and through what the deployed service references), owned or not, in deletion order.
 * A lookup that fails is a problem for that kind only, so clean still removes everything else.
 */
export async function inventory(aws: Aws, target: Target): Promise<Inventory> {
  const { svc } = target;
  const problems: string[] = [];
  const attempt = async (what: string, find: () => Promise<Found[]>): Promise<Found[]> => {
    try {
      return await find();
    } catch (err) {
      problems.push(`could not look for ${what}: ${errorText(err)}`);
      return [];
    }
  };
  let refs = emptyReferences();
  const found = await attempt('the ECS cluster, service and task definitions', async () => {
    const ecs = await findEcs(aws, svc);
    refs = ecs.refs;
    return ecs.found;
  });
  const stack = target.stack;
  const rest = await Promise.all([
    attempt('security groups', () => findSecurityGroups(aws, svc, refs)),
    attempt('the execution role', () => findRoles(aws, svc, refs)),
    attempt('log groups', () => findLogGroups(aws, svc, refs)),
    attempt('ECR repositories', () => findRepositories(aws, svc, refs)),
    attempt('load balancer, certificate, DNS records and autoscaling', () => findLoadBalancerResources(aws, svc)),
    stack ? attempt(`the Lambda stack`, async () => [await findStack(stack.aws, stack.name, stack.environment)].filter((s) => s !== undefined)) : [],
    attempt('the deploy lock', async () => [await findLock(aws, svc)].filter((s) => s !== undefined)),
  ]);
  found.push(...rest.flat());
  return { found: found.sort(byKind), problems };
}
