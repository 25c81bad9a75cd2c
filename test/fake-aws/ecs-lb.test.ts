import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateServiceCommand, DeleteServiceCommand, DescribeTasksCommand, ListTasksCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { DeleteListenerCommand, DeleteTargetGroupCommand, DescribeTargetHealthCommand, ModifyTargetGroupAttributesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { startFakeAws, type FakeAws } from './index.ts';
import { describeService, prepare, registerTaskDef, waitForRollout } from './ecs-fixture.ts';
import { activeAlb, forwardListener, getVia, targetGroup, type Alb } from './lb-fixture.ts';
import { rejection, sdkClients, waitFor } from './sdk.ts';

describe('fake ECS services behind a fake load balancer (tasks run the container server as processes)', () => {
  let fake: FakeAws;
  let aws: ReturnType<typeof sdkClients>;
  let env: Awaited<ReturnType<typeof prepare>>;
  let alb: Alb;
  let tg = '';
  let listener = '';
  let rev1 = '';
  const lbs = () => [{ targetGroupArn: tg, containerName: 'app', containerPort: 8080 }];
  const targets = async () => (await aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }))).TargetHealthDescriptions ?? [];
  const taskIps = async (desiredStatus: 'RUNNING' | 'STOPPED' = 'RUNNING') => {
    const arns = (await aws.ecs.send(new ListTasksCommand({ cluster: env.cluster, serviceName: 'web', desiredStatus }))).taskArns ?? [];
    if (!arns.length) return [];
    const tasks = (await aws.ecs.send(new DescribeTasksCommand({ cluster: env.cluster, tasks: arns }))).tasks ?? [];
    return tasks.map((t) => t.attachments?.[0]?.details?.find((d) => d.name === 'privateIPv4Address')?.value ?? '').sort();
  };

  before(async () => {
    fake = await startFakeAws({ eniLingerMs: 200, lbProvisioningMs: 100, lbSecondMs: 10, lbRegistrationMs: 30 });
    aws = sdkClients(fake);
    env = await prepare(aws, 'lb-test');
    rev1 = await registerTaskDef(aws, 'lb-test', env.roleArn);
    alb = await activeAlb(aws, 'lb-test');
    tg = await targetGroup(aws, 'lb-test', fake.ec2.defaultVpc.vpcId, { HealthCheckPath: '/healthz' });
    await aws.elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }] }));
  });
  after(() => fake.stop());

  test('a service cannot use a target group that no listener uses (terraform#32908), nor a container or port its task definition lacks', async () => {
    const create = (loadBalancers: Array<{ targetGroupArn: string; containerName: string; containerPort: number }>) =>
      aws.ecs.send(new CreateServiceCommand({ cluster: env.cluster, serviceName: 'web', taskDefinition: rev1, desiredCount: 2, launchType: 'FARGATE', networkConfiguration: env.network, loadBalancers }));
    const lonely = await rejection(create(lbs()));
    assert.equal(lonely.name, 'InvalidParameterException');
    assert.equal(lonely.message, `The target group with targetGroupArn ${tg} does not have an associated load balancer.`);
    listener = await forwardListener(aws, alb.arn, tg);
    const container = await rejection(create([{ targetGroupArn: tg, containerName: 'web', containerPort: 8080 }]));
    assert.equal(container.message, 'The container web does not exist in the task definition.');
    const port = await rejection(create([{ targetGroupArn: tg, containerName: 'app', containerPort: 3000 }]));
    assert.equal(port.message, 'The container app did not have a container port 3000 defined.');
    assert.equal(fake.ecs.services.length, 0);
  });

  test('a load-balanced service registers its running tasks; its rollout completes once they are healthy in the target group', async () => {
    await aws.ecs.send(
      new CreateServiceCommand({ cluster: env.cluster, serviceName: 'web', taskDefinition: rev1, desiredCount: 2, launchType: 'FARGATE', networkConfiguration: env.network, loadBalancers: lbs(), healthCheckGracePeriodSeconds: 300 }),
    );
    const s = await waitForRollout(aws, env.cluster, 'web', 'COMPLETED', 60_000);
    assert.deepEqual(s.loadBalancers, lbs());
    assert.equal(s.healthCheckGracePeriodSeconds, 300);
    const health = await targets();
    assert.deepEqual(health.map((d) => d.TargetHealth?.State), ['healthy', 'healthy'], 'COMPLETED only once every task is healthy behind the load balancer');
    assert.deepEqual(health.map((d) => d.Target?.Id).sort(), await taskIps(), 'registered by their private IPs');
    assert.ok(health.every((d) => d.Target?.Port === 8080));
    const r = await getVia(fake, `http://${alb.dnsName}/`);
    assert.equal(r.status, 200, 'the URL answers through the load balancer');
  });

  test('a rollout under load fails no request: old tasks are deregistered, drained and only then stopped', async () => {
    const oldIps = await taskIps();
    const rev2 = await registerTaskDef(aws, 'lb-test', env.roleArn, { GREETING: 'two' });
    const failed: string[] = [];
    let sent = 0;
    let running = true;
    const load = (async () => {
      while (running) {
        sent++;
        const r = await getVia(fake, `http://${alb.dnsName}/`).catch((e: Error) => ({ status: 0, body: e.message }));
        if (r.status !== 200) failed.push(`${r.status} ${r.body.slice(0, 80)}`);
      }
    })();
    await aws.ecs.send(new UpdateServiceCommand({ cluster: env.cluster, service: 'web', taskDefinition: rev2 }));
    let sawDraining = false;
    await waitFor(
      'old targets drained',
      async () => {
        const h = await targets();
        if (h.some((d) => d.TargetHealth?.State === 'draining')) {
          sawDraining = true;
          const drainingIps = h.filter((d) => d.TargetHealth?.State === 'draining').map((d) => d.Target?.Id);
          const stopped = fake.ecs.tasks.filter((t) => t.lastStatus === 'STOPPED' || t.lastStatus === 'DEPROVISIONING').map((t) => t.eni?.privateIpAddress);
          assert.ok(!drainingIps.some((ip) => stopped.includes(ip)), 'a task still runs while its target drains');
        }
        const ips = h.map((d) => d.Target?.Id);
        return h.length === 2 && h.every((d) => d.TargetHealth?.State === 'healthy') && !ips.some((ip) => oldIps.includes(ip ?? ''));
      },
      60_000,
    );
    running = false;
    await load;
    assert.ok(sawDraining, 'the old targets were seen draining');
    assert.ok(sent > 10, `requests ran during the rollout (${sent})`);
    assert.deepEqual(failed, [], `no request failed of ${sent}`);
    await waitFor('old tasks stopped', async () => (await taskIps()).every((ip) => !oldIps.includes(ip)), 20_000);
  });

  test('a target group a service uses cannot be deleted, even without its listener', async () => {
    await aws.elbv2.send(new DeleteListenerCommand({ ListenerArn: listener }));
    const busy = await rejection(aws.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg })));
    assert.equal(busy.name, 'ResourceInUseException');
    listener = await forwardListener(aws, alb.arn, tg);
  });

  test('scaling in deregisters the task first; a deleted service leaves no target behind', async () => {
    await waitFor('healthy again', async () => (await targets()).filter((d) => d.TargetHealth?.State === 'healthy').length === 2, 20_000);
    await aws.ecs.send(new UpdateServiceCommand({ cluster: env.cluster, service: 'web', desiredCount: 1 }));
    await waitFor('one draining', async () => (await targets()).some((d) => d.TargetHealth?.State === 'draining'), 10_000);
    assert.equal((await taskIps()).length, 1, 'the scheduler already wants it stopped');
    await waitFor('one target', async () => (await targets()).length === 1, 10_000);
    await aws.ecs.send(new DeleteServiceCommand({ cluster: env.cluster, service: 'web', force: true }));
    await waitFor('no targets', async () => (await targets()).length === 0, 10_000);
    await waitFor('service inactive', async () => (await describeService(aws, env.cluster, 'web')).status === 'INACTIVE', 20_000);
    await aws.elbv2.send(new DeleteListenerCommand({ ListenerArn: listener }));
    await aws.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg }));
    assert.deepEqual((await fake.snapshot()).targetGroups, []);
  });
});
