/**
 * make deploy-lambda: sam build + sam deploy of template.yaml with the settings of
 * manifests/lambda.yml, then a call to the Function URL that must answer 200.
 */
import { join, resolve } from 'node:path';
import { commonOptions, runMain } from './lib/cli.ts';
import { callerIdentity, createAws, resolveRegion } from './lib/aws.ts';
import { ToolError, message } from './lib/errors.ts';
import { run as runCommand } from './lib/process.ts';
import { loadLambdaManifest } from './manifest/index.ts';
import { checkParameters, effectiveParameter, loadTemplate } from './lambda/template.ts';
import { formatCommand, lambdaPlan, samPairs, type Command, type LambdaPlan } from './lambda/plan.ts';
import { checkEsbuild, checkSam } from './lambda/prereqs.ts';
import { callUrl, stackOutputs, stackStatus } from './lambda/smoke.ts';

const root = resolve(import.meta.dirname, '..');

await runMain(async () => {
  // LAMBDA_MANIFEST is the name clean, status, logs and local read the Lambda manifest from.
  const opts = commonOptions(process.env.LAMBDA_MANIFEST?.trim() || join(root, 'manifests/lambda.yml'));
  const manifest = await loadLambdaManifest(resolve(opts.manifest), opts.env);
  const template = await loadTemplate(join(root, 'template.yaml'));
  checkParameters(template, manifest.parameters, manifest.file);
  const envRegion = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || undefined;

  if (opts.dryRun) {
    const plan = lambdaPlan(manifest, { root, region: envRegion });
    printSummary(plan, manifest.environment, manifest.file);
    console.log('\nDry run: nothing is checked, built or deployed. A real run would:');
    console.log('  1. check `sam --version`, node_modules/.bin/esbuild and AWS credentials (sts:GetCallerIdentity)');
    console.log(`  2. $ ${formatCommand(plan.build)}`);
    console.log(`  3. $ ${formatCommand(plan.deploy)}`);
    console.log(`  4. read the FunctionUrl output of stack ${plan.stackName} (cloudformation:DescribeStacks), GET it and fail unless it answers 200`);
    if (!plan.region) console.log('\nnote: no region is set: set AWS_REGION or `region:` in the manifest before a real run');
    return 0;
  }

  const samVersion = await checkSam();
  checkEsbuild(root);
  const region = manifest.region ?? resolveRegion();
  const aws = createAws(region);
  const who = await callerIdentity(aws);
  const plan = lambdaPlan(manifest, { root, region });
  printSummary(plan, manifest.environment, manifest.file);
  console.log(`account:     ${who.account} (${who.arn})`);
  console.log(`sam:         ${samVersion}\n`);

  await run(plan.build, 'sam build', 'fix the build error above (run the command by hand with --debug for more; "nodejs24.x is not supported" means the SAM CLI is too old: upgrade it)');
  await run(plan.deploy, 'sam deploy', async () => {
    const status = await stackStatus(aws.cfn, plan.stackName);
    return status === 'ROLLBACK_COMPLETE'
      ? `the first deploy of stack ${plan.stackName} failed and left it in ROLLBACK_COMPLETE, which cannot be updated: read the stack events above for the cause, delete the stack (\`sam delete --stack-name ${plan.stackName} --region ${region}\`) and rerun`
      : "the stack events above name the resource that failed; fix it and rerun (the CloudFormation console shows the stack's history)";
  });

  const outputs = await stackOutputs(aws.cfn, plan.stackName);
  const url = outputs.FunctionUrl;
  if (!url) throw new ToolError(message(`stack ${plan.stackName}`, 'it has no FunctionUrl output', 'keep the FunctionUrl output in template.yaml and redeploy'));
  console.log(`\nFunction URL: ${url}`);

  const authType = outputs.AuthType || effectiveParameter(template, manifest.parameters, 'AuthType');
  const sign = authType === 'AWS_IAM' ? { region, credentials: aws.sts.config.credentials } : undefined;
  const waitSeconds = Number(process.env.L2F_SMOKE_WAIT_SECONDS ?? 60);
  const answer = await callUrl(url, { sign, waitSeconds: Number.isFinite(waitSeconds) ? waitSeconds : 60 });
  console.log(`GET ${url}${sign ? ' (SigV4-signed: AuthType AWS_IAM)' : ''} → ${answer.status}`);
  console.log(answer.body);
  if (answer.status !== 200) {
    throw new ToolError(
      message(
        'smoke test',
        `the Function URL answered ${answer.status}, not 200${answer.attempts > 1 ? ` after ${answer.attempts} tries` : ''}`,
        answer.status === 403
          ? 'check the function policy (AuthType NONE needs lambda:InvokeFunctionUrl and lambda:InvokeFunction for "*") or, with AWS_IAM, that your identity may invoke it'
          : 'see `make logs LAMBDA=1` for the function log',
      ),
    );
  }
});

function printSummary(plan: LambdaPlan, environment: string, file: string): void {
  console.log(`deploy-lambda: stack ${plan.stackName} (environment ${environment}, manifest ${file})`);
  console.log(`region:      ${plan.region ?? '(not set)'}`);
  console.log(`parameters:  ${samPairs(plan.parameters) || '(template defaults)'}`);
  console.log(`tags:        ${samPairs(plan.tags)}`);
}

async function run(c: Command, what: string, fix: string | (() => Promise<string>)): Promise<void> {
  console.log(`$ ${formatCommand(c)}`);
  const env = c.prependPath ? { ...process.env, PATH: `${c.prependPath}:${process.env.PATH ?? ''}` } : process.env;
  const { code } = await runCommand(c.cmd, c.args, { cwd: root, env, stdio: 'inherit' });
  if (code !== 0) throw new ToolError(message(what, `exited with code ${code}`, typeof fix === 'string' ? fix : await fix()));
}
