/**
 * make clean: deletes everything lambda2fargate created for the service and environment (and the
 * Lambda stack), in dependency order, then checks that nothing it owns is left.
 */
import { callerIdentity, createAws } from './lib/aws.ts';
import { commonOptions, runMain } from './lib/cli.ts';
import { clean } from './clean/run.ts';
import { defaultServiceManifest, loadManifests, stackClients } from './clean/target.ts';

await runMain(async () => {
  const opts = commonOptions(defaultServiceManifest);
  const { svc, lambda } = await loadManifests(opts);
  const aws = createAws();
  const who = await callerIdentity(aws);
  const stackAws = stackClients(aws, lambda);
  console.log(`clean: ${svc.name} (environment ${svc.environment}) in ${aws.region}, account ${who.account}${lambda ? `, Lambda stack ${lambda.stackName}` : ''}`);
  return clean(
    aws,
    { svc, stack: lambda && stackAws ? { name: lambda.stackName, environment: lambda.environment, aws: stackAws } : undefined },
    { dryRun: opts.dryRun, yes: opts.yes, interactive: !!process.stdin.isTTY && !!process.stdout.isTTY, print: (l) => console.log(l) },
  );
});
