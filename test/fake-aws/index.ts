import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Acm } from './acm.ts';
import { ApplicationAutoScaling } from './autoscaling.ts';
import { AwsError, hex } from './common.ts';
import { CloudFormation } from './cloudformation.ts';
import { CloudWatch } from './cloudwatch.ts';
import { Ec2 } from './ec2.ts';
import { Ecr } from './ecr.ts';
import { Credentials, CREDENTIALS_PATH, accessKeyOf } from './credentials.ts';
import { Ecs } from './ecs.ts';
import { EcsLoadBalancing } from './ecs-lb.ts';
import { ALB_HOSTED_ZONE_ID, Elbv2 } from './elbv2.ts';
import { Faults, type Fault } from './faults.ts';
import { Iam } from './iam.ts';
import { FakeCa } from './lb-tls.ts';
import { LbTraffic } from './lb-traffic.ts';
import { LAMBDA_CODE_PATH, Lambda } from './lambda.ts';
import { DEFAULT_KNOBS, type Knobs } from './knobs.ts';
import { Logs } from './logs.ts';
import { Pricing } from './pricing.ts';
import { Registry, type RegistryOptions } from './registry.ts';
import { DockerRunner, ProcessRunner, type TaskCommand } from './runner.ts';
import { Route53 } from './route53.ts';
import { Scheduler } from './scheduler.ts';
import { SecretsManager } from './secretsmanager.ts';
import { Ssm } from './ssm.ts';
import type { ServiceDef } from './service.ts';
import { stsService } from './sts.ts';
import { TaskStart } from './task-start.ts';
import { Validator, ViolationLog, announce, type ExpectInvalid } from './validation/index.ts';
import { codecFor, serviceOf, wireRequest, type WireResponse } from './wire.ts';

export type { Fault, FailFault, ThrottleFault } from './faults.ts';
export type { Knobs } from './knobs.ts';
export type { ExpectInvalid } from './validation/index.ts';
export type { TaskCommand, TaskSpec } from './runner.ts';

export interface FakeAwsOptions extends Partial<Knobs> {
  /** run task images under Docker (`--network host`) instead of the container server as a process */
  docker?: boolean;
  /** back ECR with a real registry (default 127.0.0.1:5001, password from /tmp/docker-env/registry/password) */
  registry?: boolean | RegistryOptions;
  /** without Docker: what runs in place of the image (default: `node --import tsx container/server.ts`) */
  taskCommand?: TaskCommand;
  /** listen here (default: a free port) */
  port?: number;
}

export interface RecordedRequest {
  service: string;
  operation: string;
  params: Record<string, unknown>;
  status: number;
  error?: string;
}

export interface Snapshot {
  repositories: string[];
  images: string[];
  roles: string[];
  logGroups: string[];
  securityGroups: string[];
  networkInterfaces: string[];
  clusters: string[];
  taskDefinitions: string[];
  services: string[];
  tasks: string[];
  stacks: string[];
  loadBalancers: string[];
  targetGroups: string[];
  listeners: string[];
  certificates: string[];
  /** Route 53 records other than the zones' own SOA and NS */
  dnsRecords: string[];
  scalableTargets: string[];
  parameters: string[];
  secrets: string[];
}

const READ_PREFIXES = ['Describe', 'Get', 'List', 'BatchGet', 'FilterLogEvents', 'Lookup'];
export const isReadOperation = (op: string) => READ_PREFIXES.some((p) => op.startsWith(p));

export class FakeAws {
  readonly requests: RecordedRequest[] = [];
  readonly knobs: Knobs;
  readonly iam = new Iam(() => this.knobs);
  readonly logs = new Logs(() => this.knobs);
  readonly ec2 = new Ec2(() => this.knobs);
  readonly cfn = new CloudFormation();
  readonly cloudwatch = new CloudWatch();
  readonly pricing = new Pricing();
  readonly ssm = new Ssm();
  readonly secretsManager = new SecretsManager();
  readonly credentials = new Credentials(this.iam);
  readonly lambda = new Lambda(() => this.url);
  readonly ecr: Ecr;
  readonly ecs: Ecs;
  readonly scheduler: Scheduler;
  readonly elbv2: Elbv2;
  /** the load balancers' listener ports, health checks and draining (lb-traffic.ts) */
  readonly lb: LbTraffic;
  readonly route53: Route53;
  readonly acm: Acm;
  readonly autoscaling: ApplicationAutoScaling;
  private readonly ca = new FakeCa();
  /** checks every request against AWS's rules (its models when `../shared/aws-models` exists, else the repo's table) */
  readonly validator = new Validator();
  /** every request the fake refused for breaking a rule */
  readonly violations = new ViolationLog(this.validator.source);
  private readonly faults = new Faults();
  private readonly services: Record<string, ServiceDef>;
  private readonly server = createServer((req, res) => {
    this.handle(req, res).catch(() => res.destroy());
  });
  url = '';

