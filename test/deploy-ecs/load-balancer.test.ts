import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { httpGet } from '../../scripts/resources/http-get.ts';
import { startFakeAws } from '../fake-aws/index.ts';
import type { FakeAws } from '../fake-aws/index.ts';
import { locationManifest, output, resourceWrites, runDeploy, uniqueName, writeManifest } from './e2e.ts';

// Load-balanced mode against the fake AWS: its ALB forwards on loopback to the tasks (the project's
// container server run as processes), reached through L2F_CONNECT_TO as the deploy's own probe does.
let fake: FakeAws;
before(async () => {
  fake = await startFakeAws({});
});
after(async () => {
  await fake?.stop();
});

const writesSince = (from: number) => resourceWrites(fake, from);
const ops = (from: number) => writesSince(from).map((r) => r.operation);
const lbManifest = (name: string, extra: Record<string, unknown> = {}) => locationManifest(name, { count: 2, loadBalancer: {}, ...extra });
/** `make status` as a process, through the deploy's own runner (no Lambda manifest: the service alone) */
const runStatus = (manifest: string) => runDeploy(fake, manifest, { LAMBDA_MANIFEST: '/nonexistent/lambda.yml' }, { script: 'status' });
const urlOf = (stdout: string) => /URL: (\S+)/.exec(stdout)?.[1];

/** GETs through the fake's front ports, as any client of the stable URL would. */
async function get(url: string, path = '/'): Promise<{ status: number; body: string }> {
  const saved = { connect: process.env.L2F_CONNECT_TO };
  process.env.L2F_CONNECT_TO = fake.env.L2F_CONNECT_TO;
  try {
    return await httpGet(new URL(path, url).toString(), 5000, { ca: readFileSync(fake.env.NODE_EXTRA_CA_CERTS!, 'utf8') });
  } finally {
    if (saved.connect === undefined) delete process.env.L2F_CONNECT_TO;
    else process.env.L2F_CONNECT_TO = saved.connect;
  }
}

async function snapshotOf(name: string) {
  const s = await fake.snapshot();
  const mine = (list: string[]) => list.filter((x) => x.includes(name));
  return {
    loadBalancers: mine(s.loadBalancers),
    targetGroups: mine(s.targetGroups),
    listeners: mine(s.listeners),
    securityGroups: mine(s.securityGroups),
    certificates: s.certificates.filter((c) => c.includes(name)),
    dnsRecords: s.dnsRecords.filter((r: string) => r.includes(name)),
    scalableTargets: mine(s.scalableTargets),
    services: mine(s.services),
  };
}

