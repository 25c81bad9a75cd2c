import { ListCertificatesCommand } from '@aws-sdk/client-acm';
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { DescribeLoadBalancersCommand, DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LoadBalancer, TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Aws } from '../lib/aws.ts';
import { ENVIRONMENT_KEY, MANAGED_BY_KEY, MANAGED_BY_VALUE, SERVICE_KEY, fromKeyValue, isOwned } from '../lib/tags.ts';
import { loadBalancerNames } from '../manifest/load-balancer.ts';
import type { ResolvedService } from '../manifest/types.ts';
import { deleteCertificate, describeCertificate } from './certificate.ts';
import type { LiveCertificate } from './certificate.ts';
import { aliasTarget, bareName, deleteRecord, findHostedZone, findRecord, ownerRecordName, ownerValues, recordId } from './dns.ts';
import { elbTags } from './elb-tags.ts';
import { deleteListener, findListeners } from './listeners.ts';
import { DOMAIN_TAG, deleteLoadBalancer } from './load-balancer.ts';
import { deleteScaling, findScaling, scalingResourceId } from './scaling.ts';
import { deleteSecurityGroup } from './security-group.ts';
import { revokeGroupReference } from './security-group-rules.ts';
import { deleteTargetGroup } from './target-group.ts';
import type { Found, Kind, Result } from './types.ts';
import type { Aws as AwsClients } from '../lib/aws.ts';

/** The deletes of these kinds (clean's, and the switch back to public-IP mode's). */
export const LOAD_BALANCER_DELETERS = {
  'scalable-target': deleteScaling,
  listener: deleteListener,
  'load-balancer': deleteLoadBalancer,
  'target-group': deleteTargetGroup,
  'security-group-rule': revokeGroupReference,
  'security-group': deleteSecurityGroup,
  'dns-record': deleteRecord,
  certificate: deleteCertificate,
} satisfies Partial<Record<Kind, (aws: AwsClients, item: Found) => Promise<Result>>>;

/**
 * What the load-balanced mode and scaling leave in AWS for a service, found by name and by the
 * tool's tags, owned or not: clean's inventory of these kinds, and what a switch back to
 * public-IP mode deletes. DNS records carry no tags: they count as ours when the ownership TXT
 * record next to them names this service (dns.ts), or when they validate a certificate we own.
 */
export async function findLoadBalancerResources(aws: Aws, svc: ResolvedService): Promise<Found[]> {
  const names = loadBalancerNames(svc.name, svc.environment);
  const owns = (tags: Record<string, string>) => isOwned(tags, svc.name, svc.environment);
  const found: Found[] = [];

  const scaling = await findScaling(aws, svc);
  if (scaling) found.push({ kind: 'scalable-target', name: scalingResourceId(svc), id: scalingResourceId(svc), owned: owns(scaling.tags), detail: `${scaling.min}–${scaling.max} tasks, ${scaling.policies.length} policies` });

  const lbs = await allLoadBalancers(aws);
  const lbTags = await elbTags(aws, lbs.map((l) => l.LoadBalancerArn ?? ''));
  const domains = new Set<string>(svc.loadBalancer?.domain ? [svc.loadBalancer.domain] : []);
  for (const lb of lbs) {
    const arn = lb.LoadBalancerArn ?? '';
    const tags = lbTags.get(arn) ?? {};
    if (lb.LoadBalancerName !== names.loadBalancer && !owns(tags)) continue;
    const owned = owns(tags);
    if (owned && tags[DOMAIN_TAG]) domains.add(tags[DOMAIN_TAG]);
    found.push({ kind: 'load-balancer', name: lb.LoadBalancerName ?? '', id: arn, owned, detail: `${lb.State?.Code ?? '?'}, ${lb.DNSName ?? ''}` });
    if (!owned) continue;
    for (const l of await findListeners(aws, arn)) found.push({ kind: 'listener', name: `${lb.LoadBalancerName}:${l.shape.port}`, id: l.arn, owned: true, detail: l.shape.protocol });
  }

  const tgs = await allTargetGroups(aws);
  const tgTags = await elbTags(aws, tgs.map((t) => t.TargetGroupArn ?? ''));
  for (const tg of tgs) {
    const tags = tgTags.get(tg.TargetGroupArn ?? '') ?? {};
    if (tg.TargetGroupName !== names.targetGroup && !owns(tags)) continue;
    found.push({ kind: 'target-group', name: tg.TargetGroupName ?? '', id: tg.TargetGroupArn ?? '', owned: owns(tags), detail: `${tg.Protocol}:${tg.Port}` });
  }

  found.push(...(await groupReferences(aws, svc)));

  const certs = await ownedCertificates(aws, svc);
  for (const c of certs) domains.add(c.domain);
  for (const c of certs) found.push({ kind: 'certificate', name: c.domain, id: c.arn, owned: true, detail: c.status });
  found.push(...(await dnsRecords(aws, svc, [...domains], certs)));
  return found;
}

