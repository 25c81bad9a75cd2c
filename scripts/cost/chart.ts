import { costAt, money, rate, rates } from './breakeven.ts';
import type { CostLine, Inputs, OptionId } from './model.ts';

/**
 * The SVG chart: monthly cost against request rate, both on log scales (a flat monthly cost and a
 * per-request cost are then a level line and a straight slope), one curve per option, the measured
 * rate marked, the break-even ringed. Plain SVG 1.1, no script, no external font or stylesheet.
 */
export interface ChartInput {
  inputs: Inputs;
  lines: CostLine[];
  breakEven?: number;
  title: string;
  subtitle: string;
  /** short lines under the legend (the break-evens) */
  notes?: string[];
}

export const COLORS: Record<OptionId, string> = {
  lambda: '#d97706',
  'lambda-provisioned': '#92400e',
  fargate: '#2563eb',
  'fargate-other': '#7c3aed',
  'fargate-spot': '#059669',
};

const W = 1200;
const H = 560;
export const PLOT = { left: 90, right: 660, top: 80, bottom: 490 };
const FLOOR = 0.01;

const esc = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
const f = (n: number) => n.toFixed(1);

/** The request-rate range: four decades or more around the measured rate and the break-even. */
export function xRange(measured: number, be: number | undefined): [number, number] {
  const points = [measured, be].filter((v): v is number => v !== undefined && v > 0);
  const lo = points.length ? Math.min(...points) : 1;
  const hi = points.length ? Math.max(...points) : 1;
  const from = 10 ** Math.floor(Math.log10(lo) - 1.5);
  const to = 10 ** Math.ceil(Math.log10(hi) + 1.5);
  return [Math.max(0.001, from), Math.min(1_000_000, Math.max(to, from * 1e4))];
}

export function xOf(r: number, [from, to]: [number, number]): number {
  return PLOT.left + ((Math.log10(r) - Math.log10(from)) / (Math.log10(to) - Math.log10(from))) * (PLOT.right - PLOT.left);
}

