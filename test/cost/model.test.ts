/**
 * The arithmetic against cases worked by hand from the published us-east-1 prices:
 * - Lambda: https://aws.amazon.com/lambda/pricing/ ($0.20 per 1M requests; $0.0000166667 per GB-s
 *   x86, $0.0000133334 Arm; free tier 1M requests + 400,000 GB-s; provisioned concurrency
 *   $0.0000041667 per GB-s) and the AWS Compute Blog "Introducing tiered pricing for AWS Lambda"
 *   (bands at 6 B / 15 B GB-s x86, 7.5 B / 18.75 B Arm).
 * - Fargate: https://aws.amazon.com/fargate/pricing/ ($0.04048 per vCPU-h + $0.004445 per GB-h x86;
 *   $0.03238 + $0.00356 Arm).
 * - Public IPv4: https://aws.amazon.com/vpc/pricing/ ($0.005 per address-hour since 2024-02-01).
 * - ALB: https://aws.amazon.com/elasticloadbalancing/pricing/ ($0.0225 per hour, $0.008 per LCU-hour).
 * - Logs: https://aws.amazon.com/cloudwatch/pricing/ ($0.50 per GB ingested).
 * A month is 730 hours (2,628,000 s), as on those pages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bundledPrices } from '../../scripts/cost/bundled.ts';
import { breakEven, costAt, verdict } from '../../scripts/cost/breakeven.ts';
import {
  FARGATE_LOG_BYTES,
  LAMBDA_LOG_BYTES,
  compare,
  fargate,
  lambdaOnDemand,
  lambdaProvisioned,
  lcus,
  tiered,
  type Inputs,
  type ServiceShape,
} from '../../scripts/cost/model.ts';

const prices = bundledPrices('us-east-1');
const month = 2_628_000;
const near = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-6 * Math.max(1, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`);
const quiet = { peakRps: 0, durationMs: 0 };
const task: ServiceShape = { cpu: 256, memory: 512, arch: 'x86', minTasks: 1, mode: 'public-ip', taskPublicIp: true, rpsPerTask: 1000 };

test("Lambda on demand reproduces the pricing page's example: 3 M calls of 1 s at 512 MB with the free tier is $18.33 compute + $0.40 requests", () => {
  const l = lambdaOnDemand({ rps: 3e6 / month, peakRps: 1, durationMs: 1000 }, { memoryMb: 512, arch: 'x86' }, prices, true);
  near(l.parts.compute, (1_500_000 - 400_000) * 0.0000166667, 'compute');
  assert.equal(l.parts.compute.toFixed(2), '18.33');
  near(l.parts.requests, 0.4, 'requests');
});

test('the same load on Arm without the free tier bills every GB-second at $0.0000133334', () => {
  const l = lambdaOnDemand({ rps: 3e6 / month, peakRps: 1, durationMs: 1000 }, { memoryMb: 512, arch: 'arm' }, prices, false);
  near(l.parts.compute, 1_500_000 * 0.0000133334, 'compute');
  near(l.parts.requests, 0.6, 'requests');
});

test('billed duration rounds each call up to the next millisecond', () => {
  const l = lambdaOnDemand({ rps: 1e6 / month, peakRps: 1, durationMs: 99.2 }, { memoryMb: 1024, arch: 'x86' }, prices, false);
  near(l.parts.compute, 1e6 * 0.1 * 1 * 0.0000166667, 'compute');
});

test('x86 GB-seconds past 6 billion are billed 10 % lower, past 15 billion 20 % lower', () => {
  near(tiered(10e9, prices.lambda.gbSecond.x86), 6e9 * 0.0000166667 + 4e9 * 0.000015, '10 B GB-s');
  near(tiered(20e9, prices.lambda.gbSecond.x86), 6e9 * 0.0000166667 + 9e9 * 0.000015 + 5e9 * 0.0000133334, '20 B GB-s');
  // 1 B calls of 1 s at 10 GB = 10 B GB-s, through the whole Lambda line
  const l = lambdaOnDemand({ rps: 1e9 / month, peakRps: 1, durationMs: 1000 }, { memoryMb: 10240, arch: 'x86' }, prices, false);
  near(l.parts.compute, 160_000.2, 'compute of 10 B GB-s');
});

test('Arm GB-seconds change band at 7.5 billion and 18.75 billion', () => {
  near(tiered(20e9, prices.lambda.gbSecond.arm), 7.5e9 * 0.0000133334 + 11.25e9 * 0.0000120001 + 1.25e9 * 0.0000106667, '20 B GB-s Arm');
  near(tiered(5e9, prices.lambda.gbSecond.arm), 5e9 * 0.0000133334, 'inside the first band');
});

test('one 0.25 vCPU / 0.5 GB x86 task with a public IP is $9.01 compute + $3.65 IPv4 a month', () => {
  const f = fargate({ rps: 0, ...quiet }, task, 'public-ip', prices, false, { id: 'fargate' });
  near(f.parts.compute, (0.25 * 0.04048 + 0.5 * 0.004445) * 730, 'compute');
  assert.equal(f.parts.compute.toFixed(2), '9.01');
  near(f.parts.ipv4, 0.005 * 730, 'ipv4');
  assert.equal(f.parts.alb, 0);
  assert.equal(f.total.toFixed(2), '12.66');
});

test('behind an ALB the task drops its address, the balancer adds $16.43 of hours and two addresses ($7.30)', () => {
  const f = fargate({ rps: 0, ...quiet }, { ...task, taskPublicIp: false }, 'load-balanced', prices, false, { id: 'fargate-other' });
  near(f.parts.alb, 0.0225 * 730, 'alb hours');
  near(f.parts.ipv4, 2 * 0.005 * 730, 'ALB IPv4');
  assert.equal(f.total.toFixed(2), '32.74');
});

test('an ALB carrying 50 req/s, each a new connection, bills 2 LCU every hour ($11.68)', () => {
  near(lcus(50), 2, 'LCU');
  const f = fargate({ rps: 50, peakRps: 50, durationMs: 10 }, task, 'load-balanced', prices, false, { id: 'fargate' });
  near(f.parts.alb, (0.0225 + 2 * 0.008) * 730, 'alb');
});

test('an Arm task (1 vCPU / 2 GB) is billed at $0.03238 per vCPU-hour and $0.00356 per GB-hour', () => {
  const f = fargate({ rps: 0, ...quiet }, { ...task, cpu: 1024, memory: 2048, arch: 'arm' }, 'public-ip', prices, false, { id: 'fargate' });
  near(f.parts.compute, (0.03238 + 2 * 0.00356) * 730, 'compute');
});

test('the task count covers the peak at the per-task capacity, never below count', () => {
  const f = fargate({ rps: 300, peakRps: 2500, durationMs: 10 }, { ...task, minTasks: 2 }, 'public-ip', prices, false, { id: 'fargate' });
  assert.match(f.detail, /^3 tasks/);
  near(f.parts.ipv4, 3 * 0.005 * 730, 'one address per task');
  const idle = fargate({ rps: 0, ...quiet }, { ...task, minTasks: 2 }, 'public-ip', prices, false, { id: 'fargate' });
  assert.match(idle.detail, /^2 tasks/);
});

test('a peak beyond scaling.max is flagged', () => {
  const f = fargate({ rps: 300, peakRps: 2500, durationMs: 10 }, { ...task, maxTasks: 2 }, 'load-balanced', prices, false, { id: 'fargate' });
  assert.equal(f.warning, 'the peak needs 3 tasks but scaling.max is 2');
});

test('provisioned concurrency keeps the measured peak warm around the clock, free tier or not', () => {
  const l = lambdaProvisioned({ rps: 0, peakRps: 0, durationMs: 100, concurrency: 2 }, { memoryMb: 512, arch: 'x86' }, prices, true);
  near(l.parts.compute, 2 * 0.5 * month * 0.0000041667, 'warm environments');
  assert.equal(l.parts.compute.toFixed(2), '10.95');
});

test('without a measured concurrency, the peak rate × the duration is kept warm (Little’s law), at least one', () => {
  const l = lambdaProvisioned({ rps: 10, peakRps: 25, durationMs: 200 }, { memoryMb: 1024, arch: 'arm' }, prices, false);
  assert.match(l.detail, /^5 environments/);
  const requests = 10 * month;
  near(l.parts.compute, 5 * 1 * month * 0.0000033334 + requests * 0.2 * 0.0000077778, 'warm + used');
  assert.match(lambdaProvisioned({ rps: 0, ...quiet }, { memoryMb: 128, arch: 'x86' }, prices, false).detail, /^1 environment /);
});

test('logs are billed per GB ingested: Lambda writes three lines per call, the container one', () => {
  const rps = 10;
  const l = lambdaOnDemand({ rps, peakRps: rps, durationMs: 10 }, { memoryMb: 128, arch: 'x86' }, prices, false);
  near(l.parts.logs, ((rps * month * LAMBDA_LOG_BYTES) / 1024 ** 3) * 0.5, 'lambda logs');
  const f = fargate({ rps, peakRps: rps, durationMs: 10 }, task, 'public-ip', prices, false, { id: 'fargate' });
  near(f.parts.logs, ((rps * month * FARGATE_LOG_BYTES) / 1024 ** 3) * 0.5, 'fargate logs');
  assert.ok(LAMBDA_LOG_BYTES > 200 && LAMBDA_LOG_BYTES < 320, `${LAMBDA_LOG_BYTES} bytes`);
  assert.ok(FARGATE_LOG_BYTES > 100 && FARGATE_LOG_BYTES < 200, `${FARGATE_LOG_BYTES} bytes`);
});

test('Fargate Spot is offered for x86 tasks only', () => {
  const inputs: Inputs = { load: { rps: 1, peakRps: 1, durationMs: 100 }, fn: { memoryMb: 512, arch: 'arm' }, svc: task, prices, freeTier: false };
  assert.deepEqual(compare(inputs).map((l) => l.id), ['lambda', 'lambda-provisioned', 'fargate', 'fargate-other', 'fargate-spot']);
  assert.deepEqual(compare({ ...inputs, svc: { ...task, arch: 'arm' } }).map((l) => l.id), ['lambda', 'lambda-provisioned', 'fargate', 'fargate-other']);
});

test('the break-even is where one task plus its address equals Lambda: 100 ms at 512 MB Arm against the shipped task', () => {
  const inputs: Inputs = { load: { rps: 0.5, peakRps: 2, durationMs: 100 }, fn: { memoryMb: 512, arch: 'arm' }, svc: task, prices, freeTier: false };
  const perRequestLambda = 0.0000002 + 0.1 * 0.5 * 0.0000133334 + (LAMBDA_LOG_BYTES / 1024 ** 3) * 0.5;
  const perRequestFargate = (FARGATE_LOG_BYTES / 1024 ** 3) * 0.5;
  const fixed = (0.25 * 0.04048 + 0.5 * 0.004445) * 730 + 0.005 * 730;
  const expected = fixed / ((perRequestLambda - perRequestFargate) * month);
  const be = breakEven(inputs);
  assert.ok(be !== undefined && Math.abs(be - expected) < 1e-6, `${be} ≠ ${expected}`);
  // at the break-even both cost the same
  const at = costAt(inputs, expected);
  near(at.find((l) => l.id === 'fargate')!.total, at.find((l) => l.id === 'lambda')!.total, 'costs at the break-even');
  const sentence = verdict(inputs, compare(inputs), be);
  assert.match(sentence, /^At your 0\.50 req\/s \(1\.31 M requests a month\) Lambda costs \$[\d.]+ a month and Fargate \(public IP, 1 task\) \$12\.7\d: stay on Lambda until the function averages 5\.\d req\/s/);
});

test('above the break-even the sentence says to move and what it saves', () => {
  const inputs: Inputs = { load: { rps: 50, peakRps: 80, durationMs: 100 }, fn: { memoryMb: 512, arch: 'arm' }, svc: task, prices, freeTier: false };
  assert.match(verdict(inputs, compare(inputs), breakEven(inputs)), /: move to Fargate to save \$[\d.]+ a month — it has been cheaper since 5\.\d req\/s/);
});

test('a longer duration lowers the break-even: 1 s calls make one task pay off ten times sooner', () => {
  const base: Inputs = { load: { rps: 1, peakRps: 1, durationMs: 100 }, fn: { memoryMb: 512, arch: 'arm' }, svc: task, prices, freeTier: false };
  const fast = breakEven(base)!;
  const slow = breakEven({ ...base, load: { ...base.load, durationMs: 1000 } })!;
  assert.ok(slow < fast / 6 && slow > fast / 10, `${slow} vs ${fast}`);
});
