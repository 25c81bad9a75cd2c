import { UntagResourceCommand } from '@aws-sdk/client-ecs';
import { isOwned } from '../../lib/tags.ts';
import { applyScaling, deleteScaling, describePolicy, desiredScaling, findScaling, planScaling, scalingResourceId } from '../../resources/scaling.ts';
import { SCALED_TAG } from '../../resources/service.ts';
import { need, type Step } from '../context.ts';

export const scaling: Step = {
  id: 'scaling',
  title: 'autoscaling',
  // on, or just turned off (the live service still carries the tag that says a scaler owns its count)
  runs: ({ svc, state }) => !!svc.scaling || !!state.servicePlan?.live?.tags[SCALED_TAG],
  async run({ svc, aws, dryRun, log, show, rows, state }) {
    const live = await findScaling(aws, svc);
    const s = svc.scaling;
    if (!s) {
      const service = need(state.servicePlan?.live, 'the live service');
      if (live && !isOwned(live.tags, svc.name, svc.environment)) log(`    ! a scalable target for ${scalingResourceId(svc)} exists without our tags: left alone`);
      else if (live) {
        // scaling was turned off: the service step already sent `count` back
        log(`    - ${dryRun ? 'would deregister' : 'deregistering'}: scalable target ${scalingResourceId(svc)} (scaling is off; its ${live.policies.length} policies go with it)`);
        rows.push({ resource: 'scalable target', name: scalingResourceId(svc), outcome: dryRun ? 'would delete' : 'deleted' });
        if (!dryRun) await deleteScaling(aws, { kind: 'scalable-target', name: scalingResourceId(svc), id: scalingResourceId(svc), owned: true });
      }
      if (!dryRun) await aws.ecs.send(new UntagResourceCommand({ resourceArn: service.arn, tagKeys: [SCALED_TAG] }));
      return;
    }
    const arns = svc.loadBalancer ? { loadBalancer: need(state.loadBalancer, 'the load balancer').arn, targetGroup: need(state.targetGroupArn, 'the target group') } : undefined;
    const desired = desiredScaling(svc, s, arns);
    const plan = planScaling(live, desired);
    show(plan, [`${s.min}–${s.max} tasks`, ...desired.policies.map((p) => `target tracking: ${describePolicy(p)}`)]);
    if (!dryRun) await applyScaling(aws, plan);
  },
};
