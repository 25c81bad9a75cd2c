import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { functionTraffic, peakPeriod } from '../../scripts/cost/metrics.ts';
import { startFakeAws, type FakeAws } from '../fake-aws/index.ts';

const now = new Date('2026-12-01T12:00:30Z');
const minute = 60_000;
const end = Date.parse('2026-12-01T12:00:00Z');

/** A function's traffic as Lambda would have reported it: per-minute invocation counts, durations, concurrency. */
function putTraffic(fake: FakeAws, functionName: string, perMinute: number[], durationsMs: number[], concurrency: number[]): void {
  const dims = { FunctionName: functionName };
  const at = (i: number) => end - (perMinute.length - i) * minute + 1000;
  fake.cloudwatch.putSamples('AWS/Lambda', 'Invocations', dims, perMinute.map((value, i) => ({ at: at(i), value })));
  fake.cloudwatch.putSamples('AWS/Lambda', 'Duration', dims, durationsMs.map((value, i) => ({ at: at(i % perMinute.length), value })));
  fake.cloudwatch.putSamples('AWS/Lambda', 'ConcurrentExecutions', dims, concurrency.map((value, i) => ({ at: at(i % perMinute.length), value })));
}

describe('a function’s traffic from CloudWatch through the fake and the real SDK client', () => {
  let fake: FakeAws;
  let cw: CloudWatchClient;
  before(async () => {
    fake = await startFakeAws();
    cw = new CloudWatchClient({ region: 'us-east-1', endpoint: fake.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    // 3 busy minutes in the last 14 days: 600, 1200 and 300 calls
    putTraffic(fake, 'hello-fn', [600, 1200, 300], [...Array(99).fill(100), 900], [2, 5, 1]);
    // traffic of another function and of an older window must not count
    putTraffic(fake, 'other-fn', [50_000], [5], [40]);
    fake.cloudwatch.putSamples('AWS/Lambda', 'Invocations', { FunctionName: 'hello-fn' }, [{ at: end - 20 * 86_400_000, value: 1e6 }]);
  });
  after(() => fake.stop());

  test('requests, average and busiest-minute rates, durations and concurrency over DAYS', async () => {
    const t = await functionTraffic(cw, 'hello-fn', 14, now);
    assert.equal(t.requests, 2100);
    assert.equal(t.rps, 2100 / (14 * 86_400));
    assert.equal(t.peakPeriod, 60);
    assert.equal(t.peakRps, 1200 / 60);
    assert.equal(t.durationMs, (99 * 100 + 900) / 100);
    assert.equal(t.p99DurationMs, 100);
    assert.equal(t.concurrency, 5);
    assert.equal(t.end.toISOString(), '2026-12-01T12:00:00.000Z');
    assert.equal(t.start.toISOString(), '2026-11-17T12:00:00.000Z');
  });

  test('the request the tool sends is a valid GetMetricData: AWS/Lambda metrics by FunctionName, whole-window and per-minute periods', async () => {
    fake.resetRequests();
    await functionTraffic(cw, 'hello-fn', 14, now);
    const [r] = fake.requests;
    assert.equal(r?.service, 'monitoring');
    assert.equal(r?.operation, 'GetMetricData');
    assert.equal(r?.status, 200);
    const queries = r!.params.MetricDataQueries as Array<{ Id: string; MetricStat: { Period: number; Stat: string; Metric: { Namespace: string; MetricName: string } } }>;
    assert.deepEqual(
      queries.map((q) => `${q.Id} ${q.MetricStat.Metric.MetricName} ${q.MetricStat.Stat} ${q.MetricStat.Period}`),
      ['invocations Invocations Sum 1209600', 'perperiod Invocations Sum 60', 'duration Duration Average 1209600', 'durationp99 Duration p99 1209600', 'concurrency ConcurrentExecutions Maximum 1209600'],
    );
    assert.equal(typeof r!.params.StartTime, 'number', 'awsJson sends timestamps as epoch seconds');
  });

  test('a function with no traffic has no rate and no duration, and that is not an error', async () => {
    const t = await functionTraffic(cw, 'idle-fn', 14, now);
    assert.equal(t.requests, 0);
    assert.equal(t.rps, 0);
    assert.equal(t.peakRps, 0);
    assert.equal(t.durationMs, undefined);
    assert.equal(t.concurrency, undefined);
  });

  test('longer windows look at 5-minute, then hourly, buckets as CloudWatch keeps them', () => {
    assert.equal(peakPeriod(15), 60);
    assert.equal(peakPeriod(30), 300);
    assert.equal(peakPeriod(90), 3600);
  });
});
