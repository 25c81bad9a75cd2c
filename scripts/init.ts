/**
 * `make init FUNCTION=<name or ARN> [ENV=…] [CODE=1] [FORCE=1] [OUTPUT=json] [MANIFEST=…]`:
 * writes manifests/service.yml and manifests/lambda.yml from a deployed Lambda function (its
 * size, architecture, variables, timeout, role and VPC), CODE=1 also unzips its code into
 * functions/<name>/, and says what has no Fargate equivalent. Reads AWS, writes only files.
 */
import { createAws } from './lib/aws.ts';
import { runMain } from './lib/cli.ts';
import { initOptions } from './init/options.ts';
import { printResult, runInit } from './init/run.ts';

await runMain(async () => {
  const options = initOptions();
  const result = await runInit(createAws(), options);
  printResult(result, options.json);
});
