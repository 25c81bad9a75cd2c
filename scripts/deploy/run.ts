import { relative } from 'node:path';
import { createAws, writeCalls } from '../lib/aws.ts';
import type { Aws } from '../lib/aws.ts';
import { ToolError, UserError, awsErrorName, message } from '../lib/errors.ts';
import type { ResolvedService } from '../manifest/types.ts';
import { refuseWrites } from '../resources/guard.ts';
import { ownershipProblem } from '../resources/types.ts';
import { actionWord, planLines } from '../resources/output.ts';
import type { Log } from '../resources/output.ts';
import type { DeployContext, Step } from './context.ts';
import { STEP_LIST } from './steps/index.ts';

export interface DeployOptions {
  dryRun: boolean;
  /** ADOPT=1: same-named resources without the tool's tags are taken over instead of refused */
  adopt?: boolean;
  forceNewDeployment?: boolean;
  /** L2F_STOP_AFTER_STEP: end (exit 0) right after this step (its number or id), as if interrupted */
  stopAfterStep?: number | string;
  log?: Log;
  aws?: Aws;
  steps?: readonly Step[];
}

class StopAfterStep {
  constructor(readonly step: number, readonly given: string) {}
}

/** `make deploy-ecs` / `make plan`: the steps of the deploy, in order, each converging. Returns the exit code. */
export async function deploy(svc: ResolvedService, opts: DeployOptions): Promise<number> {
  const steps = opts.steps ?? STEP_LIST;
  const aws = opts.aws ?? createAws();
  if (opts.dryRun) refuseWrites(aws);
  const ctx: DeployContext = {
    svc,
    aws,
    dryRun: opts.dryRun,
    forceNewDeployment: opts.forceNewDeployment,
    log: opts.log ?? ((l) => console.log(l)),
    state: { urls: [] },
    rows: [],
    timings: [],
    started: performance.now(),
    show(plan, details = []) {
      const foreign = ownershipProblem(plan, svc, !!opts.adopt);
      if (foreign) throw foreign;
      for (const l of planLines(plan, ctx.dryRun, details)) ctx.log(l);
      ctx.rows.push({ resource: plan.resource, name: plan.name, outcome: actionWord(plan.action, ctx.dryRun) });
    },
  };
  const shown = relative(process.cwd(), svc.file);
  ctx.log(`deploy-ecs: ${svc.name} (${svc.environment}) from ${shown && !shown.startsWith('..') ? shown : svc.file}${opts.dryRun ? ' — DRY RUN: reads only, nothing is changed' : ''}`);
  try {
    for (const [i, step] of steps.entries()) {
      const n = i + 1;
      if (step.runs && !step.runs(ctx)) {
        // a stop asked for at a step that does not apply here (load-balanced steps in public-IP mode) stops at its place
        if (opts.stopAfterStep === n || opts.stopAfterStep === step.id) throw new StopAfterStep(n, String(opts.stopAfterStep));
        continue;
      }
      ctx.log(`\n[${n}/${steps.length}] ${step.title}`);
      const t0 = performance.now();
      try {
        await step.run(ctx);
      } catch (err) {
        throw stepError(n, step.title, err);
      } finally {
        ctx.timings.push({ step: n, title: step.title, seconds: (performance.now() - t0) / 1000 });
      }
      if (opts.stopAfterStep === n || opts.stopAfterStep === step.id) throw new StopAfterStep(n, String(opts.stopAfterStep));
    }
    return 0;
  } catch (err) {
    if (err instanceof StopAfterStep) {
      ctx.log(`\nstopped after step ${err.step} (L2F_STOP_AFTER_STEP=${err.given}); AWS calls: ${aws.calls.length} (${writeCalls(aws.calls).length} writes)`);
      return 0;
    }
    throw err;
  } finally {
    await releaseLock(ctx);
  }
}

/** The deploy lock (taken in pre-flight) goes at the end, on failure too; a kill leaves it to expire. */
async function releaseLock(ctx: DeployContext): Promise<void> {
  const lock = ctx.state.lock;
  ctx.state.lock = undefined;
  const warning = await lock?.release();
  if (warning) ctx.log(`    ! ${warning}`);
}

/** Errors the modules did not already phrase get the step's name and the way out. */
function stepError(n: number, title: string, err: unknown): unknown {
  if (err instanceof UserError || err instanceof ToolError || err instanceof StopAfterStep) return err;
  const name = awsErrorName(err) ?? 'Error';
  const text = err instanceof Error ? err.message : String(err);
  return new ToolError(message(`step ${n} (${title})`, `${name}: ${text}`, 'fix the cause and run the deploy again: it picks up where it stopped'), { cause: err });
}

/** L2F_STOP_AFTER_STEP: a step's number (1…N) or its id (`service`, `rollout`, …). */
export function stopAfterStepFromEnv(steps: readonly Step[] = STEP_LIST): number | string | undefined {
  const v = process.env.L2F_STOP_AFTER_STEP;
  if (!v) return undefined;
  if (steps.some((s) => s.id === v)) return v;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > steps.length) {
    throw new UserError(message('L2F_STOP_AFTER_STEP', `"${v}" is not a step number`, `use 1 to ${steps.length} or a step id (${steps.map((s) => s.id).join(', ')})`));
  }
  return n;
}
