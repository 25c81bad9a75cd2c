import { writeCalls } from '../../lib/aws.ts';
import { ToolError, message } from '../../lib/errors.ts';
import { summaryLines } from '../../resources/output.ts';
import type { Step } from '../context.ts';

export const summary: Step = {
  id: 'summary',
  title: 'summary',
  async run({ svc, aws, dryRun, log, rows, timings, started, state }) {
    for (const l of summaryLines(rows, timings)) log(l);
    const writes = writeCalls(aws.calls);
    log('');
    log(`    AWS calls: ${aws.calls.length} (${writes.length} writes) in ${((performance.now() - started) / 1000).toFixed(1)}s`);
    if (dryRun) log('    DRY RUN: nothing was changed. Run `make deploy-ecs` to apply.');
    else if (writes.length === 0) log('    No changes: everything was already as the manifest says — nothing was written.');
    else log(`    writes: ${summarizeWrites(writes.map((w) => w.operation))}`);
    for (const url of state.urls) log(`    URL: ${url}${state.targets ? ` — targets: ${state.targets}` : ''}`);
    if (state.endpoint?.unchecked) log(`    endpoint: not checked — ${state.endpoint.unchecked}`);
    const failure = state.endpoint?.failure;
    if (failure) {
      log(`    endpoint check FAILED: ${failure}`);
      throw new ToolError(message('deploy-ecs (endpoint)', `the deploy asked for ${svc.count} task(s) and the endpoint check did not pass: ${failure}`, 'check the task logs (`make logs`), that the container listens on PORT, and network.allowedCidrs'));
    }
  },
};

function summarizeWrites(ops: string[]): string {
  const counts = new Map<string, number>();
  for (const op of ops) counts.set(op, (counts.get(op) ?? 0) + 1);
  return [...counts].map(([op, n]) => (n > 1 ? `${op} ×${n}` : op)).join(', ');
}
