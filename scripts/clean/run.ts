import { createInterface } from 'node:readline/promises';
import { type Aws, writeCalls } from '../lib/aws.ts';
import { deleteCluster } from '../resources/cluster.ts';
import { deleteRepository } from '../resources/ecr.ts';
import { deleteRole } from '../resources/iam.ts';
import { deleteLock } from '../resources/lock.ts';
import { deleteLogGroup } from '../resources/logs.ts';
import { LOAD_BALANCER_DELETERS } from '../resources/lb-inventory.ts';
import { deleteService } from '../resources/service.ts';
import { deleteTaskDefinitions } from '../resources/task-definition.ts';
import { seconds } from '../resources/wait.ts';
import { type Target, inventory } from './inventory.ts';
import { foundLine, planLines, resultLine } from './report.ts';
import { deleteStack } from './stack.ts';
import type { Found, Kind, Result } from './types.ts';

export interface CleanOptions {
  dryRun: boolean;
  yes: boolean;
  /** stdin and stdout are a terminal: ask before deleting */
  interactive: boolean;
  print: (line: string) => void;
}

/** Each kind's delete (the resource modules'; the Lambda stack's is clean's own). */
export const DELETERS: Record<Kind, (aws: Aws, item: Found) => Promise<Result>> = {
  ...LOAD_BALANCER_DELETERS,
  service: deleteService,
  'task-definition': deleteTaskDefinitions,
  cluster: deleteCluster,
  role: deleteRole,
  'log-group': deleteLogGroup,
  repository: deleteRepository,
  stack: (_aws, item) => deleteStack(item),
  'deploy-lock': deleteLock,
};

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

/** One delete; a failure is a result, not a throw, so clean always goes on to the next resource. */
async function remove(aws: Aws, target: Target, item: Found): Promise<Result> {
  try {
    return await DELETERS[item.kind](item.kind === 'stack' && target.stack ? target.stack.aws : aws, item);
  } catch (err) {
    const name = err instanceof Error ? err.name : 'Error';
    return { item, outcome: 'failed', note: `${name}: ${(err as Error).message ?? String(err)} — fix the cause and run make clean again` };
  }
}

const key = (f: Found) => `${f.kind}:${f.id}`;

const incomplete = (problems: string[]) =>
  `inventory check incomplete: ${problems.length} lookup(s) failed — fix the cause (often missing IAM permissions) and run make clean again`;

/** Returns the exit code: 1 when anything the tool owns survives, kept on purpose or not. */
export async function clean(aws: Aws, target: Target, opts: CleanOptions): Promise<number> {
  const started = Date.now();
  const { svc } = target;
  const label = `${svc.name} (${svc.environment})`;
  const { found, problems } = await inventory(aws, target);
  const owned = found.filter((f) => f.owned);
  planLines(found).forEach((l) => opts.print(l));
  problems.forEach((p) => opts.print(`  ? ${p}`));
  if (!owned.length) {
    if (problems.length) {
      opts.print(incomplete(problems));
      return 1;
    }
    opts.print(`nothing to delete: lambda2fargate created nothing (left) for ${label} in ${aws.region}`);
    return 0;
  }
  if (opts.dryRun) {
    opts.print(`dry run: nothing deleted (${owned.length} to delete) — run without DRY_RUN=1 to delete`);
    return problems.length ? 1 : 0;
  }
  if (opts.interactive && !opts.yes && !(await confirm(`delete these ${owned.length} resources? [y/N] `))) {
    opts.print('nothing deleted (answer was not yes) — YES=1 skips the question');
    return 0;
  }
  const results = new Map<string, Result>();
  for (const item of owned) {
    const r = await remove(aws, target, item);
    results.set(key(item), r);
    opts.print(resultLine(r));
  }
  // The inventory check: look again, by name and by tag, for anything the tool owns.
  const after = await inventory(aws, target);
  const left = after.found.filter((f) => f.owned);
  const survivors = left.filter((f) => results.get(key(f))?.outcome !== 'kept');
  const kept = left.filter((f) => results.get(key(f))?.outcome === 'kept');
  const deleted = [...results.values()].filter((r) => r.outcome === 'deleted').length;
  const waited = [...results.values()].reduce((n, r) => n + (r.waitedMs ?? 0), 0);
  const calls = aws.calls.length + (target.stack && target.stack.aws !== aws ? target.stack.aws.calls.length : 0);
  const writes = writeCalls(aws.calls).length;
  if (kept.length) {
    opts.print(`kept (${kept.length}), though lambda2fargate created ${kept.length === 1 ? 'it' : 'them'}:`);
    kept.forEach((f) => opts.print(`${foundLine(f)}: ${results.get(key(f))?.note ?? 'kept'}`));
  }
  after.problems.forEach((p) => opts.print(`  ? ${p}`));
  if (survivors.length) {
    opts.print(`inventory check FAILED: ${survivors.length} resource(s) created by lambda2fargate for ${label} still exist:`);
    survivors.forEach((f) => opts.print(foundLine(f)));
    opts.print('fix the causes above and run make clean again');
  } else if (after.problems.length) {
    opts.print(incomplete(after.problems));
  } else if (kept.length) {
    opts.print(`inventory check: ${kept.length} resource(s) created by lambda2fargate for ${label} kept (above, with why); nothing else is left — run make clean again once they are free`);
  } else {
    opts.print(`inventory check: nothing created by lambda2fargate for ${label} is left`);
  }
  opts.print(`clean: ${deleted} deleted in ${seconds(Date.now() - started)} (${seconds(waited)} waiting), ${calls} AWS calls (${writes} writes)`);
  return survivors.length || after.problems.length || kept.length ? 1 : 0;
}
