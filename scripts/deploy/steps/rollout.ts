import { countTargets } from '../../resources/target-group.ts';
import { waitForTargets } from '../../resources/target-wait.ts';
import { waitForRollout } from '../../resources/wait.ts';
import { need, type Step } from '../context.ts';

export const rollout: Step = {
  id: 'rollout',
  title: 'wait for the rollout',
  runs: ({ dryRun }) => !dryRun,
  async run({ svc, aws, log, state }) {
    const plan = need(state.servicePlan, 'the service plan');
    const unchanged = plan.action === 'unchanged';
    const taskDefinitionArn = need(state.taskDefinitionArn, 'the task definition');
    const r = await waitForRollout(aws, svc, {
      taskDefinitionArn,
      since: need(unchanged ? state.serviceDoneAt : state.serviceStartedAt, 'the service step time'),
      timeoutSeconds: svc.deployment.timeout,
      log,
      current: unchanged ? plan.live?.raw : undefined,
      secretsAccessSettled: !state.secretsAccessChanged,
    });
    log(`    rollout COMPLETED in ${r.seconds.toFixed(1)}s: ${r.deployment.runningCount}/${r.deployment.desiredCount} running`);
    if (!svc.loadBalancer) return;
    // COMPLETED is ECS's word; the load balancer's is the target health: new tasks healthy, old ones drained
    const t = await waitForTargets(aws, svc, {
      targetGroupArn: need(state.targetGroupArn, 'the target group'),
      taskDefinitionArn,
      desiredCount: r.deployment.desiredCount ?? 0,
      timeoutSeconds: Math.max(30, svc.deployment.timeout - r.seconds),
      log,
    });
    state.targets = countTargets(t.targets);
    log(`    target group: ${state.targets}, none draining (${t.seconds.toFixed(1)}s after COMPLETED)`);
  },
};
