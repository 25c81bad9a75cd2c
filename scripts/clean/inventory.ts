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
  found.push(...(await findSecurityGroups(aws, svc, refs)));
  found.push(...(await findRoles(aws, svc, refs)));
  found.push(...(await findLogGroups(aws, svc, refs)));
  found.push(...(await findRepositories(aws, svc, refs)));
  if (target.stack) {
    const s = await findStack(target.stack.aws, target.stack.name, target.stack.environment);
    if (s) found.push(s);
  }
  return found.sort(byKind);
}
