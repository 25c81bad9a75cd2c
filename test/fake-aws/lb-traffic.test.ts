import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthorizeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  ModifyTargetGroupAttributesCommand,
  RegisterTargetsCommand,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { startFakeAws, type FakeAws } from './index.ts';
import { activeAlb, forwardListener, get, getVia, groupAdmitting, targetGroup, testTarget, type Alb, type TestTarget } from './lb-fixture.ts';
import { sdkClients, waitFor } from './sdk.ts';

const ok = (body: string) => (_req: unknown, res: import('node:http').ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(body);
};

describe('fake load balancers really forward, health-check and drain', () => {
  let fake: FakeAws;
  let aws: ReturnType<typeof sdkClients>;
  let alb: Alb;
  let serviceGroup = '';
  const targets: TestTarget[] = [];
  const health = async (tgArn: string): Promise<TargetHealthDescription[]> => (await aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }))).TargetHealthDescriptions ?? [];
  const stateOf = async (tgArn: string, ip: string) => (await health(tgArn)).find((d) => d.Target?.Id === ip)?.TargetHealth;
  const target = async (handler: Parameters<typeof testTarget>[2], group = serviceGroup) => {
    const t = await testTarget(fake, group, handler);
    targets.push(t);
    return t;
  };

  before(async () => {
    fake = await startFakeAws({ lbProvisioningMs: 100, lbSecondMs: 10, lbHealthTimeoutFloorMs: 300, lbRegistrationMs: 30 });
    aws = sdkClients(fake);
    alb = await activeAlb(aws, 'fwd');
    // the listeners on other ports need the load balancer's group to admit them too
    await aws.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: alb.groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8081, ToPort: 8089, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    serviceGroup = await groupAdmitting(aws, 'fwd-svc', 8080, { groupId: alb.groupId });
  });
  after(async () => {
    await Promise.all(targets.map((t) => t.close()));
    await fake.stop();
  });

  test('requests to the load balancer DNS name go round robin to two healthy targets, with the X-Forwarded headers', async () => {
    const tg = await targetGroup(aws, 'fwd-two', fake.ec2.defaultVpc.vpcId);
    await forwardListener(aws, alb.arn, tg);
    const a = await target(ok('a'));
    const b = await target(ok('b'));
    await aws.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: a.ip, Port: a.port }, { Id: b.ip, Port: b.port }] }));
    const first = await stateOf(tg, a.ip);
    assert.equal(first?.State, 'initial');
    assert.match(first?.Reason ?? '', /^Elb\.(RegistrationInProgress|InitialHealthChecking)$/);
    await waitFor('both healthy', async () => (await health(tg)).every((d) => d.TargetHealth?.State === 'healthy'));
    assert.ok(a.seen.some((r) => r.url === '/health' && r.headers['user-agent'] === 'ELB-HealthChecker/2.0'), 'the health check probes its path');
    const bodies = [];
    for (let i = 0; i < 4; i++) {
      const r = await getVia(fake, `http://${alb.dnsName}/hello?x=1`, { 'x-forwarded-for': '203.0.113.9' });
      assert.equal(r.status, 200);
      bodies.push(r.body);
    }
    assert.deepEqual(bodies.sort(), ['a', 'a', 'b', 'b']);
    const seen = [...a.seen, ...b.seen].filter((r) => r.url === '/hello?x=1');
    assert.equal(seen.length, 4);
    assert.equal(seen[0]?.headers['x-forwarded-for'], '203.0.113.9, 127.0.0.1', 'the client address is appended');
    assert.equal(seen[0]?.headers['x-forwarded-proto'], 'http');
    assert.equal(seen[0]?.headers['x-forwarded-port'], '80');
    assert.equal(seen[0]?.headers.host, alb.dnsName);
    assert.match(String(seen[0]?.headers['x-amzn-trace-id']), /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    const served = fake.lb.forwarded.filter((f) => f.targetGroup === 'fwd-two').map((f) => f.target);
    assert.deepEqual(new Set(served), new Set([`${a.ip}:${a.port}`, `${b.ip}:${b.port}`]), 'the fake records which target served each request');
    const direct = await get(`${fake.lb.endpointOf(alb.dnsName, 80)}/hello`);
    assert.equal(direct.status, 200, 'the listener also has a loopback port of its own');
  });

  test('a host no load balancer or alias answers gets a clear 421 from the front port', async () => {
    const r = await getVia(fake, 'http://nothing.example.com/');
    assert.equal(r.status, 421);
    assert.match(r.body, /no active load balancer answers nothing\.example\.com/);
  });

  test('a target answering the wrong code turns unhealthy with the code, and healthy again once it answers 200', async () => {
    const tg = await targetGroup(aws, 'fwd-flaky', fake.ec2.defaultVpc.vpcId);
    let code = 503;
    const t = await target((_req, res) => {
      res.writeHead(code);
      res.end();
    });
    await aws.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: t.ip, Port: t.port }] }));
    const unused = await stateOf(tg, t.ip);
    assert.deepEqual([unused?.State, unused?.Reason], ['unused', 'Target.NotInUse'], 'no listener sends the group traffic yet');
    await forwardListener(aws, alb.arn, tg, 8082);
    await waitFor('unhealthy', async () => (await stateOf(tg, t.ip))?.State === 'unhealthy');
    const bad = await stateOf(tg, t.ip);
    assert.equal(bad?.Reason, 'Target.ResponseCodeMismatch');
    assert.equal(bad?.Description, 'Health checks failed with these codes: [503]');
    const failOpen = await get(`${fake.lb.endpointOf(alb.dnsName, 8082)}/`);
    assert.equal(failOpen.status, 503, 'with every target unhealthy the load balancer fails open and the target answers itself');
    code = 200;
    await waitFor('healthy again', async () => (await stateOf(tg, t.ip))?.State === 'healthy');
    const never = await aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg, Targets: [{ Id: '172.31.255.1', Port: 8080 }] }));
    assert.deepEqual([never.TargetHealthDescriptions?.[0]?.TargetHealth?.State, never.TargetHealthDescriptions?.[0]?.TargetHealth?.Reason], ['unused', 'Target.NotRegistered']);
  });

  test('a target whose security group does not admit the load balancer times out its health checks', async () => {
    const tg = await targetGroup(aws, 'fwd-closed', fake.ec2.defaultVpc.vpcId);
    await forwardListener(aws, alb.arn, tg, 8083);
    const closedGroup = await groupAdmitting(aws, 'fwd-closed-svc', 8080, { cidr: '10.0.0.0/8' });
    const t = await target(ok('never'), closedGroup);
    await aws.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: t.ip, Port: t.port }] }));
    await waitFor('unhealthy', async () => (await stateOf(tg, t.ip))?.State === 'unhealthy');
    assert.equal((await stateOf(tg, t.ip))?.Reason, 'Target.Timeout');
    assert.equal(t.seen.length, 0, 'nothing reached the target');
  });

  test('no registered target answers 503; a target that drops the connection answers 502', async () => {
    const tg = await targetGroup(aws, 'fwd-empty', fake.ec2.defaultVpc.vpcId);
    await forwardListener(aws, alb.arn, tg, 8084);
    const empty = await get(`${fake.lb.endpointOf(alb.dnsName, 8084)}/`);
    assert.equal(empty.status, 503);
    assert.equal(empty.headers.server, 'awselb/2.0');
    const t = await target((req, res) => {
      if (req.url === '/health') return ok('ok')(req, res);
      req.socket.destroy();
    });
    await aws.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: t.ip, Port: t.port }] }));
    await waitFor('healthy', async () => (await stateOf(tg, t.ip))?.State === 'healthy');
    const broken = await get(`${fake.lb.endpointOf(alb.dnsName, 8084)}/boom`);
    assert.equal(broken.status, 502);
    assert.match(broken.body, /502 Bad Gateway/);
  });

  test('a redirect listener answers 301 with the https Location for the same host, path and query', async () => {
    await aws.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: alb.arn, Protocol: 'HTTP', Port: 8085, DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }] }));
    const r = await get(`${fake.lb.endpointOf(alb.dnsName, 8085)}/a/b?c=d`, { host: 'api.example.com' });
    assert.equal(r.status, 301);
    assert.equal(r.headers.location, 'https://api.example.com/a/b?c=d');
  });

  test('a deregistered target drains for the deregistration delay: its in-flight request finishes, no new request reaches it', async () => {
    const tg = await targetGroup(aws, 'fwd-drain', fake.ec2.defaultVpc.vpcId);
    await aws.elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '60' }] }));
    await forwardListener(aws, alb.arn, tg, 8086);
    const slow = await target((req, res) => {
      if (req.url === '/slow') setTimeout(() => ok('slow done')(req, res), 300);
      else ok('old')(req, res);
    });
    const fresh = await target(ok('new'));
    await aws.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: slow.ip, Port: slow.port }] }));
    await waitFor('healthy', async () => (await stateOf(tg, slow.ip))?.State === 'healthy');
    const url = fake.lb.endpointOf(alb.dnsName, 8086);
    const inFlight = get(`${url}/slow`);
    await waitFor('request arrived', async () => slow.seen.some((r) => r.url === '/slow'));
    await aws.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: fresh.ip, Port: fresh.port }] }));
    await waitFor('new target healthy', async () => (await stateOf(tg, fresh.ip))?.State === 'healthy');
    const started = Date.now();
    await aws.elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: slow.ip, Port: slow.port }] }));
    const draining = await stateOf(tg, slow.ip);
    assert.deepEqual([draining?.State, draining?.Reason], ['draining', 'Target.DeregistrationInProgress']);
    const during = await Promise.all([1, 2, 3, 4].map(() => get(`${url}/next`)));
    assert.deepEqual(during.map((r) => r.body), ['new', 'new', 'new', 'new'], 'no new request goes to the draining target');
    const finished = await inFlight;
    assert.deepEqual([finished.status, finished.body], [200, 'slow done'], 'the in-flight request finished');
    await waitFor('drained', async () => (await stateOf(tg, slow.ip)) === undefined, 5000);
    const gone = await aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg, Targets: [{ Id: slow.ip, Port: slow.port }] }));
    assert.equal(gone.TargetHealthDescriptions?.[0]?.TargetHealth?.Reason, 'Target.NotRegistered');
    assert.ok(Date.now() - started >= 60 * 10 - 50, 'it drained for the delay (60 s × lbSecondMs 10)');
  });
});
