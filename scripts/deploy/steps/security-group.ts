import { applySecurityGroup, desiredSecurityGroup, describeRule, findSecurityGroup, planSecurityGroup } from '../../resources/security-group.ts';
import { need, type Step } from '../context.ts';

export const securityGroup: Step = {
  id: 'security-group',
  title: 'security group',
  async run({ svc, aws, dryRun, log, show, state }) {
    const { vpcId } = need(state.network, 'the network');
    const plan = planSecurityGroup(await findSecurityGroup(aws, svc, vpcId), desiredSecurityGroup(svc, vpcId));
    show(plan, [`ingress: tcp ${svc.image.port} from ${svc.network.allowedCidrs.join(', ')}`, `in ${vpcId}`]);
    for (const r of plan.revoke) log(`    ! ${dryRun ? 'would revoke' : 'revoking'} a rule the manifest does not ask for: ${describeRule(r)}`);
    state.securityGroupId = dryRun ? (plan.live?.id ?? '(new security group)') : await applySecurityGroup(aws, plan, log);
  },
};
