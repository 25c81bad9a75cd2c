/**
 * The fake load balancers' data plane: real loopback HTTP(S) servers that forward to the healthy
 * targets, real health checks against every target, and draining that honours the
 * deregistration delay. Timings in AWS seconds are scaled by `knobs.lbSecondMs`.
 *
 * How a request is answered, as an Application Load Balancer answers it:
 * - the load balancer's security groups must admit the client on the listener port (else the
 *   connection is dropped — AWS lets it time out);
 * - the listener's default action: `redirect` (301/302 with Location), `fixed-response`, or
 *   `forward`: round robin over the target group's healthy targets; when every registered
 *   target is unhealthy the load balancer "fails open" and uses them all (ALB user guide, "Health
 *   checks for Application Load Balancer target groups"); no usable target → 503;
 * - forwarded requests carry X-Forwarded-For (the client address appended), X-Forwarded-Proto,
 *   X-Forwarded-Port (the listener's port) and X-Amzn-Trace-Id; a target that resets or closes the
 *   connection → 502; no answer within the idle timeout → 504; a target its security groups do not
 *   open to the load balancer's groups → 504 (AWS: after a connect timeout);
 * - draining targets get no new requests; requests in flight finish, or are cut when the
 *   deregistration delay ends.
 * NOT MODELLED: the client idle timeout per load balancer (the front ports keep connections 60 s);
 * HTTP/2; WebSocket upgrades; request size limits; the 460/463 codes; connection draining of
 * client connections on DeleteLoadBalancer (its servers close at once).
 */
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSecureContext } from 'node:tls';
import { hex } from './common.ts';
import type { Ec2 } from './ec2.ts';
import { inCidr, matches, type Action, type Elbv2, type Listener, type LoadBalancer, type Target, type TargetGroup } from './elbv2.ts';
import type { Knobs } from './knobs.ts';
import type { FakeCa } from './lb-tls.ts';

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer'];

