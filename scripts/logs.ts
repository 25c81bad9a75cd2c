/** make logs: the service's (or, with LAMBDA=1, the function's) CloudWatch log lines; FOLLOW=1 keeps polling until Ctrl-C. */
import { callerIdentity, createAws } from './lib/aws.ts';
import { commonOptions, runMain } from './lib/cli.ts';
import { defaultServiceManifest, loadManifests, stackClients } from './clean/target.ts';
import { lambdaStatus } from './status/gather.ts';
import { logGroupExists, parseSince, tail } from './status/logs.ts';

const truthy = (v: string | undefined) => !!v && v !== '0' && v.toLowerCase() !== 'false';

await runMain(async () => {
  const opts = commonOptions(defaultServiceManifest);
  const since = parseSince(process.env.SINCE);
  const follow = truthy(process.env.FOLLOW);
  const wantLambda = truthy(process.env.LAMBDA);
  const { svc, lambda } = await loadManifests(opts);
  let aws = createAws();
  await callerIdentity(aws);
  let group = svc.names.logGroup;
  let what = `ECS service ${svc.names.service}`;
  if (wantLambda) {
    const stackAws = stackClients(aws, lambda);
    const fn = lambda && stackAws ? await lambdaStatus(stackAws, lambda) : null;
    if (!lambda || !stackAws || !fn) {
      console.log(`nothing deployed: ${lambda ? `no Lambda stack ${lambda.stackName}` : 'no Lambda manifest'} in ${aws.region} — make deploy-lambda deploys it`);
      return 0;
    }
    aws = stackAws;
    group = fn.logGroup || `/aws/lambda/${lambda.stackName}`;
    what = `Lambda function ${fn.functionName ?? lambda.stackName}`;
  }
  if (!(await logGroupExists(aws, group))) {
    console.log(`nothing deployed: log group ${group} does not exist in ${aws.region} — ${wantLambda ? 'make deploy-lambda' : 'make deploy-ecs'} creates it`);
    return 0;
  }
  let stopped = false;
  process.on('SIGINT', () => (stopped = true));
  console.log(`${what}: log group ${group}, since ${new Date(since).toISOString()}${follow ? ' (following — Ctrl-C stops)' : ''}`);
  const intervalMs = Number(process.env.L2F_POLL_MS) > 0 ? Number(process.env.L2F_POLL_MS) : 2_000;
  const n = await tail(aws, group, since, { follow, intervalMs, stopped: () => stopped, print: (l) => console.log(l) });
  if (!n && !follow) console.log('no log lines in that window — try SINCE=1h');
  return 0;
});
