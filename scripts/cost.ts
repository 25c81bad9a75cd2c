/**
 * make cost: is Fargate cheaper than Lambda for this load? The function's real traffic (CloudWatch,
 * over DAYS) or a load given by hand (RPS, DURATION_MS, PEAK_RPS), the service manifest's task,
 * live prices (or the bundled table), a monthly table per option, the break-even rate and an SVG chart.
 * Reads only: CloudFormation DescribeStacks, Lambda GetFunctionConfiguration, CloudWatch GetMetricData,
 * Price List GetProducts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createAws, resolveRegion } from './lib/aws.ts';
import { commonOptions, runMain } from './lib/cli.ts';
import { defaultServiceManifest, loadManifests, stackClients } from './clean/target.ts';
import { breakEven, rate, verdict } from './cost/breakeven.ts';
import { bundledPrices } from './cost/bundled.ts';
import { renderChart } from './cost/chart.ts';
import { deployedFunction, findFunction, functionShape, handLoad, measuredLoad, serviceShape } from './cost/inputs.ts';
import { livePrices } from './cost/live-prices.ts';
import { compare, modeLabel } from './cost/model.ts';
import { costOptions } from './cost/options.ts';
import { pricesLine, renderText, toJson, type CostReport } from './cost/render.ts';

await runMain(async () => {
  const opts = costOptions();
  const common = commonOptions(defaultServiceManifest);
  const { svc, lambda } = await loadManifests(common);
  const service = serviceShape(svc, opts);
  // By hand nothing needs AWS, so no region is needed either: the bundled table's is assumed.
  const region = opts.rps !== undefined ? (process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || tryRegion() || 'us-east-1') : resolveRegion();

  let load;
  let traffic;
  let live;
  if (opts.rps !== undefined) {
    load = handLoad({ ...opts, rps: opts.rps });
  } else {
    const aws = createAws(region);
    const fnAws = (!opts.functionName && stackClients(aws, lambda)) || aws;
    const name = await findFunction(opts, lambda, fnAws);
    live = await deployedFunction(fnAws, name);
    const measured = await measuredLoad(fnAws, name, opts);
    load = measured;
    traffic = measured.traffic;
  }
  const fn = await functionShape(opts, lambda, live);
  const prices = opts.offline ? bundledPrices(region, ['OFFLINE=1']) : await livePrices(region);

  const inputs = { load: load.value, fn: fn.value, svc: service.value, prices, freeTier: opts.freeTier };
  const lines = compare(inputs);
  const be = breakEven(inputs);
  const chart = resolve(opts.chart);
  const breakEvens = lines.filter((l) => l.id.startsWith('fargate')).map((l) => ({ id: l.id, label: l.label, ...(l.id === 'fargate' ? (be !== undefined ? { rps: be } : {}) : optional(breakEven(inputs, l.id))) }));
  const report: CostReport = { inputs, lines, ...(be !== undefined ? { breakEven: be } : {}), breakEvens, verdict: verdict(inputs, lines, be), about: { load: load.about, function: fn.about, service: service.about }, ...(traffic ? { traffic } : {}), chart };

  const arch = (a: string) => (a === 'arm' ? 'Arm' : 'x86');
  await mkdir(dirname(chart), { recursive: true });
  await writeFile(
    chart,
    renderChart({
      inputs,
      lines,
      ...(be !== undefined ? { breakEven: be } : {}),
      title: `Lambda or Fargate: monthly cost by request rate (${svc.name}, ${svc.environment})`,
      notes: ['cheaper than Lambda on demand above:', ...breakEvens.map((b) => `· ${b.label}: ${b.rps === undefined ? 'never' : rate(b.rps)}`)],
      subtitle: `Lambda ${fn.value.memoryMb} MB ${arch(fn.value.arch)}, ${inputs.load.durationMs.toFixed(0)} ms · Fargate ${svc.cpu / 1024} vCPU / ${svc.memory / 1024} GB ${arch(service.value.arch)}, ${modeLabel(service.value.mode)} · ${pricesLine(prices).split(';')[0]}`,
    }),
  );
  process.stdout.write(opts.json ? `${JSON.stringify(toJson(report), null, 2)}\n` : renderText(report));
  return 0;
});

function optional(rps: number | undefined): { rps?: number } {
  return rps !== undefined ? { rps } : {};
}

function tryRegion(): string | undefined {
  try {
    return resolveRegion();
  } catch {
    return undefined;
  }
}
