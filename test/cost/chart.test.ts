import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { bundledPrices } from '../../scripts/cost/bundled.ts';
import { breakEven, costAt } from '../../scripts/cost/breakeven.ts';
import { renderChart, xOf, xRange } from '../../scripts/cost/chart.ts';
import { compare, type Inputs } from '../../scripts/cost/model.ts';

const inputs: Inputs = {
  load: { rps: 0.4, peakRps: 3, durationMs: 100, concurrency: 2 },
  fn: { memoryMb: 512, arch: 'arm' },
  svc: { cpu: 256, memory: 512, arch: 'x86', minTasks: 1, mode: 'public-ip', taskPublicIp: true, rpsPerTask: 4780 },
  prices: bundledPrices('us-east-1'),
  freeTier: false,
};
const lines = compare(inputs);
const be = breakEven(inputs)!;
const svg = renderChart({ inputs, lines, breakEven: be, title: 'Lambda or Fargate <&> "test"', subtitle: 'subtitle' });

type Node = Record<string, unknown>;
const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(svg) as { svg: Node };
const all = (name: string): Node[] => {
  const v = parsed.svg[name];
  return v === undefined ? [] : Array.isArray(v) ? (v as Node[]) : [v as Node];
};

test('the chart is well-formed SVG in the SVG namespace, escaping what it prints', () => {
  assert.equal(XMLValidator.validate(svg), true);
  assert.equal(parsed.svg.xmlns, 'http://www.w3.org/2000/svg');
  assert.match(svg, /<title>Lambda or Fargate &lt;&amp;&gt; &quot;test&quot;<\/title>/);
});

test('one curve per option, each named and drawn across the whole rate range', () => {
  const curves = all('path').filter((p) => p.class === 'curve');
  assert.deepEqual(curves.map((c) => c['data-option']), lines.map((l) => l.id));
  for (const c of curves) assert.equal(String(c.d).split(/[ML]/).filter(Boolean).length, 240);
});

test('the marker stands at the measured rate on the log axis, with a dot on every curve at that rate', () => {
  const marker = all('line').find((l) => l.class === 'marker')!;
  assert.equal(Number(marker['data-rps']), 0.4);
  const range = xRange(0.4, be);
  assert.deepEqual([Number(parsed.svg['data-x-from']), Number(parsed.svg['data-x-to'])], range);
  assert.ok(range[0] < 0.4 && 0.4 < range[1]);
  assert.equal(Number(marker.x1), Number(xOf(0.4, range).toFixed(1)));
  assert.equal(marker.x1, marker.x2);
  const dots = all('circle').filter((c) => c.class === 'here');
  assert.equal(dots.length, lines.length);
  assert.ok(dots.every((d) => d.cx === marker.x1));
});

test('the curves pass through the table’s figures at the measured rate', () => {
  const at = costAt(inputs, 0.4);
  assert.deepEqual(at.map((l) => l.total.toFixed(6)), lines.map((l) => l.total.toFixed(6)));
  const legend = all('text').filter((t) => t.class === 'legend').map((t) => String(t['#text']));
  assert.deepEqual(legend, lines.map((l) => `${l.label}: $${l.total.toFixed(2)}`));
});

test('the break-even is ringed at its rate', () => {
  const ring = all('circle').find((c) => c.class === 'break-even')!;
  assert.equal(Number(ring['data-rps']), be);
  assert.equal(Number(ring.cx), Number(xOf(be, xRange(0.4, be)).toFixed(1)));
});

test('a function with no traffic still gets a chart: the marker sits at the left edge', () => {
  const idle = { ...inputs, load: { rps: 0, peakRps: 0, durationMs: 100 } };
  const out = renderChart({ inputs: idle, lines: compare(idle), breakEven: breakEven(idle)!, title: 't', subtitle: 's' });
  assert.equal(XMLValidator.validate(out), true);
  assert.match(out, /class="marker" data-rps="0" x1="90\.0"/);
});
