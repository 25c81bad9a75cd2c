import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadTemplate, checkParameters, type SamTemplate } from '../../scripts/lambda/template.ts';
import { UserError } from '../../scripts/lib/errors.ts';
import type { FunctionUrlHandler, FunctionUrlStructuredResult } from '../../lambda/types.ts';
import { functionUrlEvent } from './event.ts';
import { runSamEsbuild } from './sam-esbuild.ts';

const root = join(import.meta.dirname, '../..');
const template = await loadTemplate(join(root, 'template.yaml'));

function only(t: SamTemplate, type: string): [string, NonNullable<SamTemplate['Resources'][string]>] {
  const found = Object.entries(t.Resources).filter(([, r]) => r.Type === type);
  assert.equal(found.length, 1, `exactly one ${type}`);
  return found[0]!;
}
const [fnId, fn] = only(template, 'AWS::Serverless::Function');
const props = fn.Properties ?? {};
const build = (fn.Metadata?.BuildProperties ?? {}) as Record<string, unknown>;

test('the template is a SAM template with one function on nodejs24.x built by esbuild', () => {
  assert.equal((template as unknown as { Transform: string }).Transform, 'AWS::Serverless-2016-10-31');
  assert.equal(props.Runtime, 'nodejs24.x');
  assert.equal(props.PackageType ?? 'Zip', 'Zip');
  assert.equal(fn.Metadata?.BuildMethod, 'esbuild');
  assert.equal(build.Format, 'esm');
  assert.equal(props.CodeUri, 'lambda/');
});

test('the handler path names the file esbuild emits from the entry point and an export it has', async () => {
  const [file, exportName] = String(props.Handler).split('.');
  const entries = build.EntryPoints as string[];
  assert.equal(entries.length, 1);
  assert.ok(existsSync(join(root, String(props.CodeUri), entries[0]!)), `${entries[0]} exists under CodeUri`);
  assert.equal(entries[0]!.replace(/\.ts$/, ''), file);
  const mod = (await import(pathToFileURL(join(root, 'lambda', `${file}.ts`)).href)) as Record<string, unknown>;
  assert.equal(typeof mod[exportName!], 'function');
});

