import { reportEndpoints } from '../../resources/endpoint.ts';
import { reportStableUrl } from '../../resources/lb-endpoint.ts';
import { need, type Step } from '../context.ts';

export const endpoint: Step = {
  id: 'endpoint',
  title: 'endpoint',
  runs: ({ dryRun }) => !dryRun,
  async run({ svc, aws, log, state }) {
    if (svc.loadBalancer) {
      state.urls.push(...(await reportStableUrl(svc, need(state.loadBalancer, 'the load balancer').dnsName, log)));
      return;
    }
    const report = await reportEndpoints(aws, svc, need(state.taskDefinitionArn, 'the task definition'), log);
    state.urls.push(...report.urls);
    state.endpoint = report;
  },
};
