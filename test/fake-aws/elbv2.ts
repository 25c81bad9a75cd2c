/**
 * ELBv2 (Application Load Balancers), query protocol: load balancers, target groups, targets,
 * listeners, attributes, tags. The traffic side — listener ports that really forward, health
 * checks, draining — is `lb-traffic.ts`.
 *
 * HOW A CLIENT REACHES A FAKE LOAD BALANCER (the contract with the tool's endpoint step):
 * a load balancer's DNSName looks like AWS's (`<name>-<digits>.us-east-1.elb.amazonaws.com`) and
 * does not resolve. The fake listens on two loopback "front" ports, one standing in for port 80
 * and one for port 443 of every load balancer, and routes by the Host header (TLS: by SNI) to the
 * load balancer whose DNSName it is — or, for a custom domain, whose DNSName a Route 53 alias
 * record of that name points at (so a missing alias record fails as DNS would). `FakeAws.env`
 * carries, for child processes:
 *   L2F_CONNECT_TO=:80:127.0.0.1:<p80>,:443:127.0.0.1:<p443>
 *     curl's `--connect-to HOST1:PORT1:HOST2:PORT2` syntax (an empty HOST1 = any host): a client
 *     that honours it connects to HOST2:PORT2 instead, keeping the Host header and TLS SNI of
 *     the URL. The tool's HTTP client does that only when the variable is set.
 *   NODE_EXTRA_CA_CERTS=<file>  the CA the fake's HTTPS listeners' certificates are signed by.
 * In-process tests can also use `fake.lb.endpointOf(dnsName, port)`: every listener of an
 * active load balancer also has a loopback port of its own.
 *
 * NOT MODELLED: network and gateway load balancers; listener rules (CreateRule & co. answer
 * InvalidAction) and so host/path routing; authenticate-oidc/cognito actions; mutual TLS and
 * trust stores; listener attributes; stickiness (accepted as attributes, no effect); slow start;
 * HTTP/2 and gRPC to targets; IPv6/dualstack; access logs; instance and lambda targets; the
 * internal scheme (accepted, reachable the same way); cross-zone settings; WAF; capacity
 * reservations; pagination (Marker/PageSize: everything comes in one page). SslPolicy names are
 * checked, their ciphers not enforced (the fake serves TLS 1.2+ with Node's defaults).
 */
import { ACCOUNT, AwsError, REGION, asArray, fromKeyValue, hex, toKeyValue, type Tags } from './common.ts';
import type { Ec2 } from './ec2.ts';
import type { Knobs } from './knobs.ts';
import type { Params, ServiceDef } from './service.ts';
import { members } from './wire.ts';

export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining';

export interface LoadBalancer {
  arn: string;
  name: string;
  id: string;
  dnsName: string;
  scheme: string;
  ipAddressType: string;
  vpcId: string;
  zones: Array<{ subnetId: string; zone: string }>;
  securityGroups: string[];
  state: 'provisioning' | 'active';
  createdAt: Date;
  attributes: Record<string, string>;
  tags: Tags;
  eniIds: string[];
  createKey: string;
}

export interface HealthCheck {
  enabled: boolean;
  protocol: string;
  port: string;
  path: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  matcher: string;
}

export interface Target {
  id: string;
  port: number;
  zone?: string;
  state: TargetState;
  reason?: string;
  description?: string;
  registeredAt: number;
  ok: number;
  fail: number;
  lastCheckAt: number;
  checking: boolean;
  drainUntil?: number;
  /** requests being forwarded to it right now (aborted when its draining ends) */
  inFlight: Set<{ abort(): void }>;
}

export interface TargetGroup {
  arn: string;
  name: string;
  id: string;
  protocol: string;
  port: number;
  protocolVersion: string;
  vpcId: string;
  targetType: string;
  healthCheck: HealthCheck;
  attributes: Record<string, string>;
  tags: Tags;
  targets: Target[];
  createKey: string;
}

export interface Action {
  Type: string;
  Order?: number;
  TargetGroupArn?: string;
  ForwardConfig?: { TargetGroups?: Array<{ TargetGroupArn: string; Weight?: number }> };
  RedirectConfig?: { Protocol?: string; Port?: string; Host?: string; Path?: string; Query?: string; StatusCode: string };
  FixedResponseConfig?: { StatusCode: string; ContentType?: string; MessageBody?: string };
}

export interface Listener {
  arn: string;
  lbArn: string;
  port: number;
  protocol: string;
  sslPolicy?: string;
  certificates: string[];
  defaultActions: Action[];
  tags: Tags;
}

/** What the fake knows of an ACM certificate (from acm.ts). */
export interface CertificateInfo {
  names: string[];
  status: string;
}

/** Application Load Balancers' hosted zone per Region (us-east-1), as Route 53 alias targets name it. */
export const ALB_HOSTED_ZONE_ID = 'Z35SXDOTRQ7X7K';

/**
 * The policies `aws elbv2 describe-ssl-policies --load-balancer-type application` lists
 * (https://docs.aws.amazon.com/code-library/latest/ug/elastic-load-balancing-v2_example_elastic-load-balancing-v2_DescribeSslPolicies_section.html).
 */
