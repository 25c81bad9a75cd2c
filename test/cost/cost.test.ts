/** `make cost` end to end: the script as make runs it, against the fake AWS or nothing at all. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { STACK, runScript, show, withFake, workspace } from '../clean/support.ts';
import { regionProducts } from './price-fixture.ts';

const FUNCTION = 'l2f-clean-test-HelloFunction-AbC123';
/** No AWS anywhere: a broken endpoint and no credentials, so any call would fail loudly. */
const noAws = { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_REGION: '', AWS_DEFAULT_REGION: '', AWS_PROFILE: 'l2f-none', AWS_CONFIG_FILE: '/nonexistent' };

test('by hand with nothing deployed: the table, the break-even sentence and the chart, offline', async (t) => {
  const ws = await workspace(t);
  const chart = join(ws.dir, 'out/cost.svg');
  const r = await runScript('cost', { ...noAws, ...ws.env, RPS: '2', DURATION_MS: '100', OFFLINE: '1', CHART: chart });
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /prices {5}bundled table of 2026-12-01 \(us-east-1 list prices\); OFFLINE=1/);
  for (const label of ['Lambda on demand', 'Lambda, provisioned concurrency', 'Fargate, public IP', 'Fargate, behind an ALB', 'Fargate Spot, public IP']) assert.match(r.stdout, new RegExp(`^${label} +[\\d.]+ +[\\d.]+ +[\\d.]+ +[\\d.]+ +[\\d.]+ +[\\d.]+$`, 'm'));
  assert.match(r.stdout, /^At your 2\.0 req\/s \(5\.26 M requests a month\) Lambda costs \$[\d.]+ a month and Fargate \(public IP, 1 task\) \$[\d.]+: stay on Lambda until the function averages [\d.]+ req\/s/m);
  assert.match(r.stdout, new RegExp(`chart: ${chart}`));
  const svg = await readFile(chart, 'utf8');
  assert.equal(XMLValidator.validate(svg), true);
  assert.equal(svg.match(/class="curve"/g)?.length, 5);
});

test('OUTPUT=json gives the same figures for scripts', async (t) => {
  const ws = await workspace(t);
  const r = await runScript('cost', { ...noAws, ...ws.env, RPS: '20', PEAK_RPS: '50', OFFLINE: '1', FREE_TIER: '1', OUTPUT: 'json', CHART: join(ws.dir, 'c.svg') });
  assert.equal(r.code, 0, show(r));
  const j = JSON.parse(r.stdout);
  assert.equal(j.load.rps, 20);
  assert.equal(j.load.peakRps, 50);
  assert.equal(j.freeTier, true);
  assert.equal(j.prices.source, 'bundled');
  assert.deepEqual(j.lines.map((l: { id: string }) => l.id), ['lambda', 'lambda-provisioned', 'fargate', 'fargate-other', 'fargate-spot']);
  for (const l of j.lines) assert.ok(Math.abs(l.total - Object.values(l.parts as Record<string, number>).reduce((a, b) => a + b, 0)) < 1e-9);
  assert.ok(j.breakEven.rps > 0 && j.breakEven.rps < 20);
  assert.match(j.verdict, /move to Fargate/);
});

for (const [env, why] of [
  [{ RPS: '-1' }, /^error: RPS=-1: it must be a number at least 0 — for example RPS=5$/m],
  [{ DAYS: '3.5' }, /^error: DAYS=3\.5: it must be a whole number at least 1 and at most 455 — for example DAYS=14$/m],
  [{ MEMORY_MB: '64', RPS: '1' }, /MEMORY_MB=64: it must be a whole number at least 128 and at most 10240/],
  [{ RPS: '5', PEAK_RPS: '2' }, /PEAK_RPS=2: the busiest rate cannot be below the average RPS=5/],
  [{ RPS: '5', FUNCTION: 'f' }, /FUNCTION=f and RPS=5: FUNCTION reads the load from CloudWatch, RPS gives it by hand — pass one of them/],
  [{ OUTPUT: 'yaml', RPS: '1' }, /OUTPUT=yaml: it must be json or text/],
] as const) {
  test(`bad input exits 2 and names the variable: ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')}`, async (t) => {
    const fake = await withFake(t);
    const ws = await workspace(t);
    const r = await runScript('cost', { ...fake.env, ...ws.env, ...env, CHART: join(ws.dir, 'c.svg') });
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, why);
    assert.deepEqual(fake.requests, [], 'nothing was sent to AWS');
  });
}

