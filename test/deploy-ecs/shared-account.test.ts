import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { after, before, test } from 'node:test';
import { CreateLogGroupCommand, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { clean } from '../../scripts/clean/run.ts';
import { createAws } from '../../scripts/lib/aws.ts';
import type { Aws } from '../../scripts/lib/aws.ts';
import { applyRepository, desiredRepository, findRepository, planRepository } from '../../scripts/resources/ecr.ts';
import { deleteRole } from '../../scripts/resources/iam.ts';
import { acquireLock, findLock, lockName } from '../../scripts/resources/lock.ts';
import type { LockOptions } from '../../scripts/resources/lock.ts';
import { ownershipProblem, tagsFor } from '../../scripts/resources/types.ts';
import { startFakeAws } from '../fake-aws/index.ts';
import type { FakeAws } from '../fake-aws/index.ts';
import { service } from './fixtures.ts';
import { locationManifest, output, resourceWrites, runDeploy, uniqueName, writeManifest } from './e2e.ts';

let fake: FakeAws;
let aws: Aws;
const saved = { ...process.env };
before(async () => {
  fake = await startFakeAws({});
  Object.assign(process.env, fake.env);
  aws = createAws('us-east-1');
});
after(async () => {
  process.env = saved;
  await fake?.stop();
});

const opts = (lines: string[] = [], over: Partial<LockOptions> = {}): LockOptions => ({ log: (l) => lines.push(l), ttlMs: 60_000, waitMs: 0, pollMs: 10, ...over });
const other = (expires: number, host = 'ci-runner-7', pid = 4242) => JSON.stringify({ owner: `ci@${host} pid ${pid}`, host, pid, started: new Date().toISOString(), expires: new Date(expires).toISOString(), token: 'theirs' });

test('the lock is an SSM parameter created only if absent, tagged, naming its owner; release deletes it', async () => {
  const svc = service({ name: uniqueName('lock') });
  const lock = await acquireLock(aws, svc, opts());
  const param = fake.ssm.parameters.get(lockName(svc));
  assert.ok(param, 'the parameter exists');
  assert.deepEqual(param.tags, tagsFor(svc));
  assert.match(JSON.parse(param.Value).owner, new RegExp(`@${hostname()} pid ${process.pid}$`));
  assert.equal((await findLock(aws, svc))?.owned, true);
  await lock.release();
  assert.equal(fake.ssm.parameters.has(lockName(svc)), false);
});

test('a second deploy waits, bounded, saying who holds the lock, then stops with the holder and the ways out', async () => {
  const svc = service({ name: uniqueName('lock') });
  const first = await acquireLock(aws, svc, opts());
  const lines: string[] = [];
  const t0 = Date.now();
  await assert.rejects(acquireLock(aws, svc, opts(lines, { waitMs: 150 })), (err: Error) => {
    assert.equal(err.name, 'ToolError');
    assert.match(err.message, new RegExp(`another deploy of ${svc.name} \\(test\\) holds it: \\S+@${hostname()} pid ${process.pid} \\(since .*, expires .*\\) — wait for it to finish.*\`make clean\` removes it`));
    return true;
  });
  assert.ok(Date.now() - t0 >= 140, 'it waited');
  assert.match(lines.join('\n'), /waiting for the deploy lock: another deploy holds it, .* — up to \d+s more/);
  await first.release();
  const next = await acquireLock(aws, svc, opts());
  await next.release();
});

test('a lock that expired (a crashed deploy elsewhere) is taken over and says so', async () => {
  const svc = service({ name: uniqueName('lock') });
  fake.ssm.put(lockName(svc), other(Date.now() - 1000), 'String', { tags: tagsFor(svc) });
  const lines: string[] = [];
  const lock = await acquireLock(aws, svc, opts(lines));
  assert.match(lines.join('\n'), /took over the lock of ci@ci-runner-7 pid 4242 .*: expired/);
  assert.equal(JSON.parse(fake.ssm.parameters.get(lockName(svc))!.Value).token, lock.value.token);
  await lock.release();
});

test('a lock left on this machine by a process that is gone (a killed deploy) is taken over at once', async () => {
  const svc = service({ name: uniqueName('lock') });
  fake.ssm.put(lockName(svc), other(Date.now() + 3_600_000, hostname(), 2 ** 22 + 12345), 'String', { tags: tagsFor(svc) });
  const lines: string[] = [];
  const lock = await acquireLock(aws, svc, opts(lines, { alive: () => false }));
  assert.match(lines.join('\n'), /its process is gone/);
  await lock.release();
});

test('two deploys taking over the same expired lock at once: exactly one gets it', async () => {
  const svc = service({ name: uniqueName('lock') });
  fake.ssm.put(lockName(svc), other(Date.now() - 1000), 'String', { tags: tagsFor(svc) });
  const results = await Promise.allSettled([acquireLock(aws, svc, opts()), acquireLock(aws, svc, opts())]);
  assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  const winner = results.find((r) => r.status === 'fulfilled')!.value;
  assert.equal(JSON.parse(fake.ssm.parameters.get(lockName(svc))!.Value).token, winner.value.token, 'the parameter names the winner');
  await winner.release();
});

test('a release does not delete a lock someone else holds now', async () => {
  const svc = service({ name: uniqueName('lock') });
  const lock = await acquireLock(aws, svc, opts());
  fake.ssm.parameters.delete(lockName(svc));
  fake.ssm.put(lockName(svc), other(Date.now() + 60_000), 'String', { tags: tagsFor(svc) });
  await lock.release();
  assert.ok(fake.ssm.parameters.has(lockName(svc)), 'the other deploy keeps its lock');
});

test('deploy-ecs while another deploy holds the lock: exit 1 naming the holder, nothing written; the lock is released after a deploy, also a failed one', async () => {
  const name = uniqueName('locked');
  const manifest = writeManifest(locationManifest(name));
  const param = `/lambda2fargate/${name}/default/deploy-lock`;
  fake.ssm.put(param, other(Date.now() + 600_000), 'String');
  const mark = fake.requests.length;
  const r = await runDeploy(fake, manifest, { L2F_LOCK_WAIT_MS: '300' });
  assert.equal(r.code, 1, output(r));
  assert.match(r.stdout, /waiting for the deploy lock: another deploy holds it, ci@ci-runner-7 pid 4242/);
  assert.match(r.stderr, /deploy lock \/lambda2fargate\/\S+\/default\/deploy-lock: another deploy of \S+ \(default\) holds it: ci@ci-runner-7 pid 4242/);
  assert.deepEqual(fake.requests.slice(mark).filter((x) => x.status === 200 && !/^(Describe|Get|List)/.test(x.operation)).map((x) => x.operation), []);
  fake.ssm.parameters.delete(param);

  const ok = await runDeploy(fake, manifest);
  assert.equal(ok.code, 0, output(ok));
  assert.match(ok.stdout, /deploy lock: \/lambda2fargate\/\S+\/default\/deploy-lock/);
  assert.equal(fake.ssm.parameters.has(param), false, 'released at the end');
  const failed = await runDeploy(fake, writeManifest(locationManifest(name, { variables: { FAKE_TASK_EXIT: '3' } })));
  assert.equal(failed.code, 1, output(failed));
  assert.equal(fake.ssm.parameters.has(param), false, 'released after a failure too');
});

test('a same-named resource without the tool’s tags is not adopted silently: exit 2 naming it and the ways out; ADOPT=1 takes it over', async () => {
  const name = uniqueName('foreign');
  const manifest = writeManifest(locationManifest(name));
  await aws.logs.send(new CreateLogGroupCommand({ logGroupName: `/ecs/${name}-default`, tags: { team: 'someone-else' } }));
  const mark = fake.requests.length;
  const r = await runDeploy(fake, manifest);
  assert.equal(r.code, 2, output(r));
  assert.match(
    r.stderr,
    new RegExp(`CloudWatch log group /ecs/${name}-default: it exists but was not created by lambda2fargate for ${name} \\(default\\): its tags \\(team=someone-else\\) are not the managed-by=lambda2fargate tags .* — give the service another \`name\` .*or run with ADOPT=1 to take it over`),
  );
  assert.deepEqual(resourceWrites(fake, mark).filter((w) => w.operation === 'TagResource' || w.operation === 'PutRetentionPolicy'), [], 'the log group was not touched');
  const adopted = await runDeploy(fake, manifest, { ADOPT: '1' });
  assert.equal(adopted.code, 0, output(adopted));
  const tags = (await aws.logs.send(new ListTagsForResourceCommand({ resourceArn: `arn:aws:logs:us-east-1:123456789012:log-group:/ecs/${name}-default` }))).tags ?? {};
  assert.equal(tags['managed-by'], 'lambda2fargate');
});

test('the ownership check is one rule over every plan: a live resource the tool means to own must carry this service’s tags', () => {
  const svc = service();
  const plan = (liveTags: Record<string, string> | undefined, desiredTags: Record<string, string> = tagsFor(svc)) =>
    ({ resource: 'ECS cluster', name: 'web-test', action: 'update' as const, changes: [], live: liveTags && { tags: liveTags }, desired: { tags: desiredTags } });
  assert.equal(ownershipProblem(plan(undefined), svc, false), undefined, 'nothing there: it is created');
  assert.equal(ownershipProblem(plan(tagsFor(svc)), svc, false), undefined, 'ours');
  assert.match(ownershipProblem(plan({}), svc, false)?.message ?? '', /ECS cluster web-test: it exists but .* it has none of the managed-by=lambda2fargate tags/);
  assert.equal(ownershipProblem(plan(tagsFor(service({ environment: 'prod' }))), svc, false)?.exitCode, 2, 'another environment’s is not ours either');
  assert.equal(ownershipProblem(plan({}), svc, true), undefined, 'ADOPT=1');
  assert.equal(ownershipProblem(plan({}, { team: 'x' }), svc, false), undefined, 'a resource the tool only uses (not tagged as its own) is not checked');
});

test('make clean removes a deploy lock it finds (one a crashed deploy left), and only one carrying the service’s tags', async () => {
  const svc = service({ name: uniqueName('lockclean') });
  fake.ssm.put(lockName(svc), other(Date.now() + 600_000), 'String', { tags: tagsFor(svc) });
  const lines: string[] = [];
  const code = await clean(aws, { svc }, { dryRun: false, yes: true, interactive: false, print: (l) => lines.push(l) });
  assert.equal(code, 0, lines.join('\n'));
  assert.match(lines.join('\n'), new RegExp(`✓ deploy-lock\\s+${lockName(svc)}: deleted`));
  assert.equal(fake.ssm.parameters.has(lockName(svc)), false);
  const foreign = service({ name: uniqueName('lockclean') });
  fake.ssm.put(lockName(foreign), other(Date.now() + 600_000), 'String');
  await clean(aws, { svc: foreign }, { dryRun: false, yes: true, interactive: false, print: () => {} });
  assert.equal(fake.ssm.parameters.has(lockName(foreign)), true, 'an untagged parameter at that name is not ours');
});

test('against the fake with registry-level scanning, the repository reads scanOnPush false and the plan leaves it alone', async () => {
  const svc = service({ name: uniqueName('scan') });
  await applyRepository(aws, planRepository(undefined, desiredRepository(svc)));
  fake.knobs.registryScanning = 'enhanced';
  try {
    const live = await findRepository(aws, svc);
    assert.equal(live?.scanOnPush, false);
    assert.equal(live?.registryScanning, 'enhanced registry scanning (CONTINUOUS_SCAN)');
    assert.equal(planRepository(live, desiredRepository(svc, live)).action, 'unchanged');
  } finally {
    fake.knobs.registryScanning = 'none';
  }
});

test('against the fake, a role someone put in an instance profile is removed from it and deleted; the profile stays', async () => {
  const name = `${uniqueName('prof')}-exec`;
  await aws.iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }) }));
  fake.iam.addInstanceProfile(`${name}-profile`, name);
  const r = await deleteRole(aws, { kind: 'role', name, id: name, owned: true });
  assert.equal(r.outcome, 'deleted', r.note);
  assert.match(r.note, /1 instance profile\(s\)/);
  assert.ok(fake.iam.instanceProfiles.has(`${name}-profile`));
});