export const SSL_POLICIES = [
  'ELBSecurityPolicy-2016-08',
  'ELBSecurityPolicy-TLS13-1-2-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06',
  'ELBSecurityPolicy-TLS13-1-1-2021-06',
  'ELBSecurityPolicy-TLS13-1-0-2021-06',
  'ELBSecurityPolicy-TLS13-1-3-2021-06',
  'ELBSecurityPolicy-TLS-1-2-2017-01',
  'ELBSecurityPolicy-TLS-1-1-2017-01',
  'ELBSecurityPolicy-TLS-1-2-Ext-2018-06',
  'ELBSecurityPolicy-FS-2018-06',
  'ELBSecurityPolicy-2015-05',
  'ELBSecurityPolicy-TLS-1-0-2015-04',
  'ELBSecurityPolicy-FS-1-2-Res-2019-08',
  'ELBSecurityPolicy-FS-1-1-2019-08',
  'ELBSecurityPolicy-FS-1-2-2019-08',
  'ELBSecurityPolicy-FS-1-2-Res-2020-10',
];
/** AWS's default when an HTTPS listener names none (the API reference, CreateListener SslPolicy). */
export const DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-2016-08';

/** ALB attributes and their defaults (API reference, LoadBalancerAttribute). */
const LB_ATTRIBUTES: Record<string, string> = {
  'access_logs.s3.enabled': 'false',
  'access_logs.s3.bucket': '',
  'access_logs.s3.prefix': '',
  'deletion_protection.enabled': 'false',
  'idle_timeout.timeout_seconds': '60',
  'routing.http.desync_mitigation_mode': 'defensive',
  'routing.http.drop_invalid_header_fields.enabled': 'false',
  'routing.http.preserve_host_header.enabled': 'false',
  'routing.http.x_amzn_tls_version_and_cipher_suite.enabled': 'false',
  'routing.http.xff_client_port.enabled': 'false',
  'routing.http.xff_header_processing.mode': 'append',
  'routing.http2.enabled': 'true',
  'waf.fail_open.enabled': 'false',
  'client_keep_alive.seconds': '3600',
  'load_balancing.cross_zone.enabled': 'true',
};

/** Target group attributes (type ip, HTTP) and their defaults (API reference, TargetGroupAttribute). */
const TG_ATTRIBUTES: Record<string, string> = {
  'deregistration_delay.timeout_seconds': '300',
  'stickiness.enabled': 'false',
  'stickiness.type': 'lb_cookie',
  'stickiness.lb_cookie.duration_seconds': '86400',
  'stickiness.app_cookie.cookie_name': '',
  'stickiness.app_cookie.duration_seconds': '86400',
  'load_balancing.algorithm.type': 'round_robin',
  'load_balancing.algorithm.anomaly_mitigation': 'off',
  'load_balancing.cross_zone.enabled': 'use_load_balancer_configuration',
  'slow_start.duration_seconds': '0',
  'target_group_health.dns_failover.minimum_healthy_targets.count': '1',
  'target_group_health.dns_failover.minimum_healthy_targets.percentage': 'off',
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count': '1',
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage': 'off',
};

const arnOf = (kind: string, rest: string) => `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:${kind}/${rest}`;
const validation = (message: string) => new AwsError('ValidationError', message);
const lbNotFound = () => new AwsError('LoadBalancerNotFound', 'One or more load balancers not found');
const tgNotFound = () => new AwsError('TargetGroupNotFound', 'One or more target groups not found');
const listenerNotFound = () => new AwsError('ListenerNotFound', 'One or more listeners not found');
const num = (v: unknown, dflt: number) => (v === undefined || v === '' ? dflt : Number(v));

/** Names of load balancers and target groups: ≤ 32 alphanumerics or hyphens, no hyphen at either end (API reference). */
function checkName(kind: 'load balancer' | 'target group', name: string): void {
  const label = kind === 'load balancer' ? `The load balancer name '${name}'` : `Target group name '${name}'`;
  if (name.length > 32) throw validation(`${label} cannot be longer than '32' characters`);
  if (!/^[a-zA-Z0-9-]+$/.test(name)) throw validation(`${label} can only contain characters that are alphanumeric characters or hyphens(-)`);
  if (name.startsWith('-') || name.endsWith('-')) throw validation(`${label} cannot begin or end with a hyphen`);
  if (kind === 'load balancer' && name.startsWith('internal-')) throw validation(`${label} cannot begin with 'internal-'`);
}

/** `200`, `200,202` and `200-299` (API reference, Matcher). */
export function matches(matcher: string, status: number): boolean {
  return matcher.split(',').some((part) => {
    const [lo, hi] = part.trim().split('-').map(Number);
    return hi === undefined ? status === lo : status >= (lo ?? 0) && status <= hi;
  });
}

export class Elbv2 {
  readonly loadBalancers = new Map<string, LoadBalancer>();
  readonly targetGroups = new Map<string, TargetGroup>();
  readonly listeners = new Map<string, Listener>();
  /** set by the fake: the ACM certificate behind an ARN */
  certificate: (arn: string) => CertificateInfo | undefined = () => undefined;
  /** set by the fake: which ECS services use a target group (DeleteTargetGroup refuses while any does) */
  usedByServices: (tgArn: string) => string[] = () => [];
  /** called when a load balancer turns active, a listener comes or goes, or a load balancer goes */
  onChange: () => void = () => {};

  constructor(
    private readonly ec2: Ec2,
    private readonly knobs: Knobs,
  ) {}

  loadBalancer(arn: string): LoadBalancer {
    const lb = this.loadBalancers.get(arn);
    if (!lb) throw lbNotFound();
    return lb;
  }

  targetGroup(arn: string): TargetGroup {
    const tg = this.targetGroups.get(arn);
    if (!tg) throw tgNotFound();
    return tg;
  }

