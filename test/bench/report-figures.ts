/** Reads the figures back out of bench/REPORT.md, so tests check what a reader sees. */
export function section(report: string, heading: string): string {
  const start = report.indexOf(`## ${heading}`);
  if (start < 0) throw new Error(`no "## ${heading}" section in the report:\n${report}`);
  const next = report.indexOf('\n## ', start + 3);
  return report.slice(start, next < 0 ? undefined : next);
}

/** The body rows of the first table in a section, as cells. */
export function rows(report: string, heading: string): string[][] {
  return section(report, heading)
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .slice(2)
    .map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
}

/** "21,587" → 21587, "0.45 ms" → 0.45, "1.18×" → 1.18, "213.8 MB" → 213.8 */
export function figure(cell: string | undefined): number {
  const m = /^(-?[\d,]+(?:\.\d+)?)/.exec(cell ?? '');
  return m ? Number(m[1]!.replace(/,/g, '')) : NaN;
}

export function row(table: string[][], name: RegExp): string[] {
  const found = table.find((r) => name.test(r[0] ?? ''));
  if (!found) throw new Error(`no row ${name} in ${JSON.stringify(table)}`);
  return found;
}

export const positiveFinite = (n: number) => Number.isFinite(n) && n > 0;