test('from nothing with a load balancer: one stable URL answered by two tasks; the rerun writes nothing; a count change touches only the service', async () => {
  const name = uniqueName('lb');
  const manifest = writeManifest(lbManifest(name));
  const mark = fake.requests.length;
  const first = await runDeploy(fake, manifest);
  assert.equal(first.code, 0, output(first));
  assert.deepEqual(ops(mark).sort(), [
    'AttachRolePolicy', 'AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupIngress', 'CreateCluster', 'CreateListener', 'CreateLoadBalancer', 'CreateLogGroup',
    'CreateRole', 'CreateSecurityGroup', 'CreateSecurityGroup', 'CreateService', 'CreateTargetGroup', 'ModifyTargetGroupAttributes', 'PutRetentionPolicy', 'RegisterTaskDefinition',
  ]);
  // the listener exists before the service names its target group (terraform-provider-aws #32908)
  const order = fake.requests.slice(mark).map((r) => r.operation);
  assert.ok(order.indexOf('CreateListener') < order.indexOf('CreateService'));
  const create = writesSince(mark).find((r) => r.operation === 'CreateService')!.params as { loadBalancers: unknown[]; healthCheckGracePeriodSeconds: number };
  assert.equal(create.loadBalancers.length, 1);
  assert.equal(create.healthCheckGracePeriodSeconds, 30);
  const td = writesSince(mark).find((r) => r.operation === 'RegisterTaskDefinition')!.params as { containerDefinitions: Array<{ environment: Array<{ name: string; value: string }> }> };
  const env = Object.fromEntries(td.containerDefinitions[0]!.environment.map((e) => [e.name, e.value]));
  assert.deepEqual([env.TRUST_PROXY, env.KEEP_ALIVE_TIMEOUT_SECONDS], ['alb', '65']);
  assert.match(first.stdout, /rollout lower bound: ≥ 65s = task start ~30s \(assumed\) \+ health check 10s × 2 healthy \+ deregistration delay 15s/);
  assert.match(first.stdout, /targets: 2 healthy — new tasks healthy 2\/2/);

  const url = urlOf(first.stdout);
  assert.match(url ?? '', /^http:\/\/.+\.elb\.amazonaws\.com\/$/, output(first));
  assert.match(first.stdout, new RegExp(`${url!.replace(/[.?/]/g, '\\$&')} → 200 .*Hello from ECS!`));
  // the handler says nothing task-specific: the fake ALB's record of each forwarded request does
  const seen = fake.lb.forwarded.length;
  const answers = await Promise.all(Array.from({ length: 10 }, () => get(url!)));
  assert.ok(answers.every((a) => a.status === 200 && /Hello from ECS!/.test(a.body)), JSON.stringify(answers));
  const served = new Set(fake.lb.forwarded.slice(seen).filter((f) => f.loadBalancer === `${name}-default`).map((f) => f.target));
  assert.equal(served.size, 2, `two tasks answered behind the one URL: ${[...served].join(', ')}`);

  const status = await runStatus(manifest);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, new RegExp(`^URL: ${url!.replace(/[.?/]/g, '\\$&')} — load balancer ${name}-default \\(active\\), targets: 2 healthy$`, 'm'));
  assert.equal((status.stdout.match(/^ {2}target 172\.31\.\S+ +healthy$/gm) ?? []).length, 2, status.stdout);
  assert.match(status.stdout, /^tasks:$/m, 'make status still lists the tasks');

  const mark2 = fake.requests.length;
  const second = await runDeploy(fake, manifest);
  assert.equal(second.code, 0, output(second));
  assert.deepEqual(ops(mark2), [], 'no write for any resource, the load balancer’s included');
  assert.match(second.stdout, /= unchanged: load balancer /);
  assert.match(second.stdout, /= unchanged: target group /);
  assert.match(second.stdout, /= unchanged: listeners /);
  assert.match(second.stdout, /AWS calls: \d+ \(0 writes\)/);

  const markPlan = fake.requests.length;
  const plan = await runDeploy(fake, manifest, { DRY_RUN: '1' });
  assert.equal(plan.code, 0, output(plan));
  assert.deepEqual(ops(markPlan), []);
  assert.match(plan.stdout, /rollout lower bound: ≥ 65s/, 'make plan prints the lower bound');

  const mark3 = fake.requests.length;
  const scaled = await runDeploy(fake, writeManifest(lbManifest(name, { count: 3 })));
  assert.equal(scaled.code, 0, output(scaled));
  const writes = writesSince(mark3);
  assert.deepEqual(writes.map((w) => w.operation), ['UpdateService']);
  assert.deepEqual(Object.keys(writes[0]!.params).sort(), ['cluster', 'desiredCount', 'service']);
  assert.match(scaled.stdout, /new tasks healthy 3\/3/);
});

test('with a domain: the certificate is requested and validated by DNS, the alias and ownership records are written, HTTPS answers and HTTP redirects to it', async () => {
  const name = uniqueName('tls');
  const zone = `${name}.example.com`;
  fake.route53.createZone(zone);
  const domain = `api.${zone}`;
  const manifest = writeManifest(lbManifest(name, { count: 1, loadBalancer: { domain } }));
  const mark = fake.requests.length;
  const first = await runDeploy(fake, manifest);
  assert.equal(first.code, 0, output(first));
  const w = ops(mark);
  for (const op of ['RequestCertificate', 'ChangeResourceRecordSets', 'CreateListener']) assert.ok(w.includes(op), `${op} in ${w.join(', ')}`);
  assert.equal(w.filter((o) => o === 'CreateListener').length, 2);
  assert.ok(w.indexOf('RequestCertificate') < w.indexOf('CreateListener'));
  assert.match(first.stdout, /certificate api\..*: PENDING_VALIDATION/);
  assert.match(first.stdout, /certificate api\..*: ISSUED/);
  assert.match(first.stdout, new RegExp(`URL: https://${domain.replace(/\./g, '\\.')}/`));
  const https = await get(`https://${domain}/`);
  assert.equal(https.status, 200);
  const http = await get(`http://${domain}/some/path?q=1`);
  assert.equal(http.status, 301);
  const s = await snapshotOf(name);
  assert.equal(s.certificates.length, 1, JSON.stringify(s));

  const mark2 = fake.requests.length;
  const second = await runDeploy(fake, manifest);
  assert.equal(second.code, 0, output(second));
  assert.deepEqual(ops(mark2), [], 'certificate, validation record, alias and listeners unchanged');
});