  private listener(arn: string): Listener {
    const l = this.listeners.get(arn);
    if (!l) throw listenerNotFound();
    return l;
  }

  listenersOf(lb: LoadBalancer): Listener[] {
    return [...this.listeners.values()].filter((l) => l.lbArn === lb.arn);
  }

  /** Target groups an action sends traffic to. */
  static targetGroupsOf(action: Action): string[] {
    if (action.Type !== 'forward') return [];
    const weighted = asArray<{ TargetGroupArn: string }>(action.ForwardConfig?.TargetGroups).map((t) => t.TargetGroupArn);
    return weighted.length ? weighted : action.TargetGroupArn ? [action.TargetGroupArn] : [];
  }

  /** The load balancers whose listeners forward to this target group. */
  loadBalancersOf(tg: TargetGroup): LoadBalancer[] {
    const arns = new Set([...this.listeners.values()].filter((l) => l.defaultActions.some((a) => Elbv2.targetGroupsOf(a).includes(tg.arn))).map((l) => l.lbArn));
    return [...arns].map((a) => this.loadBalancers.get(a)).filter((x): x is LoadBalancer => !!x);
  }

  /** Whether some active load balancer sends this target group traffic (targets are `unused` otherwise). */
  inUse(tg: TargetGroup): boolean {
    return this.loadBalancersOf(tg).some((lb) => lb.state === 'active');
  }

  /** The load balancers that use a certificate (ACM's InUseBy). */
  usingCertificate(certArn: string): string[] {
    return [...new Set([...this.listeners.values()].filter((l) => l.certificates.includes(certArn)).map((l) => l.lbArn))];
  }

  private taggable(arn: string): { tags: Tags } {
    const r = this.loadBalancers.get(arn) ?? this.targetGroups.get(arn) ?? this.listeners.get(arn);
    if (r) return r;
    if (arn.includes(':loadbalancer/')) throw lbNotFound();
    if (arn.includes(':targetgroup/')) throw tgNotFound();
    if (arn.includes(':listener/')) throw listenerNotFound();
    throw validation(`'${arn}' is not a valid resource ARN`);
  }

  private lbView(lb: LoadBalancer) {
    return {
      LoadBalancerArn: lb.arn,
      DNSName: lb.dnsName,
      CanonicalHostedZoneId: ALB_HOSTED_ZONE_ID,
      CreatedTime: lb.createdAt,
      LoadBalancerName: lb.name,
      Scheme: lb.scheme,
      VpcId: lb.vpcId,
      State: { Code: lb.state },
      Type: 'application',
      AvailabilityZones: lb.zones.map((z) => ({ ZoneName: z.zone, SubnetId: z.subnetId, LoadBalancerAddresses: [] })),
      SecurityGroups: lb.securityGroups,
      IpAddressType: lb.ipAddressType,
    };
  }

  private tgView(tg: TargetGroup) {
    const h = tg.healthCheck;
    return {
      TargetGroupArn: tg.arn,
      TargetGroupName: tg.name,
      Protocol: tg.protocol,
      Port: tg.port,
      VpcId: tg.vpcId,
      HealthCheckProtocol: h.protocol,
      HealthCheckPort: h.port,
      HealthCheckEnabled: h.enabled,
      HealthCheckIntervalSeconds: h.intervalSeconds,
      HealthCheckTimeoutSeconds: h.timeoutSeconds,
      HealthyThresholdCount: h.healthyThreshold,
      UnhealthyThresholdCount: h.unhealthyThreshold,
      HealthCheckPath: h.path,
      Matcher: { HttpCode: h.matcher },
      LoadBalancerArns: this.loadBalancersOf(tg).map((lb) => lb.arn),
      TargetType: tg.targetType,
      ProtocolVersion: tg.protocolVersion,
      IpAddressType: 'ipv4',
    };
  }

  private listenerView(l: Listener) {
    return {
      ListenerArn: l.arn,
      LoadBalancerArn: l.lbArn,
      Port: l.port,
      Protocol: l.protocol,
      Certificates: l.certificates.length ? l.certificates.map((CertificateArn) => ({ CertificateArn })) : undefined,
      SslPolicy: l.sslPolicy,
      DefaultActions: l.defaultActions.map((a, i) => actionView(a, i)),
    };
  }

  private healthView(tg: TargetGroup, t: Pick<Target, 'id' | 'port' | 'zone' | 'state' | 'reason' | 'description'>) {
    return {
      Target: { Id: t.id, Port: t.port, AvailabilityZone: t.zone },
      HealthCheckPort: tg.healthCheck.port === 'traffic-port' ? String(t.port) : tg.healthCheck.port,
      TargetHealth: { State: t.state, Reason: t.reason, Description: t.description },
    };
  }

  private securityGroups(ids: string[], vpcId: string): string[] {
    for (const id of ids) {
      const g = this.ec2.groups.get(id);
      if (!g || g.vpcId !== vpcId) throw new AwsError('InvalidSecurityGroup', `One or more security groups are invalid`);
    }
    return ids;
  }

