import { applyTargetGroup, desiredTargetGroup, findTargetGroup, planTargetGroup } from '../../resources/target-group.ts';
import { need, type Step } from '../context.ts';

export const targetGroup: Step = {
  id: 'target-group',
  title: 'target group',
  runs: ({ svc }) => !!svc.loadBalancer,
  async run({ svc, aws, dryRun, show, state }) {
    const lb = need(svc.loadBalancer, 'the load balancer settings');
    const desired = desiredTargetGroup(svc, lb, need(state.network, 'the network').vpcId);
    const plan = planTargetGroup(svc, await findTargetGroup(aws, lb.names.targetGroup), desired);
    const h = desired.healthCheck;
    show(plan, [
      `HTTP:${desired.port}, ip targets; health check GET ${h.path} every ${h.interval}s (timeout ${h.timeout}s), healthy after ${h.healthyThreshold}, unhealthy after ${h.unhealthyThreshold}, codes ${h.matcher}`,
      `deregistration delay ${desired.deregistrationDelay}s`,
    ]);
    state.targetGroupArn = dryRun ? (plan.live?.arn ?? '(new target group)') : await applyTargetGroup(aws, plan);
  },
};
