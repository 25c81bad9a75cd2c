import { partitionOf } from '../../resources/iam.ts';
import { TRANSIENT, retryTransient } from '../../resources/retry.ts';
import { applyRolePolicy, findRolePolicy, planRolePolicy } from '../../resources/role-policy.ts';
import { SECRETS_POLICY, containerSecrets, secretsPolicy, type DeployTarget } from '../../resources/secrets.ts';
import { applyTaskRole, checkExistingRole, desiredTaskRole, findTaskRole, planTaskRole } from '../../resources/task-role.ts';
import { need, type DeployContext, type Step } from '../context.ts';

/**
 * What the application's code runs with (the task role) and what ECS may read for it at task start
 * (the execution role's secrets policy). Nothing is read or written for a manifest without either.
 */
export const taskRole: Step = {
  id: 'task-role',
  title: 'task role and secrets access',
  async run(ctx) {
    const who = need(ctx.state.who, 'the caller identity');
    const target: DeployTarget = { partition: partitionOf(who.arn), region: ctx.aws.region, account: who.account };
    if (!ctx.svc.taskRole && !ctx.svc.secrets) {
      ctx.log('    none: the manifest has no taskRole and no secrets (the tasks get no AWS credentials)');
      return;
    }
    await convergeTaskRole(ctx, target);
    await convergeSecretsAccess(ctx, target);
  },
};

async function convergeTaskRole({ svc, aws, dryRun, log, show, rows, state }: DeployContext, target: DeployTarget): Promise<void> {
  const spec = svc.taskRole;
  if (!spec) return;
  if (spec.kind === 'existing') {
    const notes = await checkExistingRole(aws, spec.arn, target.account);
    log(`    = IAM task role ${spec.arn.split('/').pop()}: the existing role, used as it is (never changed or deleted)`);
    for (const n of notes) log(`    ! ${n}`);
    rows.push({ resource: 'IAM task role', name: spec.arn.split('/').pop() ?? spec.arn, outcome: 'existing' });
    state.taskRoleArn = spec.arn;
    return;
  }
  const plan = planTaskRole(await findTaskRole(aws, svc), desiredTaskRole(svc, target));
  const d = plan.desired;
  show(plan, [
    `trust: ecs-tasks.amazonaws.com from account ${target.account}`,
    `managed policies: ${d.policyArns.map((a) => a.split('/').pop()).join(', ') || 'none'}; inline statements: ${d.inlinePolicy?.Statement.length ?? 0}`,
  ]);
  const arn = `arn:${target.partition}:iam::${target.account}:role/${d.name}`;
  state.taskRoleArn = dryRun ? (plan.live?.role.arn ?? arn) : await applyTaskRole(aws, plan, log);
}

async function convergeSecretsAccess({ svc, aws, dryRun, log, show, state }: DeployContext, target: DeployTarget): Promise<void> {
  if (!svc.secrets) return;
  state.containerSecrets = containerSecrets(svc, target);
  const where = { role: svc.names.executionRole, policy: SECRETS_POLICY };
  // a dry run on a fresh account has no role to read the policy of: IAM answers NoSuchEntity
  const plan = planRolePolicy('IAM execution role policy', where, await findRolePolicy(aws, where), secretsPolicy(svc, target));
  show(plan, [`lets ECS read ${state.containerSecrets.map((s) => s.name).join(', ')} at task start (values are never read by the tool)`]);
  // the execution role may be seconds old (step 4): IAM can answer NoSuchEntity for a while
  if (!dryRun) await retryTransient('PutRolePolicy', [TRANSIENT.roleNotFound], () => applyRolePolicy(aws, plan), log);
  state.secretsAccessChanged = plan.action !== 'unchanged';
}
