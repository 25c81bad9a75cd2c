/**
 * Route 53 (rest-xml): public hosted zones and their record sets, changes that turn INSYNC after
 * `knobs.route53SyncMs`, tags. Zones come from the test helper `createZone` (the tool only finds
 * them). What the fake's load balancers and ACM read: `resolve()` — a name's records once their
 * change is INSYNC, as DNS would serve them.
 *
 * NOT MODELLED: CreateHostedZone/DeleteHostedZone over the API, private zones and VPC
 * associations, routing policies (weighted, latency, failover, geolocation — SetIdentifier is
 * kept but not evaluated), health checks, DNSSEC, traffic policies, query logging, wildcard
 * matching in resolve(), record value syntax checks beyond the name being in the zone,
 * pagination (everything comes in one page; MaxItems is echoed).
 */
import { AwsError, hex, type Tags } from './common.ts';
import type { Knobs } from './knobs.ts';
import type { Params, ServiceDef } from './service.ts';

export interface RecordSet {
  Name: string;
  Type: string;
  TTL?: string;
  SetIdentifier?: string;
  ResourceRecords?: string[];
  AliasTarget?: { HostedZoneId: string; DNSName: string; EvaluateTargetHealth: string };
  /** when the change that wrote it turns INSYNC (DNS answers it from then on) */
  syncAt: number;
}

export interface HostedZone {
  id: string;
  name: string;
  callerReference: string;
  comment: string;
  records: RecordSet[];
  tags: Tags;
  nameServers: string[];
}

const XMLNS = 'https://route53.amazonaws.com/doc/2013-04-01/';

/** Names as Route 53 stores them: lower case, with the trailing dot. */
export const fqdn = (name: string) => `${name.trim().toLowerCase().replace(/\.$/, '')}.`;

/** Route 53 orders names by their labels read right to left (API reference, ListHostedZonesByName). */
const sortKey = (name: string) => fqdn(name).split('.').filter(Boolean).reverse().join('.');

const asList = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : v === undefined || v === null || v === '' ? [] : [v as T]);

const invalidBatch = (messages: string[]) => new AwsError('InvalidChangeBatch', `[${messages.join(', ')}]`);

export class Route53 {
  readonly zones = new Map<string, HostedZone>();
  private readonly changes = new Map<string, { submittedAt: Date; syncAt: number; comment?: string }>();
  /** set by the fake: whether an alias target (hosted zone id, DNS name) exists — a load balancer's */
  aliasTargetExists: (hostedZoneId: string, dnsName: string) => boolean = () => true;

  constructor(private readonly knobs: Knobs) {}

  /** Test helper: a public hosted zone with its SOA and NS records, as CreateHostedZone leaves it. */
  createZone(name: string, tags: Tags = {}): HostedZone {
    const id = `Z${hex(10).toUpperCase().slice(0, 19)}`;
    const zoneName = fqdn(name);
    const nameServers = ['ns-101.awsdns-12.com.', 'ns-802.awsdns-36.net.', 'ns-1203.awsdns-22.org.', 'ns-1759.awsdns-27.co.uk.'];
    const zone: HostedZone = {
      id,
      name: zoneName,
      callerReference: hex(8),
      comment: '',
      tags,
      nameServers,
      records: [
        { Name: zoneName, Type: 'NS', TTL: '172800', ResourceRecords: nameServers, syncAt: 0 },
        { Name: zoneName, Type: 'SOA', TTL: '900', ResourceRecords: [`${nameServers[0]} awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`], syncAt: 0 },
      ],
    };
    this.zones.set(id, zone);
    return zone;
  }

  /** The records DNS answers for a name and type (their changes are INSYNC). */
  resolve(name: string, type: string): RecordSet[] {
    const n = fqdn(name);
    const now = Date.now();
    return [...this.zones.values()].flatMap((z) => z.records.filter((r) => r.Name === n && r.Type === type && r.syncAt <= now));
  }

  /** Records the zone's owner wrote (not the zone's own SOA and NS). */
  written(): string[] {
    return [...this.zones.values()].flatMap((z) => z.records.filter((r) => !(r.Name === z.name && (r.Type === 'NS' || r.Type === 'SOA'))).map((r) => `${r.Name} ${r.Type}`));
  }

