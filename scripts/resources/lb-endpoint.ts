import { ToolError, message } from '../lib/errors.ts';
import type { ResolvedService } from '../manifest/types.ts';
import { coversEveryone, endpointTimeoutMs, probe } from './endpoint.ts';

/** The one address of a load-balanced service: its domain over HTTPS, else the load balancer's DNS name over HTTP. */
export function stableUrl(svc: ResolvedService, dnsName: string): string {
  return svc.loadBalancer?.domain ? `https://${svc.loadBalancer.domain}/` : `http://${dnsName}/`;
}

/**
 * The endpoint step in load-balanced mode: calls the stable URL until it answers (DNS and the
 * first healthy target can take a while). With a certificate given the domain's DNS is the
 * user's; if it does not answer yet the load balancer's own name is tried and the fix is said.
 */
export async function reportStableUrl(svc: ResolvedService, dnsName: string, log: (line: string) => void): Promise<string[]> {
  const url = stableUrl(svc, dnsName);
  const a = await probe(url, endpointTimeoutMs());
  if (a.status !== undefined) {
    log(`    ${url} → ${a.status} ${a.body?.trim() ?? ''}`);
    return [url];
  }
  if (svc.loadBalancer?.certificate) {
    log(`    ! ${url} did not answer (${a.error}): point ${svc.loadBalancer.domain} at ${dnsName} (a CNAME, or an alias record in Route 53)`);
    const direct = await probe(`http://${dnsName}/`, endpointTimeoutMs());
    if (direct.status !== undefined) {
      log(`    http://${dnsName}/ → ${direct.status} (the load balancer answers)`);
      return [url];
    }
  }
  if (!coversEveryone(svc)) {
    log(`    ! ${url} did not answer (${a.error}) — network.allowedCidrs is ${svc.network.allowedCidrs.join(', ')}: this machine may not be allowed in`);
    return [url];
  }
  throw new ToolError(message('step endpoint', `${url} did not answer (${a.error})`, 'check the target health (`make status`), the task logs (`make logs`) and the DNS records'));
}
