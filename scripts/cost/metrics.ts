import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { ToolError, message } from '../lib/errors.ts';

/**
 * A function's real traffic over the last `days` from CloudWatch's AWS/Lambda metrics (Lambda
 * developer guide, "Types of metrics for Lambda functions"): Invocations (Sum), Duration (Average
 * and p99), ConcurrentExecutions (Maximum). One GetMetricData call (paged) reads whole-window
 * figures plus an Invocations series fine enough to find the busiest minute.
 */
export interface Traffic {
  functionName: string;
  days: number;
  start: Date;
  end: Date;
  requests: number;
  /** average over the window */
  rps: number;
  /** the busiest `peakPeriod`-second bucket's rate */
  peakRps: number;
  peakPeriod: number;
  /** undefined when there was no invocation */
  durationMs?: number;
  p99DurationMs?: number;
  concurrency?: number;
}

/**
 * CloudWatch keeps 1-minute data for 15 days, 5-minute data for 63 days and 1-hour data for 455
 * days (GetMetricStatistics API reference), so the busiest-period resolution follows the window.
 */
export function peakPeriod(days: number): number {
  return days <= 15 ? 60 : days <= 63 ? 300 : 3600;
}

export async function functionTraffic(cw: CloudWatchClient, functionName: string, days: number, now: Date = new Date()): Promise<Traffic> {
  const end = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const window = days * 86_400;
  const start = new Date(end.getTime() - window * 1000);
  const fine = peakPeriod(days);
  const metric = (id: string, name: string, stat: string, period: number): MetricDataQuery => ({
    Id: id,
    MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: name, Dimensions: [{ Name: 'FunctionName', Value: functionName }] }, Period: period, Stat: stat },
    ReturnData: true,
  });
  const queries = [
    metric('invocations', 'Invocations', 'Sum', window),
    metric('perperiod', 'Invocations', 'Sum', fine),
    metric('duration', 'Duration', 'Average', window),
    metric('durationp99', 'Duration', 'p99', window),
    metric('concurrency', 'ConcurrentExecutions', 'Maximum', window),
  ];
  const values = new Map<string, number[]>();
  let NextToken: string | undefined;
  try {
    do {
      const page = await cw.send(new GetMetricDataCommand({ StartTime: start, EndTime: end, MetricDataQueries: queries, NextToken }));
      for (const r of page.MetricDataResults ?? []) collect(values, r);
      NextToken = page.NextToken || undefined;
    } while (NextToken);
  } catch (err) {
    throw new ToolError(message(`CloudWatch GetMetricData for function ${functionName}`, `${(err as Error).name}: ${(err as Error).message}`, 'check the credentials may call cloudwatch:GetMetricData, or give the load by hand with RPS=… DURATION_MS=…'), { cause: err });
  }
  const one = (id: string) => values.get(id)?.reduce((a, b) => a + b, 0);
  const requests = one('invocations') ?? 0;
  const busiest = Math.max(0, ...(values.get('perperiod') ?? []));
  const seen = requests > 0;
  return {
    functionName,
    days,
    start,
    end,
    requests,
    rps: requests / window,
    peakRps: busiest / fine,
    peakPeriod: fine,
    ...(seen && values.get('duration')?.length ? { durationMs: values.get('duration')![0]! } : {}),
    ...(seen && values.get('durationp99')?.length ? { p99DurationMs: values.get('durationp99')![0]! } : {}),
    ...(seen && values.get('concurrency')?.length ? { concurrency: Math.max(...values.get('concurrency')!) } : {}),
  };
}

function collect(into: Map<string, number[]>, r: MetricDataResult): void {
  if (!r.Id) return;
  into.set(r.Id, [...(into.get(r.Id) ?? []), ...(r.Values ?? [])]);
}