  private zone(id: unknown): HostedZone {
    const bare = String(id ?? '').replace(/^\/?hostedzone\//, '');
    const z = this.zones.get(bare);
    if (!z) throw new AwsError('NoSuchHostedZone', `No hosted zone found with ID: ${bare}`, 404);
    return z;
  }

  private zoneView(z: HostedZone) {
    return { Id: `/hostedzone/${z.id}`, Name: z.name, CallerReference: z.callerReference, Config: { Comment: z.comment || undefined, PrivateZone: false }, ResourceRecordSetCount: z.records.length };
  }

  private recordView(r: RecordSet) {
    return {
      Name: r.Name,
      Type: r.Type,
      SetIdentifier: r.SetIdentifier,
      TTL: r.TTL,
      ResourceRecords: r.ResourceRecords ? { ResourceRecord: r.ResourceRecords.map((Value) => ({ Value })) } : undefined,
      AliasTarget: r.AliasTarget,
    };
  }

  private parseRecord(p: Params): Omit<RecordSet, 'syncAt'> {
    const values = asList<Params>(p.ResourceRecords?.ResourceRecord).map((r) => String(r.Value ?? ''));
    const alias = p.AliasTarget as Params | undefined;
    return {
      Name: fqdn(String(p.Name ?? '')),
      Type: String(p.Type ?? ''),
      TTL: p.TTL !== undefined ? String(p.TTL) : undefined,
      SetIdentifier: p.SetIdentifier !== undefined ? String(p.SetIdentifier) : undefined,
      ResourceRecords: alias ? undefined : values,
      AliasTarget: alias ? { HostedZoneId: String(alias.HostedZoneId ?? ''), DNSName: fqdn(String(alias.DNSName ?? '')), EvaluateTargetHealth: String(alias.EvaluateTargetHealth ?? 'false') } : undefined,
    };
  }

  private static same(a: Omit<RecordSet, 'syncAt'>, b: Omit<RecordSet, 'syncAt'>): boolean {
    const norm = (r: Omit<RecordSet, 'syncAt'>) => JSON.stringify([r.TTL, [...(r.ResourceRecords ?? [])].sort(), r.AliasTarget]);
    return norm(a) === norm(b);
  }

  /** Every change is checked against the zone as the earlier changes of the batch leave it; all or nothing. */
  private change(p: Params) {
    const zone = this.zone(p.Id);
    const batch = (p.ChangeBatch ?? {}) as Params;
    const changes = asList<Params>(batch.Changes?.Change);
    if (!changes.length) throw new AwsError('InvalidInput', 'Invalid request: Expected exactly one of [Changes], but got none');
    const working = zone.records.map((r) => ({ ...r }));
    const errors: string[] = [];
    const now = Date.now();
    const syncAt = now + this.knobs.route53SyncMs;
    for (const c of changes) {
      const action = String(c.Action ?? '');
      const rec = this.parseRecord(c.ResourceRecordSet ?? {});
      const label = `[name='${rec.Name}', type='${rec.Type}'${rec.SetIdentifier ? `, set-identifier='${rec.SetIdentifier}'` : ''}]`;
      if (rec.Name !== zone.name && !rec.Name.endsWith(`.${zone.name}`)) {
        errors.push(`RRSet with DNS name ${rec.Name} is not permitted in zone ${zone.name}`);
        continue;
      }
      if (rec.AliasTarget && !this.aliasTargetExists(rec.AliasTarget.HostedZoneId, rec.AliasTarget.DNSName)) {
        errors.push(`Tried to create an alias that targets ${rec.AliasTarget.DNSName}, type ${rec.Type} in zone ${rec.AliasTarget.HostedZoneId}, but the alias target name does not lie within the target zone`);
        continue;
      }
      if (!rec.AliasTarget && !rec.ResourceRecords?.length) {
        errors.push(`Invalid Resource Record: FATAL problem: No resource records provided for ${rec.Name} ${rec.Type}`);
        continue;
      }
      const at = working.findIndex((r) => r.Name === rec.Name && r.Type === rec.Type && r.SetIdentifier === rec.SetIdentifier);
      const existing = at >= 0 ? working[at] : undefined;
      if (action === 'CREATE') {
        if (existing) errors.push(`Tried to create resource record set ${label} but it already exists`);
        else working.push({ ...rec, syncAt });
      } else if (action === 'UPSERT') {
        if (existing) working[at] = { ...rec, syncAt };
        else working.push({ ...rec, syncAt });
      } else if (action === 'DELETE') {
        if (!existing) errors.push(`Tried to delete resource record set ${label} but it was not found`);
        else if (!Route53.same(existing, rec)) errors.push(`Tried to delete resource record set ${label} but the values provided do not match the current values`);
        else working.splice(at, 1);
      } else {
        throw new AwsError('InvalidInput', `Invalid XML ; cvc-enumeration-valid: Value '${action}' is not facet-valid with respect to enumeration '[CREATE, DELETE, UPSERT]'.`);
      }
    }
    if (errors.length) throw invalidBatch(errors);
    zone.records = working;
    const id = `C${hex(10).toUpperCase().slice(0, 19)}`;
    const info = { submittedAt: new Date(now), syncAt, comment: batch.Comment !== undefined ? String(batch.Comment) : undefined };
    this.changes.set(id, info);
    return { ChangeInfo: this.changeView(id, info) };
  }

  private changeView(id: string, c: { submittedAt: Date; syncAt: number; comment?: string }) {
    return { Id: `/change/${id}`, Status: Date.now() >= c.syncAt ? 'INSYNC' : 'PENDING', SubmittedAt: c.submittedAt, Comment: c.comment };
  }

  private tagged(p: Params): { tags: Tags } {
    if (p.ResourceType !== 'hostedzone') throw new AwsError('InvalidInput', `fake-aws models tags on hosted zones only, not '${String(p.ResourceType)}'`);
    return this.zone(p.ResourceId);
  }

  service(): ServiceDef {
    return {
      protocol: 'rest-xml',
      xmlns: XMLNS,
      routes: {
        'GET /2013-04-01/hostedzonesbyname': 'ListHostedZonesByName',
        'GET /2013-04-01/hostedzone/{Id}': 'GetHostedZone',
        'POST /2013-04-01/hostedzone/{Id}/rrset': 'ChangeResourceRecordSets',
        'GET /2013-04-01/hostedzone/{Id}/rrset': 'ListResourceRecordSets',
        'GET /2013-04-01/change/{Id}': 'GetChange',
        'GET /2013-04-01/tags/{ResourceType}/{ResourceId}': 'ListTagsForResource',
        'POST /2013-04-01/tags/{ResourceType}/{ResourceId}': 'ChangeTagsForResource',
      },
      ops: {
        ListHostedZonesByName: (p: Params) => {
          const from = p.dnsname !== undefined ? sortKey(String(p.dnsname)) : '';
          if (p.hostedzoneid !== undefined && p.dnsname === undefined) throw new AwsError('InvalidInput', 'The input is not valid: if you specify a hosted zone ID, you must also specify a DNS name');
          const zones = [...this.zones.values()].sort((a, b) => (sortKey(a.name) < sortKey(b.name) ? -1 : sortKey(a.name) > sortKey(b.name) ? 1 : a.id < b.id ? -1 : 1)).filter((z) => sortKey(z.name) >= from);
          const max = Number(p.maxitems ?? 100);
          return { HostedZones: { HostedZone: zones.slice(0, max).map((z) => this.zoneView(z)) }, DNSName: p.dnsname, HostedZoneId: p.hostedzoneid, IsTruncated: zones.length > max, MaxItems: String(max) };
        },
        GetHostedZone: (p: Params) => {
          const z = this.zone(p.Id);
          return { HostedZone: this.zoneView(z), DelegationSet: { NameServers: { NameServer: z.nameServers } } };
        },
        ChangeResourceRecordSets: (p: Params) => this.change(p),
        ListResourceRecordSets: (p: Params) => {
          const z = this.zone(p.Id);
          const order = (r: RecordSet) => `${sortKey(r.Name)} ${r.Type} ${r.SetIdentifier ?? ''}`;
          let list = [...z.records].sort((a, b) => (order(a) < order(b) ? -1 : 1));
          if (p.name !== undefined) {
            const start = `${sortKey(String(p.name))} ${p.type ?? ''}`;
            list = list.filter((r) => order(r) >= start);
          }
          return { ResourceRecordSets: { ResourceRecordSet: list.map((r) => this.recordView(r)) }, IsTruncated: false, MaxItems: String(p.maxitems ?? 300) };
        },
        GetChange: (p: Params) => {
          const id = String(p.Id ?? '').replace(/^\/?change\//, '');
          const c = this.changes.get(id);
          if (!c) throw new AwsError('NoSuchChange', `A change with the specified change ID does not exist.`, 404);
          return { ChangeInfo: this.changeView(id, c) };
        },
        ListTagsForResource: (p: Params) => {
          const r = this.tagged(p);
          return { ResourceTagSet: { ResourceType: p.ResourceType, ResourceId: p.ResourceId, Tags: { Tag: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })) } } };
        },
        ChangeTagsForResource: (p: Params) => {
          const r = this.tagged(p);
          for (const t of asList<Params>(p.AddTags?.Tag)) r.tags[String(t.Key)] = String(t.Value ?? '');
          for (const k of asList<string>(p.RemoveTagKeys?.Key)) delete r.tags[k];
          return {};
        },
      },
    };
  }
}
