import { deleteRolePolicy, findRolePolicy } from '../../resources/role-policy.ts';
import { SECRETS_POLICY } from '../../resources/secrets.ts';
import type { Step } from '../context.ts';

/**
 * Secrets dropped from the manifest: the execution role's secrets policy goes once the tasks that
 * read them are replaced (a rollback to them would need it). Looked for only when the service
 * moved off a task definition and the manifest has no secrets: a no-op deploy reads nothing here.
 */
export const secretsCleanup: Step = {
  id: 'secrets-cleanup',
  title: 'secrets access cleanup',
  runs: ({ dryRun }) => !dryRun,
  async run({ svc, aws, log, rows, state }) {
    const before = state.servicePlan?.live?.raw.taskDefinition;
    if (svc.secrets || !before || before === state.taskDefinitionArn) {
      log('    nothing to remove');
      return;
    }
    const where = { role: svc.names.executionRole, policy: SECRETS_POLICY };
    if ((await findRolePolicy(aws, where)) === undefined || !(await deleteRolePolicy(aws, where))) {
      log('    nothing to remove');
      return;
    }
    log(`    - removed the execution role's policy ${where.policy}: the manifest has no secrets any more`);
    rows.push({ resource: 'IAM execution role policy', name: `${where.role}/${where.policy}`, outcome: 'removed' });
  },
};
