/**
 * make bench — throughput and latency of the servers, the adapter's cost per request, the image's
 * size, cold start and memory, and the deploy's API calls, all in one run; writes bench/REPORT.md.
 *
 * Env: DURATION (seconds per load run, default 10), CONNECTIONS (default 50), NO_DOCKER,
 * BENCH_REPORT (where the report goes, default bench/REPORT.md), ENV, MANIFEST.
 */
import { commonOptions, runMain } from './lib/cli.ts';
import { UserError, message } from './lib/errors.ts';
import { loadServiceManifest } from './manifest/index.ts';
import { runBench } from './bench/run.ts';
import { exitCleanlyOnInterrupt } from './local/cleanup.ts';

function positive(name: string, fallback: number, max: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UserError(message(`${name}=${raw}`, `expected a whole number from 1 to ${max}`, `for example ${name}=${fallback}`));
  return n;
}

const truthy = (v: string | undefined) => !!v && v !== '0' && v.toLowerCase() !== 'false';

await runMain(async () => {
  exitCleanlyOnInterrupt();
  const options = commonOptions('manifests/service.yml');
  const duration = positive('DURATION', 10, 600);
  const connections = positive('CONNECTIONS', 50, 1000);
  const service = await loadServiceManifest(options.manifest, options.env);
  const report = process.env.BENCH_REPORT?.trim() || 'bench/REPORT.md';
  const text = await runBench({
    service,
    ...(options.env ? { env: options.env } : {}),
    ...(process.env.MANIFEST?.trim() ? { manifest: options.manifest } : {}),
    duration,
    connections,
    docker: !truthy(process.env.NO_DOCKER),
    report,
  });
  process.stdout.write(`${text}\nwritten to ${report}\n`);
});
