import { ACCOUNT, AwsError, REGION, asArray, fromKeyValue, globMatch, hex, toLowerKeyValue, type Tags } from './common.ts';
import type { Params, ServiceDef } from './service.ts';
import { stillPropagating, type Knobs } from './knobs.ts';

export interface Vpc {
  vpcId: string;
  cidrBlock: string;
  isDefault: boolean;
  tags: Tags;
}

export interface Subnet {
  subnetId: string;
  vpcId: string;
  cidrBlock: string;
  availabilityZone: string;
  defaultForAz: boolean;
  tags: Tags;
  nextHost: number;
}

interface Rule {
  id: string;
  egress: boolean;
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  referencedGroupId?: string;
  /** the account of the referenced group (another account's group: UserIdGroupPairs.UserId) */
  referencedUserId?: string;
  prefixListId?: string;
  description?: string;
}

export interface SecurityGroup {
  groupId: string;
  groupName: string;
  description: string;
  vpcId: string;
  rules: Rule[];
  tags: Tags;
  createdAt: number;
}

export interface Eni {
  networkInterfaceId: string;
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  description: string;
  privateIpAddress: string;
  publicIp?: string;
  groupIds: string[];
  status: 'in-use' | 'available';
  macAddress: string;
  attachmentId: string;
  tags: Tags;
  /** the loopback address traffic to this interface's private address really goes to */
  hostIp?: string;
  /** who created it ('amazon-elb' for a load balancer's) */
  requesterId?: string;
}

type Filter = { Name?: string; Value?: string[] };

/** Applies EC2 `Filter.N` parameters: every filter must match one of its values. */
function filtered<T>(items: T[], filters: unknown, fields: (item: T) => Record<string, string | string[] | undefined>, tags: (item: T) => Tags): T[] {
  const list = asArray<Filter>(filters);
  return items.filter((item) => {
    const f = fields(item);
    const t = tags(item);
    return list.every(({ Name = '', Value = [] }) => {
      let actual: string | string[] | undefined;
      if (Name.startsWith('tag:')) actual = t[Name.slice(4)];
      else if (Name === 'tag-key') actual = Object.keys(t);
      else if (Name in f) actual = f[Name];
      else throw new AwsError('InvalidParameterValue', `The filter '${Name}' is invalid`);
      const values = Array.isArray(actual) ? actual : actual === undefined ? [] : [actual];
      return asArray<string>(Value).some((v) => values.some((a) => globMatch(v, a)));
    });
  });
}

const protocolName = (p: string | undefined): string => {
  const v = String(p ?? '').toLowerCase();
  if (v === '-1' || v === 'all') return '-1';
  return { '6': 'tcp', '17': 'udp', '1': 'icmp' }[v] ?? v;
};

export class Ec2 {
  readonly vpcs = new Map<string, Vpc>();
  readonly subnets = new Map<string, Subnet>();
  readonly groups = new Map<string, SecurityGroup>();
  readonly enis = new Map<string, Eni>();
  readonly defaultVpc: Vpc;

  constructor(private readonly knobs: () => Pick<Knobs, 'securityGroupPropagationMs'> = () => ({ securityGroupPropagationMs: 0 })) {
    this.defaultVpc = { vpcId: `vpc-${hex(8)}`, cidrBlock: '172.31.0.0/16', isDefault: true, tags: {} };
    this.vpcs.set(this.defaultVpc.vpcId, this.defaultVpc);
    ['a', 'b', 'c'].forEach((az, i) => {
      const s: Subnet = { subnetId: `subnet-${hex(8)}`, vpcId: this.defaultVpc.vpcId, cidrBlock: `172.31.${i * 16}.0/20`, availabilityZone: `${REGION}${az}`, defaultForAz: true, tags: {}, nextHost: 0 };
      this.subnets.set(s.subnetId, s);
    });
    const def = this.newGroup('default', 'default VPC security group', this.defaultVpc.vpcId, {});
    def.rules.push({ id: `sgr-${hex(8)}`, egress: false, ipProtocol: '-1', referencedGroupId: def.groupId });
  }

