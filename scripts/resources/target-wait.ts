import type { Aws } from '../lib/aws.ts';
import { ToolError, message } from '../lib/errors.ts';
import type { ResolvedService } from '../manifest/types.ts';
import { sleep } from './retry.ts';
import { countTargets, targetHealth } from './target-group.ts';
import type { TargetState } from './target-group.ts';
import { serviceTasks, taskAddresses } from './tasks.ts';
import { pollInterval, seconds } from './wait.ts';

export interface TargetsResult {
  seconds: number;
  targets: TargetState[];
}

/**
 * After ECS calls the deployment COMPLETED: waits until the new revision's running tasks are
 * `healthy` in the target group and nothing else is left there (the old tasks drained and gone),
 * printing the healthy / initial / draining counts each time they change. Bounded by what is left
 * of deployment.timeout.
 */
export async function waitForTargets(
  aws: Aws,
  svc: ResolvedService,
  opts: { targetGroupArn: string; taskDefinitionArn: string; desiredCount: number; timeoutSeconds: number; log: (line: string) => void },
): Promise<TargetsResult> {
  const started = performance.now();
  const deadline = started + opts.timeoutSeconds * 1000;
  let last = '';
  for (let polls = 1; ; polls++) {
    const running = (await serviceTasks(aws, svc, 'RUNNING')).filter((t) => t.lastStatus === 'RUNNING' && t.taskDefinitionArn === opts.taskDefinitionArn);
    const ips = new Set((await taskAddresses(aws, running)).map((a) => a.privateIp).filter((ip): ip is string => !!ip));
    const targets = await targetHealth(aws, opts.targetGroupArn);
    const healthyNew = targets.filter((t) => ips.has(t.id) && t.state === 'healthy').length;
    const others = targets.filter((t) => !ips.has(t.id));
    const line = `targets: ${countTargets(targets)} — new tasks healthy ${healthyNew}/${opts.desiredCount}${others.length ? `, ${others.length} old` : ''}`;
    if (line !== last) opts.log(`    [+${seconds(performance.now() - started)}] ${line}`);
    last = line;
    if (healthyNew >= opts.desiredCount && ips.size >= opts.desiredCount && others.length === 0) return { seconds: (performance.now() - started) / 1000, targets };
    const pollMs = pollInterval();
    if (performance.now() + pollMs > deadline) {
      const bad = targets.filter((t) => t.state !== 'healthy').map((t) => `${t.id}:${t.port ?? ''} ${t.state}${t.reason ? ` (${t.reason})` : ''}`);
      throw new ToolError(
        message('step rollout (targets)', `the new tasks were not all healthy in the target group with the old ones drained within deployment.timeout (${line}${bad.length ? `; ${bad.join(', ')}` : ''})`, 'check the health check path and port (loadBalancer.healthCheck), `make logs`, and deploy again'),
      );
    }
    await sleep(Math.min(pollMs, 500 * 2 ** (polls - 1)));
  }
}
