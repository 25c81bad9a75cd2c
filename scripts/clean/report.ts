import type { Found, Result } from './types.ts';

const KIND_WIDTH = 20;

export function foundLine(f: Found): string {
  const where = f.kind === 'service' && f.cluster ? ` (cluster ${f.cluster})` : '';
  return `  ${f.kind.padEnd(KIND_WIDTH)}${f.name}${where}${f.detail ? ` — ${f.detail}` : ''}`;
}

/** The plan: what will be deleted, and what is left alone because the tool did not create it. */
export function planLines(found: Found[]): string[] {
  const owned = found.filter((f) => f.owned);
  const foreign = found.filter((f) => !f.owned);
  const lines: string[] = [];
  if (owned.length) lines.push(`to delete (${owned.length}):`, ...owned.map(foundLine));
  if (foreign.length) {
    lines.push(`not created by lambda2fargate — left alone (${foreign.length}):`);
    lines.push(...foreign.map((f) => `${foundLine(f)} [no managed-by=lambda2fargate tags for this service and environment]`));
  }
  return lines;
}

const MARK: Record<Result['outcome'], string> = { deleted: '✓', 'not-found': '·', 'not-owned': '-', kept: '!', failed: '✗' };

export function resultLine(r: Result): string {
  return `  ${MARK[r.outcome]} ${r.item.kind.padEnd(KIND_WIDTH)}${r.item.name}: ${r.note}`;
}