test('the bundle sam build makes from these BuildProperties loads as ESM on the Lambda runtime and answers from Lambda', async (t) => {
  const out = await mkdtemp(join(tmpdir(), 'l2f-sam-build-'));
  t.after(() => rm(out, { recursive: true, force: true }));
  await runSamEsbuild(join(root, String(props.CodeUri)), build, out);
  const [file, exportName] = String(props.Handler).split('.');
  // No package.json ships in the artifact, so only an .mjs file is loaded as ESM by the Node runtime.
  assert.deepEqual(await readdir(out), [`${file}.mjs`]);
  const mod = (await import(pathToFileURL(join(out, `${file}.mjs`)).href)) as Record<string, FunctionUrlHandler>;
  const saved = process.env.AWS_LAMBDA_FUNCTION_NAME;
  process.env.AWS_LAMBDA_FUNCTION_NAME = 'bundled';
  try {
    const res = (await mod[exportName!]!(functionUrlEvent())) as FunctionUrlStructuredResult;
    assert.equal(res.statusCode, 200);
    assert.deepEqual(JSON.parse(res.body!), { message: 'Hello from Lambda!' });
  } finally {
    if (saved === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    else process.env.AWS_LAMBDA_FUNCTION_NAME = saved;
  }
});

test('architecture, memory, timeout and auth type are parameters with the documented defaults', () => {
  const p = template.Parameters ?? {};
  assert.deepEqual(props.Architectures, [{ Ref: 'Architecture' }]);
  assert.equal(p.Architecture?.Default, 'arm64');
  assert.deepEqual([...(p.Architecture?.AllowedValues ?? [])].sort(), ['arm64', 'x86_64']);
  assert.deepEqual(props.MemorySize, { Ref: 'MemorySize' });
  assert.equal(p.MemorySize?.Type, 'Number');
  assert.deepEqual(props.Timeout, { Ref: 'Timeout' });
  assert.equal(p.Timeout?.Type, 'Number');
  assert.deepEqual(props.FunctionUrlConfig, { AuthType: { Ref: 'AuthType' } });
  assert.equal(p.AuthType?.Default, 'NONE');
  assert.deepEqual([...(p.AuthType?.AllowedValues ?? [])].sort(), ['AWS_IAM', 'NONE']);
});

test('the function logs to a log group of its own with a retention from a parameter', () => {
  const [groupId, group] = only(template, 'AWS::Logs::LogGroup');
  assert.deepEqual(props.LoggingConfig, { LogGroup: { Ref: groupId } });
  assert.deepEqual(group.Properties?.RetentionInDays, { Ref: 'LogRetentionInDays' });
  assert.ok(template.Parameters?.LogRetentionInDays?.AllowedValues?.includes(14));
});

test('a public URL (AuthType NONE) gets both permissions Lambda requires since October 2025, and AWS_IAM gets none', () => {
  const conditions = (template as unknown as { Conditions: Record<string, unknown> }).Conditions;
  const perms = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Permission');
  assert.equal(perms.length, 2);
  for (const perm of perms) {
    assert.deepEqual(conditions[perm.Condition!], { 'Fn::Equals': [{ Ref: 'AuthType' }, 'NONE'] });
    assert.equal(perm.Properties?.Principal, '*');
    assert.deepEqual(perm.Properties?.FunctionName, { Ref: fnId });
  }
  const byAction = Object.fromEntries(perms.map((p) => [p.Properties?.Action, p.Properties]));
  assert.equal(byAction['lambda:InvokeFunctionUrl']?.FunctionUrlAuthType, 'NONE');
  assert.equal(byAction['lambda:InvokeFunction']?.InvokedViaFunctionUrl, true);
});

test('the stack outputs the Function URL from the URL resource SAM generates', () => {
  assert.deepEqual(template.Outputs?.FunctionUrl?.Value, { 'Fn::GetAtt': [`${fnId}Url`, 'FunctionUrl'] });
  assert.deepEqual(template.Outputs?.FunctionName?.Value, { Ref: fnId });
});

test('every Ref names a parameter, a resource, a SAM-generated resource or a pseudo parameter', () => {
  const known = new Set([...Object.keys(template.Parameters ?? {}), ...Object.keys(template.Resources), `${fnId}Url`]);
  const refs: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'Ref') refs.push(String(x));
        if (k === 'Fn::GetAtt') refs.push(String((x as string[])[0]));
        if (k === 'Fn::Sub') for (const m of String(Array.isArray(x) ? x[0] : x).matchAll(/\$\{([^}.!]+)/g)) refs.push(m[1]!);
        walk(x);
      }
    }
  };
  walk(template);
  assert.ok(refs.length > 5);
  for (const r of refs) assert.ok(known.has(r) || r.startsWith('AWS::'), `unknown reference ${r}`);
});

test('the manifest parameters of docs/ARCHITECTURE.md pass the template check, and bad ones stop with exit code 2', () => {
  checkParameters(template, { Architecture: 'arm64', MemorySize: '512', Timeout: '30', AuthType: 'NONE', LogRetentionInDays: '14' }, 'lambda.yml');
  checkParameters(template, { Architecture: 'x86_64', AuthType: 'AWS_IAM', MemorySize: '1024' }, 'lambda.yml');
  const bad = (params: Record<string, string>, pattern: RegExp) =>
    assert.throws(() => checkParameters(template, params, 'lambda.yml'), (e: unknown) => e instanceof UserError && pattern.test(e.message));
  bad({ Memory: '512' }, /Memory is not declared in template\.yaml/);
  bad({ AuthType: 'PUBLIC' }, /AuthType=PUBLIC is not one of NONE, AWS_IAM/);
  bad({ MemorySize: 'lots' }, /MemorySize=lots is not a number/);
  bad({ Timeout: '901' }, /Timeout=901 is outside 1\.\.900/);
  bad({ LogRetentionInDays: '10' }, /LogRetentionInDays=10 is not one of/);
});
