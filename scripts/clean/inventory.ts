import type { Aws } from '../lib/aws.ts';
import type { ResolvedService } from '../manifest/types.ts';
import { findEcs } from './find-ecs.ts';
import { findLogGroups, findRepositories, findRoles, findSecurityGroups, findStack } from './find-other.ts';
import { byKind, type Found } from './types.ts';

export interface Target {
  svc: ResolvedService;
  /** the Lambda stack, when manifests/lambda.yml exists; `aws` is the client set for its region */
  stack?: { name: string; environment: string; aws: Aws };
}

/**
 * Everything the tool may have created for the service and environment, found by name and by the
 * tool's tags (and through what the deployed service references), owned or not, in deletion order.
 */
export async function inventory(aws: Aws, target: Target): Promise<Found[]> {
  const { svc } = target;
  const { found, refs } = await findEcs(aws, svc);
  const rest = await Promise.all([
    findSecurityGroups(aws, svc, refs),
    findRoles(aws, svc, refs),
    findLogGroups(aws, svc, refs),
    findRepositories(aws, svc, refs),
    target.stack ? findStack(target.stack.aws, target.stack.name, target.stack.environment).then((s) => (s ? [s] : [])) : [],
  ]);
  found.push(...rest.flat());
  return found.sort(byKind);
}
