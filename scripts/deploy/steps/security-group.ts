import { desiredAlbSecurityGroup } from '../../resources/alb-security-group.ts';
import { applySecurityGroup, desiredSecurityGroup, describeRule, findSecurityGroup, planSecurityGroup } from '../../resources/security-group.ts';
import type { DesiredSecurityGroup } from '../../resources/security-group.ts';
import { need, type DeployContext, type Step } from '../context.ts';

/** Plans, prints and applies one group; returns its id (a placeholder in a dry run for a new one). */
async function converge(ctx: DeployContext, desired: DesiredSecurityGroup, details: string[]): Promise<string> {
  const { svc, aws, dryRun, log, show } = ctx;
  const plan = planSecurityGroup(await findSecurityGroup(aws, svc, desired.vpcId, desired.name), desired);
  show(plan, details);
  for (const r of plan.revoke) log(`    ! ${dryRun ? 'would revoke' : 'revoking'} a rule the manifest does not ask for: ${describeRule(r)}`);
  return dryRun ? (plan.live?.id ?? `(new security group ${desired.name})`) : await applySecurityGroup(aws, plan, log);
}

export const securityGroup: Step = {
  id: 'security-group',
  title: 'security groups',
  async run(ctx) {
    const { svc, state } = ctx;
    const { vpcId } = need(state.network, 'the network');
    const lb = svc.loadBalancer;
    const cidrs = svc.network.allowedCidrs.join(', ');
    if (lb) {
      // the load balancer's group first: the service's group admits the port only from it
      const alb = desiredAlbSecurityGroup(svc, lb, vpcId);
      state.albSecurityGroupId = await converge(ctx, alb, [`ingress: tcp ${lb.domain ? '80, 443' : '80'} from ${cidrs}`, `in ${vpcId}`]);
      state.securityGroupId = await converge(ctx, desiredSecurityGroup(svc, vpcId, state.albSecurityGroupId), [`ingress: tcp ${svc.image.port} from ${alb.name} only`, `in ${vpcId}`]);
      return;
    }
    state.securityGroupId = await converge(ctx, desiredSecurityGroup(svc, vpcId), [`ingress: tcp ${svc.image.port} from ${cidrs}`, `in ${vpcId}`]);
  },
};