  /** Subnets → zones; an ALB needs two zones at least (API reference, CreateLoadBalancer Subnets). */
  private zones(p: Params): Array<{ subnetId: string; zone: string }> {
    const ids = [...members<string>(p.Subnets), ...members<Params>(p.SubnetMappings).map((m) => String(m.SubnetId))];
    const zones = ids.map((id) => {
      const s = this.ec2.subnets.get(id);
      if (!s) throw new AwsError('SubnetNotFound', `The subnet ID '${id}' is not valid`);
      return { subnetId: id, zone: s.availabilityZone, vpcId: s.vpcId };
    });
    if (new Set(zones.map((z) => z.vpcId)).size > 1) throw new AwsError('InvalidConfigurationRequest', 'The subnets must all be in the same VPC');
    const byZone = new Set(zones.map((z) => z.zone));
    if (byZone.size !== zones.length) throw new AwsError('InvalidConfigurationRequest', 'A load balancer cannot be attached to multiple subnets in the same Availability Zone');
    if (byZone.size < 2) throw validation('At least two subnets in two different Availability Zones must be specified');
    return zones.map(({ subnetId, zone }) => ({ subnetId, zone }));
  }

  private createLoadBalancer(p: Params) {
    const name = String(p.Name ?? '');
    checkName('load balancer', name);
    const type = String(p.Type ?? 'application');
    if (type !== 'application') throw validation(`fake-aws models Application Load Balancers only, not type '${type}'`);
    const zones = this.zones(p);
    const vpcId = this.ec2.subnets.get(zones[0]?.subnetId ?? '')?.vpcId ?? this.ec2.defaultVpc.vpcId;
    const groups = members<string>(p.SecurityGroups);
    const securityGroups = this.securityGroups(groups.length ? groups : [...this.ec2.groups.values()].filter((g) => g.vpcId === vpcId && g.groupName === 'default').map((g) => g.groupId), vpcId);
    const scheme = String(p.Scheme ?? 'internet-facing');
    const ipAddressType = String(p.IpAddressType ?? 'ipv4');
    const tags = fromKeyValue(members(p.Tags));
    const createKey = JSON.stringify([zones, securityGroups, scheme, ipAddressType]);
    const existing = [...this.loadBalancers.values()].find((lb) => lb.name === name);
    if (existing) {
      // CreateLoadBalancer is idempotent: the same settings answer the same load balancer (API reference)
      if (existing.createKey === createKey) return { LoadBalancers: [this.lbView(existing)] };
      throw new AwsError('DuplicateLoadBalancerName', `A load balancer with the same name '${name}' exists, but with different settings`);
    }
    const id = hex(8);
    const digits = String(1_000_000_000 + Math.floor(Math.random() * 8_999_999_999)).slice(0, 10);
    const lb: LoadBalancer = {
      arn: arnOf('loadbalancer', `app/${name}/${id}`),
      name,
      id,
      dnsName: `${scheme === 'internal' ? 'internal-' : ''}${name}-${digits}.${REGION}.elb.amazonaws.com`.toLowerCase(),
      scheme,
      ipAddressType,
      vpcId,
      zones,
      securityGroups,
      state: 'provisioning',
      createdAt: new Date(),
      attributes: { ...LB_ATTRIBUTES },
      tags,
      eniIds: [],
      createKey,
    };
    // one network interface per zone, in the load balancer's security groups
    lb.eniIds = zones.map((z) => this.ec2.createEni(z.subnetId, [...securityGroups], `ELB app/${name}/${id}`, undefined, { requesterId: 'amazon-elb' }).networkInterfaceId);
    this.loadBalancers.set(lb.arn, lb);
    setTimeout(() => {
      if (!this.loadBalancers.has(lb.arn)) return;
      lb.state = 'active';
      this.changed();
    }, this.knobs.lbProvisioningMs).unref();
    return { LoadBalancers: [this.lbView(lb)] };
  }

  private deleteLoadBalancer(p: Params) {
    const lb = this.loadBalancers.get(String(p.LoadBalancerArn ?? ''));
    // deleting a load balancer that does not exist succeeds (API reference, DeleteLoadBalancer)
    if (!lb) return {};
    if (lb.attributes['deletion_protection.enabled'] === 'true') {
      throw new AwsError('OperationNotPermitted', `Load balancer '${lb.arn}' cannot be deleted because deletion protection is enabled`);
    }
    for (const l of this.listenersOf(lb)) this.listeners.delete(l.arn);
    this.loadBalancers.delete(lb.arn);
    for (const id of lb.eniIds) this.ec2.releaseEni(id, this.knobs.lbEniLingerMs);
    this.changed();
    return {};
  }

  private healthCheck(p: Params, base?: HealthCheck): HealthCheck {
    const h: HealthCheck = {
      enabled: p.HealthCheckEnabled !== undefined ? p.HealthCheckEnabled === 'true' : (base?.enabled ?? true),
      protocol: String(p.HealthCheckProtocol ?? base?.protocol ?? p.Protocol ?? 'HTTP'),
      port: String(p.HealthCheckPort ?? base?.port ?? 'traffic-port'),
      path: String(p.HealthCheckPath ?? base?.path ?? '/'),
      intervalSeconds: num(p.HealthCheckIntervalSeconds, base?.intervalSeconds ?? 30),
      timeoutSeconds: num(p.HealthCheckTimeoutSeconds, base?.timeoutSeconds ?? 5),
      healthyThreshold: num(p.HealthyThresholdCount, base?.healthyThreshold ?? 5),
      unhealthyThreshold: num(p.UnhealthyThresholdCount, base?.unhealthyThreshold ?? 2),
      matcher: String((p.Matcher as Params | undefined)?.HttpCode ?? base?.matcher ?? '200'),
    };
    // the health check must time out before the next one starts (API reference, CreateTargetGroup)
    if (h.timeoutSeconds >= h.intervalSeconds) throw validation('Health check interval must be greater than the timeout.');
    if (!/^(\d{3})(-\d{3})?(,\d{3}(-\d{3})?)*$/.test(h.matcher.replaceAll(' ', ''))) throw validation(`Health check matcher HTTP code '${h.matcher}' must be a valid HTTP code or range`);
    return h;
  }

