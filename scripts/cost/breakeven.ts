import { compare, modeLabel, monthlyRequests, tasksFor, fmtCount, type CostLine, type Inputs, type Load, type OptionId } from './model.ts';

/**
 * The same inputs at other request rates: the peak keeps its measured ratio to the average, and
 * the concurrency its ratio to the peak, so the curves pass through the measured point exactly.
 */
export function scaleLoad(load: Load, rps: number): Load {
  const peakFactor = load.rps > 0 ? load.peakRps / load.rps : 1;
  const peakRps = rps * Math.max(1, peakFactor);
  const perPeak = load.concurrency !== undefined && load.peakRps > 0 ? load.concurrency / load.peakRps : undefined;
  return { rps, peakRps, durationMs: load.durationMs, ...(perPeak !== undefined ? { concurrency: peakRps * perPeak } : {}) };
}

export function costAt(inputs: Inputs, rps: number): CostLine[] {
  return compare({ ...inputs, load: scaleLoad(inputs.load, rps) });
}

const total = (lines: CostLine[], id: OptionId) => lines.find((l) => l.id === id)?.total ?? NaN;

/** Request rates for the chart and the search: log-spaced from `from` to `to`. */
export function rates(from: number, to: number, n: number): number[] {
  const a = Math.log10(from);
  const b = Math.log10(to);
  return Array.from({ length: n }, (_, i) => 10 ** (a + ((b - a) * i) / (n - 1)));
}

export const SEARCH_FROM = 0.001;
export const SEARCH_TO = 100_000;

/**
 * The lowest request rate at which `option` costs no more than Lambda on demand; undefined when
 * Lambda is cheaper over the whole range searched, 0 when the option is cheaper even at no traffic.
 */
export function breakEven(inputs: Inputs, option: OptionId = 'fargate'): number | undefined {
  const diff = (r: number) => {
    const lines = costAt(inputs, r);
    return total(lines, option) - total(lines, 'lambda');
  };
  if (diff(0) <= 0) return 0;
  const grid = rates(SEARCH_FROM, SEARCH_TO, 400);
  let lo = 0;
  for (const r of grid) {
    if (diff(r) <= 0) {
      let hi = r;
      for (let i = 0; i < 60; i++) {
        const mid = (lo + hi) / 2;
        if (diff(mid) <= 0) hi = mid;
        else lo = mid;
      }
      return hi;
    }
    lo = r;
  }
  return undefined;
}

export const money = (n: number) => (n < 1000 ? `$${n.toFixed(2)}` : `$${Math.round(n).toLocaleString('en-US')}`);
export const rate = (r: number) => `${r < 1 ? r.toPrecision(2) : r < 100 ? r.toFixed(1) : Math.round(r).toLocaleString('en-US')} req/s`;

/** The one sentence a person can act on: where the load is, where the line is, what to do. */
export function verdict(inputs: Inputs, lines: CostLine[], be: number | undefined): string {
  const lambda = total(lines, 'lambda');
  const fargateLine = lines.find((l) => l.id === 'fargate')!;
  const tasks = tasksFor(inputs.load, inputs.svc);
  const what = `Fargate (${modeLabel(inputs.svc.mode)}, ${tasks} task${tasks === 1 ? '' : 's'})`;
  const here = `At your ${rate(inputs.load.rps)} (${fmtCount(monthlyRequests(inputs.load.rps))} requests a month) Lambda costs ${money(lambda)} a month and ${what} ${money(fargateLine.total)}`;
  if (be === undefined) return `${here}: stay on Lambda — it stays cheaper up to ${rate(SEARCH_TO)}.`;
  if (be === 0) return `${here}: move — ${what} is cheaper at any traffic, so this is a duration/memory question, not a traffic one.`;
  const line = `${rate(be)} (${fmtCount(monthlyRequests(be))} requests a month)`;
  if (fargateLine.total < lambda) return `${here}: move to Fargate to save ${money(lambda - fargateLine.total)} a month — it has been cheaper since ${line}.`;
  if (be < inputs.load.rps) return `${here}: stay on Lambda — Fargate first undercuts it at ${line}, but the tasks your peak needs make it dearer at this rate.`;
  return `${here}: stay on Lambda until the function averages ${line}; above that Fargate is cheaper.`;
}
