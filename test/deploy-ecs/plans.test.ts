import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Service } from '@aws-sdk/client-ecs';
import { lifecyclePolicy, planRepository } from '../../scripts/resources/ecr.ts';
import { diffValues } from '../../scripts/resources/diff.ts';
import { ECS_TASKS_TRUST, desiredRole, planRole } from '../../scripts/resources/iam.ts';
import { desiredSecurityGroup, flattenPermission, planSecurityGroup, toPermission } from '../../scripts/resources/security-group.ts';
import type { LiveSecurityGroup } from '../../scripts/resources/security-group.ts';
import { desiredService, planService, updateInput, liveSettings } from '../../scripts/resources/service.ts';
import type { LiveService } from '../../scripts/resources/service.ts';
import { tagsFor } from '../../scripts/resources/types.ts';
import { service } from './fixtures.ts';

test('lists of named entries diff by name, so reordering is no change and an added variable is one path', () => {
  const a = [{ name: 'A', value: '1' }, { name: 'B', value: '2' }];
  assert.deepEqual(diffValues(a, [...a].reverse()), []);
  assert.deepEqual(diffValues(a, [...a, { name: 'C', value: '3' }]), [{ path: 'C', from: undefined, to: '3' }]);
});

test('every resource carries the ownership tags and the manifest’s tags', () => {
  assert.deepEqual(tagsFor(service()), {
    team: 'blue',
    'managed-by': 'lambda2fargate',
    'lambda2fargate:service': 'web',
    'lambda2fargate:environment': 'test',
  });
});

test('an ECR repository with the same policy in other spacing and key order is unchanged; a different keep count is an update', () => {
  const svc = service();
  const policy = JSON.parse(lifecyclePolicy(10)) as { rules: Array<Record<string, unknown>> };
  const reordered = JSON.stringify({ rules: policy.rules.map((r) => Object.fromEntries(Object.entries(r).reverse())) }, null, 2);
  const live = { name: 'web-test', arn: 'arn', uri: 'uri', scanOnPush: true, lifecyclePolicy: reordered, tags: tagsFor(svc) };
  assert.equal(planRepository(live, { name: 'web-test', scanOnPush: true, lifecyclePolicy: lifecyclePolicy(10), tags: tagsFor(svc) }).action, 'unchanged');
  const plan = planRepository({ ...live, scanOnPush: false }, { name: 'web-test', scanOnPush: true, lifecyclePolicy: lifecyclePolicy(5), tags: tagsFor(svc) });
  assert.deepEqual(plan.changes.map((c) => c.path), ['imageScanningConfiguration.scanOnPush', 'lifecyclePolicy']);
});

test('a role whose trust lists the principal as an array with a Sid is unchanged; a missing managed policy is an update', () => {
  const svc = service();
  const d = desiredRole(svc);
  const trust = { Version: '2012-10-17', Statement: [{ Sid: 'x', Effect: 'Allow', Principal: { Service: ['ecs-tasks.amazonaws.com'] }, Action: ['sts:AssumeRole'] }] };
  const live = { name: d.name, arn: 'arn:role', trustPolicy: trust, attachedPolicyArns: d.policyArns, tags: tagsFor(svc) };
  assert.equal(planRole(live, d).action, 'unchanged');
  assert.equal(planRole({ ...live, attachedPolicyArns: [] }, d).action, 'update');
  const ec2 = { ...ECS_TASKS_TRUST, Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
  assert.deepEqual(planRole({ ...live, trustPolicy: ec2 }, d).changes.map((c) => c.path), ['assumeRolePolicy']);
});

function liveGroup(permissions: Parameters<typeof flattenPermission>[0][]): LiveSecurityGroup {
  return { id: 'sg-1', name: 'web-test-sg', vpcId: 'vpc-1', ingress: permissions.flatMap(flattenPermission), tags: tagsFor(service()) };
}

test('the security group allows only the container port from the manifest’s CIDRs: hand-added rules are revoked', () => {
  const svc = service({ network: { publicIp: true, allowedCidrs: ['10.0.0.0/8', '2001:db8::/32'] } });
  const live = liveGroup([
    { IpProtocol: 'tcp', FromPort: 3000, ToPort: 3000, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'old text' }, { CidrIp: '0.0.0.0/0' }] },
    { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '1.2.3.4/32' }] },
    { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-other' }] },
  ]);
  const plan = planSecurityGroup(live, desiredSecurityGroup(svc, 'vpc-1'));
  assert.equal(plan.action, 'update');
  assert.deepEqual(plan.authorize.map((r) => r.source.value), ['2001:db8::/32']);
  assert.deepEqual(plan.revoke.map((r) => `${r.protocol} ${r.fromPort ?? ''} ${r.source.value}`), ['tcp 3000 0.0.0.0/0', 'tcp 22 1.2.3.4/32', '-1  sg-other']);
  assert.deepEqual(toPermission(plan.authorize[0]!).Ipv6Ranges?.[0]?.CidrIpv6, '2001:db8::/32');
  assert.deepEqual(toPermission(plan.revoke[2]!), { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-other' }] });
});

test('a security group with exactly the wanted rule is unchanged, whatever the rule description', () => {
  const live = liveGroup([{ IpProtocol: 'tcp', FromPort: 3000, ToPort: 3000, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'by hand' }] }]);
  assert.equal(planSecurityGroup(live, desiredSecurityGroup(service(), 'vpc-1')).action, 'unchanged');
});

function liveService(s: Partial<Service>): LiveService {
  const raw: Service = {
    serviceArn: 'arn:svc',
    serviceName: 'web-test',
    status: 'ACTIVE',
    taskDefinition: 'arn:td:1',
    desiredCount: 1,
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-b', 'subnet-a'], securityGroups: ['sg-1'], assignPublicIp: 'ENABLED' } },
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true }, maximumPercent: 200, minimumHealthyPercent: 100 },
    propagateTags: 'SERVICE',
    enableECSManagedTags: true,
    ...s,
  };
  return { arn: 'arn:svc', name: 'web-test', cluster: 'web-test', status: raw.status!, raw, tags: tagsFor(service()) };
}

const inputs = { taskDefinition: 'arn:td:1', subnets: ['subnet-a', 'subnet-b'], securityGroupId: 'sg-1' };

test('a service as created is unchanged; a count change updates only desiredCount', () => {
  assert.equal(planService(liveService({}), desiredService(service(), inputs)).action, 'unchanged');
  const plan = planService(liveService({}), desiredService(service({ count: 3 }), inputs));
  assert.deepEqual(plan.changes, [{ path: 'desiredCount', from: 1, to: 3 }]);
  assert.deepEqual(updateInput(liveSettings(plan.live!.raw), plan.desired.settings), { desiredCount: 3 });
});

test('a new task definition revision updates only taskDefinition; public IP off changes the network configuration', () => {
  const live = liveService({});
  assert.deepEqual(updateInput(liveSettings(live.raw), desiredService(service(), { ...inputs, taskDefinition: 'arn:td:2' }).settings), { taskDefinition: 'arn:td:2' });
  const off = desiredService(service({ network: { publicIp: false, allowedCidrs: ['0.0.0.0/0'] } }), inputs);
  assert.deepEqual(planService(live, off).changes.map((c) => c.path), ['networkConfiguration.assignPublicIp']);
});

test('a service still draining from a deletion stops the deploy with what to do', () => {
  assert.throws(() => planService(liveService({ status: 'DRAINING' }), desiredService(service(), inputs)), /draining.*— wait/);
});