  constructor(opts: FakeAwsOptions = {}) {
    const { docker, registry, taskCommand, port: _port, ...knobs } = opts;
    this.knobs = { ...DEFAULT_KNOBS, ...knobs };
    this.ecr = new Ecr(registry ? new Registry(registry === true ? {} : registry) : undefined, () => this.knobs);
    const runner = docker ? new DockerRunner(hex(4)) : new ProcessRunner(taskCommand);
    const taskStart = new TaskStart({ iam: this.iam, ssm: this.ssm, secrets: this.secretsManager, credentials: this.credentials, endpoint: () => this.url });
    this.scheduler = new Scheduler({ ec2: this.ec2, ecr: this.ecr, iam: this.iam, logs: this.logs, knobs: this.knobs, runner, taskStart });
    this.ecs = new Ecs(this.scheduler, this.ec2, () => this.knobs);
    this.elbv2 = new Elbv2(this.ec2, this.knobs);
    this.lb = new LbTraffic(this.elbv2, this.ec2, this.knobs, this.ca);
    const lbs = new EcsLoadBalancing(this.elbv2, this.knobs);
    this.scheduler.loadBalancing = lbs;
    this.elbv2.usedByServices = (arn) => lbs.servicesUsing(this.ecs.services, arn);
    this.route53 = new Route53(this.knobs);
    this.acm = new Acm(this.route53, this.knobs);
    this.wireLoadBalancing();
    this.autoscaling = new ApplicationAutoScaling({
      desiredCount: (id) => this.scaledService(id)?.desiredCount,
      setDesiredCount: (id, n) => {
        const s = this.scaledService(id);
        if (!s) return;
        s.desiredCount = n;
        s.steady = false;
        const primary = s.deployments[0];
        if (primary) primary.desiredCount = n;
      },
      resourceLabelExists: (label) => {
        const m = /^app\/([^/]+)\/([0-9a-f]+)\/targetgroup\/([^/]+)\/([0-9a-f]+)$/.exec(label);
        const lb = m && [...this.elbv2.loadBalancers.values()].find((x) => x.name === m[1] && x.id === m[2]);
        const tg = m && [...this.elbv2.targetGroups.values()].find((x) => x.name === m[3] && x.id === m[4]);
        return !!lb && !!tg && this.elbv2.loadBalancersOf(tg).includes(lb);
      },
    });
    this.services = {
      sts: stsService(this.credentials),
      iam: this.iam.service(),
      cloudformation: this.cfn.service(),
      logs: this.logs.service(),
      ecr: this.ecr.service(),
      ec2: this.ec2.service(),
      ecs: this.ecs.service(),
      elasticloadbalancing: this.elbv2.service(),
      acm: this.acm.service(),
      route53: this.route53.service(),
      'application-autoscaling': this.autoscaling.service(),
      monitoring: this.cloudwatch.service(),
      pricing: this.pricing.service(),
      ssm: this.ssm.service(),
      secretsmanager: this.secretsManager.service(),
      lambda: this.lambda.service(),
    };
    announce(this.validator.source, Object.keys(this.services));
  }

  /** ELBv2, ACM and Route 53 know of each other as on AWS: certificates in use, alias targets, DNS names. */
  private wireLoadBalancing(): void {
    this.elbv2.certificate = (arn) => this.acm.info(arn);
    this.acm.inUseBy = (arn) => this.elbv2.usingCertificate(arn);
    const bare = (dns: string) => dns.toLowerCase().replace(/\.$/, '').replace(/^dualstack\./, '');
    this.route53.aliasTargetExists = (zoneId, dns) => zoneId !== ALB_HOSTED_ZONE_ID || [...this.elbv2.loadBalancers.values()].some((lb) => lb.dnsName === bare(dns));
    this.lb.resolveAlias = (host) => this.route53.resolve(host, 'A')[0]?.AliasTarget?.DNSName ?? this.route53.resolve(host, 'CNAME')[0]?.ResourceRecords?.[0];
  }

