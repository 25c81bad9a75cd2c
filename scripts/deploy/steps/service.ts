import { applyService, desiredService, findService, planService } from '../../resources/service.ts';
import { shortTd } from '../../resources/wait.ts';
import { need, type Step } from '../context.ts';

export const service: Step = {
  id: 'service',
  title: 'service',
  async run({ svc, aws, dryRun, log, show, state }) {
    state.serviceStartedAt = new Date();
    const taskDefinition = need(state.taskDefinitionArn, 'the task definition');
    const desired = desiredService(svc, {
      taskDefinition,
      subnets: need(state.network, 'the network').subnets.map((s) => s.id),
      securityGroupId: need(state.securityGroupId, 'the security group'),
    });
    const plan = planService(await findService(aws, svc), desired);
    show(plan, [`${svc.count} × ${shortTd(taskDefinition)} on Fargate, public IP ${svc.network.publicIp ? 'on' : 'off'}, circuit breaker${svc.deployment.rollback ? ' with rollback' : ''}`]);
    if (!dryRun) await applyService(aws, plan, log);
    state.servicePlan = plan;
    // a no-op run has no news: older events (allowing 1s of clock skew) are history
    state.serviceDoneAt = new Date(Date.now() + 1000);
  },
};
