/**
 * make local — both halves on this machine, no AWS account: the container image built and run
 * under Docker as the task definition describes it (or, with NO_DOCKER=1, the container's server
 * on Node), and the Lambda handler behind a local Function URL endpoint. Ctrl-C stops both.
 *
 * Env: ENV, MANIFEST, NO_DOCKER, LOCAL_PORT (default: the manifest's port), LAMBDA_PORT (LOCAL_PORT + 1),
 * LOCAL_SECRETS=1 (read the manifest's secrets with your AWS credentials; otherwise they stay unset).
 */
import { commonOptions, runMain } from './lib/cli.ts';
import { loadLambdaManifest, loadServiceManifest } from './manifest/index.ts';
import { portFromEnv } from './local/ports.ts';
import { runLocal } from './local/run.ts';

const truthy = (v: string | undefined) => !!v && v !== '0' && v.toLowerCase() !== 'false';

await runMain(async () => {
  const options = commonOptions('manifests/service.yml');
  const service = await loadServiceManifest(options.manifest, options.env);
  const lambda = await loadLambdaManifest(process.env.LAMBDA_MANIFEST?.trim() || 'manifests/lambda.yml', options.env);
  const ecsPort = portFromEnv('LOCAL_PORT', service.image.port);
  const lambdaPort = portFromEnv('LAMBDA_PORT', ecsPort + 1);
  return runLocal({
    service,
    lambda: {
      functionName: `${lambda.stackName}-local`,
      memorySize: lambda.parameters.MemorySize ?? '512',
      region: lambda.region ?? process.env.AWS_REGION ?? 'us-east-1',
    },
    host: '127.0.0.1',
    ecsPort,
    lambdaPort,
    noDocker: truthy(process.env.NO_DOCKER),
    readSecrets: truthy(process.env.LOCAL_SECRETS),
  });
});