  private createTargetGroup(p: Params) {
    const name = String(p.Name ?? '');
    checkName('target group', name);
    const targetType = String(p.TargetType ?? 'instance');
    if (targetType !== 'ip') throw validation(`fake-aws models target groups of type 'ip' only, not '${targetType}'`);
    const protocol = String(p.Protocol ?? '');
    if (!protocol) throw validation('A protocol must be specified');
    if (p.Port === undefined) throw validation('A port must be specified');
    const vpcId = String(p.VpcId ?? '');
    if (!vpcId) throw validation('A VPC ID must be specified');
    if (!this.ec2.vpcs.has(vpcId)) throw validation(`The VPC ID '${vpcId}' is not found`);
    const healthCheck = this.healthCheck(p);
    const port = Number(p.Port);
    const protocolVersion = String(p.ProtocolVersion ?? 'HTTP1');
    const createKey = JSON.stringify([protocol, port, vpcId, targetType, protocolVersion, healthCheck]);
    const existing = [...this.targetGroups.values()].find((tg) => tg.name === name);
    if (existing) {
      if (existing.createKey === createKey) return { TargetGroups: [this.tgView(existing)] };
      throw new AwsError('DuplicateTargetGroupName', `A target group with the same name '${name}' exists, but with different settings`);
    }
    const id = hex(8);
    const tg: TargetGroup = {
      arn: arnOf('targetgroup', `${name}/${id}`),
      name,
      id,
      protocol,
      port,
      protocolVersion,
      vpcId,
      targetType,
      healthCheck,
      attributes: { ...TG_ATTRIBUTES },
      tags: fromKeyValue(members(p.Tags)),
      targets: [],
      createKey,
    };
    this.targetGroups.set(tg.arn, tg);
    return { TargetGroups: [this.tgView(tg)] };
  }

  private deleteTargetGroup(p: Params) {
    const tg = this.targetGroups.get(String(p.TargetGroupArn ?? ''));
    if (!tg) return {};
    if (this.loadBalancersOf(tg).length || this.usedByServices(tg.arn).length) {
      throw new AwsError('ResourceInUse', `Target group '${tg.arn}' is currently in use by a listener or a rule`);
    }
    this.targetGroups.delete(tg.arn);
    return {};
  }

