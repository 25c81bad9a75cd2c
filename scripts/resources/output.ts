import { formatChange } from './diff.ts';
import type { Action, Plan } from './types.ts';

export type Log = (line: string) => void;

const SYMBOL: Record<Action, string> = { create: '+', update: '~', unchanged: '=' };

export function actionWord(action: Action, dryRun: boolean): string {
  if (dryRun) return action === 'unchanged' ? 'unchanged' : `would ${action}`;
  return action === 'create' ? 'created' : action === 'update' ? 'updated' : 'unchanged';
}

/** `+ create ECR repository web-test`, then one line per field change (or per detail for a create). */
export function planLines(plan: Plan<unknown, unknown>, dryRun: boolean, details: string[] = []): string[] {
  const verb = plan.action === 'unchanged' ? 'unchanged' : dryRun ? `would ${plan.action}` : plan.action;
  const lines = [`    ${SYMBOL[plan.action]} ${verb}: ${plan.resource} ${plan.name}`];
  if (plan.action === 'create') lines.push(...details.map((d) => `        ${d}`));
  if (plan.action === 'update') lines.push(...plan.changes.map((c) => `        ${formatChange(c)}`));
  return lines;
}

export interface SummaryRow {
  resource: string;
  name: string;
  outcome: string;
}

export interface StepTiming {
  step: number;
  title: string;
  seconds: number;
}

export function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => `    ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd());
}

export function summaryLines(rows: SummaryRow[], timings: StepTiming[]): string[] {
  return [
    ...table([['resource', 'name', 'result'], ...rows.map((r) => [r.resource, r.name, r.outcome])]),
    '',
    ...table([['step', 'time'], ...timings.map((t) => [`${t.step}. ${t.title}`, `${t.seconds < 10 ? t.seconds.toFixed(2) : t.seconds.toFixed(1)}s`])]),
  ];
}
