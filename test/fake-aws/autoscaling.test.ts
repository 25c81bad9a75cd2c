import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeleteScalingPolicyCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  ListTagsForResourceCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
  TagResourceCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CreateServiceCommand } from '@aws-sdk/client-ecs';
import { startFakeAws, type FakeAws } from './index.ts';
import { describeService, prepare, registerTaskDef } from './ecs-fixture.ts';
import { activeAlb, forwardListener, targetGroup } from './lb-fixture.ts';
import { rejection, sdkClients } from './sdk.ts';

describe('fake Application Auto Scaling through the real SDK', () => {
  let fake: FakeAws;
  let aws: ReturnType<typeof sdkClients>;
  const resourceId = 'service/scale-test/web';
  const ids = { ServiceNamespace: 'ecs' as const, ResourceId: resourceId, ScalableDimension: 'ecs:service:DesiredCount' as const };
  const desired = async () => (await describeService(aws, 'scale-test', 'web')).desiredCount;

  before(async () => {
    // the service's tasks exit at once: only its desiredCount matters here
    fake = await startFakeAws({ restartDelayMs: 60_000 });
    aws = sdkClients(fake);
    const env = await prepare(aws, 'scale-test');
    const td = await registerTaskDef(aws, 'scale-test', env.roleArn, { FAKE_TASK_EXIT: '0' });
    await aws.ecs.send(new CreateServiceCommand({ cluster: 'scale-test', serviceName: 'web', taskDefinition: td, desiredCount: 1, launchType: 'FARGATE', networkConfiguration: env.network }));
  });
  after(() => fake.stop());

  test('a scalable target needs an existing service and min ≤ max; registering moves the count into the range', async () => {
    const missing = await rejection(aws.scaling.send(new RegisterScalableTargetCommand({ ...ids, ResourceId: 'service/scale-test/nope', MinCapacity: 1, MaxCapacity: 2 })));
    assert.equal(missing.name, 'ValidationException');
    const inverted = await rejection(aws.scaling.send(new RegisterScalableTargetCommand({ ...ids, MinCapacity: 3, MaxCapacity: 2 })));
    assert.equal(inverted.name, 'ValidationException');
    const out = await aws.scaling.send(new RegisterScalableTargetCommand({ ...ids, MinCapacity: 2, MaxCapacity: 4, Tags: { 'managed-by': 'lambda2fargate' } }));
    assert.match(out.ScalableTargetARN ?? '', /^arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target\/0e[0-9a-f]+$/);
    assert.equal(await desired(), 2, 'the count rose to the new minimum');
    const listed = await aws.scaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [resourceId] }));
    assert.deepEqual(listed.ScalableTargets?.map((t) => [t.MinCapacity, t.MaxCapacity, t.ScalableTargetARN]), [[2, 4, out.ScalableTargetARN]]);
    const tags = await aws.scaling.send(new ListTagsForResourceCommand({ ResourceARN: out.ScalableTargetARN }));
    assert.deepEqual(tags.Tags, { 'managed-by': 'lambda2fargate' });
    await aws.scaling.send(new TagResourceCommand({ ResourceARN: out.ScalableTargetARN, Tags: { 'lambda2fargate:service': 'web' } }));
    assert.deepEqual(Object.keys((await aws.scaling.send(new ListTagsForResourceCommand({ ResourceARN: out.ScalableTargetARN }))).Tags ?? {}).sort(), ['lambda2fargate:service', 'managed-by']);
    assert.deepEqual((await fake.snapshot()).scalableTargets, [`ecs:${resourceId}`]);
  });

  test('scaleTo moves the service as the scaler would, within min and max', async () => {
    assert.equal(fake.autoscaling.scaleTo(resourceId, 3), 3);
    assert.equal(await desired(), 3);
    assert.equal(fake.autoscaling.scaleTo(resourceId, 10), 4, 'never above the maximum');
    assert.equal(await desired(), 4);
    const res = await fetch(`${fake.url}/_fake/autoscaling/scale`, { method: 'POST', body: JSON.stringify({ resourceId, count: 0 }) });
    assert.deepEqual(await res.json(), { desiredCount: 2 }, 'over the control endpoint too, never below the minimum');
    assert.equal(await desired(), 2);
  });

  test('target tracking on CPU and on requests per target (with the ALB resource label); a policy is updated by name', async () => {
    const cpu = await aws.scaling.send(
      new PutScalingPolicyCommand({ ...ids, PolicyName: 'cpu', PolicyType: 'TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration: { TargetValue: 60, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }, ScaleInCooldown: 120, ScaleOutCooldown: 60 } }),
    );
    assert.match(cpu.PolicyARN ?? '', /^arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:[0-9a-f-]+:resource\/ecs\/service\/scale-test\/web:policyName\/cpu$/);
    assert.equal(cpu.Alarms?.length, 2);
    const again = await aws.scaling.send(
      new PutScalingPolicyCommand({ ...ids, PolicyName: 'cpu', PolicyType: 'TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration: { TargetValue: 70, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } } }),
    );
    assert.equal(again.PolicyARN, cpu.PolicyARN);
    const noLabel = await rejection(
      aws.scaling.send(new PutScalingPolicyCommand({ ...ids, PolicyName: 'rps', PolicyType: 'TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration: { TargetValue: 100, PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget' } } })),
    );
    assert.equal(noLabel.name, 'ValidationException');
    const alb = await activeAlb(aws, 'scale');
    const tg = await targetGroup(aws, 'scale', fake.ec2.defaultVpc.vpcId);
    await forwardListener(aws, alb.arn, tg);
    const label = `${alb.arn.split(':loadbalancer/')[1]}/${tg.split(':')[5]}`;
    assert.match(label, /^app\/scale\/[0-9a-f]{16}\/targetgroup\/scale\/[0-9a-f]{16}$/);
    await aws.scaling.send(
      new PutScalingPolicyCommand({ ...ids, PolicyName: 'rps', PolicyType: 'TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration: { TargetValue: 100, PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: label } } }),
    );
    const policies = await aws.scaling.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId }));
    assert.deepEqual(policies.ScalingPolicies?.map((p) => [p.PolicyName, p.TargetTrackingScalingPolicyConfiguration?.TargetValue]), [['cpu', 70], ['rps', 100]]);
  });

  test('deleting a missing policy or target is ObjectNotFoundException; deregistering a target takes its policies', async () => {
    await aws.scaling.send(new DeleteScalingPolicyCommand({ ...ids, PolicyName: 'cpu' }));
    const gone = await rejection(aws.scaling.send(new DeleteScalingPolicyCommand({ ...ids, PolicyName: 'cpu' })));
    assert.equal(gone.name, 'ObjectNotFoundException');
    assert.equal(gone.message, `No scaling policy found for service namespace: ecs, resource ID: ${resourceId}, scalable dimension: ecs:service:DesiredCount, policy name: cpu`);
    await aws.scaling.send(new DeregisterScalableTargetCommand(ids));
    const policies = await aws.scaling.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId }));
    assert.deepEqual(policies.ScalingPolicies, []);
    const twice = await rejection(aws.scaling.send(new DeregisterScalableTargetCommand(ids)));
    assert.equal(twice.message, `No scalable target found for service namespace: ecs, resource ID: ${resourceId}, scalable dimension: ecs:service:DesiredCount`);
    const put = await rejection(aws.scaling.send(new PutScalingPolicyCommand({ ...ids, PolicyName: 'x', PolicyType: 'TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration: { TargetValue: 1, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } } })));
    assert.equal(put.message, `No scalable target registered for service namespace: ecs, resource ID: ${resourceId}, scalable dimension: ecs:service:DesiredCount`);
    assert.deepEqual((await fake.snapshot()).scalableTargets, []);
  });
});
