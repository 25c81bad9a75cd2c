import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACCOUNT, startFakeAws } from './fake-aws.ts';
import { startFunctionUrl } from './function-url.ts';

const root = join(import.meta.dirname, '../..');
const stubBin = join(import.meta.dirname, 'bin');
const manifest = join(import.meta.dirname, 'fixtures/lambda.yml');
const esbuildBin = join(root, 'node_modules/.bin');
const CREDS = { AWS_ACCESS_KEY_ID: 'AKIDL2FTEST', AWS_SECRET_ACCESS_KEY: 'l2f-test-secret' };

let tmp: string;
let nodeOnly: string; // a PATH directory holding nothing but node: no sam, no docker
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'l2f-deploy-lambda-'));
  nodeOnly = join(tmp, 'node-bin');
  await mkdir(nodeOnly);
  await symlink(process.execPath, join(nodeOnly, 'node'));
});
after(() => rm(tmp, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs deploy-lambda as `make` runs it, in a clean environment: no AWS settings unless given. */
function run(env: Record<string, string>, cmd: string[] = [process.execPath, '--import', 'tsx', 'scripts/deploy-lambda.ts']): Promise<Run> {
  const clean = {
    PATH: nodeOnly,
    HOME: tmp,
    AWS_CONFIG_FILE: join(tmp, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(tmp, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    MANIFEST: manifest,
    ...env,
  };
  return new Promise((resolve) => {
    execFile(cmd[0]!, cmd.slice(1), { cwd: root, env: clean, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function planLines(out: string): string[] {
  return out.split('\n').filter((l) => /^\s+\d\. \$ /.test(l)).map((l) => l.replace(/^\s+\d\. \$ /, ''));
}

const TAGS_TEST = `team=platform "cost center"=42 managed-by=lambda2fargate lambda2fargate:service=l2f-test-hello lambda2fargate:environment=test`;

test('DRY_RUN=1 prints the exact sam build and sam deploy commands for the default environment, without sam or credentials', async () => {
  const r = await run({ DRY_RUN: '1', AWS_REGION: 'eu-west-3' });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(planLines(r.stdout), [
    `PATH=${esbuildBin}:"$PATH" sam build --template-file template.yaml --build-dir .aws-sam/build --region eu-west-3 --parameter-overrides 'Architecture=arm64 MemorySize=512 Timeout=30 AuthType=NONE LogRetentionInDays=14'`,
    `sam deploy --template-file .aws-sam/build/template.yaml --stack-name l2f-test-hello --region eu-west-3 --resolve-s3 --s3-prefix l2f-test-hello --capabilities CAPABILITY_IAM --no-confirm-changeset --no-fail-on-empty-changeset --parameter-overrides 'Architecture=arm64 MemorySize=512 Timeout=30 AuthType=NONE LogRetentionInDays=14' --tags '${TAGS_TEST}'`,
  ]);
  assert.match(r.stdout, /environment test/);
  assert.match(r.stdout, /nothing is checked, built or deployed/);
});

test('DRY_RUN=1 ENV=prod applies the environment: its stack name, merged parameters and environment tag', async () => {
  const r = await run({ DRY_RUN: '1', ENV: 'prod', AWS_REGION: 'us-east-1' });
  assert.equal(r.code, 0, r.stderr);
  const [build, deploy] = planLines(r.stdout);
  assert.match(build!, /--parameter-overrides 'Architecture=x86_64 MemorySize=1024 Timeout=30 AuthType=NONE LogRetentionInDays=14'$/);
  assert.match(deploy!, /--stack-name l2f-test-hello-prod --region us-east-1 /);
  assert.match(deploy!, /--tags 'team=platform "cost center"=42 managed-by=lambda2fargate lambda2fargate:service=l2f-test-hello-prod lambda2fargate:environment=prod'$/);
});

test('DRY_RUN=1 without a region still prints the plan, leaves --region out and says to set one', async () => {
  const r = await run({ DRY_RUN: '1' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(planLines(r.stdout).length, 2);
  assert.doesNotMatch(r.stdout, /--region/);
  assert.match(r.stdout, /no region is set: set AWS_REGION/);
});

test('LAMBDA_MANIFEST names the manifest when MANIFEST is not set, as for clean, status and logs', async () => {
  const r = await run({ DRY_RUN: '1', MANIFEST: '', LAMBDA_MANIFEST: manifest, ENV: 'prod', AWS_REGION: 'us-east-1' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /stack l2f-test-hello-prod \(environment prod, manifest .*fixtures\/lambda\.yml\)/);
});

test('make deploy-lambda DRY_RUN=1 ENV=prod prints the same plan through the Makefile', async () => {
  const r = await run({ PATH: `${nodeOnly}:/usr/bin:/bin`, AWS_REGION: 'us-east-1' }, [
    'make', '-s', '-o', 'node_modules/.installed', 'deploy-lambda', 'DRY_RUN=1', 'ENV=prod', `MANIFEST=${manifest}`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const [, deploy] = planLines(r.stdout);
  assert.match(deploy!, /^sam deploy .*--stack-name l2f-test-hello-prod /);
});

test('an unknown environment stops with exit code 2 before anything runs', async () => {
  const r = await run({ DRY_RUN: '1', ENV: 'staging' });
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /staging/);
});

test('without sam on PATH the deploy stops with exit code 1 and says how to install the SAM CLI', async () => {
  const r = await run({ AWS_REGION: 'us-east-1', ...CREDS });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /^error: SAM CLI: `sam` is not on PATH — install the AWS SAM CLI \(https:\/\/docs\.aws\.amazon\.com\/serverless-application-model\/latest\/developerguide\/install-sam-cli\.html/m);
  assert.match(r.stderr, /brew install aws-sam-cli/);
});

test('with sam but no AWS credentials the deploy stops with exit code 1, says how to set them, and builds nothing', async () => {
  const log = join(tmp, 'sam-no-creds.jsonl');
  const r = await run({ PATH: `${stubBin}:${nodeOnly}`, SAM_STUB_LOG: log, AWS_REGION: 'us-east-1' });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /^error: AWS credentials: none were found — run `aws configure`, set AWS_PROFILE, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/m);
  const calls = (await readFile(log, 'utf8')).trim().split('\n').map((l) => JSON.parse(l).argv);
  assert.deepEqual(calls, [['--version']]);
});

test('with sam and credentials but no region the deploy stops with exit code 1 and says to set AWS_REGION', async () => {
  const r = await run({ PATH: `${stubBin}:${nodeOnly}`, ...CREDS });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /AWS region: none is set — set AWS_REGION/);
});

async function fullRun(o: { env?: string; outputs: (url: string) => Record<string, string>; status?: string; iam?: boolean; extra?: Record<string, string> }) {
  const fn = await startFunctionUrl(o.iam ? { iam: { accessKeyId: CREDS.AWS_ACCESS_KEY_ID, secretAccessKey: CREDS.AWS_SECRET_ACCESS_KEY, region: 'us-east-1' } } : {});
  const stack = o.env === 'prod' ? 'l2f-test-hello-prod' : 'l2f-test-hello';
  const aws = await startFakeAws({ [stack]: { outputs: o.outputs(fn.url), ...(o.status ? { status: o.status } : {}) } });
  const log = join(tmp, `sam-${Math.random().toString(36).slice(2)}.jsonl`);
  try {
    const r = await run({
      PATH: `${stubBin}:${nodeOnly}`,
      SAM_STUB_LOG: log,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: aws.url,
      L2F_SMOKE_WAIT_SECONDS: '0',
      ...CREDS,
      ...(o.env ? { ENV: o.env } : {}),
      ...o.extra,
    });
    const sam = (await readFile(log, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { argv: string[]; path0: string; cwd: string });
    return { ...r, sam, fn, aws };
  } finally {
    await fn.stop();
    await aws.stop();
  }
}

test('a full run checks prerequisites, builds, deploys, prints the Function URL and its 200 answer from Lambda', async () => {
  const r = await fullRun({ outputs: (url) => ({ FunctionUrl: url, FunctionName: 'fn', AuthType: 'NONE' }) });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(r.sam.map((c) => c.argv[0]), ['--version', 'build', 'deploy']);
  assert.equal(r.sam[1]!.path0, esbuildBin, 'sam build finds the project esbuild first on PATH');
  assert.equal(r.sam[1]!.cwd, root);
  assert.deepEqual(r.sam[2]!.argv.slice(0, 5), ['deploy', '--template-file', '.aws-sam/build/template.yaml', '--stack-name', 'l2f-test-hello']);
  assert.ok(r.sam[2]!.argv.includes('--no-confirm-changeset') && r.sam[2]!.argv.includes('--no-fail-on-empty-changeset'));
  assert.equal(r.sam[2]!.argv.at(-1), TAGS_TEST);
  assert.deepEqual(r.aws.actions, ['GetCallerIdentity', 'DescribeStacks']);
  assert.match(r.stdout, new RegExp(`account: +${ACCOUNT} \\(arn:aws:iam::${ACCOUNT}:user/tester\\)`));
  assert.match(r.stdout, /region: +us-east-1/);
  assert.match(r.stdout, new RegExp(`Function URL: ${r.fn.url.replace(/[.]/g, '\\.')}`));
  assert.match(r.stdout, /→ 200\n\{"message":"Hello from Lambda!"\}/);
  assert.deepEqual(r.fn.calls, ['GET /']);
});

test('with AuthType AWS_IAM the smoke test signs its call (SigV4, service lambda) and the URL accepts it', async () => {
  const r = await fullRun({ env: 'iam', iam: true, outputs: (url) => ({ FunctionUrl: url, AuthType: 'AWS_IAM' }) });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /SigV4-signed: AuthType AWS_IAM\) → 200/);
  assert.match(r.stdout, /Hello from Lambda!/);
  assert.ok(r.sam[1]!.argv.join(' ').includes('AuthType=AWS_IAM'));
});

test('a Function URL that does not answer 200 fails the command with exit code 1 and shows the status and body', async () => {
  const r = await fullRun({ outputs: (url) => ({ FunctionUrl: `${url}missing`, AuthType: 'NONE' }) });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /→ 404\n\{"message":"Not found: \/missing"\}/);
  assert.match(r.stderr, /^error: smoke test: the Function URL answered 404, not 200/m);
});

test('a stack without a FunctionUrl output fails with exit code 1 and says what to fix', async () => {
  const r = await fullRun({ outputs: () => ({ FunctionName: 'fn' }) });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /stack l2f-test-hello: it has no FunctionUrl output — keep the FunctionUrl output in template\.yaml/);
});

test('a failing sam deploy stops the run with exit code 1 and the URL is never called', async () => {
  const r = await fullRun({ outputs: (url) => ({ FunctionUrl: url }), extra: { SAM_STUB_FAIL: 'deploy', SAM_STUB_FAIL_CODE: '3' } });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /^error: sam deploy: exited with code 3 — the stack events above name the resource that failed/m);
  assert.deepEqual(r.aws.actions, ['GetCallerIdentity', 'DescribeStacks']);
  assert.deepEqual(r.fn.calls, []);
});

test('a failing sam build stops before sam deploy', async () => {
  const r = await fullRun({ outputs: (url) => ({ FunctionUrl: url }), extra: { SAM_STUB_FAIL: 'build' } });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /^error: sam build: exited with code 1 — /m);
  assert.deepEqual(r.sam.map((c) => c.argv[0]), ['--version', 'build']);
});


test('an AWS_IAM URL called without a signature answers 403, which fails the run with a hint about the function policy', async () => {
  // The stack claims NONE, so the script does not sign; the URL insists on SigV4.
  const r = await fullRun({ iam: true, outputs: (url) => ({ FunctionUrl: url, AuthType: 'NONE' }) });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /→ 403/);
  assert.match(r.stderr, /answered 403, not 200 — check the function policy \(AuthType NONE needs lambda:InvokeFunctionUrl and lambda:InvokeFunction/);
});

test('a failed first deploy (ROLLBACK_COMPLETE) is named, with the command that deletes the stack', async () => {
  const r = await fullRun({ status: 'ROLLBACK_COMPLETE', outputs: () => ({}), extra: { SAM_STUB_FAIL: 'deploy' } });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /the first deploy of stack l2f-test-hello failed and left it in ROLLBACK_COMPLETE, which cannot be updated: .* delete the stack \(`sam delete --stack-name l2f-test-hello --region us-east-1`\) and rerun/);
});
