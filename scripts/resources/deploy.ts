import { relative } from 'node:path';
import { callerIdentity, createAws, writeCalls } from '../lib/aws.ts';
import type { Aws } from '../lib/aws.ts';
import { ToolError, UserError, awsErrorName, message } from '../lib/errors.ts';
import type { ResolvedService } from '../manifest/types.ts';
import { applyCluster, desiredCluster, findCluster, planCluster } from './cluster.ts';
import { applyRepository, desiredRepository, findRepository, planRepository } from './ecr.ts';
import { reportEndpoints } from './endpoint.ts';
import { refuseWrites } from './guard.ts';
import { applyRole, desiredRole, findRole, partitionOf, planRole } from './iam.ts';
import { ensureDocker, resolveImage } from './image.ts';
import { applyLogGroup, desiredLogGroup, findLogGroup, planLogGroup } from './logs.ts';
import { findNetwork } from './network.ts';
import { actionWord, planLines, summaryLines } from './output.ts';
import type { Log, StepTiming, SummaryRow } from './output.ts';
import { applySecurityGroup, desiredSecurityGroup, describeRule, findSecurityGroup, planSecurityGroup } from './security-group.ts';
import { applyService, desiredService, findService, planService } from './service.ts';
import { applyTaskDefinition, desiredTaskDefinition, findTaskDefinition, planTaskDefinition } from './task-definition.ts';
import type { Plan } from './types.ts';
import { shortTd, waitForRollout } from './wait.ts';

export const STEPS = 10;

export interface DeployOptions {
  dryRun: boolean;
  /** L2F_STOP_AFTER_STEP: end (exit 0) right after this step, as if interrupted */
  stopAfterStep?: number;
  log?: Log;
  aws?: Aws;
}

class StopAfterStep {
  constructor(readonly step: number) {}
}

