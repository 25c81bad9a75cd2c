import { applyLoadBalancer, desiredLoadBalancer, findLoadBalancer, planLoadBalancer } from '../../resources/load-balancer.ts';
import { need, type Step } from '../context.ts';

export const loadBalancer: Step = {
  id: 'load-balancer',
  title: 'load balancer',
  runs: ({ svc }) => !!svc.loadBalancer,
  async run({ svc, aws, dryRun, log, show, state }) {
    const lb = need(svc.loadBalancer, 'the load balancer settings');
    const desired = desiredLoadBalancer(svc, lb, {
      vpcId: need(state.network, 'the network').vpcId,
      subnets: need(state.lbSubnets, 'the load balancer subnets'),
      securityGroupId: need(state.albSecurityGroupId, 'the load balancer security group'),
    });
    const plan = planLoadBalancer(svc, await findLoadBalancer(aws, lb.names.loadBalancer), desired);
    show(plan, [`internet-facing application load balancer in ${desired.settings.subnets.join(', ')}`, `idle timeout ${lb.idleTimeout}s; security group ${desired.settings.securityGroups.join(', ')}`]);
    if (dryRun) {
      state.loadBalancer = plan.live ? { arn: plan.live.arn, dnsName: plan.live.dnsName, hostedZoneId: plan.live.hostedZoneId } : { arn: '(new load balancer)', dnsName: '(new load balancer)', hostedZoneId: '' };
      return;
    }
    state.loadBalancer = await applyLoadBalancer(aws, plan, log);
    log(`    DNS name: ${state.loadBalancer.dnsName}`);
  },
};