/** The pages an ALB answers itself with. */
function elbPage(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n</body>\r\n</html>\r\n`;
  res.writeHead(status, { server: 'awselb/2.0', 'content-type': 'text/html', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const clientIp = (req: IncomingMessage) => (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');

type Probe = { ok: true } | { ok: false; reason: string; description: string };

/** One request a load balancer answered (for tests: which target served it). */
export interface Forwarded {
  loadBalancer: string;
  /** the target group's name, and the target as `<ip>:<port>`; absent when the load balancer answered itself */
  targetGroup?: string;
  target?: string;
  status: number;
}

export class LbTraffic {
  /** ports standing in for port 80 and port 443 of every load balancer (routing by Host / SNI) */
  frontPorts = { http: 0, https: 0 };
  /** a host name (a custom domain) → the DNS name its Route 53 alias record points at */
  resolveAlias: (host: string) => string | undefined = () => undefined;
  /** every request a listener answered, oldest first (the last 10 000) */
  readonly forwarded: Forwarded[] = [];
  private readonly own = new Map<string, { server: Server; port: number; key: string }>();
  private readonly pending = new Set<string>();
  private readonly roundRobin = new Map<string, number>();
  private readonly agent = new Agent({ keepAlive: true, timeout: 60_000 });
  private readonly front: Server[] = [];
  private readonly timer: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly elbv2: Elbv2,
    private readonly ec2: Ec2,
    private readonly knobs: Knobs,
    private readonly ca: FakeCa,
  ) {
    this.timer = setInterval(() => this.tick(), 25);
    this.timer.unref();
    elbv2.onChange = () => this.syncServers();
  }

  async start(): Promise<void> {
    await this.ca.started();
    const http = createServer((req, res) => this.routeByHost(req, res, 80));
    const https = createTlsServer({ SNICallback: (name, cb) => void this.contextFor(name).then((ctx) => cb(null, ctx), (err: Error) => cb(err)) }, (req, res) => this.routeByHost(req, res, 443));
    this.frontPorts = { http: await listen(http), https: await listen(https) };
    this.front.push(http, https);
  }

  /** `http(s)://127.0.0.1:<port>` of this listener port of the load balancer with this DNS name. */
  endpointOf(dnsName: string, port = 80): string {
    const lb = [...this.elbv2.loadBalancers.values()].find((x) => x.dnsName === dnsName.toLowerCase());
    const l = lb && this.elbv2.listenersOf(lb).find((x) => x.port === port);
    const own = l && this.own.get(l.arn);
    if (!lb || !l || !own) throw new Error(`fake-aws: no active load balancer ${dnsName} with a listener on port ${port}`);
    return `${l.protocol === 'HTTPS' ? 'https' : 'http'}://127.0.0.1:${own.port}`;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.agent.destroy();
    const servers = [...this.front, ...[...this.own.values()].map((o) => o.server)];
    this.own.clear();
    await Promise.all(servers.map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); })));
  }

  // ---- routing ---------------------------------------------------------------------------------

  /** The active load balancer a host name reaches: its own DNS name, or a Route 53 alias to it. */
  private lbFor(hostHeader: string): LoadBalancer | undefined {
    const host = hostHeader.replace(/:\d+$/, '').replace(/\.$/, '').toLowerCase();
    const all = [...this.elbv2.loadBalancers.values()].filter((lb) => lb.state === 'active');
    const direct = all.find((lb) => lb.dnsName === host);
    if (direct) return direct;
    const alias = this.resolveAlias(host)?.replace(/\.$/, '').replace(/^dualstack\./, '').toLowerCase();
    return alias ? all.find((lb) => lb.dnsName === alias) : undefined;
  }

  private routeByHost(req: IncomingMessage, res: ServerResponse, port: number): void {
    const host = String(req.headers.host ?? '');
    const lb = this.lbFor(host);
    const listener = lb && this.elbv2.listenersOf(lb).find((l) => l.port === port && l.protocol === (port === 443 ? 'HTTPS' : 'HTTP'));
    if (!lb || !listener) {
      // a real client would not get this far: the name would not resolve, or nothing would listen
      res.writeHead(421, { 'content-type': 'text/plain' });
      res.end(`fake-aws: no active load balancer answers ${host} on port ${port} (no load balancer DNS name or Route 53 alias record of that name, or no listener on the port)\n`);
      return;
    }
    this.answer(lb, listener, req, res);
  }

  private async contextFor(servername: string) {
    const lb = this.lbFor(servername);
    const l = lb && this.elbv2.listenersOf(lb).find((x) => x.port === 443 && x.protocol === 'HTTPS');
    if (!l) throw new Error(`no HTTPS listener answers ${servername}`);
    return createSecureContext(await this.ca.leaf(this.certNames(l)));
  }

  private certNames(l: Listener): string[] {
    const names = this.elbv2.certificate(l.certificates[0] ?? '')?.names;
    return names?.length ? names : ['fake-aws.invalid'];
  }

  /** Every listener of an active load balancer gets a loopback port of its own; gone listeners lose theirs. */
  private syncServers(): void {
    if (this.stopped) return;
    for (const [arn, own] of this.own) {
      const l = this.elbv2.listeners.get(arn);
      if (!l || !this.elbv2.loadBalancers.has(l.lbArn) || own.key !== this.serverKey(l)) {
        this.own.delete(arn);
        own.server.closeAllConnections();
        own.server.close();
      }
    }
    for (const l of this.elbv2.listeners.values()) {
      const lb = this.elbv2.loadBalancers.get(l.lbArn);
      if (!lb || lb.state !== 'active' || this.own.has(l.arn) || this.pending.has(l.arn)) continue;
      this.pending.add(l.arn);
      void this.serve(lb, l).finally(() => this.pending.delete(l.arn));
    }
  }

  private serverKey(l: Listener): string {
    return JSON.stringify([l.protocol, l.certificates]);
  }

  private async serve(lb: LoadBalancer, l: Listener): Promise<void> {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      const current = this.elbv2.listeners.get(l.arn);
      const currentLb = this.elbv2.loadBalancers.get(lb.arn);
      if (!current || !currentLb) return void req.socket.destroy();
      this.answer(currentLb, current, req, res);
    };
    const server = l.protocol === 'HTTPS' ? createTlsServer(await this.ca.leaf(this.certNames(l)), handler) : createServer(handler);
    const port = await listen(server);
    if (this.stopped || !this.elbv2.listeners.has(l.arn)) {
      server.close();
      return;
    }
    this.own.set(l.arn, { server, port, key: this.serverKey(l) });
  }

  // ---- answering -------------------------------------------------------------------------------

  private answer(lb: LoadBalancer, l: Listener, req: IncomingMessage, res: ServerResponse): void {
    if (!this.admitsClient(lb, l.port, clientIp(req))) return void req.socket.destroy();
    const record: Forwarded = { loadBalancer: lb.name, status: 0 };
    res.on('finish', () => {
      record.status = res.statusCode;
      this.forwarded.push(record);
      if (this.forwarded.length > 10_000) this.forwarded.splice(0, this.forwarded.length - 10_000);
    });
    const action = [...l.defaultActions].sort((a, b) => (a.Order ?? 0) - (b.Order ?? 0))[0];
    if (!action) return elbPage(res, 503, 'Service Temporarily Unavailable');
    if (action.Type === 'redirect') return this.redirect(action, l, req, res);
    if (action.Type === 'fixed-response') {
      const f = action.FixedResponseConfig;
      const body = f?.MessageBody ?? '';
      res.writeHead(Number(f?.StatusCode ?? 200), { server: 'awselb/2.0', 'content-type': f?.ContentType ?? 'text/plain', 'content-length': Buffer.byteLength(body) });
      return void res.end(body);
    }
    const tg = this.pickGroup(action);
    const target = tg && this.pickTarget(tg);
    if (!tg || !target) return elbPage(res, 503, 'Service Temporarily Unavailable');
    Object.assign(record, { targetGroup: tg.name, target: `${target.id}:${target.port}` });
    this.forward(lb, l, tg, target, req, res);
  }

  /** Location from RedirectConfig, `#{protocol}`, `#{host}`, `#{port}`, `#{path}`, `#{query}` kept (API reference, RedirectActionConfig). */
  private redirect(action: Action, l: Listener, req: IncomingMessage, res: ServerResponse): void {
    const r = action.RedirectConfig;
    const url = new URL(req.url ?? '/', 'http://x');
    const vars: Record<string, string> = {
      protocol: l.protocol.toLowerCase(),
      host: String(req.headers.host ?? '').replace(/:\d+$/, ''),
      port: String(l.port),
      path: url.pathname.slice(1),
      query: url.search.slice(1),
    };
    const fill = (v: string | undefined, dflt: string) => (v ?? dflt).replace(/#\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
    const protocol = fill(r?.Protocol, '#{protocol}').toLowerCase();
    const port = fill(r?.Port, '#{port}');
    const defaultPort = (protocol === 'https' && port === '443') || (protocol === 'http' && port === '80');
    const query = fill(r?.Query, '#{query}');
    const location = `${protocol}://${fill(r?.Host, '#{host}')}${defaultPort ? '' : `:${port}`}${fill(r?.Path, '/#{path}')}${query ? `?${query}` : ''}`;
    const status = r?.StatusCode === 'HTTP_302' ? 302 : 301;
    res.writeHead(status, { server: 'awselb/2.0', location, 'content-type': 'text/html', 'content-length': 0 });
    res.end();
  }

  private pickGroup(action: Action): TargetGroup | undefined {
    const weighted = action.ForwardConfig?.TargetGroups ?? (action.TargetGroupArn ? [{ TargetGroupArn: action.TargetGroupArn, Weight: 1 }] : []);
    const total = weighted.reduce((s, t) => s + (t.Weight ?? 1), 0);
    let pick = Math.random() * total;
    for (const t of weighted) {
      pick -= t.Weight ?? 1;
      if (pick < 0 || t === weighted.at(-1)) return this.elbv2.targetGroups.get(t.TargetGroupArn);
    }
    return undefined;
  }

  /** Round robin over healthy targets; with none healthy but some unhealthy, over those (fail open). */
  private pickTarget(tg: TargetGroup): Target | undefined {
    const healthy = tg.targets.filter((t) => t.state === 'healthy');
    const pool = healthy.length ? healthy : tg.targets.filter((t) => t.state === 'unhealthy');
    if (!pool.length) return undefined;
    const n = this.roundRobin.get(tg.arn) ?? 0;
    this.roundRobin.set(tg.arn, n + 1);
    return pool[n % pool.length];
  }

  private forward(lb: LoadBalancer, l: Listener, tg: TargetGroup, target: Target, req: IncomingMessage, res: ServerResponse): void {
    const host = this.reach(lb, target);
    if (!host) return elbPage(res, 504, 'Gateway Time-out');
    const headers: Record<string, string | string[] | undefined> = { ...req.headers };
    for (const h of HOP_BY_HOP) delete headers[h];
    const xff = req.headers['x-forwarded-for'];
    headers['x-forwarded-for'] = xff ? `${String(xff)}, ${clientIp(req)}` : clientIp(req);
    headers['x-forwarded-proto'] = l.protocol.toLowerCase();
    headers['x-forwarded-port'] = String(l.port);
    headers['x-amzn-trace-id'] = `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${hex(12)}`;
    const idleMs = Number(lb.attributes['idle_timeout.timeout_seconds'] ?? 60) * 1000;
    const upstream = request({ host, port: target.port, method: req.method, path: req.url, headers, agent: this.agent, timeout: idleMs });
    const flight = { abort: () => { upstream.destroy(); res.destroy(); } };
    target.inFlight.add(flight);
    res.on('close', () => target.inFlight.delete(flight));
    upstream.on('response', (up) => {
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !HOP_BY_HOP.includes(k)) out[k] = v;
      res.writeHead(up.statusCode ?? 502, out);
      up.pipe(res);
      up.on('error', () => res.destroy());
    });
    upstream.on('timeout', () => {
      upstream.destroy();
      elbPage(res, 504, 'Gateway Time-out');
    });
    upstream.on('error', () => elbPage(res, 502, 'Bad Gateway'));
    req.on('aborted', () => upstream.destroy());
    req.pipe(upstream);
  }

  // ---- security groups -------------------------------------------------------------------------

  private admitsClient(lb: LoadBalancer, port: number, ip: string): boolean {
    return lb.securityGroups.some((id) => this.ec2.groups.get(id)?.rules.some((r) => !r.egress && portIn(r, port) && !!r.cidrIpv4 && inCidr(ip, r.cidrIpv4)));
  }

  /** Where traffic to a target really goes, if its security groups let the load balancer in. */
  private reach(lb: LoadBalancer, target: Target): string | undefined {
    const eni = this.ec2.eniByPrivateIp(target.id);
    if (!eni?.hostIp) return undefined;
    const lbIps = lb.eniIds.map((id) => this.ec2.enis.get(id)?.privateIpAddress).filter((x): x is string => !!x);
    const open = eni.groupIds.some((id) =>
      this.ec2.groups.get(id)?.rules.some(
        (r) => !r.egress && portIn(r, target.port) && ((r.referencedGroupId && lb.securityGroups.includes(r.referencedGroupId)) || (r.cidrIpv4 && lbIps.some((ip) => inCidr(ip, r.cidrIpv4 ?? '')))),
      ),
    );
    return open ? eni.hostIp : undefined;
  }

  // ---- health checks and draining --------------------------------------------------------------

  private tick(): void {
    if (this.stopped) return;
    const now = Date.now();
    const sec = this.knobs.lbSecondMs;
    for (const tg of this.elbv2.targetGroups.values()) {
      for (const t of [...tg.targets]) {
        if (t.state === 'draining') {
          if (now >= (t.drainUntil ?? 0)) {
            for (const f of t.inFlight) f.abort();
            tg.targets.splice(tg.targets.indexOf(t), 1);
          }
          continue;
        }
        if (t.state === 'unused') continue;
        if (t.reason === 'Elb.RegistrationInProgress') {
          if (now - t.registeredAt < this.knobs.lbRegistrationMs) continue;
          Object.assign(t, { reason: 'Elb.InitialHealthChecking', description: 'Initial health checks in progress' });
        }
        if (t.checking || now - t.lastCheckAt < tg.healthCheck.intervalSeconds * sec) continue;
        t.checking = true;
        t.lastCheckAt = now;
        void this.probe(tg, t).then((result) => {
          t.checking = false;
          if (t.state === 'draining' || t.state === 'unused' || !tg.targets.includes(t)) return;
          this.record(tg, t, result);
        });
      }
    }
  }

  private record(tg: TargetGroup, t: Target, result: Probe): void {
    const h = tg.healthCheck;
    if (result.ok) {
      t.ok++;
      t.fail = 0;
      if (t.state === 'healthy') return;
      if (t.ok >= h.healthyThreshold) Object.assign(t, { state: 'healthy', reason: undefined, description: undefined });
      return;
    }
    t.fail++;
    t.ok = 0;
    if (t.state === 'unhealthy') Object.assign(t, { reason: result.reason, description: result.description });
    else if (t.fail >= h.unhealthyThreshold) Object.assign(t, { state: 'unhealthy', reason: result.reason, description: result.description });
  }

  private async probe(tg: TargetGroup, t: Target): Promise<Probe> {
    const h = tg.healthCheck;
    const timeoutMs = Math.max(h.timeoutSeconds * this.knobs.lbSecondMs, this.knobs.lbHealthTimeoutFloorMs);
    const timedOut: Probe = { ok: false, reason: 'Target.Timeout', description: 'Request timed out' };
    const lb = this.elbv2.loadBalancersOf(tg).find((x) => x.state === 'active');
    const host = lb && this.reach(lb, t);
    if (!host) {
      await new Promise((r) => setTimeout(r, timeoutMs).unref());
      return timedOut;
    }
    const port = h.port === 'traffic-port' ? t.port : Number(h.port);
    return new Promise<Probe>((resolve) => {
      const req = request({ host, port, path: h.path, method: 'GET', headers: { host: `${t.id}:${port}`, 'user-agent': 'ELB-HealthChecker/2.0', connection: 'close' }, timeout: timeoutMs }, (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        resolve(matches(h.matcher, status) ? { ok: true } : { ok: false, reason: 'Target.ResponseCodeMismatch', description: `Health checks failed with these codes: [${status}]` });
      });
      req.on('timeout', () => {
        req.destroy();
        resolve(timedOut);
      });
      req.on('error', () => resolve({ ok: false, reason: 'Target.FailedHealthChecks', description: 'Health checks failed' }));
      req.end();
    });
  }
}

function portIn(r: { ipProtocol: string; fromPort?: number; toPort?: number }, port: number): boolean {
  if (r.ipProtocol === '-1') return true;
  return r.ipProtocol === 'tcp' && port >= (r.fromPort ?? 0) && port <= (r.toPort ?? 65535);
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

