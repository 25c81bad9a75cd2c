import type { Migration } from './types.ts';

export interface InitResult {
  function: string;
  files: { service: string; lambda: string; code?: string };
  migration: Migration;
  code?: { files: number; bytes: number; layers: Record<string, number> };
}

/** The mapping and what does not carry over, for a person (OUTPUT=json prints `asJson`). */
export function renderReport(r: InitResult): string {
  const m = r.migration;
  const width = Math.max(...m.mapping.map((row) => row.lambda.length));
  const out: string[] = [];
  out.push(`make init: ${r.function} → ${r.files.service}, ${r.files.lambda} (both load with the manifest loader)`);
  if (r.code && r.files.code) {
    out.push(`code: ${r.code.files} files (${r.code.bytes} bytes) unzipped into ${r.files.code}/`);
    for (const [arn, n] of Object.entries(r.code.layers)) out.push(`layer: ${arn}: ${n} files into ${r.files.code}/node_modules/`);
  }
  out.push('', 'Mapping applied:');
  for (const row of m.mapping) out.push(`  ${row.lambda.padEnd(width)}  ${row.value}  →  ${row.fargate}`);
  out.push('', m.notes.length ? `No Fargate equivalent (${m.notes.length}) — what to do:` : 'Everything carried over.');
  for (const n of m.notes) out.push(`  - ${n.topic}: ${n.detail}`, `    do: ${n.action}`);
  out.push('', `Next: make validate MANIFEST=${r.files.service}, then make deploy-ecs${r.files.service === 'manifests/service.yml' ? '' : ` MANIFEST=${r.files.service}`}`);
  return `${out.join('\n')}\n`;
}

export function asJson(r: InitResult): unknown {
  const m = r.migration;
  return { function: r.function, service: m.serviceName, files: r.files, code: r.code, mapping: m.mapping, notes: m.notes, secretSuggestions: m.secretSuggestions };
}
