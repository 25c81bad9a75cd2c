import { UntagResourceCommand } from '@aws-sdk/client-ecs';
import { ToolError, message } from '../../lib/errors.ts';
import { isOwned } from '../../lib/tags.ts';
import { loadBalancerNames } from '../../manifest/load-balancer.ts';
import { LOAD_BALANCER_DELETERS, findLoadBalancerResources } from '../../resources/lb-inventory.ts';
import { findSecurityGroup } from '../../resources/security-group.ts';
import { BALANCED_TAG } from '../../resources/service.ts';
import { KINDS } from '../../resources/types.ts';
import { need, type Step } from '../context.ts';

/**
 * Back to public-IP mode: once the service runs without its load balancer (step service sent
 * loadBalancers: [], the rollout moved the tasks), what load-balanced mode made goes, in clean's
 * order — listeners, load balancer (waited until gone), target group, the load balancer's
 * security group (its network interfaces linger: retried), DNS records, the certificate.
 */
export const loadBalancerTeardown: Step = {
  id: 'load-balancer-teardown',
  title: 'remove the load balancer (public-IP mode)',
  runs: ({ svc, state }) => !svc.loadBalancer && (!!state.servicePlan?.live?.tags[BALANCED_TAG] || (state.servicePlan?.live?.raw.loadBalancers?.length ?? 0) > 0),
  async run({ svc, aws, dryRun, log, rows, state }) {
    const names = loadBalancerNames(svc.name, svc.environment);
    const found = (await findLoadBalancerResources(aws, svc)).filter((f) => f.owned && f.kind !== 'scalable-target');
    const albGroup = await findSecurityGroup(aws, svc, need(state.network, 'the network').vpcId, names.securityGroup);
    if (albGroup && isOwned(albGroup.tags, svc.name, svc.environment)) {
      found.push({ kind: 'security-group', name: `${albGroup.name} (${albGroup.id})`, id: albGroup.id, owned: true });
    }
    found.sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind));
    if (!found.length) log('    nothing left to remove');
    let failed = 0;
    for (const item of found) {
      if (dryRun) {
        log(`    - would delete: ${item.kind} ${item.name}`);
        rows.push({ resource: item.kind, name: item.name, outcome: 'would delete' });
        continue;
      }
      const r = await LOAD_BALANCER_DELETERS[item.kind as keyof typeof LOAD_BALANCER_DELETERS](aws, item);
      log(`    - ${item.kind} ${item.name}: ${r.note}`);
      rows.push({ resource: item.kind, name: item.name, outcome: r.outcome });
      if (r.outcome === 'failed') failed++;
    }
    const service = state.servicePlan?.live;
    if (dryRun || !service) return;
    // the tag goes last: a teardown that stopped half-way is picked up by the next deploy
    if (failed) throw new ToolError(message('step load-balancer-teardown', `${failed} load balancer resource(s) could not be deleted yet (see above)`, 'run the deploy again in a few minutes, or make clean'));
    await aws.ecs.send(new UntagResourceCommand({ resourceArn: service.arn, tagKeys: [BALANCED_TAG] }));
  },
};