async function allLoadBalancers(aws: Aws): Promise<LoadBalancer[]> {
  const out: LoadBalancer[] = [];
  let Marker: string | undefined;
  do {
    const page = await aws.elbv2.send(new DescribeLoadBalancersCommand({ Marker }));
    out.push(...(page.LoadBalancers ?? []).filter((l) => l.Type === 'application' || l.Type === undefined));
    Marker = page.NextMarker;
  } while (Marker);
  return out;
}

async function allTargetGroups(aws: Aws): Promise<TargetGroup[]> {
  const out: TargetGroup[] = [];
  let Marker: string | undefined;
  do {
    const page = await aws.elbv2.send(new DescribeTargetGroupsCommand({ Marker }));
    out.push(...(page.TargetGroups ?? []));
    Marker = page.NextMarker;
  } while (Marker);
  return out;
}

const ALL_STATUSES = ['PENDING_VALIDATION', 'ISSUED', 'INACTIVE', 'EXPIRED', 'VALIDATION_TIMED_OUT', 'REVOKED', 'FAILED'] as const;

/** ACM certificates carrying this service's tags (the ones the deploy requested). */
async function ownedCertificates(aws: Aws, svc: ResolvedService): Promise<LiveCertificate[]> {
  const arns: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await aws.acm.send(new ListCertificatesCommand({ CertificateStatuses: [...ALL_STATUSES], NextToken }));
    arns.push(...(page.CertificateSummaryList ?? []).map((c) => c.CertificateArn ?? '').filter(Boolean));
    NextToken = page.NextToken;
  } while (NextToken);
  const certs = await Promise.all(arns.map((a) => describeCertificate(aws, a)));
  return certs.filter((c): c is LiveCertificate => !!c && isOwned(c.tags, svc.name, svc.environment));
}

/** The alias and ownership records of each domain whose TXT record names this service; the validation CNAMEs of our certificates. */
async function dnsRecords(aws: Aws, svc: ResolvedService, domains: string[], certs: LiveCertificate[]): Promise<Found[]> {
  const found: Found[] = [];
  const want = ownerValues(svc).join(' ');
  for (const domain of domains) {
    const zone = await findHostedZone(aws, domain);
    if (!zone) continue;
    const owner = await findRecord(aws, zone.id, ownerRecordName(domain), 'TXT');
    const ours = !!owner && (owner.ResourceRecords ?? []).map((r) => r.Value).join(' ') === want;
    if (ours) {
      const alias = await findRecord(aws, zone.id, domain, 'A');
      if (alias?.AliasTarget) found.push({ kind: 'dns-record', name: `A ${domain}`, id: recordId(zone.id, domain, 'A'), owned: true, detail: `alias ${aliasTarget(alias.AliasTarget.DNSName)}` });
      found.push({ kind: 'dns-record', name: `TXT ${ownerRecordName(domain)}`, id: recordId(zone.id, ownerRecordName(domain), 'TXT'), owned: true, detail: 'ownership record' });
    }
    for (const c of certs.filter((x) => x.validation && x.domain === domain)) {
      const name = c.validation!.name;
      const cname = await findRecord(aws, zone.id, name, 'CNAME');
      if (cname) found.push({ kind: 'dns-record', name: `CNAME ${bareName(name)}`, id: recordId(zone.id, name, 'CNAME'), owned: true, detail: `validates the certificate for ${c.domain}` });
    }
  }
  return found;
}

/**
 * Ingress rules of our security groups that name another of our groups (the service's group
 * admits the port from the load balancer's): revoked before the groups are deleted, since EC2
 * refuses to delete a group another group's rule still references.
 */
async function groupReferences(aws: Aws, svc: ResolvedService): Promise<Found[]> {
  const out = await aws.ec2.send(
    new DescribeSecurityGroupsCommand({
      Filters: [
        { Name: `tag:${MANAGED_BY_KEY}`, Values: [MANAGED_BY_VALUE] },
        { Name: `tag:${SERVICE_KEY}`, Values: [svc.name] },
        { Name: `tag:${ENVIRONMENT_KEY}`, Values: [svc.environment] },
      ],
    }),
  );
  const groups = (out.SecurityGroups ?? []).filter((g) => isOwned(fromKeyValue(g.Tags), svc.name, svc.environment));
  const ours = new Map(groups.map((g) => [g.GroupId ?? '', g.GroupName ?? '']));
  const found: Found[] = [];
  for (const g of groups) {
    for (const p of g.IpPermissions ?? []) {
      for (const pair of p.UserIdGroupPairs ?? []) {
        const from = pair.GroupId ?? '';
        if (!ours.has(from) || from === g.GroupId) continue;
        found.push({ kind: 'security-group-rule', name: `${g.GroupName} ← ${ours.get(from)}`, id: `${g.GroupId}|${from}`, owned: true, detail: `tcp ${p.FromPort}${p.ToPort !== p.FromPort ? `-${p.ToPort}` : ''}` });
      }
    }
  }
  return found;
}
