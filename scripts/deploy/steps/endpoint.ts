import { reportEndpoints } from '../../resources/endpoint.ts';
import { need, type Step } from '../context.ts';

export const endpoint: Step = {
  id: 'endpoint',
  title: 'endpoint',
  runs: ({ dryRun }) => !dryRun,
  async run({ svc, aws, log, state }) {
    state.urls.push(...(await reportEndpoints(aws, svc, need(state.taskDefinitionArn, 'the task definition'), log)));
  },
};
