import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import type { FakeAws } from '../fake-aws/index.ts';
import { cleanEnv, leftovers, runScript, show, withFake } from './support.ts';

/** A service in load-balanced mode with a domain (certificate requested, records written) and scaling; its zone made in the fake. */
async function balanced(t: TestContext, fake: FakeAws, name: string): Promise<{ env: Record<string, string> }> {
  const dir = await mkdtemp(join(tmpdir(), 'l2f-clean-lb-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const zone = `${name}.example.com`;
  fake.route53.createZone(zone);
  await writeFile(
    join(dir, 'service.yml'),
    `name: ${name}\nimage:\n  location: lambda2fargate:local\n  port: 3000\ncount: 1\nhealthcheck:\n  path: /healthz\n` +
      `loadBalancer:\n  domain: api.${zone}\nscaling:\n  min: 1\n  max: 3\n  cpu: 60\n  requestsPerTarget: 500\n` +
      'deployment:\n  timeout: 2m\ndefaultEnvironment: test\nenvironments:\n  test: {}\n',
  );
  return { env: { MANIFEST: join(dir, 'service.yml'), LAMBDA_MANIFEST: join(dir, 'no-lambda.yml'), ENV: 'test' } };
}

const writesSince = (fake: FakeAws, mark: number) => fake.requests.slice(mark).filter((x) => !/^(Describe|Get|List)/.test(x.operation) && !x.error).map((x) => x.operation);

test('clean after a full load-balanced deploy deletes in dependency order and leaves nothing; a second clean deletes nothing', async (t) => {
  const fake = await withFake(t);
  const ws = await balanced(t, fake, 'lbfull');
  const deploy = await runScript('deploy-ecs', cleanEnv(fake, ws));
  assert.equal(deploy.code, 0, show(deploy));
  const created = (await leftovers(fake)).map(([k]) => k);
  for (const k of ['loadBalancers', 'targetGroups', 'listeners', 'certificates', 'dnsRecords', 'scalableTargets']) assert.ok(created.includes(k), `${k} in ${created.join(', ')}`);
  const mark = fake.requests.length;

  const r = await runScript('clean', cleanEnv(fake, ws), { timeoutMs: 240_000 });
  assert.equal(r.code, 0, show(r));
  assert.deepEqual(await leftovers(fake), []);
  assert.match(r.stdout, /inventory check: nothing created by lambda2fargate for lbfull \(test\) is left/);
  const writes = writesSince(fake, mark);
  const at = (op: string) => writes.indexOf(op);
  // what points at the load balancer (the alias) before it; the certificate once no listener holds it
  const order = ['DeregisterScalableTarget', 'DeleteService', 'ChangeResourceRecordSets', 'DeleteListener', 'DeleteLoadBalancer', 'DeleteTargetGroup', 'RevokeSecurityGroupIngress', 'DeleteSecurityGroup', 'DeleteCertificate'];
  for (const op of order) assert.ok(at(op) >= 0, `${op} in ${writes.join(' ')}`);
  for (let i = 1; i < order.length; i++) assert.ok(at(order[i - 1]!) < at(order[i]!), `${order[i - 1]} before ${order[i]}: ${writes.join(' ')}`);
  const summary = /clean: (\d+) deleted in ([\d.]+)s \(([\d.]+)s waiting\), (\d+) AWS calls \((\d+) writes\)/.exec(r.stdout);
  assert.ok(summary, r.stdout);
  t.diagnostic(`deploy (load balancer, domain, scaling): ${/AWS calls: \d+ \(\d+ writes\) in [\d.]+s/.exec(deploy.stdout)?.[0]}, process ${(deploy.ms / 1000).toFixed(1)}s`);
  t.diagnostic(`clean: ${summary[1]} deleted, ${summary[4]} AWS calls (${summary[5]} writes), ${summary[2]}s (${summary[3]}s waiting), process ${(r.ms / 1000).toFixed(1)}s`);

  const mark2 = fake.requests.length;
  const again = await runScript('clean', cleanEnv(fake, ws));
  assert.equal(again.code, 0, show(again));
  assert.match(again.stdout, /nothing to delete: lambda2fargate created nothing \(left\) for lbfull \(test\)/);
  assert.deepEqual(writesSince(fake, mark2), []);
});

test('clean after a load-balanced deploy stopped after each new step in turn leaves nothing every time', async (t) => {
  const fake = await withFake(t);
  for (const step of ['security-group', 'load-balancer', 'target-group', 'certificate', 'listeners', 'dns', 'service', 'scaling', 'rollout']) {
    const name = `lbstop-${step.replace(/-/g, '')}`;
    const ws = await balanced(t, fake, name);
    const deploy = await runScript('deploy-ecs', cleanEnv(fake, ws, { L2F_STOP_AFTER_STEP: step }));
    assert.equal(deploy.code, 0, show(deploy));
    assert.match(deploy.stdout, new RegExp(`stopped after step \\d+ \\(L2F_STOP_AFTER_STEP=${step}\\)`));
    const kinds = (await leftovers(fake)).map(([k]) => k);
    const r = await runScript('clean', cleanEnv(fake, ws), { timeoutMs: 240_000 });
    assert.equal(r.code, 0, `after ${step}: ${show(r)}`);
    assert.deepEqual(await leftovers(fake), [], `after ${step}`);
    t.diagnostic(`after ${step}: ${kinds.join(', ')} existed; ${/^clean: \d+ deleted.*/m.exec(r.stdout)?.[0] ?? 'nothing to delete'}`);
  }
});

test('clean leaves a same-named load balancer it did not create, and says so', async (t) => {
  const fake = await withFake(t);
  const ws = await balanced(t, fake, 'lbforeign');
  const { createAws } = await import('../../scripts/lib/aws.ts');
  const { CreateLoadBalancerCommand } = await import('@aws-sdk/client-elastic-load-balancing-v2');
  const { DescribeSubnetsCommand } = await import('@aws-sdk/client-ec2');
  for (const [k, v] of Object.entries(fake.env)) process.env[k] = v;
  const aws = createAws('us-east-1');
  const subnets = ((await aws.ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? []).map((s) => s.SubnetId!).slice(0, 2);
  await aws.elbv2.send(new CreateLoadBalancerCommand({ Name: 'lbforeign-test', Subnets: subnets }));
  const r = await runScript('clean', cleanEnv(fake, ws));
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /load-balancer\s+lbforeign-test.*\[no managed-by=lambda2fargate tags/);
  assert.deepEqual((await fake.snapshot()).loadBalancers, ['lbforeign-test']);
});
