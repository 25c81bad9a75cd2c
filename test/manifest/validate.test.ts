import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { delimiter, dirname } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** `make validate` as a person runs it, from the repository root, with only these options set. */
function makeValidate(vars: Record<string, string>) {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };
  for (const k of ['ENV', 'MANIFEST', 'OUTPUT', 'DRY_RUN', 'YES']) delete env[k];
  // -o: never reinstall dependencies from inside a test run.
  const r = spawnSync('make', ['-s', '-o', 'node_modules/.installed', 'validate', ...Object.entries(vars).map(([k, v]) => `${k}=${v}`)], {
    cwd: repo,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('make validate', () => {
  test('accepts both shipped manifests, prints what they resolve to and exits 0', () => {
    const r = makeValidate({});
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^# manifests\/service\.yml: valid service manifest, environment test$/m);
    assert.match(r.stdout, /^# manifests\/lambda\.yml: valid lambda manifest, environment test$/m);
    assert.match(r.stdout, /^ {2}executionRole: hello-test-exec$/m);
    assert.match(r.stdout, /^stackName: lambda2fargate-hello$/m);
    assert.equal(r.stderr, '');
  });

  test('ENV=prod applies the prod environment', () => {
    const r = makeValidate({ ENV: 'prod', MANIFEST: 'manifests/service.yml' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^cpu: 512$/m);
    assert.match(r.stdout, /^memory: 1024$/m);
    assert.match(r.stdout, /^count: 2$/m);
    assert.match(r.stdout, /^ {2}cluster: hello-prod$/m);
  });

  test('OUTPUT=json prints the resolved Lambda manifest, told apart by its file name', () => {
    const r = makeValidate({ ENV: 'prod', MANIFEST: 'manifests/lambda.yml', OUTPUT: 'json' });
    assert.equal(r.status, 0, r.stderr);
    const resolved = JSON.parse(r.stdout) as { stackName: string; parameters: Record<string, string> };
    assert.equal(resolved.stackName, 'lambda2fargate-hello-prod');
    assert.equal(resolved.parameters.MemorySize, '1024');
  });

  test('a Lambda manifest under any file name is told apart by its content', () => {
    const r = makeValidate({ MANIFEST: 'test/manifest/fixtures/valid/sam-stack.yml', OUTPUT: 'json' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { region: string; parameters: Record<string, string> }).parameters.Architecture, 'x86_64');
  });

  test('a broken manifest exits 2 and prints every problem, one per line, then a summary', () => {
    const file = 'test/manifest/fixtures/bad/many-problems.yml';
    const r = makeValidate({ MANIFEST: file });
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    const lines = r.stderr.split('\n').filter((l) => !/^make(\[\d+\])?:/.test(l) && l !== '');
    assert.deepEqual(lines.map((l) => l.split(': ').slice(0, 2).join(': ')), [
      `${file}:4:9: image.port`,
      `${file}:5:11: platform`,
      `${file}:7:9: memory`,
      `${file}:9:18: network.allowedCidrs[0]`,
      `${file}:11:14: logging.retention`,
      `${file}:14:5: environments.prod.memroy`,
      'error: 6 problems in the manifest — fix them and run make validate again (nothing was sent to AWS)',
    ]);
    assert.match(r.stderr, /environments\.prod\.memroy: unknown field — did you mean "memory"\?/);
  });

  test('an unknown ENV and a missing file exit 2', () => {
    const unknown = makeValidate({ ENV: 'staging', MANIFEST: 'manifests/service.yml' });
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /^manifests\/service\.yml:\d+:1: environments: unknown environment "staging" \(from ENV\) — this file defines test, prod$/m);
    const missing = makeValidate({ MANIFEST: 'manifests/nope.yml' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^manifests\/nope\.yml: cannot read the manifest: no such file/m);
  });
});
