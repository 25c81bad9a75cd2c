import type { StatusReport } from './gather.ts';

const time = (iso: string | undefined) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-');

/** The human-readable status; OUTPUT=json prints the StatusReport itself. */
export function renderStatus(r: StatusReport, names: { cluster: string; service: string; stack?: string }): string[] {
  const lines = [`${r.service} (environment ${r.environment}) in ${r.region}`];
  if (r.nothingDeployed) {
    lines.push(
      `nothing deployed: no ECS service ${names.service} in cluster ${names.cluster}` +
        (names.stack ? `, no Lambda stack ${names.stack}` : '') +
        ' — make deploy-ecs / make deploy-lambda deploy them',
    );
    return lines;
  }
  const s = r.ecs;
  if (!s) {
    lines.push(`ECS: no service ${names.service} in cluster ${names.cluster} (make deploy-ecs deploys it)`);
  } else {
    lines.push(`ECS service ${s.name} (cluster ${s.cluster}): ${s.status}, ${s.taskDefinition} — desired ${s.desired}, running ${s.running}, pending ${s.pending}`);
    lines.push('deployments:');
    for (const d of s.deployments) {
      const reason = d.rolloutStateReason ? ` — ${d.rolloutStateReason}` : '';
      lines.push(
        `  ${d.status.padEnd(8)} ${(d.rolloutState ?? '-').padEnd(11)} ${d.taskDefinition}  ${d.running}/${d.desired} running, ${d.pending} pending, ${d.failed} failed  since ${time(d.createdAt)}${reason}`,
      );
    }
    if (s.loadBalancer) {
      const lb = s.loadBalancer;
      lines.push(`URL: ${lb.url} — load balancer ${lb.name} (${lb.state}), targets: ${lb.summary}`);
      for (const t of lb.targets) lines.push(`  target ${`${t.id}:${t.port ?? ''}`.padEnd(21)} ${t.state}${t.reason ? ` (${t.reason})` : ''}`);
    }
    lines.push(s.tasks.length ? 'tasks:' : 'tasks: none');
    for (const t of s.tasks) {
      const where = t.url ?? (t.lastStatus === 'STOPPED' ? `stopped: ${t.stoppedReason ?? 'no reason given'}` : 'no public IP yet');
      lines.push(`  ${t.id.slice(0, 12).padEnd(12)} ${t.lastStatus.padEnd(12)} ${t.health.padEnd(9)} ${t.taskDefinition}  ${where}`);
    }
    if (s.events.length) {
      lines.push(`last ${s.events.length} service events:`);
      for (const e of s.events) lines.push(`  ${time(e.at)}  ${e.message}`);
    }
  }
  const l = r.lambda;
  if (!l) lines.push(names.stack ? `Lambda: no stack ${names.stack} (make deploy-lambda deploys it)` : 'Lambda: no manifests/lambda.yml');
  else lines.push(`Lambda stack ${l.stackName}: ${l.stackStatus}, function ${l.functionName ?? '-'}, URL ${l.functionUrl ?? '(no FunctionUrl output)'}`);
  return lines;
}