  /** The ACTIVE ECS service behind an Application Auto Scaling resource ID `service/<cluster>/<name>`. */
  private scaledService(resourceId: string) {
    const [, cluster, name] = resourceId.split('/');
    return this.ecs.services.find((s) => s.cluster.name === cluster && s.name === name && s.status === 'ACTIVE');
  }

  async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    await this.lb.start();
  }

  /** The environment a child process needs to talk to this fake (and nothing else). */
  get env(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL: this.url,
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_EC2_METADATA_DISABLED: 'true',
      // how a client reaches the fake load balancers: see the note at the top of elbv2.ts
      L2F_CONNECT_TO: `:80:127.0.0.1:${this.lb.frontPorts.http},:443:127.0.0.1:${this.lb.frontPorts.https}`,
      NODE_EXTRA_CA_CERTS: this.ca.caFile,
    };
  }

  /** Serves another backend (or replaces one) under its SigV4 signing name. */
  register(signingName: string, def: ServiceDef): void {
    this.services[signingName] = def;
  }

  /** The next matching request(s) break AWS's rules on purpose: answered as AWS would, not counted against the suite. */
  expectInvalid(m: ExpectInvalid = {}): void {
    this.violations.expect(m);
  }

  inject(fault: Fault): void {
    this.faults.add(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  writeRequests(): RecordedRequest[] {
    return this.requests.filter((r) => !isReadOperation(r.operation));
  }

  resetRequests(): void {
    this.requests.length = 0;
  }

  putStack(name: string, outputs: Record<string, string> = {}, tags: Record<string, string> = {}): void {
    this.cfn.putStack(name, outputs, tags);
  }

  /** Stands in for `docker push` when no registry backs ECR. */
  putImage(repository: string, tag: string, digest = `sha256:${hex(32)}`): string {
    this.ecr.putImage(repository, tag, digest);
    return digest;
  }

  /** Everything the fake holds that a user would have to pay for or clean up. */
  async snapshot(): Promise<Snapshot> {
    const images: string[] = [];
    for (const name of this.ecr.repositories.keys()) {
      for (const img of await this.ecr.images(name)) images.push(`${name}@${img.digest}`);
    }
    return {
      repositories: [...this.ecr.repositories.keys()],
      images,
      roles: [...this.iam.roles.keys()],
      logGroups: [...this.logs.groups.keys()],
      securityGroups: [...this.ec2.groups.values()].filter((g) => g.groupName !== 'default').map((g) => `${g.groupId} ${g.groupName}`),
      networkInterfaces: [...this.ec2.enis.keys()],
      clusters: [...this.ecs.clusters.values()].filter((c) => c.status === 'ACTIVE').map((c) => c.name),
      taskDefinitions: this.ecs.taskDefs().filter((t) => t.status !== 'DELETE_IN_PROGRESS').map((t) => `${t.family}:${t.revision}`),
      services: this.ecs.services.filter((s) => s.status !== 'INACTIVE').map((s) => `${s.cluster.name}/${s.name}`),
      tasks: this.ecs.tasks.filter((t) => t.lastStatus !== 'STOPPED').map((t) => t.arn),
      stacks: [...this.cfn.stacks.keys()],
      loadBalancers: [...this.elbv2.loadBalancers.values()].map((lb) => lb.name),
      targetGroups: [...this.elbv2.targetGroups.values()].map((tg) => tg.name),
      listeners: [...this.elbv2.listeners.values()].map((l) => `${l.arn.split('/')[2]}:${l.port}`),
      certificates: [...this.acm.certificates.values()].map((c) => `${c.domainName} ${c.arn}`),
      dnsRecords: this.route53.written(),
      scalableTargets: [...this.autoscaling.targets.values()].map((t) => `${t.namespace}:${t.resourceId}`),
      parameters: [...this.ssm.parameters.keys()],
      secrets: [...this.secretsManager.secrets.values()].map((s) => s.ARN),
    };
  }

  private stopping: Promise<void> | undefined;

  /** Stops every task (and removes its container), then closes the server; safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.scheduler.shutdown();
      await this.lb.stop();
      this.ca.cleanup();
      await this.ecr.cleanupRegistry();
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
    })();
    return this.stopping;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (req.url?.startsWith('/_fake/')) return this.control(req, res, body.toString('utf8'));
    if (this.sideDoor(req, res)) return;
    const reply = await this.answer(req, body);
    res.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) });
    res.end(reply.body);
  }

  /** What a task or a tool fetches from the fake outside the AWS APIs: task credentials, Lambda code links. */
  private sideDoor(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '';
    if (req.method !== 'GET') return false;
    if (url.startsWith(CREDENTIALS_PATH)) {
      const { status, body } = this.credentials.answer(url.split('?')[0]!);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
      return true;
    }
    if (url.startsWith(LAMBDA_CODE_PATH)) {
      const { status, type, body } = this.lambda.codeAnswer(url);
      res.writeHead(status, { 'content-type': type, 'content-length': body.length });
      res.end(body);
      return true;
    }
    return false;
  }

  private async answer(req: IncomingMessage, body: Buffer): Promise<WireResponse> {
    const name = serviceOf(req);
    const def = name ? this.services[name] : undefined;
    const codec = def && codecFor(def.protocol);
    if (!name || !def || !codec) {
      const why = def ? `has no codec for protocol '${def.protocol}' yet` : 'does not serve it';
      return { status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ __type: 'UnknownService', message: `fake-aws: '${name ?? 'unknown'}': fake-aws ${why}` }) };
    }
    const wire = wireRequest(req, body);
    const record: RecordedRequest = { service: name, operation: '', params: {}, status: 200 };
    let reply: WireResponse;
    try {
      const { operation, params } = codec.decode(wire, def);
      record.operation = operation;
      record.params = params;
      const broken = this.validator.check(name, def.protocol, operation, params, wire);
      if (broken.length) {
        const refusal = this.validator.error(name, def.protocol, broken);
        this.violations.note(name, operation, broken, refusal);
        throw refusal;
      }
      const injected = this.faults.take(name, operation, codec.throttling);
      if (injected) throw injected;
      const op = def.ops[operation];
      if (!op) throw new AwsError(codec.unknownOperation.code, `fake-aws: ${name} ${operation} is not implemented`, codec.unknownOperation.status);
      reply = codec.encode(operation, await op(params, { accessKeyId: accessKeyOf(req) }), def, wire);
    } catch (err) {
      const e = err instanceof AwsError ? err : new AwsError(codec.internalError, `fake-aws: ${(err as Error).message}`, 500);
      record.error = e.code;
      reply = codec.error(e, def, wire);
    }
    record.status = reply.status;
    this.requests.push(record);
    return reply;
  }

  private async control(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    try {
      const path = (req.url ?? '').split('?')[0];
      if (req.method === 'GET' && path === '/_fake/requests') return send(200, this.requests);
      if (req.method === 'GET' && path === '/_fake/snapshot') return send(200, await this.snapshot());
      if (req.method === 'GET' && path === '/_fake/knobs') return send(200, this.knobs);
      if (req.method === 'POST' && path === '/_fake/knobs') {
        Object.assign(this.knobs, JSON.parse(body) as Partial<Knobs>);
        return send(200, this.knobs);
      }
      if (req.method === 'POST' && path === '/_fake/inject') {
        const fault = JSON.parse(body) as Fault;
        const inner = 'throttle' in fault ? fault.throttle : fault.fail;
        if (inner.count === null || (inner.count as unknown) === 'Infinity') inner.count = Infinity;
        this.inject(fault);
        return send(200, { ok: true });
      }
      if (req.method === 'POST' && path === '/_fake/expect-invalid') {
        const m = JSON.parse(body || '{}') as ExpectInvalid;
        if ((m.count as unknown) === 'Infinity' || m.count === null) m.count = Infinity;
        this.expectInvalid(m);
        return send(200, { ok: true });
      }
      if (req.method === 'GET' && path === '/_fake/violations') return send(200, this.violations.answered);
      if (req.method === 'POST' && path === '/_fake/reset-requests') {
        this.resetRequests();
        return send(200, { ok: true });
      }
      if (req.method === 'POST' && path === '/_fake/route53/zones') {
        const { name } = JSON.parse(body) as { name: string };
        return send(200, { id: this.route53.createZone(name).id });
      }
      if (req.method === 'POST' && path === '/_fake/autoscaling/scale') {
        const { resourceId, count } = JSON.parse(body) as { resourceId: string; count: number };
        return send(200, { desiredCount: this.autoscaling.scaleTo(resourceId, count) });
      }
      return send(404, { message: `no control endpoint ${req.method} ${path}` });
    } catch (err) {
      return send(400, { message: (err as Error).message });
    }
  }
}

export async function startFakeAws(opts: FakeAwsOptions = {}): Promise<FakeAws> {
  const fake = new FakeAws(opts);
  await fake.listen(opts.port ?? 0);
  return fake;
}
