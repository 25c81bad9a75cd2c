import type { LoadResult } from './load.ts';
import type { MicroResult } from './micro.ts';

export type Skipped = { skipped: string };

export interface LoadRow {
  name: string;
  what: string;
  result: LoadResult | Skipped;
}

/** One load run against the image under Docker. */
export interface DockerLoad {
  connections: number;
  /** held to this many requests per second; unset: as fast as answered */
  rate?: number;
  result: LoadResult;
}

/** The container server against the plain express route, from the same turns. */
export interface Ratio {
  /** requests/s over all turns, container ÷ express */
  overall: number;
  /** the same for each turn, in order */
  turns: number[];
  p99: { container: number; express: number };
}

export interface ContainerFigures {
  image: string;
  base: string;
  imageBytes: number;
  baseBytes: number;
  /** docker run → first 200 */
  coldStartMs: number;
  memoryAfterLoadBytes: number;
  cpus: number;
  memoryLimitMiB: number;
  loads: DockerLoad[];
}

export interface DeployRun {
  calls: number;
  writes: number;
  ms: number;
}

export interface DeployFigures {
  first: DeployRun;
  noop: DeployRun;
}

export interface BenchReport {
  date: string;
  machine: string;
  /** 1-minute load average when the run started: other work on the machine skews every figure */
  loadAverage: number;
  node: string;
  docker?: string;
  duration: number;
  /** the duration split into turns the servers take one after another */
  rounds: number[];
  connections: number;
  load: LoadRow[];
  ratio?: Ratio;
  micro: MicroResult;
  container: ContainerFigures | Skipped;
  deploy: DeployFigures | Skipped;
}

export const isSkipped = (v: unknown): v is Skipped => typeof v === 'object' && v !== null && 'skipped' in v;

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : int(n));
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
const seconds = (n: number) => `${(n / 1000).toFixed(2)} s`;

/** A section with its figures, or the reason it has none. */
function measured<T>(out: string[], heading: string, value: T | Skipped, render: (v: T) => void): void {
  out.push(`## ${heading}`, '');
  if (isSkipped(value)) out.push(`Not measured: ${value.skipped}.`);
  else render(value);
  out.push('');
}

