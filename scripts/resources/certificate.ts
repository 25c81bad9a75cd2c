import { createHash } from 'node:crypto';
import { AddTagsToCertificateCommand, DeleteCertificateCommand, DescribeCertificateCommand, ListCertificatesCommand, ListTagsForCertificateCommand, RequestCertificateCommand } from '@aws-sdk/client-acm';
import type { CertificateDetail } from '@aws-sdk/client-acm';
import type { Aws } from '../lib/aws.ts';
import { ToolError, isAwsError, message } from '../lib/errors.ts';
import { fromKeyValue, isOwned, toKeyValue } from '../lib/tags.ts';
import type { ResolvedService } from '../manifest/types.ts';
import { deleteWhenFree } from './in-use.ts';
import { makePlan, missingTags, tagChanges, tagsFor } from './types.ts';
import type { Found, Plan, Result } from './types.ts';
import { envNumber, poll, seconds } from './wait.ts';

export interface LiveCertificate {
  arn: string;
  domain: string;
  /** PENDING_VALIDATION | ISSUED | INACTIVE | EXPIRED | VALIDATION_TIMED_OUT | REVOKED | FAILED */
  status: string;
  /** the CNAME ACM wants to see (absent for a few seconds after the request) */
  validation?: { name: string; value: string };
  tags: Record<string, string>;
}

export interface DesiredCertificate {
  domain: string;
  tags: Record<string, string>;
}

export type CertificatePlan = Plan<LiveCertificate, DesiredCertificate>;

function toLive(c: CertificateDetail, tags: Record<string, string>): LiveCertificate {
  const rr = c.DomainValidationOptions?.find((o) => o.DomainName === c.DomainName)?.ResourceRecord ?? c.DomainValidationOptions?.[0]?.ResourceRecord;
  return {
    arn: c.CertificateArn ?? '',
    domain: c.DomainName ?? '',
    status: c.Status ?? '',
    ...(rr?.Name && rr.Value ? { validation: { name: rr.Name, value: rr.Value } } : {}),
    tags,
  };
}

export async function describeCertificate(aws: Aws, arn: string): Promise<LiveCertificate | undefined> {
  try {
    const [out, tags] = await Promise.all([
      aws.acm.send(new DescribeCertificateCommand({ CertificateArn: arn })),
      aws.acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn })),
    ]);
    return out.Certificate ? toLive(out.Certificate, fromKeyValue(tags.Tags)) : undefined;
  } catch (err) {
    if (isAwsError(err, 'ResourceNotFoundException')) return undefined;
    throw err;
  }
}

/** Certificates for exactly this domain, pending or issued, each with its tags. */
export async function listCertificates(aws: Aws, domain: string): Promise<LiveCertificate[]> {
  const arns: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await aws.acm.send(new ListCertificatesCommand({ CertificateStatuses: ['PENDING_VALIDATION', 'ISSUED'], NextToken }));
    for (const c of page.CertificateSummaryList ?? []) if (c.CertificateArn && c.DomainName?.toLowerCase() === domain) arns.push(c.CertificateArn);
    NextToken = page.NextToken;
  } while (NextToken);
  const found = await Promise.all(arns.map((a) => describeCertificate(aws, a)));
  return found.filter((c): c is LiveCertificate => !!c);
}

/** The certificate this service requested for the domain: the one carrying its tags, an issued one first. */
export async function findCertificate(aws: Aws, svc: ResolvedService, domain: string): Promise<LiveCertificate | undefined> {
  const ours = (await listCertificates(aws, domain)).filter((c) => isOwned(c.tags, svc.name, svc.environment));
  return ours.find((c) => c.status === 'ISSUED') ?? ours[0];
}

export function desiredCertificate(svc: ResolvedService, domain: string): DesiredCertificate {
  return { domain, tags: tagsFor(svc) };
}

export function planCertificate(live: LiveCertificate | undefined, desired: DesiredCertificate): CertificatePlan {
  return makePlan('ACM certificate', desired.domain, live, desired, live ? tagChanges(live.tags, desired.tags) : []);
}

