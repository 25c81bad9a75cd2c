import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import type { Aws } from '../lib/aws.ts';
import type { ServicePlan } from './service.ts';

/**
 * `make redeploy` (FORCE_NEW_DEPLOYMENT=1): ECS reads secrets only when a task starts, so a rotated
 * value reaches the service only through new tasks — UpdateService forceNewDeployment replaces them
 * with the same task definition (ECS Developer Guide, "Pass Secrets Manager secrets through Amazon
 * ECS environment variables"). Not needed when the deploy already starts a new deployment (a new
 * service, or a new task definition). A plain deploy takes it only when it changed the execution
 * role's access to the secrets (tasks that failed to read them must start again).
 */
export async function forceNewDeployment(aws: Aws, plan: ServicePlan, o: { dryRun: boolean; log: (line: string) => void; why: string }): Promise<ServicePlan> {
  const { dryRun, log } = o;
  if (plan.action === 'create' || plan.changes.some((c) => c.path.startsWith('taskDefinition'))) {
    log(`    (${o.why}: this deploy starts new tasks anyway)`);
    return plan;
  }
  log(`    ~ ${dryRun ? 'would force' : 'forcing'} a new deployment (${o.why}): new tasks start with ${plan.desired.settings.taskDefinition.split('/').pop()} and read the secrets afresh`);
  if (!dryRun) {
    const input = { cluster: plan.desired.cluster, service: plan.desired.name, forceNewDeployment: true };
    await aws.ecs.send(new UpdateServiceCommand(input));
  }
  return { ...plan, action: 'update', changes: [...plan.changes, { path: 'forceNewDeployment', to: true }] };
}
