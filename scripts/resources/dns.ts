import { ChangeResourceRecordSetsCommand, ListHostedZonesByNameCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import type { Aws } from '../lib/aws.ts';
import { isAwsError } from '../lib/errors.ts';
import { ENVIRONMENT_KEY, MANAGED_BY_KEY, MANAGED_BY_VALUE, SERVICE_KEY } from '../lib/tags.ts';
import type { ResolvedService } from '../manifest/types.ts';
import { alreadyGone, makePlan } from './types.ts';
import type { FieldChange, Found, Plan, Result } from './types.ts';

/**
 * Route 53 records carry no tags. What the tool wrote is proven by an ownership record next to
 * them — `_lambda2fargate.<domain>` TXT "managed-by=lambda2fargate" "lambda2fargate:service=…"
 * "lambda2fargate:environment=…" (external-dns keeps a TXT registry the same way) — so clean
 * deletes the alias only when that record says it is ours.
 */
export interface HostedZone {
  id: string;
  /** without the trailing dot */
  name: string;
}

const fqdn = (name: string) => (name.endsWith('.') ? name : `${name}.`).toLowerCase();
const bare = (name: string) => name.replace(/\.$/, '').toLowerCase();
/** Route 53 shows an alias to an ALB as `dualstack.<dns name>.` */
const aliasTarget = (name: string | undefined) => bare(name ?? '').replace(/^dualstack\./, '');

const OWNER_PREFIX = '_lambda2fargate.';
export const ownerRecordName = (domain: string) => `${OWNER_PREFIX}${bare(domain)}`;
export const ownerValues = (svc: ResolvedService) => [`${MANAGED_BY_KEY}=${MANAGED_BY_VALUE}`, `${SERVICE_KEY}=${svc.name}`, `${ENVIRONMENT_KEY}=${svc.environment}`].map((v) => `"${v}"`);

/** The public hosted zone whose name is the domain or the nearest parent of it (api.example.com → example.com). */
export async function findHostedZone(aws: Aws, domain: string): Promise<HostedZone | undefined> {
  const labels = bare(domain).split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const candidate = labels.slice(i).join('.');
    const out = await aws.route53.send(new ListHostedZonesByNameCommand({ DNSName: candidate, MaxItems: 10 }));
    const zone = (out.HostedZones ?? []).find((z) => bare(z.Name ?? '') === candidate && !z.Config?.PrivateZone);
    if (zone?.Id) return { id: zone.Id.replace(/^\/hostedzone\//, ''), name: candidate };
  }
  return undefined;
}

/** The record set of that exact name and type, if any. */
export async function findRecord(aws: Aws, zoneId: string, name: string, type: 'A' | 'CNAME' | 'TXT'): Promise<ResourceRecordSet | undefined> {
  let out;
  try {
    out = await aws.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: fqdn(name), StartRecordType: type, MaxItems: 1 }));
  } catch (err) {
    if (isAwsError(err, 'NoSuchHostedZone')) return undefined;
    throw err;
  }
  return (out.ResourceRecordSets ?? []).find((r) => bare(r.Name ?? '') === bare(name) && r.Type === type);
}

/** One record the deploy keeps as the manifest says: an alias A record, a CNAME or the ownership TXT. */
export interface DesiredRecord {
  name: string;
  type: 'A' | 'CNAME' | 'TXT';
  /** A: the load balancer's DNS name and zone; CNAME/TXT: the values */
  alias?: { dnsName: string; hostedZoneId: string };
  values?: string[];
}

export interface RecordsPlan extends Plan<ResourceRecordSet[], DesiredRecord[]> {
  zone: HostedZone;
  upsert: DesiredRecord[];
}

function sameRecord(live: ResourceRecordSet | undefined, want: DesiredRecord): boolean {
  if (!live) return false;
  if (want.alias) return !!live.AliasTarget && aliasTarget(live.AliasTarget.DNSName) === aliasTarget(want.alias.dnsName);
  const values = (live.ResourceRecords ?? []).map((r) => r.Value ?? '');
  return JSON.stringify(values) === JSON.stringify(want.values);
}