/** RequestCertificate (DNS validation) with a token per service and domain, so a retried request does not make a second one. */
export async function applyCertificate(aws: Aws, plan: CertificatePlan): Promise<string> {
  const d = plan.desired;
  if (plan.action === 'create') {
    // IdempotencyToken: \w+, at most 32 characters; ACM treats repeats within an hour as one request
    const token = createHash('sha256').update(`${d.tags['lambda2fargate:service']}/${d.tags['lambda2fargate:environment']}/${d.domain}`).digest('hex').slice(0, 32);
    const out = await aws.acm.send(new RequestCertificateCommand({ DomainName: d.domain, ValidationMethod: 'DNS', IdempotencyToken: token, Tags: toKeyValue(d.tags) }));
    if (!out.CertificateArn) throw new ToolError(message(`ACM certificate ${d.domain}`, 'RequestCertificate answered without an ARN', 'run the deploy again'));
    return out.CertificateArn;
  }
  const live = plan.live!;
  const tags = missingTags(live.tags, d.tags);
  if (Object.keys(tags).length > 0) await aws.acm.send(new AddTagsToCertificateCommand({ CertificateArn: live.arn, Tags: toKeyValue(tags) }));
  return live.arn;
}

export function certificateLimits() {
  return { intervalMs: envNumber('L2F_POLL_MS', 5_000), timeoutMs: envNumber('L2F_CERT_TIMEOUT_MS', 15 * 60_000) };
}

/**
 * Polls DescribeCertificate until `until` accepts it, printing the status each time it changes;
 * bounded. ACM adds the validation CNAME a few seconds after the request, and issues the
 * certificate minutes after that record resolves.
 */
export async function waitForCertificate(aws: Aws, arn: string, until: (c: LiveCertificate) => boolean, what: string, log: (line: string) => void): Promise<LiveCertificate> {
  const limits = certificateLimits();
  const started = Date.now();
  let last = '';
  let current: LiveCertificate | undefined;
  const done = await poll(limits, async () => {
    current = await describeCertificate(aws, arn);
    const status = current ? `${current.status}${current.validation ? '' : ' (no validation record yet)'}` : 'not found';
    if (status !== last) log(`    [+${seconds(Date.now() - started)}] certificate ${current?.domain ?? arn}: ${status}`);
    last = status;
    if (current && ['FAILED', 'VALIDATION_TIMED_OUT', 'REVOKED', 'EXPIRED', 'INACTIVE'].includes(current.status)) {
      throw new ToolError(message(`ACM certificate ${current.domain}`, `it is ${current.status}`, 'delete it in ACM (or run make clean) and deploy again'));
    }
    return current && until(current) ? current : undefined;
  });
  if (!done.value) throw new ToolError(message(`ACM certificate ${current?.domain ?? arn}`, `not ${what} after ${seconds(limits.timeoutMs)} (status ${last})`, 'check the validation CNAME in the hosted zone and run the deploy again'));
  return done.value;
}

/** DeleteCertificate is refused (ResourceInUseException) until the listener using it is gone: retried, bounded. */
export async function deleteCertificate(aws: Aws, item: Found): Promise<Result> {
  return deleteWhenFree(item, () => aws.acm.send(new DeleteCertificateCommand({ CertificateArn: item.id })), { notFound: ['ResourceNotFoundException'], inUse: ['ResourceInUseException'] });
}

/** A given certificate must be ISSUED and name the domain (itself or a wildcard one level up). */
export function certificateProblem(c: LiveCertificate | undefined, names: string[], domain: string): string | undefined {
  if (!c) return 'no such certificate in this account and region — request one in ACM (in the region of the load balancer), or remove `certificate` to let the deploy request it';
  const covers = names.some((n) => n.toLowerCase() === domain || (n.startsWith('*.') && domain.split('.').slice(1).join('.') === n.slice(2).toLowerCase()));
  if (!covers) return `the certificate is for ${names.join(', ')}, not ${domain} — use a certificate for the domain`;
  if (c.status !== 'ISSUED') return `the certificate is ${c.status}, not ISSUED — finish its validation in ACM or use another one`;
  return undefined;
}

export async function certificateNames(aws: Aws, arn: string): Promise<string[]> {
  try {
    const c = (await aws.acm.send(new DescribeCertificateCommand({ CertificateArn: arn }))).Certificate;
    return [...new Set([c?.DomainName ?? '', ...(c?.SubjectAlternativeNames ?? [])].filter(Boolean))];
  } catch (err) {
    if (isAwsError(err, 'ResourceNotFoundException', 'InvalidArnException')) return [];
    throw err;
  }
}