test('with nothing deployed and no RPS there is nothing to measure: exit 2 and what to pass', async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t);
  const r = await runScript('cost', { ...fake.env, ...ws.env, CHART: join(ws.dir, 'c.svg') });
  assert.equal(r.code, 2, show(r));
  assert.match(r.stderr, new RegExp(`make cost: nothing to measure: no Lambda stack ${STACK} in us-east-1 — name a deployed function \\(FUNCTION=my-function\\) or give the load by hand \\(RPS=5 DURATION_MS=100\\)`));
  assert.deepEqual(fake.writeRequests(), []);
});

test("against a deployed function: its CloudWatch traffic and live prices, reads only", async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t);
  fake.putStack(STACK, { FunctionName: FUNCTION, FunctionUrl: 'https://x.lambda-url.us-east-1.on.aws/' });
  // the last three minutes: 1,200 then 2,400 then 600 invocations of ~80 ms, at most 4 at once
  const now = Date.now();
  const minute = 60_000;
  const at = (i: number) => Math.floor(now / minute) * minute - (3 - i) * minute + 500;
  fake.cloudwatch.putSamples('AWS/Lambda', 'Invocations', { FunctionName: FUNCTION }, [1200, 2400, 600].map((value, i) => ({ at: at(i), value })));
  fake.cloudwatch.putSamples('AWS/Lambda', 'Duration', { FunctionName: FUNCTION }, [70, 80, 90].map((value, i) => ({ at: at(i), value })));
  fake.cloudwatch.putSamples('AWS/Lambda', 'ConcurrentExecutions', { FunctionName: FUNCTION }, [2, 4, 1].map((value, i) => ({ at: at(i), value })));
  fake.pricing.putProducts(...regionProducts());
  fake.lambda.putFunction({ name: FUNCTION, memory: 1024, architectures: ['arm64'] });
  const r = await runScript('cost', { ...fake.env, ...ws.env, DAYS: '7', CHART: join(ws.dir, 'c.svg') });
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, new RegExp(`CloudWatch, function ${FUNCTION}, \\d{4}-\\d\\d-\\d\\d → \\d{4}-\\d\\d-\\d\\d \\(7 days, 4,200 invocations, p99 90 ms\\)`));
  assert.match(r.stdout, /^load {7}0\.0069 req\/s average, 40\.0 req\/s at the peak, 80 ms average duration, peak concurrency 4$/m);
  assert.match(r.stdout, /prices {5}live from the AWS Price List API for us-east-1, published 2026-11-20$/m);
  assert.match(r.stdout, /^function {3}1024 MB Arm \(the deployed function's configuration\)$/m);
  assert.match(r.stdout, /^ +4 environments kept warm \(the measured peak concurrency\)$/m);
  const ops = [...new Set(fake.requests.map((q) => `${q.service}:${q.operation}`))].sort();
  assert.deepEqual(ops, ['cloudformation:DescribeStacks', 'lambda:GetFunctionConfiguration', 'monitoring:GetMetricData', 'pricing:GetProducts']);
  assert.deepEqual(fake.writeRequests(), []);
});

test('a deployed function with no traffic is priced at 0 req/s and the report says so', async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t);
  fake.lambda.putFunction({ name: 'idle-fn', memory: 256 });
  const r = await runScript('cost', { ...fake.env, ...ws.env, FUNCTION: 'idle-fn', OFFLINE: '1', CHART: join(ws.dir, 'c.svg') });
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /^function {3}256 MB x86 \(the deployed function's configuration\)$/m);
  assert.match(r.stdout, /CloudWatch, function idle-fn, .*: no invocations in 14 days — priced at 0 req\/s with a 100 ms duration \(DURATION_MS=… to change\)/);
  assert.match(r.stdout, /^At your 0\.0 req\/s \(0 requests a month\) Lambda costs \$0\.00 a month/m);
  assert.deepEqual([...new Set(fake.requests.map((q) => q.operation))], ['GetFunctionConfiguration', 'GetMetricData']);
});

test('a FUNCTION that does not exist is bad input, before any metric is read', async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t);
  const r = await runScript('cost', { ...fake.env, ...ws.env, FUNCTION: 'no-such-fn', OFFLINE: '1', CHART: join(ws.dir, 'c.svg') });
  assert.equal(r.code, 2, show(r));
  assert.match(r.stderr, /^error: function no-such-fn: it does not exist in us-east-1 — check FUNCTION \(aws lambda list-functions lists them\) or AWS_REGION$/m);
  assert.deepEqual(fake.requests.map((q) => q.operation), ['GetFunctionConfiguration']);
});
