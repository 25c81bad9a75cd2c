import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadBalancerNames } from '../../scripts/manifest/load-balancer.ts';
import type { LoadBalancerSettings, ResolvedService } from '../../scripts/manifest/types.ts';
import { desiredAlbSecurityGroup } from '../../scripts/resources/alb-security-group.ts';
import { connectRules, connectTarget } from '../../scripts/resources/http-get.ts';
import { desiredListeners, planListeners } from '../../scripts/resources/listeners.ts';
import type { LiveListener } from '../../scripts/resources/listeners.ts';
import { desiredLoadBalancer, planLoadBalancer } from '../../scripts/resources/load-balancer.ts';
import { rolloutLowerBound } from '../../scripts/resources/rollout-bound.ts';
import { desiredScaling, planScaling, resourceLabel } from '../../scripts/resources/scaling.ts';
import { desiredSecurityGroup } from '../../scripts/resources/security-group.ts';
import { desiredService, liveSettings, planService, updateInput } from '../../scripts/resources/service.ts';
import { containerEnvironment } from '../../scripts/resources/task-definition.ts';
import { countTargets, desiredTargetGroup, planTargetGroup } from '../../scripts/resources/target-group.ts';
import type { LiveTargetGroup } from '../../scripts/resources/target-group.ts';
import { ownershipProblem, tagsFor } from '../../scripts/resources/types.ts';
import { service } from './fixtures.ts';

const LB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web-test/50dc6c495c0c9188';
const TG_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-test/73e2d6bc24d8a067';
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';

function lbSettings(overrides: Partial<LoadBalancerSettings> = {}): LoadBalancerSettings {
  return {
    names: loadBalancerNames('web', 'test'),
    idleTimeout: 60,
    healthCheck: { path: '/healthz', interval: 10, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3, matcher: '200' },
    deregistrationDelay: 15,
    gracePeriod: 30,
    sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    at: {},
    ...overrides,
  };
}

const balanced = (lb: Partial<LoadBalancerSettings> = {}, extra: Partial<ResolvedService> = {}) => service({ loadBalancer: lbSettings(lb), ...extra });