  /** Registers ip targets; they must be private addresses of the target group's VPC (API reference, TargetDescription Id). */
  register(tg: TargetGroup, targets: Array<{ id: string; port?: number; zone?: string }>): void {
    const vpc = this.ec2.vpcs.get(tg.vpcId);
    for (const t of targets) {
      if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(t.id)) throw new AwsError('InvalidTarget', `The IP address '${t.id}' is not a valid IPv4 address`);
      if (t.zone !== 'all' && vpc && !inCidr(t.id, vpc.cidrBlock)) {
        throw new AwsError('InvalidTarget', `The IP address '${t.id}' is not within the range of the VPC CIDR block '${vpc.cidrBlock}'. You must specify 'all' as the Availability Zone to register it`);
      }
    }
    const now = Date.now();
    for (const t of targets) {
      const port = t.port ?? tg.port;
      const existing = tg.targets.find((x) => x.id === t.id && x.port === port);
      // registering a target that is already registered (and not draining) changes nothing
      if (existing && existing.state !== 'draining') continue;
      if (existing) tg.targets.splice(tg.targets.indexOf(existing), 1);
      const zone = t.zone ?? (this.ec2.eniByPrivateIp(t.id)?.availabilityZone);
      tg.targets.push({ id: t.id, port, zone, state: 'initial', reason: 'Elb.RegistrationInProgress', description: 'Target registration is in progress', registeredAt: now, ok: 0, fail: 0, lastCheckAt: 0, checking: false, inFlight: new Set() });
    }
    this.refreshUnused(tg);
  }

  /** Deregistered targets drain for the deregistration delay; targets that got no traffic go at once. */
  deregister(tg: TargetGroup, targets: Array<{ id: string; port?: number }>, strict = true): void {
    for (const t of targets) {
      const found = tg.targets.filter((x) => x.id === t.id && (t.port === undefined || x.port === t.port));
      if (!found.length && strict) {
        throw new AwsError('InvalidTarget', `The following targets are not registered in target group '${tg.arn}': '${t.id}${t.port !== undefined ? `:${t.port}` : ''}'`);
      }
      for (const x of found) {
        if (x.state === 'draining') continue;
        if (x.state === 'unused' || !this.inUse(tg)) {
          tg.targets.splice(tg.targets.indexOf(x), 1);
          continue;
        }
        x.state = 'draining';
        x.reason = 'Target.DeregistrationInProgress';
        x.description = 'Target deregistration is in progress';
        x.drainUntil = Date.now() + Number(tg.attributes['deregistration_delay.timeout_seconds']) * this.knobs.lbSecondMs;
      }
    }
  }

  /** Targets of a group no active load balancer uses are `unused`; when one starts using it they start over. */
  refreshUnused(tg: TargetGroup): void {
    const used = this.inUse(tg);
    for (const t of tg.targets) {
      if (!used && t.state !== 'draining' && t.state !== 'unused') {
        Object.assign(t, { state: 'unused', reason: 'Target.NotInUse', description: 'Target group is not configured to receive traffic from the load balancer', ok: 0, fail: 0 });
      } else if (used && t.state === 'unused') {
        Object.assign(t, { state: 'initial', reason: 'Elb.RegistrationInProgress', description: 'Target registration is in progress', registeredAt: Date.now(), ok: 0, fail: 0, lastCheckAt: 0 });
      }
    }
  }

  private actions(p: unknown, protocol: string): Action[] {
    const list = members<Params>(p);
    if (!list.length) throw validation('A default action must be specified');
    return list.map((a) => {
      const type = String(a.Type ?? '');
      const action: Action = { Type: type, Order: a.Order !== undefined ? Number(a.Order) : undefined };
      if (type === 'forward') {
        const weighted = members<Params>(a.ForwardConfig?.TargetGroups).map((t) => ({ TargetGroupArn: String(t.TargetGroupArn), Weight: num(t.Weight, 1) }));
        if (a.TargetGroupArn) action.TargetGroupArn = String(a.TargetGroupArn);
        if (weighted.length) action.ForwardConfig = { TargetGroups: weighted };
        const arns = Elbv2.targetGroupsOf(action);
        if (!arns.length) throw validation('A target group ARN must be specified');
        for (const arn of arns) {
          const tg = this.targetGroups.get(arn);
          if (!tg) throw new AwsError('TargetGroupNotFound', `Target groups '${arn}' not found`);
          if (tg.protocol !== 'HTTP' && tg.protocol !== 'HTTPS') throw new AwsError('IncompatibleProtocols', `Listener protocol '${protocol}' is not compatible with target group protocol '${tg.protocol}'`);
        }
      } else if (type === 'redirect') {
        const r = a.RedirectConfig as Params | undefined;
        if (!r?.StatusCode) throw validation('A redirect status code must be specified');
        action.RedirectConfig = { Protocol: r.Protocol, Port: r.Port, Host: r.Host, Path: r.Path, Query: r.Query, StatusCode: String(r.StatusCode) };
      } else if (type === 'fixed-response') {
        const f = a.FixedResponseConfig as Params | undefined;
        if (!f?.StatusCode) throw validation('A fixed response status code must be specified');
        action.FixedResponseConfig = { StatusCode: String(f.StatusCode), ContentType: f.ContentType, MessageBody: f.MessageBody };
      } else {
        throw new AwsError('InvalidLoadBalancerAction', `fake-aws: action type '${type}' is not modelled`);
      }
      return action;
    });
  }

  /** Protocol, port, certificates and policy of a listener, checked as CreateListener/ModifyListener check them. */
  private listenerSettings(p: Params, base?: Listener): Pick<Listener, 'port' | 'protocol' | 'sslPolicy' | 'certificates'> {
    const protocol = String(p.Protocol ?? base?.protocol ?? '');
    if (protocol !== 'HTTP' && protocol !== 'HTTPS') throw new AwsError('UnsupportedProtocol', `Protocol '${protocol}' is not supported for an Application Load Balancer`);
    const port = num(p.Port, base?.port ?? 0);
    if (!port) throw validation('A listener port must be specified');
    const certs = members<Params>(p.Certificates).map((c) => String(c.CertificateArn));
    let certificates = certs.length ? certs : protocol === 'HTTPS' ? (base?.certificates ?? []) : [];
    let sslPolicy = p.SslPolicy !== undefined ? String(p.SslPolicy) : base?.protocol === 'HTTPS' ? base.sslPolicy : undefined;
    if (protocol === 'HTTP') {
      if (p.SslPolicy !== undefined) throw validation('An SSL policy cannot be specifed for HTTP listeners');
      if (certs.length) throw validation('Certificates cannot be specified for HTTP listeners');
      certificates = [];
      sslPolicy = undefined;
    } else {
      if (!certificates.length) throw validation('A certificate must be specified for HTTPS listeners');
      sslPolicy ??= DEFAULT_SSL_POLICY;
      if (!SSL_POLICIES.includes(sslPolicy)) throw new AwsError('SSLPolicyNotFound', `SSL policy '${sslPolicy}' not found`);
      for (const arn of certificates) {
        const cert = this.certificate(arn);
        if (!cert || cert.status !== 'ISSUED') throw new AwsError('CertificateNotFound', `Certificate '${arn}' not found`);
      }
    }
    return { port, protocol, sslPolicy, certificates };
  }

  private createListener(p: Params) {
    const lb = this.loadBalancer(String(p.LoadBalancerArn ?? ''));
    const settings = this.listenerSettings(p);
    const defaultActions = this.actions(p.DefaultActions, settings.protocol);
    const same = this.listenersOf(lb).find((l) => l.port === settings.port);
    if (same) {
      // an identical CreateListener answers the existing listener; a different one on the port is a duplicate
      if (JSON.stringify([same.protocol, same.sslPolicy, same.certificates, same.defaultActions]) === JSON.stringify([settings.protocol, settings.sslPolicy, settings.certificates, defaultActions])) {
        return { Listeners: [this.listenerView(same)] };
      }
      throw new AwsError('DuplicateListener', `A listener already exists on this port for this load balancer '${lb.arn}'`);
    }
    const l: Listener = { arn: arnOf('listener', `app/${lb.name}/${lb.id}/${hex(8)}`), lbArn: lb.arn, ...settings, defaultActions, tags: fromKeyValue(members(p.Tags)) };
    this.listeners.set(l.arn, l);
    this.changed();
    return { Listeners: [this.listenerView(l)] };
  }

  private modifyListener(p: Params) {
    const l = this.listener(String(p.ListenerArn ?? ''));
    const settings = this.listenerSettings(p, l);
    const defaultActions = p.DefaultActions !== undefined ? this.actions(p.DefaultActions, settings.protocol) : l.defaultActions;
    const lb = this.loadBalancer(l.lbArn);
    if (this.listenersOf(lb).some((o) => o !== l && o.port === settings.port)) throw new AwsError('DuplicateListener', `A listener already exists on this port for this load balancer '${lb.arn}'`);
    Object.assign(l, settings, { defaultActions });
    this.changed();
    return { Listeners: [this.listenerView(l)] };
  }

  /** Listeners changed: target groups gained or lost their load balancer. */
  private changed(): void {
    for (const tg of this.targetGroups.values()) this.refreshUnused(tg);
    this.onChange();
  }

  private attributes(p: Params, known: Record<string, string>, current: Record<string, string>, kind: 'Load balancer' | 'Target group'): void {
    const changes = members<Params>(p.Attributes).map((a) => [String(a.Key), String(a.Value ?? '')] as const);
    for (const [k, v] of changes) {
      if (!(k in known)) throw new AwsError('InvalidConfigurationRequest', `${kind} attribute key '${k}' is not recognized`);
      const range = k === 'idle_timeout.timeout_seconds' ? [1, 4000] : k === 'deregistration_delay.timeout_seconds' ? [0, 3600] : undefined;
      if (range && !(Number.isInteger(Number(v)) && Number(v) >= (range[0] ?? 0) && Number(v) <= (range[1] ?? 0))) {
        throw new AwsError('InvalidConfigurationRequest', `${kind} attribute '${k}' value '${v}' must be an integer between ${range[0]} and ${range[1]}`);
      }
      if (k.endsWith('.enabled') && v !== 'true' && v !== 'false') throw new AwsError('InvalidConfigurationRequest', `${kind} attribute '${k}' value '${v}' must be 'true' or 'false'`);
    }
    for (const [k, v] of changes) current[k] = v;
  }

  service(): ServiceDef {
    const attrs = (a: Record<string, string>) => Object.entries(a).map(([Key, Value]) => ({ Key, Value }));
    const targetsOf = (p: Params) =>
      members<Params>(p.Targets).map((t) => ({ id: String(t.Id ?? ''), port: t.Port !== undefined ? Number(t.Port) : undefined, zone: t.AvailabilityZone as string | undefined }));
    return {
      protocol: 'query',
      xmlns: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
      ops: {
        CreateLoadBalancer: (p: Params) => this.createLoadBalancer(p),
        DescribeLoadBalancers: (p: Params) => {
          const arns = members<string>(p.LoadBalancerArns);
          const names = members<string>(p.Names);
          if (arns.length && names.length) throw validation('Load balancer names and load balancer ARNs cannot be specified at the same time');
          const all = [...this.loadBalancers.values()];
          if (arns.length) return { LoadBalancers: arns.map((a) => this.lbView(this.loadBalancer(a))) };
          if (names.length) {
            return {
              LoadBalancers: names.map((n) => {
                const lb = all.find((x) => x.name === n);
                if (!lb) throw new AwsError('LoadBalancerNotFound', `Load balancers '[${n}]' not found`);
                return this.lbView(lb);
              }),
            };
          }
          return { LoadBalancers: all.map((lb) => this.lbView(lb)) };
        },
        DeleteLoadBalancer: (p: Params) => this.deleteLoadBalancer(p),
        DescribeLoadBalancerAttributes: (p: Params) => ({ Attributes: attrs(this.loadBalancer(String(p.LoadBalancerArn ?? '')).attributes) }),
        ModifyLoadBalancerAttributes: (p: Params) => {
          const lb = this.loadBalancer(String(p.LoadBalancerArn ?? ''));
          this.attributes(p, LB_ATTRIBUTES, lb.attributes, 'Load balancer');
          return { Attributes: attrs(lb.attributes) };
        },
        SetSecurityGroups: (p: Params) => {
          const lb = this.loadBalancer(String(p.LoadBalancerArn ?? ''));
          const ids = this.securityGroups(members<string>(p.SecurityGroups), lb.vpcId);
          if (!ids.length) throw validation('At least one security group must be specified for an Application Load Balancer');
          lb.securityGroups = ids;
          for (const id of lb.eniIds) {
            const eni = this.ec2.enis.get(id);
            if (eni) eni.groupIds = [...ids];
          }
          return { SecurityGroupIds: ids };
        },
        CreateTargetGroup: (p: Params) => this.createTargetGroup(p),
        DescribeTargetGroups: (p: Params) => {
          const arns = members<string>(p.TargetGroupArns);
          const names = members<string>(p.Names);
          let list = [...this.targetGroups.values()];
          if (typeof p.LoadBalancerArn === 'string') {
            const lb = this.loadBalancer(p.LoadBalancerArn);
            list = list.filter((tg) => this.loadBalancersOf(tg).includes(lb));
          }
          if (arns.length) list = arns.map((a) => this.targetGroup(a));
          if (names.length) {
            list = names.map((n) => {
              const tg = list.find((x) => x.name === n);
              if (!tg) throw new AwsError('TargetGroupNotFound', `Target groups '[${n}]' not found`);
              return tg;
            });
          }
          return { TargetGroups: list.map((tg) => this.tgView(tg)) };
        },
        ModifyTargetGroup: (p: Params) => {
          const tg = this.targetGroup(String(p.TargetGroupArn ?? ''));
          tg.healthCheck = this.healthCheck(p, tg.healthCheck);
          return { TargetGroups: [this.tgView(tg)] };
        },
        DescribeTargetGroupAttributes: (p: Params) => ({ Attributes: attrs(this.targetGroup(String(p.TargetGroupArn ?? '')).attributes) }),
        ModifyTargetGroupAttributes: (p: Params) => {
          const tg = this.targetGroup(String(p.TargetGroupArn ?? ''));
          this.attributes(p, TG_ATTRIBUTES, tg.attributes, 'Target group');
          return { Attributes: attrs(tg.attributes) };
        },
        DeleteTargetGroup: (p: Params) => this.deleteTargetGroup(p),
        RegisterTargets: (p: Params) => {
          this.register(this.targetGroup(String(p.TargetGroupArn ?? '')), targetsOf(p));
          return {};
        },
        DeregisterTargets: (p: Params) => {
          this.deregister(this.targetGroup(String(p.TargetGroupArn ?? '')), targetsOf(p));
          return {};
        },
        DescribeTargetHealth: (p: Params) => {
          const tg = this.targetGroup(String(p.TargetGroupArn ?? ''));
          const asked = targetsOf(p);
          if (!asked.length) return { TargetHealthDescriptions: tg.targets.map((t) => this.healthView(tg, t)) };
          return {
            TargetHealthDescriptions: asked.flatMap((a) => {
              const found = tg.targets.filter((t) => t.id === a.id && (a.port === undefined || t.port === a.port));
              if (found.length) return found.map((t) => this.healthView(tg, t));
              return [this.healthView(tg, { id: a.id, port: a.port ?? tg.port, state: 'unused', reason: 'Target.NotRegistered', description: 'Target is not registered to the target group' })];
            }),
          };
        },
        CreateListener: (p: Params) => this.createListener(p),
        DescribeListeners: (p: Params) => {
          const arns = members<string>(p.ListenerArns);
          if (arns.length) return { Listeners: arns.map((a) => this.listenerView(this.listener(a))) };
          if (typeof p.LoadBalancerArn !== 'string') throw validation('You must specify either listener ARNs or a load balancer ARN');
          return { Listeners: this.listenersOf(this.loadBalancer(p.LoadBalancerArn)).map((l) => this.listenerView(l)) };
        },
        ModifyListener: (p: Params) => this.modifyListener(p),
        DeleteListener: (p: Params) => {
          const l = this.listener(String(p.ListenerArn ?? ''));
          this.listeners.delete(l.arn);
          this.changed();
          return {};
        },
        DescribeSSLPolicies: (p: Params) => {
          const names = members<string>(p.Names);
          for (const n of names) if (!SSL_POLICIES.includes(n)) throw new AwsError('SSLPolicyNotFound', `SSL policy '${n}' not found`);
          const list = names.length ? names : SSL_POLICIES;
          return { SslPolicies: list.map((Name) => ({ Name, SslProtocols: Name.includes('TLS13') ? ['TLSv1.2', 'TLSv1.3'] : ['TLSv1.2'], Ciphers: [], SupportedLoadBalancerTypes: ['application', 'network'] })) };
        },
        AddTags: (p: Params) => {
          const tags = members<Params>(p.Tags);
          const keys = tags.map((t) => String(t.Key));
          if (new Set(keys).size !== keys.length) throw new AwsError('DuplicateTagKeys', `Tag key '${keys.find((k, i) => keys.indexOf(k) !== i)}' is duplicated`);
          for (const arn of members<string>(p.ResourceArns)) Object.assign(this.taggable(arn).tags, fromKeyValue(tags));
          return {};
        },
        RemoveTags: (p: Params) => {
          for (const arn of members<string>(p.ResourceArns)) {
            const r = this.taggable(arn);
            for (const k of members<string>(p.TagKeys)) delete r.tags[k];
          }
          return {};
        },
        DescribeTags: (p: Params) => ({
          TagDescriptions: members<string>(p.ResourceArns).map((ResourceArn) => ({ ResourceArn, Tags: toKeyValue(this.taggable(ResourceArn).tags) })),
        }),
      },
    };
  }
}