export function renderChart(c: ChartInput): string {
  const measured = c.inputs.load.rps;
  const range = xRange(measured, c.breakEven);
  const xs = rates(range[0], range[1], 240);
  const samples = xs.map((r) => costAt(c.inputs, r));
  const ids = c.lines.map((l) => l.id);
  const all = samples.flat().map((l) => l.total).concat(c.lines.map((l) => l.total)).filter((v) => v > FLOOR);
  const yFrom = 10 ** Math.floor(Math.log10(Math.max(FLOOR, Math.min(...all, 1))));
  const yTo = 10 ** Math.ceil(Math.log10(Math.max(...all, 10)));
  const yOf = (usd: number) => PLOT.bottom - ((Math.log10(Math.max(usd, yFrom)) - Math.log10(yFrom)) / (Math.log10(yTo) - Math.log10(yFrom))) * (PLOT.bottom - PLOT.top);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="13" data-x-from="${range[0]}" data-x-to="${range[1]}" data-plot-left="${PLOT.left}" data-plot-right="${PLOT.right}">`,
    `<title>${esc(c.title)}</title>`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${PLOT.left}" y="32" font-size="18" font-weight="bold">${esc(c.title)}</text>`,
    `<text x="${PLOT.left}" y="54" fill="#4b5563">${esc(c.subtitle)}</text>`,
  );
  // grid and ticks: one per decade
  for (let e = Math.round(Math.log10(range[0])); e <= Math.round(Math.log10(range[1])); e++) {
    const x = xOf(10 ** e, range);
    out.push(`<line class="grid" x1="${f(x)}" y1="${PLOT.top}" x2="${f(x)}" y2="${PLOT.bottom}" stroke="#e5e7eb"/>`);
    out.push(`<text class="tick-x" x="${f(x)}" y="${PLOT.bottom + 18}" text-anchor="middle" fill="#374151">${esc(tickRate(10 ** e))}</text>`);
  }
  for (let e = Math.round(Math.log10(yFrom)); e <= Math.round(Math.log10(yTo)); e++) {
    const y = yOf(10 ** e);
    out.push(`<line class="grid" x1="${PLOT.left}" y1="${f(y)}" x2="${PLOT.right}" y2="${f(y)}" stroke="#e5e7eb"/>`);
    out.push(`<text class="tick-y" x="${PLOT.left - 8}" y="${f(y + 4)}" text-anchor="end" fill="#374151">${esc(tickMoney(10 ** e))}</text>`);
  }
  out.push(`<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}" fill="none" stroke="#9ca3af"/>`);
  out.push(`<text x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 40}" text-anchor="middle" fill="#111827">average request rate (log scale)</text>`);
  out.push(`<text transform="translate(28 ${(PLOT.top + PLOT.bottom) / 2}) rotate(-90)" text-anchor="middle" fill="#111827">monthly cost, USD (log scale)</text>`);
  // one curve per option
  for (const id of ids) {
    const d = xs.map((r, i) => `${i ? 'L' : 'M'}${f(xOf(r, range))} ${f(yOf(samples[i]!.find((l) => l.id === id)!.total))}`).join(' ');
    out.push(`<path class="curve" data-option="${id}" d="${d}" fill="none" stroke="${COLORS[id]}" stroke-width="${id === 'lambda' || id === 'fargate' ? 3 : 2}"${id === 'fargate-spot' || id === 'lambda-provisioned' ? ' stroke-dasharray="6 4"' : ''}/>`);
  }
  // the measured rate
  const mx = xOf(Math.max(measured, range[0]), range);
  out.push(`<line class="marker" data-rps="${measured}" x1="${f(mx)}" y1="${PLOT.top}" x2="${f(mx)}" y2="${PLOT.bottom}" stroke="#111827" stroke-dasharray="4 3"/>`);
  out.push(`<text x="${f(mx + 6)}" y="${PLOT.top + 16}" fill="#111827" font-weight="bold">${esc(`you: ${rate(measured)}`)}</text>`);
  for (const l of c.lines) out.push(`<circle class="here" data-option="${l.id}" cx="${f(mx)}" cy="${f(yOf(l.total))}" r="4.5" fill="${COLORS[l.id]}" stroke="#ffffff"/>`);
  if (c.breakEven !== undefined && c.breakEven > 0 && c.breakEven >= range[0] && c.breakEven <= range[1]) {
    const bx = xOf(c.breakEven, range);
    const usd = costAt(c.inputs, c.breakEven).find((l) => l.id === 'lambda')!.total;
    out.push(`<circle class="break-even" data-rps="${c.breakEven}" cx="${f(bx)}" cy="${f(yOf(usd))}" r="8" fill="none" stroke="#111827" stroke-width="2"/>`);
    out.push(`<text x="${f(bx + 10)}" y="${f(yOf(usd) + 22)}" fill="#111827">${esc(`break-even ${rate(c.breakEven)}`)}</text>`);
  }
  // legend: each option with its cost at the measured rate
  let ly = PLOT.top + 6;
  out.push(`<text x="${PLOT.right + 24}" y="${ly}" font-weight="bold">${esc(`a month at ${rate(measured)}`)}</text>`);
  for (const l of c.lines) {
    ly += 30;
    out.push(`<line x1="${PLOT.right + 24}" y1="${ly - 4}" x2="${PLOT.right + 52}" y2="${ly - 4}" stroke="${COLORS[l.id]}" stroke-width="3"/>`);
    out.push(`<text class="legend" data-option="${l.id}" x="${PLOT.right + 60}" y="${ly}">${esc(`${l.label}: ${money(l.total)}`)}</text>`);
    out.push(`<text x="${PLOT.right + 60}" y="${ly + 14}" font-size="11" fill="#6b7280">${esc(l.detail.length > 60 ? `${l.detail.slice(0, 59)}…` : l.detail)}</text>`);
  }
  ly += 24;
  for (const note of c.notes ?? []) {
    ly += 20;
    out.push(`<text class="note" x="${PLOT.right + 24}" y="${ly}" fill="#111827">${esc(note)}</text>`);
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function tickRate(r: number): string {
  return r >= 1000 ? `${(r / 1000).toLocaleString('en-US')}k/s` : `${r < 1 ? Number(r.toPrecision(1)) : r}/s`;
}

function tickMoney(usd: number): string {
  return usd >= 1000 ? `$${(usd / 1000).toLocaleString('en-US')}k` : `$${usd < 1 ? Number(usd.toPrecision(1)) : usd}`;
}
