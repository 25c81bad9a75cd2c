/** make status: the ECS service, its deployments, tasks (with URLs) and events, and the Lambda's URL. */
import { callerIdentity, createAws } from './lib/aws.ts';
import { commonOptions, runMain } from './lib/cli.ts';
import { UserError, message } from './lib/errors.ts';
import { defaultServiceManifest, loadManifests, stackClients } from './clean/target.ts';
import { statusReport } from './status/gather.ts';
import { renderStatus } from './status/render.ts';

await runMain(async () => {
  const opts = commonOptions(defaultServiceManifest);
  const output = (process.env.OUTPUT ?? '').trim().toLowerCase();
  if (output && output !== 'json' && output !== 'text') throw new UserError(message(`OUTPUT=${output}`, 'unknown output format', 'use OUTPUT=json or leave it unset'));
  const { svc, lambda } = await loadManifests(opts);
  const aws = createAws();
  await callerIdentity(aws);
  const report = await statusReport(aws, svc, lambda, stackClients(aws, lambda));
  if (output === 'json') console.log(JSON.stringify(report, null, 2));
  else for (const line of renderStatus(report, { cluster: svc.names.cluster, service: svc.names.service, stack: lambda?.stackName })) console.log(line);
});
