import { monthlyRequests, type CostLine, type Inputs, type Parts } from './model.ts';
import { rate } from './breakeven.ts';
import type { Traffic } from './metrics.ts';
import { FREE_TIER, type PriceTable } from './prices.ts';

export interface CostReport {
  inputs: Inputs;
  lines: CostLine[];
  /** req/s at which Fargate in the manifest's mode stops costing more than Lambda on demand */
  breakEven?: number;
  verdict: string;
  /** every Fargate line's break-even against Lambda on demand (undefined: Lambda stays cheaper) */
  breakEvens: Array<{ id: string; label: string; rps?: number }>;
  about: { load: string; function: string; service: string };
  traffic?: Traffic;
  chart: string;
}

const PARTS: Array<keyof Parts> = ['requests', 'compute', 'ipv4', 'alb', 'logs'];
const HEAD: Record<keyof Parts, string> = { requests: 'requests', compute: 'compute', ipv4: 'IPv4', alb: 'ALB', logs: 'logs' };
const usd = (n: number) => (n >= 1000 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));

export function pricesLine(p: PriceTable): string {
  const where = p.source === 'live' ? `live from the AWS Price List API for ${p.region}, published ${p.date}` : `bundled table of ${p.date} (${p.region} list prices)`;
  return [where, ...p.notes].join('; ');
}

export function renderText(r: CostReport): string {
  const { load } = r.inputs;
  const out: string[] = [];
  out.push('make cost: is Fargate cheaper than Lambda for this load?', '');
  const concurrency = load.concurrency !== undefined ? `, peak concurrency ${Math.round(load.concurrency)}` : '';
  out.push(`load       ${rate(load.rps)} average, ${rate(load.peakRps)} at the peak, ${load.durationMs.toFixed(load.durationMs < 10 ? 2 : 0)} ms average duration${concurrency}`);
  out.push(`           ${r.about.load}`);
  out.push(`function   ${r.about.function}`);
  out.push(`service    ${r.about.service}`);
  out.push(`prices     ${pricesLine(r.inputs.prices)}`);
  out.push(
    r.inputs.freeTier
      ? `free tier  applied: Lambda's ${FREE_TIER.lambdaRequests.toLocaleString('en-US')} requests and ${FREE_TIER.lambdaGbSeconds.toLocaleString('en-US')} GB-s, ${FREE_TIER.logsGb} GB of logs a month`
      : 'free tier  not applied (FREE_TIER=1 applies the always-free Lambda and logs allowances)',
  );
  out.push('');
  const width = Math.max(...r.lines.map((l) => l.label.length), 'monthly cost, USD'.length);
  out.push(`${'monthly cost, USD'.padEnd(width)}  ${PARTS.map((p) => HEAD[p].padStart(9)).join('')}${'total'.padStart(10)}`);
  for (const l of r.lines) {
    out.push(`${l.label.padEnd(width)}  ${PARTS.map((p) => usd(l.parts[p]).padStart(9)).join('')}${usd(l.total).padStart(10)}`);
    out.push(`${''.padEnd(width)}    ${l.detail}${l.warning ? ` — warning: ${l.warning}` : ''}`);
  }
  out.push('', r.verdict);
  out.push(`break-even against Lambda on demand: ${r.breakEvens.map((b) => `${b.label} ${b.rps === undefined ? 'never (up to 100,000 req/s)' : rate(b.rps)}`).join(' · ')}`);
  out.push('', `chart: ${r.chart}`);
  return `${out.join('\n')}\n`;
}

export function toJson(r: CostReport): object {
  const p = r.inputs.prices;
  return {
    load: { ...r.inputs.load, requestsPerMonth: monthlyRequests(r.inputs.load.rps), source: r.about.load },
    ...(r.traffic ? { traffic: { ...r.traffic, start: r.traffic.start.toISOString(), end: r.traffic.end.toISOString() } } : {}),
    function: { ...r.inputs.fn, source: r.about.function },
    service: { ...r.inputs.svc, source: r.about.service },
    prices: { source: p.source, region: p.region, date: p.date, notes: p.notes },
    freeTier: r.inputs.freeTier,
    lines: r.lines.map((l) => ({ id: l.id, label: l.label, parts: l.parts, total: l.total, detail: l.detail, ...(l.warning ? { warning: l.warning } : {}) })),
    breakEven: r.breakEven === undefined ? null : { rps: r.breakEven, requestsPerMonth: monthlyRequests(r.breakEven) },
    breakEvens: r.breakEvens.map((b) => ({ id: b.id, label: b.label, rps: b.rps ?? null })),
    verdict: r.verdict,
    chart: r.chart,
  };
}
