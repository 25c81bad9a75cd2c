import { existsSync, readFileSync } from 'node:fs';

/**
 * How many requests per second one task carries. `make bench` measures the built image under
 * Docker with the task definition's limits and writes the figures into bench/REPORT.md: either a
 * row "container image under Docker" of the throughput table, or a section "The image under
 * Docker" with one row per load ("10 connections", "50 connections", "…, held to N requests/s").
 * Tables are read by their header (the "requests/s" column), not by position; the figure is the
 * most requests/s of a run that was not held to a rate. The vCPU comes from the line naming "the
 * task definition's limits".
 *
 * A Node process uses one core, so the figure scales with the task's vCPU up to 1 vCPU and no
 * further. The bench's handler does no I/O; a handler that waits on other services carries a
 * different load per task — give RPS_PER_TASK then.
 */
export interface Capacity {
  rpsPerTask: number;
  /** where the figure came from, for the report */
  source: string;
}

export interface BenchFigure {
  rps: number;
  vcpu: number;
}

export function readBenchFigure(markdown: string): BenchFigure | undefined {
  const lines = markdown.split('\n');
  const vcpu = Number(/task definition's limits(?::| \() ?([\d.]+) vCPU/.exec(markdown)?.[1] ?? NaN);
  if (!Number.isFinite(vcpu) || vcpu <= 0) return undefined;
  const figures: number[] = [];
  let inDockerSection = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^#+ /.test(line)) inDockerSection = /image under docker/i.test(line);
    const col = cells(line).findIndex((h) => /^requests\/s$/i.test(h));
    if (col < 0) continue;
    for (let j = i + 2; j < lines.length && lines[j]!.trim().startsWith('|'); j++) {
      const row = cells(lines[j]!);
      const name = row[0] ?? '';
      if (!(inDockerSection || /image under docker/i.test(name)) || /held to/i.test(name)) continue;
      const rps = Number((row[col] ?? '').replace(/[,\s]/g, ''));
      if (Number.isFinite(rps) && rps > 0) figures.push(rps);
    }
  }
  return figures.length ? { rps: Math.max(...figures), vcpu } : undefined;
}

const cells = (line: string) => (line.trim().startsWith('|') ? line.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim()) : []);

export function scaleToTask(figure: BenchFigure, cpuUnits: number): number {
  const vcpu = cpuUnits / 1024;
  return (figure.rps * Math.min(vcpu, 1)) / Math.min(figure.vcpu, 1);
}

/** RPS_PER_TASK when given, else the bench's figure scaled to the manifest's cpu; undefined when neither exists. */
export function taskCapacity(cpuUnits: number, given: number | undefined, reportFile: string): Capacity | undefined {
  if (given !== undefined) return { rpsPerTask: given, source: 'RPS_PER_TASK' };
  if (!existsSync(reportFile)) return undefined;
  const figure = readBenchFigure(readFileSync(reportFile, 'utf8'));
  if (!figure) return undefined;
  const rps = scaleToTask(figure, cpuUnits);
  const scaled = Math.abs(figure.vcpu - cpuUnits / 1024) > 1e-9;
  return {
    rpsPerTask: rps,
    source: `make bench: ${Math.round(figure.rps).toLocaleString('en-US')} req/s for the image at ${figure.vcpu} vCPU${scaled ? `, scaled to ${cpuUnits / 1024} vCPU` : ''} (bench/REPORT.md)`,
  };
}
