import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DeleteSecurityGroupCommand, DescribeNetworkInterfacesCommand } from '@aws-sdk/client-ec2';
import {
  AddTagsCommand,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ModifyListenerCommand,
  ModifyLoadBalancerAttributesCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  RemoveTagsCommand,
  SetSecurityGroupsCommand,
  waitUntilLoadBalancersDeleted,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { startFakeAws, type FakeAws } from './index.ts';
import { activeAlb, defaultSubnets, groupAdmitting, targetGroup, type Alb } from './lb-fixture.ts';
import { rejection, sdkClients, waitFor } from './sdk.ts';

describe('fake ELBv2 control plane through the real SDK', () => {
  let fake: FakeAws;
  let aws: ReturnType<typeof sdkClients>;
  let subnets: string[] = [];
  let alb: Alb;
  const vpcId = () => fake.ec2.defaultVpc.vpcId;
  before(async () => {
    fake = await startFakeAws({ lbProvisioningMs: 200, lbEniLingerMs: 400, lbSecondMs: 10 });
    aws = sdkClients(fake);
    subnets = await defaultSubnets(aws);
  });
  after(() => fake.stop());

  test('a load balancer needs two subnets in two zones, and a name of at most 32 characters that does not start with internal-', async () => {
    const one = await rejection(aws.elbv2.send(new CreateLoadBalancerCommand({ Name: 'one-zone', Subnets: [subnets[0] ?? ''] })));
    assert.equal(one.name, 'ValidationError');
    assert.equal(one.message, 'At least two subnets in two different Availability Zones must be specified');
    const long = await rejection(aws.elbv2.send(new CreateLoadBalancerCommand({ Name: 'x'.repeat(33), Subnets: subnets.slice(0, 2) })));
    assert.equal(long.message, `The load balancer name '${'x'.repeat(33)}' cannot be longer than '32' characters`);
    const internal = await rejection(aws.elbv2.send(new CreateLoadBalancerCommand({ Name: 'internal-app', Subnets: subnets.slice(0, 2) })));
    assert.equal(internal.name, 'ValidationError');
    const missing = await rejection(aws.elbv2.send(new CreateLoadBalancerCommand({ Name: 'nosubnet', Subnets: ['subnet-00000000', subnets[0] ?? ''] })));
    assert.equal(missing.name, 'SubnetNotFoundException');
    assert.equal(fake.elbv2.loadBalancers.size, 0);
  });

  test('a new load balancer is provisioning, then active; it has an AWS-shaped DNS name and the ALB hosted zone', async () => {
    const groupId = await groupAdmitting(aws, 'web-alb', 80, { cidr: '0.0.0.0/0' });
    const out = await aws.elbv2.send(new CreateLoadBalancerCommand({ Name: 'web', Subnets: subnets.slice(0, 2), SecurityGroups: [groupId], Tags: [{ Key: 'managed-by', Value: 'lambda2fargate' }] }));
    const lb = out.LoadBalancers?.[0];
    assert.equal(lb?.State?.Code, 'provisioning');
    assert.equal(lb?.Scheme, 'internet-facing');
    assert.equal(lb?.Type, 'application');
    assert.match(lb?.DNSName ?? '', /^web-\d{10}\.us-east-1\.elb\.amazonaws\.com$/);
    assert.equal(lb?.CanonicalHostedZoneId, 'Z35SXDOTRQ7X7K');
    assert.deepEqual(lb?.SecurityGroups, [groupId]);
    assert.equal(lb?.AvailabilityZones?.length, 2);
    assert.match(lb?.LoadBalancerArn ?? '', /^arn:aws:elasticloadbalancing:us-east-1:\d{12}:loadbalancer\/app\/web\/[0-9a-f]{16}$/);
    const again = await aws.elbv2.send(new CreateLoadBalancerCommand({ Name: 'web', Subnets: subnets.slice(0, 2), SecurityGroups: [groupId] }));
    assert.equal(again.LoadBalancers?.[0]?.LoadBalancerArn, lb?.LoadBalancerArn, 'the same settings answer the same load balancer');
    const other = await rejection(aws.elbv2.send(new CreateLoadBalancerCommand({ Name: 'web', Subnets: subnets.slice(1, 3), SecurityGroups: [groupId] })));
    assert.equal(other.name, 'DuplicateLoadBalancerNameException');
    await waitFor('active', async () => (await aws.elbv2.send(new DescribeLoadBalancersCommand({ Names: ['web'] }))).LoadBalancers?.[0]?.State?.Code === 'active');
    const enis = await aws.ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
    assert.equal(enis.NetworkInterfaces?.length, 2, 'one network interface per zone, in its security group');
    alb = { arn: lb?.LoadBalancerArn ?? '', dnsName: lb?.DNSName ?? '', groupId };
  });

  test('DescribeLoadBalancers answers LoadBalancerNotFound for a name or ARN that does not exist', async () => {
    const byName = await rejection(aws.elbv2.send(new DescribeLoadBalancersCommand({ Names: ['nope'] })));
    assert.equal(byName.name, 'LoadBalancerNotFoundException');
    const byArn = await rejection(aws.elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [alb.arn.replace(/[0-9a-f]{16}$/, '0'.repeat(16))] })));
    assert.equal(byArn.message, 'One or more load balancers not found');
    const found = await aws.elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [alb.arn] }));
    assert.equal(found.LoadBalancers?.[0]?.LoadBalancerName, 'web');
  });

  test('the idle timeout is an attribute: 60 s by default, changed by ModifyLoadBalancerAttributes, unknown keys refused', async () => {
    const before = await aws.elbv2.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: alb.arn }));
    assert.equal(before.Attributes?.find((a) => a.Key === 'idle_timeout.timeout_seconds')?.Value, '60');
    await aws.elbv2.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: alb.arn, Attributes: [{ Key: 'idle_timeout.timeout_seconds', Value: '30' }] }));
    const after = await aws.elbv2.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: alb.arn }));
    assert.equal(after.Attributes?.find((a) => a.Key === 'idle_timeout.timeout_seconds')?.Value, '30');
    const bad = await rejection(aws.elbv2.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: alb.arn, Attributes: [{ Key: 'idle.timeout', Value: '1' }] })));
    assert.equal(bad.name, 'InvalidConfigurationRequestException');
    const range = await rejection(aws.elbv2.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: alb.arn, Attributes: [{ Key: 'idle_timeout.timeout_seconds', Value: '0' }] })));
    assert.equal(range.name, 'InvalidConfigurationRequestException');
  });

  test('SetSecurityGroups replaces the groups of the load balancer and of its network interfaces', async () => {
    const second = await groupAdmitting(aws, 'web-alb-2', 443, { cidr: '0.0.0.0/0' });
    const out = await aws.elbv2.send(new SetSecurityGroupsCommand({ LoadBalancerArn: alb.arn, SecurityGroups: [alb.groupId, second] }));
    assert.deepEqual(out.SecurityGroupIds, [alb.groupId, second]);
    const enis = await aws.ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'group-id', Values: [second] }] }));
    assert.equal(enis.NetworkInterfaces?.length, 2);
    const missing = await rejection(aws.elbv2.send(new SetSecurityGroupsCommand({ LoadBalancerArn: alb.arn, SecurityGroups: ['sg-00000000'] })));
    assert.equal(missing.name, 'InvalidSecurityGroupException');
  });

  test('a target group of type ip keeps its health check settings and matcher; its deregistration delay defaults to 300 s', async () => {
    const arn = await targetGroup(aws, 'web-tg', vpcId(), { HealthCheckPath: '/healthz', Matcher: { HttpCode: '200-299' } });
    const out = await aws.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['web-tg'] }));
    const tg = out.TargetGroups?.[0];
    assert.equal(tg?.TargetGroupArn, arn);
    assert.equal(tg?.TargetType, 'ip');
    assert.equal(tg?.HealthCheckPath, '/healthz');
    assert.equal(tg?.HealthCheckPort, 'traffic-port');
    assert.equal(tg?.HealthCheckIntervalSeconds, 5);
    assert.equal(tg?.HealthyThresholdCount, 2);
    assert.equal(tg?.Matcher?.HttpCode, '200-299');
    assert.deepEqual(tg?.LoadBalancerArns, []);
    const attrs = await aws.elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }));
    assert.equal(attrs.Attributes?.find((a) => a.Key === 'deregistration_delay.timeout_seconds')?.Value, '300');
    await aws.elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '5' }] }));
    const changed = await aws.elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }));
    assert.equal(changed.Attributes?.find((a) => a.Key === 'deregistration_delay.timeout_seconds')?.Value, '5');
    const modified = await aws.elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: arn, HealthCheckPath: '/ready', HealthyThresholdCount: 3 }));
    assert.equal(modified.TargetGroups?.[0]?.HealthCheckPath, '/ready');
    assert.equal(modified.TargetGroups?.[0]?.HealthCheckIntervalSeconds, 5, 'what ModifyTargetGroup does not name stays');
  });

  test('target group names are checked and unique; the same settings answer the same group', async () => {
    const long = await rejection(targetGroup(aws, 'y'.repeat(33), vpcId()));
    assert.equal(long.message, `Target group name '${'y'.repeat(33)}' cannot be longer than '32' characters`);
    const a = await targetGroup(aws, 'same-tg', vpcId());
    assert.equal(await targetGroup(aws, 'same-tg', vpcId()), a);
    const dup = await rejection(targetGroup(aws, 'same-tg', vpcId(), { Port: 9090 }));
    assert.equal(dup.name, 'DuplicateTargetGroupNameException');
    const interval = await rejection(aws.elbv2.send(new CreateTargetGroupCommand({ Name: 'bad-hc', Protocol: 'HTTP', Port: 80, VpcId: vpcId(), TargetType: 'ip', HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 5 })));
    assert.equal(interval.name, 'ValidationError');
    const none = await rejection(aws.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [a.replace(/[0-9a-f]{16}$/, '0'.repeat(16))] })));
    assert.equal(none.name, 'TargetGroupNotFoundException');
  });

  test('an HTTP listener forwards to a target group; HTTPS needs a certificate and a policy AWS lists; one listener per port', async () => {
    const tgArn = (await aws.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['web-tg'] }))).TargetGroups?.[0]?.TargetGroupArn ?? '';
    const created = await aws.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: alb.arn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }] }));
    const l = created.Listeners?.[0];
    assert.match(l?.ListenerArn ?? '', /:listener\/app\/web\/[0-9a-f]{16}\/[0-9a-f]{16}$/);
    assert.equal(l?.DefaultActions?.[0]?.TargetGroupArn, tgArn);
    const dup = await rejection(aws.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: alb.arn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }] })));
    assert.equal(dup.name, 'DuplicateListenerException');
    assert.equal(dup.message, `A listener already exists on this port for this load balancer '${alb.arn}'`);
    const noCert = await rejection(aws.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: alb.arn, Protocol: 'HTTPS', Port: 443, DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }] })));
    assert.equal(noCert.name, 'ValidationError');
    const policy = await rejection(
      aws.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: alb.arn, Protocol: 'HTTPS', Port: 443, SslPolicy: 'ELBSecurityPolicy-TLS13-9-9-2099', Certificates: [{ CertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/x' }], DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }] })),
    );
    assert.equal(policy.name, 'SSLPolicyNotFoundException');
    const cert = await rejection(
      aws.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: alb.arn, Protocol: 'HTTPS', Port: 443, SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06', Certificates: [{ CertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/x' }], DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }] })),
    );
    assert.equal(cert.name, 'CertificateNotFoundException');
    const sslOnHttp = await rejection(aws.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: alb.arn, Protocol: 'HTTP', Port: 8080, SslPolicy: 'ELBSecurityPolicy-2016-08', DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }] })));
    assert.equal(sslOnHttp.message, 'An SSL policy cannot be specifed for HTTP listeners');
    const groups = await aws.elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: alb.arn }));
    assert.deepEqual(groups.TargetGroups?.map((g) => g.TargetGroupName), ['web-tg'], 'the group now belongs to the load balancer');
  });

  test('a listener can become a redirect to HTTPS; DescribeListeners shows it; a deleted listener is not found', async () => {
    const listeners = await aws.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: alb.arn }));
    const arn = listeners.Listeners?.[0]?.ListenerArn ?? '';
    await aws.elbv2.send(new ModifyListenerCommand({ ListenerArn: arn, DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }] }));
    const after = await aws.elbv2.send(new DescribeListenersCommand({ ListenerArns: [arn] }));
    const r = after.Listeners?.[0]?.DefaultActions?.[0]?.RedirectConfig;
    assert.deepEqual([r?.Protocol, r?.Port, r?.StatusCode, r?.Host, r?.Path], ['HTTPS', '443', 'HTTP_301', '#{host}', '/#{path}']);
    await aws.elbv2.send(new DeleteListenerCommand({ ListenerArn: arn }));
    const gone = await rejection(aws.elbv2.send(new DescribeListenersCommand({ ListenerArns: [arn] })));
    assert.equal(gone.name, 'ListenerNotFoundException');
    const again = await rejection(aws.elbv2.send(new DeleteListenerCommand({ ListenerArn: arn })));
    assert.equal(again.name, 'ListenerNotFoundException');
  });

  test('tags go on load balancers, target groups and listeners; a missing resource is not found', async () => {
    const tgArn = (await aws.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['web-tg'] }))).TargetGroups?.[0]?.TargetGroupArn ?? '';
    await aws.elbv2.send(new AddTagsCommand({ ResourceArns: [alb.arn, tgArn], Tags: [{ Key: 'lambda2fargate:service', Value: 'web' }] }));
    await aws.elbv2.send(new RemoveTagsCommand({ ResourceArns: [alb.arn], TagKeys: ['managed-by'] }));
    const tags = await aws.elbv2.send(new DescribeTagsCommand({ ResourceArns: [alb.arn, tgArn] }));
    assert.deepEqual(tags.TagDescriptions?.map((d) => d.Tags?.map((t) => `${t.Key}=${t.Value}`)), [['lambda2fargate:service=web'], ['lambda2fargate:service=web']]);
    const missing = await rejection(aws.elbv2.send(new DescribeTagsCommand({ ResourceArns: [alb.arn.replace(/[0-9a-f]{16}$/, '0'.repeat(16))] })));
    assert.equal(missing.name, 'LoadBalancerNotFoundException');
  });

  test('a target group in use by a listener cannot be deleted; once free it can, and deleting it twice succeeds', async () => {
    const tgArn = await targetGroup(aws, 'busy-tg', vpcId());
    const listener = await aws.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: alb.arn, Protocol: 'HTTP', Port: 8081, DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }] }));
    const busy = await rejection(aws.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: tgArn })));
    assert.equal(busy.name, 'ResourceInUseException');
    assert.equal(busy.message, `Target group '${tgArn}' is currently in use by a listener or a rule`);
    await aws.elbv2.send(new DeleteListenerCommand({ ListenerArn: listener.Listeners?.[0]?.ListenerArn }));
    await aws.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: tgArn }));
    await aws.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: tgArn }));
    const health = await rejection(aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn })));
    assert.equal(health.name, 'TargetGroupNotFoundException');
  });

  test('a deleted load balancer takes its listeners; its network interfaces linger, so its security group is a dependency for a while', async () => {
    await aws.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: alb.arn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', MessageBody: 'ok' } }] }));
    await aws.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: alb.arn }));
    await waitUntilLoadBalancersDeleted({ client: aws.elbv2, maxWaitTime: 10, minDelay: 1, maxDelay: 1 }, { LoadBalancerArns: [alb.arn] });
    assert.deepEqual((await fake.snapshot()).listeners, []);
    const early = await rejection(aws.ec2.send(new DeleteSecurityGroupCommand({ GroupId: alb.groupId })));
    assert.equal(early.name, 'DependencyViolation');
    await waitFor('ENIs gone', async () => (await fake.snapshot()).networkInterfaces.length === 0);
    await aws.ec2.send(new DeleteSecurityGroupCommand({ GroupId: alb.groupId }));
    await aws.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: alb.arn }));
  });

  test('deletion protection keeps a load balancer', async () => {
    const lb = await activeAlb(aws, 'kept');
    await aws.elbv2.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: lb.arn, Attributes: [{ Key: 'deletion_protection.enabled', Value: 'true' }] }));
    const refused = await rejection(aws.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb.arn })));
    assert.equal(refused.name, 'OperationNotPermittedException');
    await aws.elbv2.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: lb.arn, Attributes: [{ Key: 'deletion_protection.enabled', Value: 'false' }] }));
    await aws.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb.arn }));
    assert.deepEqual((await fake.snapshot()).loadBalancers, []);
  });
});