describe('security groups in load-balanced mode', () => {
  test('the load balancer admits 80 from network.allowedCidrs, and 443 too with a domain', () => {
    const svc = balanced({}, { network: { publicIp: true, allowedCidrs: ['203.0.113.0/24'] } });
    const plain = desiredAlbSecurityGroup(svc, svc.loadBalancer!, 'vpc-1');
    assert.deepEqual(plain.ingress.map((r) => `${r.fromPort} ${r.source.value}`), ['80 203.0.113.0/24']);
    const https = desiredAlbSecurityGroup(svc, lbSettings({ domain: 'api.example.com' }), 'vpc-1');
    assert.deepEqual(https.ingress.map((r) => `${r.fromPort} ${r.source.value}`), ['80 203.0.113.0/24', '443 203.0.113.0/24']);
    assert.match(https.description, /^[\w .\-:/()#,@[\]+=&;{}!$*]+$/, 'EC2 GroupDescription characters only');
  });

  test('the service admits its port only from the load balancer’s group, no CIDR', () => {
    const g = desiredSecurityGroup(balanced(), 'vpc-1', 'sg-alb');
    assert.deepEqual(g.ingress.map((r) => [r.fromPort, r.source]), [[3000, { kind: 'group', value: 'sg-alb' }]]);
    assert.match(g.description, /^[\w .\-:/()#,@[\]+=&;{}!$*]+$/, 'EC2 GroupDescription characters only');
  });
});

describe('load balancer and target group plans', () => {
  const live = (settings: { subnets: string[]; securityGroups: string[]; idleTimeout: number }, tags = tagsFor(balanced())) => ({
    arn: LB_ARN, name: 'web-test', dnsName: 'web-test-1.us-east-1.elb.amazonaws.com', hostedZoneId: 'Z35SXDOTRQ7X7K', state: 'active', scheme: 'internet-facing', type: 'application', vpcId: 'vpc-1', settings, tags,
  });

  test('an unchanged load balancer plans no change; a new idle timeout is one field', () => {
    const svc = balanced();
    const desired = desiredLoadBalancer(svc, svc.loadBalancer!, { vpcId: 'vpc-1', subnets: ['subnet-b', 'subnet-a'], securityGroupId: 'sg-alb' });
    assert.equal(planLoadBalancer(svc, live({ subnets: ['subnet-a', 'subnet-b'], securityGroups: ['sg-alb'], idleTimeout: 60 }), desired).action, 'unchanged');
    const changed = planLoadBalancer(svc, live({ subnets: ['subnet-a', 'subnet-b'], securityGroups: ['sg-alb'], idleTimeout: 120 }), desired);
    assert.deepEqual(changed.changes, [{ path: 'idleTimeout', from: 120, to: 60 }]);
  });

  test('a same-named load balancer without our tags is neither changed nor adopted', () => {
    const svc = balanced();
    const desired = desiredLoadBalancer(svc, svc.loadBalancer!, { vpcId: 'vpc-1', subnets: ['subnet-a', 'subnet-b'], securityGroupId: 'sg-alb' });
    const plan = planLoadBalancer(svc, live({ subnets: [], securityGroups: [], idleTimeout: 60 }, {}), desired);
    assert.match(ownershipProblem(plan, svc, false)?.message ?? '', /^load balancer web-test: it exists but was not created by lambda2fargate/);
    assert.equal(ownershipProblem(plan, svc, true), undefined, 'ADOPT=1 takes it over');
  });

  test('the target group diff names each health check field and the deregistration delay', () => {
    const svc = balanced();
    const desired = desiredTargetGroup(svc, svc.loadBalancer!, 'vpc-1');
    const aws: LiveTargetGroup = {
      arn: TG_ARN, name: 'web-test', port: 3000, protocol: 'HTTP', targetType: 'ip', vpcId: 'vpc-1', loadBalancerArns: [LB_ARN],
      healthCheck: { path: '/healthz', interval: 30, timeout: 5, healthyThreshold: 5, unhealthyThreshold: 3, matcher: '200' }, deregistrationDelay: 300, tags: tagsFor(svc),
    };
    assert.deepEqual(planTargetGroup(svc, aws, desired).changes, [
      { path: 'healthCheck.healthyThreshold', from: 5, to: 2 },
      { path: 'healthCheck.interval', from: 30, to: 10 },
      { path: 'deregistrationDelay', from: 300, to: 15 },
    ]);
    assert.throws(() => planTargetGroup(svc, { ...aws, port: 8080 }, desired), /cannot be changed in place/);
  });
});

describe('listener plans', () => {
  const live = (port: number, shape: LiveListener['shape']): LiveListener => ({ arn: `arn:listener/${port}`, shape, tags: tagsFor(balanced()) });

  test('without a domain: one HTTP:80 listener forwarding to the target group', () => {
    const svc = balanced();
    const plan = planListeners('web-test', [], desiredListeners(svc, svc.loadBalancer!, { loadBalancerArn: LB_ARN, targetGroupArn: TG_ARN }));
    assert.equal(plan.action, 'create');
    assert.deepEqual(plan.create, [{ port: 80, protocol: 'HTTP', action: { forward: TG_ARN } }]);
  });

  test('adding a domain turns 80 into a 301 to HTTPS and adds 443 with the certificate and the TLS policy', () => {
    const svc = balanced({ domain: 'api.example.com' });
    const desired = desiredListeners(svc, svc.loadBalancer!, { loadBalancerArn: LB_ARN, targetGroupArn: TG_ARN, certificateArn: CERT });
    const plan = planListeners('web-test', [live(80, { port: 80, protocol: 'HTTP', action: { forward: TG_ARN } })], desired);
    assert.equal(plan.action, 'update');
    assert.deepEqual(plan.modify.map((m) => m.want.action), [{ redirect: 'HTTPS:443' }]);
    assert.deepEqual(plan.create, [{ port: 443, protocol: 'HTTPS', action: { forward: TG_ARN }, certificate: CERT, sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' }]);
    assert.deepEqual(plan.remove, []);
  });

  test('removing the domain deletes the 443 listener and forwards 80 again; the same listeners plan nothing', () => {
    const svc = balanced();
    const desired = desiredListeners(svc, svc.loadBalancer!, { loadBalancerArn: LB_ARN, targetGroupArn: TG_ARN });
    const https = live(443, { port: 443, protocol: 'HTTPS', action: { forward: TG_ARN }, certificate: CERT, sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' });
    const plan = planListeners('web-test', [live(80, { port: 80, protocol: 'HTTP', action: { redirect: 'HTTPS:443' } }), https], desired);
    assert.deepEqual(plan.remove.map((l) => l.shape.port), [443]);
    assert.deepEqual(plan.modify.map((m) => m.want.action), [{ forward: TG_ARN }]);
    assert.equal(planListeners('web-test', [live(80, { port: 80, protocol: 'HTTP', action: { forward: TG_ARN } })], desired).action, 'unchanged');
  });
});

describe('the service in load-balanced mode', () => {
  const inputs = { taskDefinition: 'arn:td/web-test:1', subnets: ['subnet-a'], securityGroupId: 'sg-svc', targetGroupArn: TG_ARN };

  test('names its target group and container port, with the grace period', () => {
    const d = desiredService(balanced(), inputs);
    assert.deepEqual(d.settings.loadBalancers, [{ targetGroupArn: TG_ARN, containerName: 'web', containerPort: 3000 }]);
    assert.equal(d.settings.healthCheckGracePeriodSeconds, 30);
  });

  test('switching to it sends loadBalancers and the grace period; switching back sends loadBalancers: [] (and leaves the grace period)', () => {
    const pub = desiredService(service(), inputs).settings;
    const lb = desiredService(balanced(), inputs).settings;
    assert.deepEqual(Object.keys(updateInput(pub, lb)).sort(), ['healthCheckGracePeriodSeconds', 'loadBalancers']);
    const liveLb = liveSettings({ ...lb, networkConfiguration: { awsvpcConfiguration: lb.networkConfiguration } } as never);
    assert.deepEqual(updateInput(liveLb, pub), { loadBalancers: [] });
  });

  test('with scaling on, an existing service keeps the count the scaler chose; a new one starts at count within min–max', () => {
    const svc = balanced({}, { count: 1, scaling: { min: 2, max: 6, cpu: 60, scaleInCooldown: 120, scaleOutCooldown: 60 } });
    assert.equal(desiredService(svc, inputs).settings.desiredCount, 2);
    assert.equal(desiredService(svc, { ...inputs, liveDesiredCount: 5 }).settings.desiredCount, 5);
    const live = { arn: 'arn:svc', name: 'web-test', cluster: 'web-test', status: 'ACTIVE', tags: desiredService(svc, inputs).tags, raw: { ...desiredService(svc, { ...inputs, liveDesiredCount: 5 }).settings, networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a'], securityGroups: ['sg-svc'], assignPublicIp: 'ENABLED' } } } as never };
    assert.equal(planService(live, desiredService(svc, { ...inputs, liveDesiredCount: 5 })).action, 'unchanged');
  });

  test('the task definition tells the container it sits behind our ALB and to outlive its idle timeout; public-IP mode sets neither', () => {
    const names = (svc: ResolvedService) => Object.fromEntries(containerEnvironment(svc).map((e) => [e.name, e.value]));
    const lb = names(balanced({ idleTimeout: 120 }));
    assert.equal(lb.TRUST_PROXY, 'alb');
    assert.equal(lb.KEEP_ALIVE_TIMEOUT_SECONDS, '125');
    const pub = names(service());
    assert.equal(pub.TRUST_PROXY, undefined);
    assert.equal(pub.KEEP_ALIVE_TIMEOUT_SECONDS, undefined);
  });
});

describe('autoscaling plans', () => {
  const s = { min: 2, max: 6, cpu: 60, requestsPerTarget: 1000, scaleInCooldown: 120, scaleOutCooldown: 60 };

  test('the request count policy is labelled with the ARNs’ final parts', () => {
    assert.equal(resourceLabel(LB_ARN, TG_ARN), 'app/web-test/50dc6c495c0c9188/targetgroup/web-test/73e2d6bc24d8a067');
    const d = desiredScaling(balanced(), s, { loadBalancer: LB_ARN, targetGroup: TG_ARN });
    assert.deepEqual(d.policies.map((p) => [p.name, p.metric, p.target]), [['web-test-cpu', 'ECSServiceAverageCPUUtilization', 60], ['web-test-requests', 'ALBRequestCountPerTarget', 1000]]);
    assert.equal(d.resourceId, 'service/web-test/web-test');
  });

  test('the same scaler plans nothing; a new max registers again; a dropped metric deletes its policy', () => {
    const svc = balanced();
    const d = desiredScaling(svc, s, { loadBalancer: LB_ARN, targetGroup: TG_ARN });
    const live = { arn: 'arn:aas', min: 2, max: 6, policies: d.policies, tags: tagsFor(svc) };
    const same = planScaling(live, d);
    assert.deepEqual([same.action, same.register, same.put, same.remove], ['unchanged', false, [], []]);
    const more = planScaling(live, desiredScaling(svc, { ...s, max: 8 }, { loadBalancer: LB_ARN, targetGroup: TG_ARN }));
    assert.deepEqual([more.register, more.changes], [true, [{ path: 'max', from: 6, to: 8 }]]);
    const cpuOnly = planScaling(live, desiredScaling(svc, { ...s, requestsPerTarget: undefined }, { loadBalancer: LB_ARN, targetGroup: TG_ARN }));
    assert.deepEqual(cpuOnly.remove, ['web-test-requests']);
  });
});

describe('the rollout lower bound', () => {
  test('the defaults give 30 s task start + 10 s × 2 healthy checks + 15 s deregistration = 65 s', () => {
    const b = rolloutLowerBound(balanced());
    assert.equal(b?.seconds, 65);
    assert.match(b!.text, /task start ~30s \(assumed\) \+ health check 10s × 2 healthy \+ deregistration delay 15s/);
    assert.equal(rolloutLowerBound(service()), undefined, 'public-IP mode has no load balancer arithmetic');
  });

  test('AWS’s own defaults (30 s × 5, 300 s) would give 480 s', () => {
    const b = rolloutLowerBound(balanced({ healthCheck: { path: '/', interval: 30, timeout: 5, healthyThreshold: 5, unhealthyThreshold: 2, matcher: '200' }, deregistrationDelay: 300 }));
    assert.equal(b?.seconds, 480);
  });
});

describe('reaching a load balancer without DNS (L2F_CONNECT_TO, a test knob)', () => {
  test('curl’s --connect-to rules send a host:port elsewhere; no rule, no change', () => {
    const rules = connectRules(':80:127.0.0.1:4080,:443:127.0.0.1:4443');
    assert.deepEqual(connectTarget(new URL('http://web-test-1.us-east-1.elb.amazonaws.com/'), rules), { host: '127.0.0.1', port: 4080 });
    assert.deepEqual(connectTarget(new URL('https://api.example.com/x'), rules), { host: '127.0.0.1', port: 4443 });
    assert.deepEqual(connectTarget(new URL('http://203.0.113.5:3000/'), rules), { host: '203.0.113.5', port: 3000 });
    assert.deepEqual(connectTarget(new URL('https://api.example.com/'), []), { host: 'api.example.com', port: 443 });
    assert.deepEqual(connectTarget(new URL('http://a.example/'), connectRules('b.example:80:127.0.0.1:1,a.example::127.0.0.2:2')), { host: '127.0.0.2', port: 2 });
  });

  test('target counts read in a fixed order', () => {
    assert.equal(countTargets([{ id: 'a', state: 'draining' }, { id: 'b', state: 'healthy' }, { id: 'c', state: 'healthy' }, { id: 'd', state: 'initial' }]), '2 healthy, 1 initial, 1 draining');
    assert.equal(countTargets([]), 'no targets');
  });
});