  private newGroup(name: string, description: string, vpcId: string, tags: Tags): SecurityGroup {
    const g: SecurityGroup = { groupId: `sg-${hex(8)}`, groupName: name, description, vpcId, tags, rules: [], createdAt: Date.now() };
    g.rules.push({ id: `sgr-${hex(8)}`, egress: true, ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' });
    this.groups.set(g.groupId, g);
    return g;
  }

  group(id: string): SecurityGroup {
    if (!/^sg-[0-9a-f]+$/.test(id)) throw new AwsError('InvalidGroupId.Malformed', `Invalid id: "${id}" (expecting "sg-...")`);
    const g = this.groups.get(id);
    if (!g) throw new AwsError('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
    return g;
  }

  isSettled(id: string): boolean {
    const g = this.groups.get(id);
    return !!g && !stillPropagating(g.createdAt, this.knobs().securityGroupPropagationMs);
  }

  /** A group just created is not yet visible everywhere (EC2 eventual consistency: InvalidGroup.NotFound). */
  settledGroup(id: string): SecurityGroup {
    const g = this.group(id);
    if (stillPropagating(g.createdAt, this.knobs().securityGroupPropagationMs)) throw new AwsError('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
    return g;
  }

  private groupByParams(p: Params): SecurityGroup {
    if (typeof p.GroupId === 'string') return this.group(p.GroupId);
    const name = String(p.GroupName ?? '');
    const g = [...this.groups.values()].find((x) => x.groupName === name && x.vpcId === this.defaultVpc.vpcId);
    if (!g) throw new AwsError('InvalidGroup.NotFound', `The security group '${name}' does not exist in default VPC '${this.defaultVpc.vpcId}'`);
    return g;
  }

  /** A task's ENI: a private address in the subnet and, when asked, a public one. */
  createEni(subnetId: string, groupIds: string[], description: string, publicIp?: string, more: Partial<Pick<Eni, 'hostIp' | 'requesterId'>> = {}): Eni {
    const subnet = this.subnets.get(subnetId);
    if (!subnet) throw new AwsError('InvalidSubnetID.NotFound', `The subnet ID '${subnetId}' does not exist`);
    const n = subnet.nextHost++;
    const base = Number(subnet.cidrBlock.split('.')[2]);
    const eni: Eni = {
      networkInterfaceId: `eni-${hex(8)}`,
      subnetId,
      vpcId: subnet.vpcId,
      availabilityZone: subnet.availabilityZone,
      description,
      privateIpAddress: `172.31.${base + Math.floor((n + 4) / 256)}.${(n + 4) % 256}`,
      publicIp,
      groupIds,
      status: 'in-use',
      macAddress: `0e:${hex(5).match(/../g)?.join(':')}`,
      attachmentId: `eni-attach-${hex(8)}`,
      tags: {},
      ...more,
    };
    this.enis.set(eni.networkInterfaceId, eni);
    return eni;
  }

  /** The interface that holds this private address (traffic to it goes to its `hostIp`). */
  eniByPrivateIp(ip: string): Eni | undefined {
    return [...this.enis.values()].find((e) => e.privateIpAddress === ip);
  }

  /** After a task stops its ENI is detached, then deleted a little later (`lingerMs`). */
  releaseEni(id: string, lingerMs: number): void {
    const eni = this.enis.get(id);
    if (!eni) return;
    eni.status = 'available';
    setTimeout(() => this.enis.delete(id), lingerMs).unref();
  }

  private rulesFrom(p: Params, egress: boolean): Rule[] {
    const perms = asArray<Params>(p.IpPermissions);
    if (!perms.length && (p.IpProtocol !== undefined || p.CidrIp !== undefined)) {
      perms.push({ IpProtocol: p.IpProtocol ?? '-1', FromPort: p.FromPort, ToPort: p.ToPort, IpRanges: [{ CidrIp: p.CidrIp }] });
    }
    const rules: Rule[] = [];
    for (const perm of perms) {
      const ipProtocol = protocolName(perm.IpProtocol);
      const ports = ipProtocol === '-1' ? {} : { fromPort: Number(perm.FromPort), toPort: Number(perm.ToPort) };
      const base = { egress, ipProtocol, ...ports };
      for (const r of asArray<Params>(perm.IpRanges)) rules.push({ id: `sgr-${hex(8)}`, ...base, cidrIpv4: r.CidrIp, description: r.Description });
      for (const r of asArray<Params>(perm.Ipv6Ranges)) rules.push({ id: `sgr-${hex(8)}`, ...base, cidrIpv6: r.CidrIpv6, description: r.Description });
      for (const r of asArray<Params>(perm.Groups)) {
        const foreign = typeof r.UserId === 'string' && r.UserId !== ACCOUNT;
        // another account's group cannot be looked up here; ours must exist
        if (typeof r.GroupId === 'string' && !foreign) this.group(r.GroupId);
        rules.push({ id: `sgr-${hex(8)}`, ...base, referencedGroupId: r.GroupId, referencedUserId: foreign ? r.UserId : ACCOUNT, description: r.Description });
      }
      for (const r of asArray<Params>(perm.PrefixListIds)) rules.push({ id: `sgr-${hex(8)}`, ...base, prefixListId: r.PrefixListId, description: r.Description });
    }
    if (!rules.length) throw new AwsError('MissingParameter', 'The request must contain the parameter ipPermissions');
    return rules;
  }

  private static sameRule(a: Rule, b: Rule): boolean {
    return (
      a.egress === b.egress &&
      a.ipProtocol === b.ipProtocol &&
      a.fromPort === b.fromPort &&
      a.toPort === b.toPort &&
      a.cidrIpv4 === b.cidrIpv4 &&
      a.cidrIpv6 === b.cidrIpv6 &&
      a.referencedGroupId === b.referencedGroupId &&
      (a.referencedUserId ?? ACCOUNT) === (b.referencedUserId ?? ACCOUNT) &&
      a.prefixListId === b.prefixListId
    );
  }

  private static ruleText(r: Rule): string {
    const peer = r.cidrIpv4 ?? r.cidrIpv6 ?? r.referencedGroupId ?? r.prefixListId;
    const proto = r.ipProtocol === '-1' ? 'ALL' : r.ipProtocol.toUpperCase();
    const ports = r.ipProtocol === '-1' ? '' : `, from port: ${r.fromPort}, to port: ${r.toPort}`;
    return `peer: ${peer}, ${proto}${ports}, ALLOW`;
  }

  private permissionsView(g: SecurityGroup, egress: boolean) {
    const byKey = new Map<string, Rule[]>();
    for (const r of g.rules.filter((x) => x.egress === egress)) {
      const key = `${r.ipProtocol}/${r.fromPort}/${r.toPort}`;
      byKey.set(key, [...(byKey.get(key) ?? []), r]);
    }
    return [...byKey.values()].map((rules) => {
      const first = rules[0] as Rule;
      return {
        ipProtocol: first.ipProtocol,
        fromPort: first.fromPort,
        toPort: first.toPort,
        groups: rules.filter((r) => r.referencedGroupId).map((r) => ({ groupId: r.referencedGroupId, userId: r.referencedUserId ?? ACCOUNT, description: r.description })),
        ipRanges: rules.filter((r) => r.cidrIpv4).map((r) => ({ cidrIp: r.cidrIpv4, description: r.description })),
        ipv6Ranges: rules.filter((r) => r.cidrIpv6).map((r) => ({ cidrIpv6: r.cidrIpv6, description: r.description })),
        prefixListIds: rules.filter((r) => r.prefixListId).map((r) => ({ prefixListId: r.prefixListId, description: r.description })),
      };
    });
  }

  private ruleView(g: SecurityGroup, r: Rule) {
    return {
      securityGroupRuleId: r.id,
      groupId: g.groupId,
      groupOwnerId: ACCOUNT,
      isEgress: r.egress,
      ipProtocol: r.ipProtocol,
      fromPort: r.fromPort ?? -1,
      toPort: r.toPort ?? -1,
      cidrIpv4: r.cidrIpv4,
      cidrIpv6: r.cidrIpv6,
      prefixListId: r.prefixListId,
      referencedGroupInfo: r.referencedGroupId ? { groupId: r.referencedGroupId, userId: ACCOUNT } : undefined,
      description: r.description,
      securityGroupRuleArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group-rule/${r.id}`,
      tagSet: [],
    };
  }

  private groupView(g: SecurityGroup) {
    return {
      ownerId: ACCOUNT,
      groupId: g.groupId,
      groupName: g.groupName,
      groupDescription: g.description,
      vpcId: g.vpcId,
      ipPermissions: this.permissionsView(g, false),
      ipPermissionsEgress: this.permissionsView(g, true),
      tagSet: toLowerKeyValue(g.tags),
      securityGroupArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${g.groupId}`,
    };
  }

  private eniView(e: Eni) {
    const groups = e.groupIds.map((id) => ({ groupId: id, groupName: this.groups.get(id)?.groupName ?? id }));
    return {
      networkInterfaceId: e.networkInterfaceId,
      subnetId: e.subnetId,
      vpcId: e.vpcId,
      availabilityZone: e.availabilityZone,
      description: e.description,
      ownerId: ACCOUNT,
      requesterId: e.requesterId ?? 'AROAFAKEECS000000000:ecs-tasks',
      requesterManaged: true,
      status: e.status,
      macAddress: e.macAddress,
      privateIpAddress: e.privateIpAddress,
      privateDnsName: `ip-${e.privateIpAddress.replaceAll('.', '-')}.ec2.internal`,
      sourceDestCheck: true,
      interfaceType: 'interface',
      groupSet: groups,
      attachment:
        e.status === 'in-use'
          ? { attachmentId: e.attachmentId, instanceOwnerId: 'amazon-aws', deviceIndex: 1, networkCardIndex: 0, status: 'attached', attachTime: new Date(), deleteOnTermination: false }
          : undefined,
      association: e.publicIp ? { publicIp: e.publicIp, publicDnsName: '', ipOwnerId: 'amazon' } : undefined,
      privateIpAddressesSet: [
        { privateIpAddress: e.privateIpAddress, primary: true, association: e.publicIp ? { publicIp: e.publicIp, ipOwnerId: 'amazon' } : undefined },
      ],
      tagSet: toLowerKeyValue(e.tags),
    };
  }

  private taggable(id: string): { tags: Tags } {
    const r = this.groups.get(id) ?? this.enis.get(id) ?? this.vpcs.get(id) ?? this.subnets.get(id);
    if (r) return r;
    const kind = id.split('-')[0];
    const code = { sg: 'InvalidGroup.NotFound', eni: 'InvalidNetworkInterfaceID.NotFound', vpc: 'InvalidVpcID.NotFound', subnet: 'InvalidSubnetID.NotFound' }[kind ?? ''] ?? 'InvalidID';
    throw new AwsError(code, `The ID '${id}' does not exist`);
  }

  service(): ServiceDef {
    const tagSpec = (p: Params, type: string): Tags =>
      fromKeyValue(asArray<Params>(p.TagSpecification).filter((s) => s.ResourceType === type).flatMap((s) => asArray(s.Tag)));
    return {
      protocol: 'ec2',
      xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
      ops: {
        DescribeVpcs: (p: Params) => {
          const ids = asArray<string>(p.VpcId);
          for (const id of ids) if (!this.vpcs.has(id)) throw new AwsError('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`);
          const all = [...this.vpcs.values()].filter((v) => !ids.length || ids.includes(v.vpcId));
          return {
            vpcSet: filtered(all, p.Filter, (v) => ({ 'vpc-id': v.vpcId, isDefault: String(v.isDefault), 'is-default': String(v.isDefault), cidr: v.cidrBlock, state: 'available' }), (v) => v.tags).map((v) => ({
              vpcId: v.vpcId,
              state: 'available',
              cidrBlock: v.cidrBlock,
              dhcpOptionsId: 'dopt-00000000',
              instanceTenancy: 'default',
              isDefault: v.isDefault,
              ownerId: ACCOUNT,
              tagSet: toLowerKeyValue(v.tags),
            })),
          };
        },
        DescribeSubnets: (p: Params) => {
          const ids = asArray<string>(p.SubnetId);
          for (const id of ids) if (!this.subnets.has(id)) throw new AwsError('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);
          const all = [...this.subnets.values()].filter((s) => !ids.length || ids.includes(s.subnetId));
          const fields = (s: Subnet) => ({
            'vpc-id': s.vpcId,
            'subnet-id': s.subnetId,
            'default-for-az': String(s.defaultForAz),
            'defaultForAz': String(s.defaultForAz),
            'availability-zone': s.availabilityZone,
            'availabilityZone': s.availabilityZone,
            'map-public-ip-on-launch': 'true',
            state: 'available',
          });
          return {
            subnetSet: filtered(all, p.Filter, fields, (s) => s.tags).map((s) => ({
              subnetId: s.subnetId,
              subnetArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/${s.subnetId}`,
              state: 'available',
              vpcId: s.vpcId,
              cidrBlock: s.cidrBlock,
              availableIpAddressCount: 4091 - s.nextHost,
              availabilityZone: s.availabilityZone,
              availabilityZoneId: `use1-az${s.availabilityZone.slice(-1).charCodeAt(0) - 96}`,
              defaultForAz: s.defaultForAz,
              mapPublicIpOnLaunch: true,
              ownerId: ACCOUNT,
              tagSet: toLowerKeyValue(s.tags),
            })),
          };
        },
        DescribeSecurityGroups: (p: Params) => {
          const ids = asArray<string>(p.GroupId);
          const names = asArray<string>(p.GroupName);
          let list = ids.length ? ids.map((id) => this.group(id)) : [...this.groups.values()];
          if (names.length) list = names.map((n) => this.groupByParams({ GroupName: n }));
          const fields = (g: SecurityGroup) => ({ 'group-name': g.groupName, 'group-id': g.groupId, 'vpc-id': g.vpcId, description: g.description, 'owner-id': ACCOUNT });
          return { securityGroupInfo: filtered(list, p.Filter, fields, (g) => g.tags).map((g) => this.groupView(g)) };
        },
        CreateSecurityGroup: (p: Params) => {
          dryRun(p);
          const name = String(p.GroupName ?? '');
          const description = String(p.GroupDescription ?? '');
          if (!name) throw new AwsError('MissingParameter', 'The request must contain the parameter groupName');
          if (!description) throw new AwsError('MissingParameter', 'The request must contain the parameter groupDescription');
          if (name.startsWith('sg-')) throw new AwsError('InvalidParameterValue', "Group names may not be in the format sg-*.");
          const vpcId = typeof p.VpcId === 'string' ? p.VpcId : this.defaultVpc.vpcId;
          if (!this.vpcs.has(vpcId)) throw new AwsError('InvalidVpcID.NotFound', `The vpc ID '${vpcId}' does not exist`);
          if ([...this.groups.values()].some((g) => g.groupName === name && g.vpcId === vpcId)) {
            throw new AwsError('InvalidGroup.Duplicate', `The security group '${name}' already exists for VPC '${vpcId}'`);
          }
          const g = this.newGroup(name, description, vpcId, tagSpec(p, 'security-group'));
          return { return: true, groupId: g.groupId, tagSet: toLowerKeyValue(g.tags), securityGroupArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${g.groupId}` };
        },
        DeleteSecurityGroup: (p: Params) => {
          dryRun(p);
          const g = this.groupByParams(p);
          if (g.groupName === 'default') throw new AwsError('CannotDelete', `the specified group: "${g.groupId}" name: "default" cannot be deleted by a user`);
          const inUse = [...this.enis.values()].some((e) => e.groupIds.includes(g.groupId));
          const referenced = [...this.groups.values()].some((o) => o !== g && o.rules.some((r) => r.referencedGroupId === g.groupId));
          if (inUse || referenced) throw new AwsError('DependencyViolation', `resource ${g.groupId} has a dependent object`);
          this.groups.delete(g.groupId);
          return { return: true, groupId: g.groupId };
        },
        AuthorizeSecurityGroupIngress: (p: Params) => this.authorize(p, false),
        AuthorizeSecurityGroupEgress: (p: Params) => this.authorize(p, true),
        RevokeSecurityGroupIngress: (p: Params) => this.revoke(p, false),
        RevokeSecurityGroupEgress: (p: Params) => this.revoke(p, true),
        DescribeSecurityGroupRules: (p: Params) => {
          const ids = asArray<string>(p.SecurityGroupRuleId);
          const all = [...this.groups.values()].flatMap((g) => g.rules.map((r) => ({ g, r })));
          const fields = ({ g, r }: { g: SecurityGroup; r: Rule }) => ({ 'group-id': g.groupId, 'security-group-rule-id': r.id });
          return {
            securityGroupRuleSet: filtered(all.filter(({ r }) => !ids.length || ids.includes(r.id)), p.Filter, fields, () => ({})).map(({ g, r }) => this.ruleView(g, r)),
          };
        },
        DescribeNetworkInterfaces: (p: Params) => {
          const ids = asArray<string>(p.NetworkInterfaceId);
          for (const id of ids) {
            if (!this.enis.has(id)) throw new AwsError('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${id}' does not exist`);
          }
          const list = [...this.enis.values()].filter((e) => !ids.length || ids.includes(e.networkInterfaceId));
          const fields = (e: Eni) => ({
            'network-interface-id': e.networkInterfaceId,
            'group-id': e.groupIds,
            'subnet-id': e.subnetId,
            'vpc-id': e.vpcId,
            status: e.status,
            description: e.description,
            'addresses.private-ip-address': e.privateIpAddress,
            'private-ip-address': e.privateIpAddress,
            'association.public-ip': e.publicIp,
            'requester-managed': 'true',
          });
          return { networkInterfaceSet: filtered(list, p.Filter, fields, (e) => e.tags).map((e) => this.eniView(e)) };
        },
        CreateTags: (p: Params) => {
          dryRun(p);
          const tags = fromKeyValue(asArray(p.Tag));
          for (const id of asArray<string>(p.ResourceId)) Object.assign(this.taggable(id).tags, tags);
          return { return: true };
        },
        DeleteTags: (p: Params) => {
          dryRun(p);
          const keys = asArray<Params>(p.Tag).map((t) => String(t.Key));
          for (const id of asArray<string>(p.ResourceId)) {
            const r = this.taggable(id);
            for (const k of keys) delete r.tags[k];
          }
          return { return: true };
        },
        DescribeTags: (p: Params) => {
          const all: Array<{ resourceId: string; resourceType: string; key: string; value: string }> = [];
          const add = (resourceId: string, resourceType: string, tags: Tags) => {
            for (const [key, value] of Object.entries(tags)) all.push({ resourceId, resourceType, key, value });
          };
          for (const g of this.groups.values()) add(g.groupId, 'security-group', g.tags);
          for (const e of this.enis.values()) add(e.networkInterfaceId, 'network-interface', e.tags);
          for (const v of this.vpcs.values()) add(v.vpcId, 'vpc', v.tags);
          for (const s of this.subnets.values()) add(s.subnetId, 'subnet', s.tags);
          const fields = (t: (typeof all)[number]) => ({ 'resource-id': t.resourceId, 'resource-type': t.resourceType, key: t.key, value: t.value });
          return { tagSet: filtered(all, p.Filter, fields, () => ({})) };
        },
      },
    };
  }

  private authorize(p: Params, egress: boolean) {
    dryRun(p);
    const g = this.groupByParams(p);
    this.settledGroup(g.groupId);
    const rules = this.rulesFrom(p, egress);
    for (const r of rules) {
      if (g.rules.some((x) => Ec2.sameRule(x, r)) || rules.filter((x) => Ec2.sameRule(x, r)).length > 1) {
        throw new AwsError('InvalidPermission.Duplicate', `the specified rule "${Ec2.ruleText(r)}" already exists`);
      }
    }
    g.rules.push(...rules);
    return { return: true, securityGroupRuleSet: rules.map((r) => this.ruleView(g, r)) };
  }

  private revoke(p: Params, egress: boolean) {
    dryRun(p);
    const g = this.groupByParams(p);
    this.settledGroup(g.groupId);
    const ids = asArray<string>(p.SecurityGroupRuleId);
    if (ids.length) {
      for (const id of ids) {
        if (!g.rules.some((r) => r.id === id && r.egress === egress)) throw new AwsError('InvalidSecurityGroupRuleId.NotFound', `The security group rule ID '${id}' does not exist`);
      }
      g.rules = g.rules.filter((r) => !ids.includes(r.id));
      return { return: true };
    }
    const rules = this.rulesFrom(p, egress);
    for (const r of rules) {
      if (!g.rules.some((x) => Ec2.sameRule(x, r))) {
        throw new AwsError('InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
      }
    }
    g.rules = g.rules.filter((x) => !rules.some((r) => Ec2.sameRule(x, r)));
    return { return: true };
  }
}

function dryRun(p: Params): void {
  if (p.DryRun === 'true') throw new AwsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
}
