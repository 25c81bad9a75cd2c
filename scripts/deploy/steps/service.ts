import { applyService, desiredService, findService, planService } from '../../resources/service.ts';
import { forceNewDeployment as redeploy } from '../../resources/redeploy.ts';
import { shortTd } from '../../resources/wait.ts';
import { need, type Step } from '../context.ts';

export const service: Step = {
  id: 'service',
  title: 'service',
  async run({ svc, aws, dryRun, forceNewDeployment, log, show, state }) {
    state.serviceStartedAt = new Date();
    const taskDefinition = need(state.taskDefinitionArn, 'the task definition');
    const desired = desiredService(svc, {
      taskDefinition,
      subnets: need(state.network, 'the network').subnets.map((s) => s.id),
      securityGroupId: need(state.securityGroupId, 'the security group'),
    });
    const live = state.liveService === undefined ? await findService(aws, svc) : (state.liveService ?? undefined);
    const plan = planService(live, desired);
    show(plan, [`${svc.count} × ${shortTd(taskDefinition)} on Fargate, public IP ${svc.network.publicIp ? 'on' : 'off'}, circuit breaker${svc.deployment.rollback ? ' with rollback' : ''}`]);
    if (!dryRun) await applyService(aws, plan, log);
    // tasks read secrets when they start: new access (a KMS key, a fixed policy) needs new tasks
    const force = forceNewDeployment ? 'FORCE_NEW_DEPLOYMENT=1' : state.secretsAccessChanged ? "the execution role's access to the secrets changed" : undefined;
    state.servicePlan = force ? await redeploy(aws, plan, { dryRun, log, why: force }) : plan;
    // a no-op run has no news: older events (allowing 1s of clock skew) are history
    state.serviceDoneAt = new Date(Date.now() + 1000);
  },
};