test('a domain without a Route 53 hosted zone (or an issued certificate) exits 2 at the field, before any write', async () => {
  const name = uniqueName('nozone');
  const manifest = writeManifest(lbManifest(name, { loadBalancer: { domain: `api.${name}.invalid-zone.example` } }));
  const mark = fake.requests.length;
  const r = await runDeploy(fake, manifest);
  assert.equal(r.code, 2, output(r));
  assert.match(r.stderr, /service\.yml:\d+:\d+: loadBalancer\.domain: no Route 53 public hosted zone for api\..* — create the zone/);
  assert.deepEqual(ops(mark), []);
  const withCert = writeManifest(lbManifest(name, { loadBalancer: { domain: `api.${name}.example.com`, certificate: 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000' } }));
  const r2 = await runDeploy(fake, withCert);
  assert.equal(r2.code, 2, output(r2));
  assert.match(r2.stderr, /service\.yml:\d+:\d+: loadBalancer\.certificate: no such certificate in this account and region/);
  assert.deepEqual(ops(mark), []);
});

test('with scaling on, a deploy never resets the count the scaler chose', async () => {
  const name = uniqueName('scale');
  const scaling = { min: 1, max: 4, cpu: 60, requestsPerTarget: 500 };
  const manifest = writeManifest(lbManifest(name, { count: 1, scaling }));
  const first = await runDeploy(fake, manifest);
  assert.equal(first.code, 0, output(first));
  assert.deepEqual((await snapshotOf(name)).scalableTargets, [`ecs:service/${name}-default/${name}-default`]);
  fake.autoscaling.scaleTo(`service/${name}-default/${name}-default`, 3);
  const mark = fake.requests.length;
  const r = await runDeploy(fake, manifest);
  assert.equal(r.code, 0, output(r));
  assert.deepEqual(ops(mark), [], 'no UpdateService desiredCount back to 1');
  assert.match(r.stdout, /desiredCount 3 is the scaler's: not sent/);
  // a new revision still leaves the count alone
  const mark2 = fake.requests.length;
  const r2 = await runDeploy(fake, writeManifest(lbManifest(name, { count: 1, scaling, variables: { GREETING: 'new' } })));
  assert.equal(r2.code, 0, output(r2));
  const update = writesSince(mark2).find((w) => w.operation === 'UpdateService')!;
  assert.equal((update.params as { desiredCount?: number }).desiredCount, undefined);
  assert.match(r2.stdout, /new tasks healthy 3\/3/);
  // scaling off: the scalable target goes and count is the manifest's again
  const mark3 = fake.requests.length;
  const off = await runDeploy(fake, writeManifest(lbManifest(name, { count: 1, variables: { GREETING: 'new' } })));
  assert.equal(off.code, 0, output(off));
  assert.ok(ops(mark3).includes('DeregisterScalableTarget'), ops(mark3).join(', '));
  assert.deepEqual((await snapshotOf(name)).scalableTargets, []);
});

test('switching one service public-IP → load balancer → public-IP leaves nothing of the load balancer behind', async () => {
  const name = uniqueName('switch');
  const pub = writeManifest(locationManifest(name, { count: 1 }));
  assert.equal((await runDeploy(fake, pub)).code, 0);
  const toLb = fake.requests.length;
  const lb = await runDeploy(fake, writeManifest(lbManifest(name, { count: 1 })));
  assert.equal(lb.code, 0, output(lb));
  assert.ok(!ops(toLb).includes('DeleteService') && !ops(toLb).includes('CreateService'), ops(toLb).join(', '));
  assert.match(lb.stdout, /loadBalancers: \[\] → \[\{"containerName"/);
  let s = await snapshotOf(name);
  assert.equal(s.loadBalancers.length, 1);
  // the service's group now admits the port only from the load balancer's group
  const svcGroup = [...fake.ec2.groups.values()].find((g) => g.groupName === `${name}-default-sg`)!;
  assert.ok(JSON.stringify(svcGroup).includes('sg-'), 'a group reference');
  const url = urlOf(lb.stdout)!;
  assert.equal((await get(url)).status, 200);

  const mark = fake.requests.length;
  const back = await runDeploy(fake, pub);
  assert.equal(back.code, 0, output(back));
  const update = writesSince(mark).find((w) => w.operation === 'UpdateService')!;
  assert.deepEqual((update.params as { loadBalancers?: unknown[] }).loadBalancers, []);
  assert.ok(!ops(mark).includes('DeleteService') && !ops(mark).includes('CreateService'), 'UpdateService switches the mode: the service is never replaced');
  for (const op of ['DeleteListener', 'DeleteLoadBalancer', 'DeleteTargetGroup', 'DeleteSecurityGroup']) assert.ok(ops(mark).includes(op), `${op} in ${ops(mark).join(', ')}`);
  assert.match(back.stdout, /http:\/\/[\d.]+:3000\/ → 200/);
  s = await snapshotOf(name);
  assert.deepEqual([s.loadBalancers, s.targetGroups, s.listeners, s.securityGroups.filter((g) => g.includes('alb'))], [[], [], [], []]);
  const again = fake.requests.length;
  assert.equal((await runDeploy(fake, pub)).code, 0);
  assert.deepEqual(ops(again), [], 'back in public-IP mode, a rerun writes nothing');
});
