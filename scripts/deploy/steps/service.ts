import { ToolError, message } from '../../lib/errors.ts';
import { rolloutLowerBound } from '../../resources/rollout-bound.ts';
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
    const live = state.liveService === undefined ? await findService(aws, svc) : (state.liveService ?? undefined);
    const desired = desiredService(svc, {
      taskDefinition,
      subnets: need(state.network, 'the network').subnets.map((s) => s.id),
      securityGroupId: need(state.securityGroupId, 'the security group'),
      ...(svc.loadBalancer ? { targetGroupArn: need(state.targetGroupArn, 'the target group') } : {}),
      ...(svc.scaling && live ? { liveDesiredCount: live.raw.desiredCount } : {}),
    });
    const plan = planService(live, desired);
    const controller = live?.raw.deploymentController?.type;
    if (controller && controller !== 'ECS' && plan.changes.some((c) => c.path.startsWith('loadBalancers'))) {
      // only the rolling-update (ECS) controller changes load balancers through UpdateService
      throw new ToolError(message(`ECS service ${desired.name}`, `its deployment controller is ${controller}, which cannot change its load balancers in place`, 'delete the service (make clean) and deploy again'));
    }
    const mode = svc.loadBalancer ? `behind load balancer ${svc.loadBalancer.names.loadBalancer} (grace ${svc.loadBalancer.gracePeriod}s)` : `public IP ${svc.network.publicIp ? 'on' : 'off'}`;
    const count = svc.scaling ? `${desired.settings.desiredCount} (scaling ${svc.scaling.min}–${svc.scaling.max}; the scaler owns the count)` : `${svc.count}`;
    show(plan, [`${count} × ${shortTd(taskDefinition)} on Fargate, ${mode}, circuit breaker${svc.deployment.rollback ? ' with rollback' : ''}`]);
    if (svc.scaling && live) log(`    = desiredCount ${live.raw.desiredCount} is the scaler's: not sent`);
    const bound = rolloutLowerBound(svc);
    if (bound) log(`    rollout lower bound: ${bound.text}`);
    if (!dryRun) await applyService(aws, plan, log);
    // tasks read secrets when they start: new access (a KMS key, a fixed policy) needs new tasks
    const force = forceNewDeployment ? 'FORCE_NEW_DEPLOYMENT=1' : state.secretsAccessChanged ? "the execution role's access to the secrets changed" : undefined;
    state.servicePlan = force ? await redeploy(aws, plan, { dryRun, log, why: force }) : plan;
    // a no-op run has no news: older events (allowing 1s of clock skew) are history
    state.serviceDoneAt = new Date(Date.now() + 1000);
  },
};
