import { waitForRollout } from '../../resources/wait.ts';
import { need, type Step } from '../context.ts';

export const rollout: Step = {
  id: 'rollout',
  title: 'wait for the rollout',
  runs: ({ dryRun }) => !dryRun,
  async run({ svc, aws, log, state }) {
    const plan = need(state.servicePlan, 'the service plan');
    const unchanged = plan.action === 'unchanged';
    const r = await waitForRollout(aws, svc, {
      taskDefinitionArn: need(state.taskDefinitionArn, 'the task definition'),
      since: need(unchanged ? state.serviceDoneAt : state.serviceStartedAt, 'the service step time'),
      timeoutSeconds: svc.deployment.timeout,
      log,
      current: unchanged ? plan.live?.raw : undefined,
      secretsAccessSettled: !state.secretsAccessChanged,
    });
    log(`    rollout COMPLETED in ${r.seconds.toFixed(1)}s: ${r.deployment.runningCount}/${r.deployment.desiredCount} running`);
  },
};
