import { applyListeners, describeListener, desiredListeners, findListeners, planListeners } from '../../resources/listeners.ts';
import { need, type Step } from '../context.ts';

export const listeners: Step = {
  id: 'listeners',
  title: 'listeners',
  runs: ({ svc }) => !!svc.loadBalancer,
  async run({ svc, aws, dryRun, show, state }) {
    const lb = need(svc.loadBalancer, 'the load balancer settings');
    const balancer = need(state.loadBalancer, 'the load balancer');
    const desired = desiredListeners(svc, lb, {
      loadBalancerArn: balancer.arn,
      targetGroupArn: need(state.targetGroupArn, 'the target group'),
      ...(lb.domain ? { certificateArn: need(state.certificateArn, 'the certificate') } : {}),
    });
    const live = balancer.arn.startsWith('(') ? [] : await findListeners(aws, balancer.arn);
    const plan = planListeners(lb.names.loadBalancer, live, desired);
    show(plan, desired.listeners.map(describeListener));
    if (!dryRun) await applyListeners(aws, plan);
  },
};
