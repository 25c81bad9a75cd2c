import { AwsError, asArray } from './common.ts';
import type { Params, ServiceDef } from './service.ts';

/**
 * CloudWatch metrics, enough for `GetMetricData` over metrics a test puts. The installed
 * @aws-sdk/client-cloudwatch (3.1164) sends awsJson1.0 (X-Amz-Target GraniteServiceVersion20100801.*,
 * awsQueryCompatible) although the model lists smithy-rpc-v2-cbor first, so this backend speaks
 * 'json'; timestamps travel as epoch seconds both ways.
 *
 * Behaviour from the GetMetricData API reference: statistics per `Period`-second bucket from
 * StartTime, only buckets that hold data, newest first unless ScanBy says otherwise; Sum, Average,
 * Minimum, Maximum, SampleCount and percentiles (pNN, pNN.N).
 */
export interface Sample {
  /** ms since the epoch */
  at: number;
  value: number;
}

const key = (namespace: string, name: string, dimensions: Record<string, string>) =>
  `${namespace}|${name}|${Object.entries(dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}`;

export class CloudWatch {
  private readonly series = new Map<string, Sample[]>();

  /** Stands in for a function's traffic: raw samples, as PutMetricData would record them. */
  putSamples(namespace: string, metricName: string, dimensions: Record<string, string>, samples: Array<{ at: Date | number; value: number }>): void {
    const k = key(namespace, metricName, dimensions);
    const list = this.series.get(k) ?? [];
    for (const s of samples) list.push({ at: s.at instanceof Date ? s.at.getTime() : s.at, value: s.value });
    this.series.set(k, list);
  }

  service(): ServiceDef {
    return {
      protocol: 'json',
      xmlns: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
      ops: { GetMetricData: (p: Params) => this.getMetricData(p) },
    };
  }

  private getMetricData(p: Params) {
    const start = seconds(p.StartTime, 'StartTime');
    const end = seconds(p.EndTime, 'EndTime');
    if (end <= start) throw new AwsError('ValidationError', 'The parameter StartTime must be less than the parameter EndTime.');
    const ascending = p.ScanBy === 'TimestampAscending';
    const results = asArray<Params>(p.MetricDataQueries).map((q, i) => {
      if (!q.MetricStat) throw new AwsError('ValidationError', `fake-aws: MetricDataQueries.member.${i + 1}: only MetricStat queries are implemented, not Expression`);
      const stat = q.MetricStat as Params;
      const period = Number(stat.Period);
      if (period < 60 || period % 60) throw new AwsError('ValidationError', `The parameter MetricDataQueries.member.${i + 1}.MetricStat.Period must be a multiple of 60.`);
      const metric = stat.Metric as Params;
      const dims = Object.fromEntries(asArray<Params>(metric.Dimensions).map((d) => [String(d.Name), String(d.Value)]));
      const samples = (this.series.get(key(String(metric.Namespace), String(metric.MetricName), dims)) ?? []).filter((s) => s.at >= start * 1000 && s.at < end * 1000);
      const buckets = new Map<number, number[]>();
      for (const s of samples) {
        const b = start + Math.floor((s.at / 1000 - start) / period) * period;
        buckets.set(b, [...(buckets.get(b) ?? []), s.value]);
      }
      const times = [...buckets.keys()].sort((a, b) => (ascending ? a - b : b - a));
      return {
        Id: q.Id,
        Label: q.Label ?? metric.MetricName,
        Timestamps: times,
        Values: times.map((t) => statistic(String(stat.Stat), buckets.get(t)!)),
        StatusCode: 'Complete',
      };
    });
    return { MetricDataResults: results, Messages: [] };
  }
}

function seconds(v: unknown, name: string): number {
  if (typeof v === 'number') return v;
  if (v instanceof Date) return v.getTime() / 1000;
  throw new AwsError('ValidationError', `The parameter ${name} is required.`);
}

export function statistic(stat: string, values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = values.reduce((a, b) => a + b, 0);
  const pct = /^p(\d{1,2}(?:\.\d+)?)$/.exec(stat);
  if (pct) {
    // nearest rank
    const rank = Math.ceil((Number(pct[1]) / 100) * sorted.length);
    return sorted[Math.max(0, rank - 1)]!;
  }
  switch (stat) {
    case 'Sum':
      return sum;
    case 'Average':
      return sum / values.length;
    case 'Minimum':
      return sorted[0]!;
    case 'Maximum':
      return sorted[sorted.length - 1]!;
    case 'SampleCount':
      return values.length;
    default:
      throw new AwsError('ValidationError', `The value ${stat} for parameter MetricStat.Stat is not valid.`);
  }
}
