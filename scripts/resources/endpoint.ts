import type { Aws } from '../lib/aws.ts';
import type { ResolvedService } from '../manifest/types.ts';
import { httpGet } from './http-get.ts';
import { sleep } from './retry.ts';
import { serviceTasks, taskAddresses } from './tasks.ts';
import type { TaskAddress } from './tasks.ts';

export interface EndpointAnswer {
  url: string;
  taskId: string;
  status?: number;
  body?: string;
  error?: string;
}

/** Running tasks of the deployed revision and their addresses. */
export async function findEndpoints(aws: Aws, svc: ResolvedService, taskDefinitionArn?: string): Promise<TaskAddress[]> {
  const running = (await serviceTasks(aws, svc, 'RUNNING')).filter(
    (t) => t.lastStatus === 'RUNNING' && (!taskDefinitionArn || t.taskDefinitionArn === taskDefinitionArn),
  );
  return taskAddresses(aws, running);
}

/** Calls `url` until it answers with a status below 500, for at most `timeoutMs`. */
export async function probe(url: string, timeoutMs: number, intervalMs = 1000): Promise<Omit<EndpointAnswer, 'taskId'>> {
  const deadline = Date.now() + timeoutMs;
  let last: Omit<EndpointAnswer, 'taskId'> = { url, error: 'not called' };
  for (;;) {
    try {
      const res = await httpGet(url, Math.max(1000, Math.min(5000, deadline - Date.now())));
      last = { url, status: res.status, body: res.body.slice(0, 500) };
      if (res.status < 500) return last;
    } catch (err) {
      const code = (err as { code?: string }).code;
      last = { url, error: code ?? (err instanceof Error ? err.name : String(err)) };
    }
    if (Date.now() + intervalMs > deadline) return last;
    await sleep(intervalMs);
  }
}

export function endpointTimeoutMs(): number {
  const s = Number(process.env.L2F_ENDPOINT_TIMEOUT_S);
  return (Number.isFinite(s) && s > 0 ? s : 60) * 1000;
}

export function coversEveryone(svc: ResolvedService): boolean {
  return svc.network.allowedCidrs.some((c) => c === '0.0.0.0/0' || c === '::/0');
}

export interface EndpointReport {
  /** the URLs that answered */
  urls: string[];
  /** the deploy asked for tasks and the check did not pass: which part, and why (the summary says it; exit 1) */
  failure?: string;
  /** the check could not be made from here (private tasks): said in the summary */
  unchecked?: string;
}

/**
 * Step "endpoint": each running task's public IP, called until it answers. A deploy that asked for tasks
 * and ends with none that answers is a failure, whatever the reason (no running task, no public
 * IP, no answer: with narrower CIDRs this machine may simply not be let in, which is said too);
 * so is a task that does not answer when the port is open to everyone.
 */
export async function reportEndpoints(aws: Aws, svc: ResolvedService, taskDefinitionArn: string, log: (line: string) => void): Promise<EndpointReport> {
  const tasks = await findEndpoints(aws, svc, taskDefinitionArn);
  if (tasks.length === 0) {
    log(`    no running task${svc.count === 0 ? ' (count is 0)' : ''}`);
    return svc.count === 0 ? { urls: [] } : { urls: [], failure: `no task of ${taskDefinitionArn.split('/').pop()} is RUNNING, so no endpoint was called` };
  }
  if (!svc.network.publicIp) {
    for (const t of tasks) log(`    task ${t.taskId}: private IP ${t.privateIp ?? '?'} (network.publicIp is false: no public URL)`);
    return { urls: [], unchecked: `the tasks have no public IP (network.publicIp is false), so no endpoint was called from here` };
  }
  const answers = await Promise.all(
    tasks.map(async (t) => ({ t, a: t.publicIp ? await probe(`http://${t.publicIp}:${svc.image.port}/`, endpointTimeoutMs()) : undefined })),
  );
  const urls: string[] = [];
  const failed: string[] = [];
  for (const { t, a } of answers) {
    if (!a) failed.push(`task ${t.taskId} has no public IP`);
    else if (a.status === undefined) failed.push(`${a.url} did not answer (${a.error})`);
    else {
      log(`    ${a.url} → ${a.status} ${a.body?.trim()}`);
      urls.push(a.url);
    }
  }
  for (const f of failed) log(`    ! ${f}`);
  const narrow = coversEveryone(svc) ? '' : ` (network.allowedCidrs is ${svc.network.allowedCidrs.join(', ')}: this machine may not be allowed in)`;
  if (narrow && failed.length > 0) log(`   ${narrow}`);
  if (failed.length > 0 && (coversEveryone(svc) || urls.length === 0)) return { urls, failure: `${failed.join('; ')}${narrow}` };
  return { urls };
}