function actionView(a: Action, i: number) {
  const forward = a.Type === 'forward' ? Elbv2.targetGroupsOf(a) : [];
  return {
    Type: a.Type,
    Order: a.Order ?? i + 1,
    TargetGroupArn: forward.length === 1 ? forward[0] : undefined,
    ForwardConfig: forward.length ? { TargetGroups: (a.ForwardConfig?.TargetGroups ?? [{ TargetGroupArn: forward[0] ?? '', Weight: 1 }]).map((t) => ({ TargetGroupArn: t.TargetGroupArn, Weight: t.Weight ?? 1 })), TargetGroupStickinessConfig: { Enabled: false } } : undefined,
    RedirectConfig: a.RedirectConfig
      ? { Protocol: a.RedirectConfig.Protocol ?? '#{protocol}', Port: a.RedirectConfig.Port ?? '#{port}', Host: a.RedirectConfig.Host ?? '#{host}', Path: a.RedirectConfig.Path ?? '/#{path}', Query: a.RedirectConfig.Query ?? '#{query}', StatusCode: a.RedirectConfig.StatusCode }
      : undefined,
    FixedResponseConfig: a.FixedResponseConfig,
  };
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base = '', bits = '32'] = cidr.split('/');
  const toInt = (s: string) => s.split('.').reduce((acc, o) => (acc << 8) + Number(o), 0) >>> 0;
  const n = Number(bits);
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(base)) return false;
  const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
  return (toInt(ip) & mask) === (toInt(base) & mask);
}
