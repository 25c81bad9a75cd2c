import { applyRole, desiredRole, findRole, partitionOf, planRole } from '../../resources/iam.ts';
import { applyLogGroup, desiredLogGroup, findLogGroup, planLogGroup } from '../../resources/logs.ts';
import { need, type Step } from '../context.ts';

export const executionRole: Step = {
  id: 'role',
  title: 'execution role and log group',
  async run({ svc, aws, dryRun, log, show, state }) {
    const who = need(state.who, 'the caller identity');
    const rolePlan = planRole(await findRole(aws, svc), desiredRole(svc, partitionOf(who.arn)));
    show(rolePlan, ['trust: ecs-tasks.amazonaws.com; policy: AmazonECSTaskExecutionRolePolicy']);
    const logPlan = planLogGroup(await findLogGroup(aws, svc), desiredLogGroup(svc));
    show(logPlan, [`retention: ${svc.logging.retention} days`]);
    if (dryRun) {
      state.executionRoleArn = rolePlan.live?.arn ?? `arn:${partitionOf(who.arn)}:iam::${who.account}:role/${svc.names.executionRole}`;
      return;
    }
    state.executionRoleArn = (await applyRole(aws, rolePlan, log)).arn;
    await applyLogGroup(aws, logPlan, log);
  },
};