const show = (r: DesiredRecord) => `${r.type} ${bare(r.name)} → ${r.alias ? `alias ${bare(r.alias.dnsName)}` : (r.values ?? []).join(' ')}`;

function describeLive(r: ResourceRecordSet | undefined): string | undefined {
  if (!r) return undefined;
  return r.AliasTarget ? `alias ${bare(r.AliasTarget.DNSName ?? '')}` : (r.ResourceRecords ?? []).map((x) => x.Value).join(' ');
}

export async function findRecords(aws: Aws, zone: HostedZone, desired: DesiredRecord[]): Promise<Array<ResourceRecordSet | undefined>> {
  return Promise.all(desired.map((d) => findRecord(aws, zone.id, d.name, d.type)));
}

export function planRecords(label: string, zone: HostedZone, live: Array<ResourceRecordSet | undefined>, desired: DesiredRecord[]): RecordsPlan {
  const upsert = desired.filter((d, i) => !sameRecord(live[i], d));
  const present = live.filter((l): l is ResourceRecordSet => !!l);
  const changes: FieldChange[] = upsert.map((d) => ({ path: `${d.type} ${bare(d.name)}`, from: describeLive(live[desired.indexOf(d)]), to: show(d) }));
  return { ...makePlan('DNS records', `${label} (zone ${zone.name})`, present.length ? present : undefined, desired, changes), zone, upsert };
}

function recordSet(r: DesiredRecord): ResourceRecordSet {
  if (r.alias) return { Name: fqdn(r.name), Type: r.type, AliasTarget: { DNSName: fqdn(r.alias.dnsName), HostedZoneId: r.alias.hostedZoneId, EvaluateTargetHealth: true } };
  return { Name: fqdn(r.name), Type: r.type, TTL: 300, ResourceRecords: (r.values ?? []).map((Value) => ({ Value })) };
}

/** UPSERT of every record that differs, in one change batch (applied atomically by Route 53). */
export async function applyRecords(aws: Aws, plan: RecordsPlan): Promise<void> {
  if (plan.upsert.length === 0) return;
  await aws.route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: plan.zone.id,
      ChangeBatch: { Comment: 'lambda2fargate', Changes: plan.upsert.map((r) => ({ Action: 'UPSERT', ResourceRecordSet: recordSet(r) })) },
    }),
  );
}

/** Clean's item: `id` is `<zone id>|<name>|<type>`. Route 53 deletes only the exact live record set, so it is read first. */
export async function deleteRecord(aws: Aws, item: Found): Promise<Result> {
  const [zoneId = '', name = '', type = 'A'] = item.id.split('|');
  // the ownership record is the proof the alias is ours: it goes only after the alias
  const domain = type === 'TXT' && name.startsWith(OWNER_PREFIX) ? name.slice(OWNER_PREFIX.length) : undefined;
  if (domain && (await findRecord(aws, zoneId, domain, 'A'))?.AliasTarget) {
    return { item, outcome: 'failed', note: `kept: the alias record ${domain} it vouches for is still there — run make clean again` };
  }
  const live = await findRecord(aws, zoneId, name, type as DesiredRecord['type']);
  if (!live) return alreadyGone(item);
  try {
    await aws.route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: [{ Action: 'DELETE', ResourceRecordSet: live }] } }));
  } catch (err) {
    if (isAwsError(err, 'InvalidChangeBatch') && /not found/i.test((err as Error).message)) return alreadyGone(item);
    throw err;
  }
  return { item, outcome: 'deleted', note: 'deleted' };
}

export const recordId = (zoneId: string, name: string, type: string) => `${zoneId}|${bare(name)}|${type}`;
export { bare as bareName, aliasTarget };