/** `make deploy-ecs` / `make plan`: the ten steps of the deploy, in order, each converging. Returns the exit code. */
export async function deploy(svc: ResolvedService, opts: DeployOptions): Promise<number> {
  const log: Log = opts.log ?? ((l) => console.log(l));
  const { dryRun } = opts;
  const aws = opts.aws ?? createAws();
  if (dryRun) refuseWrites(aws);
  const timings: StepTiming[] = [];
  const rows: SummaryRow[] = [];
  const urls: string[] = [];
  const started = performance.now();

  const step = async <T>(n: number, title: string, body: () => Promise<T>): Promise<T> => {
    log(`\n[${n}/${STEPS}] ${title}`);
    const t0 = performance.now();
    let result: T;
    try {
      result = await body();
    } catch (err) {
      throw stepError(n, title, err);
    } finally {
      timings.push({ step: n, title, seconds: (performance.now() - t0) / 1000 });
    }
    if (opts.stopAfterStep === n) throw new StopAfterStep(n);
    return result;
  };
  const show = (plan: Plan<unknown, unknown>, details: string[] = []) => {
    for (const l of planLines(plan, dryRun, details)) log(l);
    rows.push({ resource: plan.resource, name: plan.name, outcome: actionWord(plan.action, dryRun) });
  };

  const shown = relative(process.cwd(), svc.file);
  log(`deploy-ecs: ${svc.name} (${svc.environment}) from ${shown && !shown.startsWith('..') ? shown : svc.file}${dryRun ? ' — DRY RUN: reads only, nothing is changed' : ''}`);
  try {
    const pre = await step(1, 'pre-flight', async () => {
      const who = await callerIdentity(aws);
      log(`    AWS: account ${who.account}, region ${aws.region} (${who.arn})`);
      if (svc.image.build && !dryRun) log(`    Docker: engine ${await ensureDocker()}`);
      const network = await findNetwork(aws, svc);
      log(`    network: ${network.isDefault ? 'default VPC ' : 'VPC '}${network.vpcId}, subnets ${network.subnets.map((s) => s.id).join(', ')}`);
      return { who, network };
    });

    const repo = await step(2, 'ECR repository', async () => {
      if (!svc.image.build) {
        log(`    skipped: image.location is set (${svc.image.location}), nothing is built or pushed`);
        return undefined;
      }
      const plan = planRepository(await findRepository(aws, svc), desiredRepository(svc));
      show(plan, [`scan on push, lifecycle: keep the last ${svc.deployment.keepImages} images`]);
      if (dryRun) return plan.live ? { uri: plan.live.uri } : undefined;
      return applyRepository(aws, plan);
    });

    const image = await step(3, 'image', async () => {
      const result = await resolveImage(aws, svc, { dryRun, repositoryName: svc.names.repository, repositoryUri: repo?.uri, log });
      const tag = result.tag ? ` ${result.tag}` : '';
      if (result.action === 'external') log(`    = using ${result.image}`);
      else if (result.action === 'already in the repository') log(`    = image${tag} is already in the repository: not pushed (${result.image})`);
      else if (result.action === 'would build') log(`    + would build and push ${result.tag ?? '(tag from the built image: the tree has uncommitted changes)'}`);
      if (svc.image.build) rows.push({ resource: 'image', name: result.tag ?? '(would build)', outcome: dryRun ? result.action : result.action === 'built and pushed' ? 'pushed' : 'unchanged' });
      return result;
    });

    const role = await step(4, 'execution role and log group', async () => {
      const rolePlan = planRole(await findRole(aws, svc), desiredRole(svc, partitionOf(pre.who.arn)));
      show(rolePlan, ['trust: ecs-tasks.amazonaws.com; policy: AmazonECSTaskExecutionRolePolicy']);
      const logPlan = planLogGroup(await findLogGroup(aws, svc), desiredLogGroup(svc));
      show(logPlan, [`retention: ${svc.logging.retention} days`]);
      if (dryRun) return rolePlan.live?.arn ?? `arn:${partitionOf(pre.who.arn)}:iam::${pre.who.account}:role/${svc.names.executionRole}`;
      const { arn } = await applyRole(aws, rolePlan);
      await applyLogGroup(aws, logPlan);
      return arn;
    });

    const sg = await step(5, 'security group', async () => {
      const plan = planSecurityGroup(await findSecurityGroup(aws, svc, pre.network.vpcId), desiredSecurityGroup(svc, pre.network.vpcId));
      show(plan, [`ingress: tcp ${svc.image.port} from ${svc.network.allowedCidrs.join(', ')}`, `in ${pre.network.vpcId}`]);
      for (const r of plan.revoke) log(`    ! ${dryRun ? 'would revoke' : 'revoking'} a rule the manifest does not ask for: ${describeRule(r)}`);
      if (dryRun) return plan.live?.id ?? '(new security group)';
      return applySecurityGroup(aws, plan);
    });

    const taskDefinitionArn = await step(6, 'cluster and task definition', async () => {
      const clusterPlan = planCluster(await findCluster(aws, svc), desiredCluster(svc));
      show(clusterPlan);
      if (!dryRun) await applyCluster(aws, clusterPlan);
      const live = await findTaskDefinition(aws, svc);
      let imageForPlan = image.image;
      const liveImage = live?.doc.containerDefinitions?.find((c) => c.name === svc.names.container)?.image;
      if (image.action === 'would build' && !image.tag && liveImage) {
        // the tag of a dirty tree comes from the built image: plan as if its content did not change
        imageForPlan = liveImage;
        log('    (the image is rebuilt from the working tree at deploy time; a new revision follows only if its content changed)');
      }
      const desired = desiredTaskDefinition(svc, { image: imageForPlan, executionRoleArn: role, region: aws.region });
      const plan = planTaskDefinition(live, desired);
      show(plan, [
        `image ${image.image}`,
        `cpu ${svc.cpu}, memory ${svc.memory}, ${svc.platform}, port ${svc.image.port}`,
        `environment: ${desired.doc.containerDefinitions?.[0]?.environment?.map((e) => e.name).join(', ')}`,
      ]);
      if (plan.action === 'unchanged') return plan.live!.arn;
      if (dryRun) {
        log('        → would register a new revision');
        return `${svc.names.family}:(new revision)`;
      }
      const arn = await applyTaskDefinition(aws, plan, log);
      log(`        → registered ${shortTd(arn)}`);
      rows[rows.length - 1]!.name = shortTd(arn);
      return arn;
    });

    const beforeService = new Date();
    const servicePlan = await step(7, 'service', async () => {
      const desired = desiredService(svc, { taskDefinition: taskDefinitionArn, subnets: pre.network.subnets.map((s) => s.id), securityGroupId: sg });
      const plan = planService(await findService(aws, svc), desired);
      show(plan, [`${svc.count} × ${shortTd(taskDefinitionArn)} on Fargate, public IP ${svc.network.publicIp ? 'on' : 'off'}, circuit breaker${svc.deployment.rollback ? ' with rollback' : ''}`]);
      if (!dryRun) await applyService(aws, plan, log);
      return plan;
    });
    // a no-op run has no news: older events (allowing 1s of clock skew) are history
    const deployedAt = new Date(Date.now() + 1000);

    if (!dryRun) {
      await step(8, 'wait for the rollout', async () => {
        const unchanged = servicePlan.action === 'unchanged';
        const r = await waitForRollout(aws, svc, {
          taskDefinitionArn,
          since: unchanged ? deployedAt : beforeService,
          timeoutSeconds: svc.deployment.timeout,
          log,
          current: unchanged ? servicePlan.live?.raw : undefined,
        });
        log(`    rollout COMPLETED in ${r.seconds.toFixed(1)}s: ${r.deployment.runningCount}/${r.deployment.desiredCount} running`);
      });

      await step(9, 'endpoint', async () => {
        urls.push(...(await reportEndpoints(aws, svc, taskDefinitionArn, log)));
      });
    }

    await step(10, 'summary', async () => {
      for (const l of summaryLines(rows, timings)) log(l);
      const writes = writeCalls(aws.calls);
      log('');
      log(`    AWS calls: ${aws.calls.length} (${writes.length} writes) in ${((performance.now() - started) / 1000).toFixed(1)}s`);
      if (dryRun) log('    DRY RUN: nothing was changed. Run `make deploy-ecs` to apply.');
      else if (writes.length === 0) log('    No changes: everything was already as the manifest says — nothing was written.');
      else log(`    writes: ${summarizeWrites(writes.map((w) => w.operation))}`);
      for (const url of urls) log(`    URL: ${url}`);
    });
    return 0;
  } catch (err) {
    if (err instanceof StopAfterStep) {
      log(`\nstopped after step ${err.step} (L2F_STOP_AFTER_STEP=${err.step}); AWS calls: ${aws.calls.length} (${writeCalls(aws.calls).length} writes)`);
      return 0;
    }
    throw err;
  }
}

function summarizeWrites(ops: string[]): string {
  const counts = new Map<string, number>();
  for (const op of ops) counts.set(op, (counts.get(op) ?? 0) + 1);
  return [...counts].map(([op, n]) => (n > 1 ? `${op} ×${n}` : op)).join(', ');
}

/** Errors the modules did not already phrase get the step's name and the way out. */
function stepError(n: number, title: string, err: unknown): unknown {
  if (err instanceof UserError || err instanceof ToolError || err instanceof StopAfterStep) return err;
  const name = awsErrorName(err) ?? 'Error';
  const text = err instanceof Error ? err.message : String(err);
  return new ToolError(message(`step ${n} (${title})`, `${name}: ${text}`, 'fix the cause and run the deploy again: it picks up where it stopped'), { cause: err });
}

export function stopAfterStepFromEnv(): number | undefined {
  const v = process.env.L2F_STOP_AFTER_STEP;
  if (!v) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > STEPS) throw new UserError(message('L2F_STOP_AFTER_STEP', `"${v}" is not a step number`, `use 1 to ${STEPS}`));
  return n;
}