/** The Markdown report: what was measured, on what, and how to rerun it. */
export function renderReport(r: BenchReport): string {
  const out: string[] = [];
  out.push('# Benchmark report', '');
  out.push(`Measured ${r.date} on ${r.machine} (load average ${r.loadAverage.toFixed(2)} at the start), Node ${r.node}${r.docker ? `, Docker ${r.docker}` : ''}.`);
  out.push(
    `Load: autocannon on loopback, ${r.connections} connections, each server in its own process; every server gets ${r.duration} s` +
      (r.rounds.length > 1 ? ` in turns (${r.rounds.join(' + ')} s) taken one server after another, so they share whatever else the machine does.` : '.'),
  );
  out.push('Rerun with `make bench` (options: `DURATION=<seconds per load run>`, `CONNECTIONS=<n>`).', '');

  out.push('## Throughput and latency', '');
  out.push('| server | requests/s | vs ceiling | 1 ÷ rate | p50 | p99 | errors |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  const ceiling = r.load[0] && !isSkipped(r.load[0].result) ? r.load[0].result.requestsPerSecond : undefined;
  for (const row of r.load) {
    if (isSkipped(row.result)) {
      out.push(`| ${row.name} | not measured: ${row.result.skipped} | | | | | |`);
      continue;
    }
    const l = row.result;
    const ratio = ceiling ? `${(l.requestsPerSecond / ceiling).toFixed(2)}×` : 'n/a';
    out.push(`| ${row.name} | ${int(l.requestsPerSecond)} | ${ratio} | ${(1e6 / l.requestsPerSecond).toFixed(1)} µs | ${ms(l.p50)} ms | ${ms(l.p99)} ms | ${l.errors + l.non2xx} |`);
  }
  out.push('');
  if (r.ratio) {
    const x = r.ratio;
    out.push(
      `**Container server ÷ plain express route: ${x.overall.toFixed(2)}×** requests/s (turn by turn: ${x.turns.map((t) => `${t.toFixed(2)}×`).join(', ')}); ` +
        `p99 ${ms(x.p99.container)} ms against ${ms(x.p99.express)} ms.`,
      '',
    );
  }
  for (const row of r.load) out.push(`- **${row.name}**: ${row.what}`);
  out.push('');
  out.push(
    'A server is one Node process: when it is the bottleneck, 1 ÷ rate is what one request costs it, to',
    'compare with the adapter\'s own cost below. The ratio to the ceiling is the figure that carries over',
    'to other machines; absolute figures move with whatever else the machine is doing (see the load average).',
    '',
  );

  out.push('## Adapter cost per request', '');
  out.push(`Micro-benchmark of \`container/adapter.ts\` (median of rounds, ${int(r.micro.iterations)} iterations):`, '');
  out.push('| step | per request |', '| --- | ---: |');
  out.push(`| event mapping + response mapping (\`toEvent\` + \`toResponse\`) | ${(r.micro.mappingNsPerOp / 1000).toFixed(2)} µs |`);
  out.push(`| \`invoke()\` around a handler that returns at once | ${(r.micro.invokeNsPerOp / 1000).toFixed(2)} µs |`);
  out.push('', 'Where the rest of a request\'s time goes, before and after the per-request work was cut: [PROFILE.md](PROFILE.md).', '');

  measured(out, 'Container', r.container, (c) => {
    out.push('| figure | value |', '| --- | ---: |');
    out.push(`| image size (\`${c.image}\`) | ${mb(c.imageBytes)} |`);
    out.push(`| base image (\`${c.base}\`) | ${mb(c.baseBytes)} |`);
    out.push(`| image bytes over the base | ${mb(c.imageBytes - c.baseBytes)} |`);
    out.push(`| cold start: \`docker run\` → first 200 | ${int(c.coldStartMs)} ms |`);
    out.push(`| memory after the load runs | ${mib(c.memoryAfterLoadBytes)} of ${c.memoryLimitMiB} MiB |`);
    out.push('', `The container runs with the task definition's limits: ${c.cpus} vCPU, ${c.memoryLimitMiB} MiB.`);
  });

  measured(out, 'The image under Docker', r.container, (c) => {
    out.push('| load | requests/s | 1 ÷ rate | p50 | p99 | errors |', '| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const d of c.loads) {
      const l = d.result;
      const name = `${d.connections} connections${d.rate ? `, held to ${int(d.rate)} requests/s` : ''}`;
      out.push(`| ${name} | ${int(l.requestsPerSecond)} | ${(1e6 / l.requestsPerSecond).toFixed(1)} µs | ${ms(l.p50)} ms | ${ms(l.p99)} ms | ${l.errors + l.non2xx} |`);
    }
    out.push(
      '',
      `The built image in \`docker run --network host\` with the task definition's limits (${c.cpus} vCPU, ${c.memoryLimitMiB} MiB), loaded the same way.`,
      `At ${c.cpus} vCPU the kernel lets the container run ${Math.round(c.cpus * 100)} ms of every 100 ms: any run that keeps it busy waits out the rest,`,
      'which is what its p99 shows. The run held to half the rate it reached shows the latency of a task with headroom.',
    );
  });

  measured(out, 'Deploy (against the fake AWS)', r.deploy, (d) => {
    out.push('| run | API calls | of which writes | wall time |', '| --- | ---: | ---: | ---: |');
    out.push(`| first deploy | ${d.first.calls} | ${d.first.writes} | ${seconds(d.first.ms)} |`);
    out.push(`| no-op deploy (nothing changed) | ${d.noop.calls} | ${d.noop.writes} | ${seconds(d.noop.ms)} |`);
    out.push('', '`make deploy-ecs` run twice against `test/fake-aws/`; calls counted from the fake\'s request log.');
  });
  return out.join('\n');
}
