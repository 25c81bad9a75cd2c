import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DeleteServiceCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { inventory } from '../../scripts/clean/inventory.ts';
import { DELETERS } from '../../scripts/clean/run.ts';
import { createAws } from '../../scripts/lib/aws.ts';
import type { Aws } from '../../scripts/lib/aws.ts';
import { isOwned } from '../../scripts/lib/tags.ts';
import { loadServiceManifest } from '../../scripts/manifest/index.ts';
import type { ResolvedService } from '../../scripts/manifest/types.ts';
import { findCluster } from '../../scripts/resources/cluster.ts';
import { applyRepository, desiredRepository, findRepository, planRepository } from '../../scripts/resources/ecr.ts';
import { findRole } from '../../scripts/resources/iam.ts';
import { findLogGroup } from '../../scripts/resources/logs.ts';
import { findSecurityGroup } from '../../scripts/resources/security-group.ts';
import { deleteService, findService } from '../../scripts/resources/service.ts';
import { findTaskDefinition } from '../../scripts/resources/task-definition.ts';
import type { Found } from '../../scripts/resources/types.ts';
import { startFakeAws } from '../fake-aws/index.ts';
import type { FakeAws } from '../fake-aws/index.ts';
import { locationManifest, output, runDeploy, uniqueName, writeManifest } from './e2e.ts';

// The resource modules in-process against the fake: what deploy, clean and status build on.
// Clean's own tests (test/clean/) cover the deletes through `make clean`: the order, ownership
// (same-named untagged resources are left alone), lingering ENIs, refused calls, a second run.
let fake: FakeAws;
let aws: Aws;
let svc: ResolvedService;
const saved = { ...process.env };

before(async () => {
  fake = await startFakeAws({});
  Object.assign(process.env, fake.env, { L2F_POLL_MS: '50' });
  aws = createAws('us-east-1');
  const manifest = writeManifest(locationManifest(uniqueName('res')));
  const r = await runDeploy(fake, manifest);
  assert.equal(r.code, 0, output(r));
  svc = await loadServiceManifest(manifest);
  await applyRepository(aws, planRepository(await findRepository(aws, svc), desiredRepository(svc)));
});
after(async () => {
  process.env = saved;
  await fake?.stop();
});

const finders = () => ({
  repository: findRepository(aws, svc),
  role: findRole(aws, svc),
  logGroup: findLogGroup(aws, svc),
  securityGroup: findSecurityGroup(aws, svc),
  cluster: findCluster(aws, svc),
  taskDefinition: findTaskDefinition(aws, svc),
  service: findService(aws, svc),
});

async function found(): Promise<Found[]> {
  const { found, problems } = await inventory(aws, { svc });
  assert.deepEqual(problems, []);
  return found;
}

const remove = (item: Found) => DELETERS[item.kind](aws, item);

test('every resource the deploy made carries the service’s ownership tags', async () => {
  for (const [what, live] of Object.entries(finders())) {
    const l = await live;
    assert.ok(l, `${what} found`);
    assert.ok(isOwned(l.tags, svc.name, svc.environment), `${what} is tagged as owned: ${JSON.stringify(l.tags)}`);
  }
});

test('deleteService on a service already being deleted (an interrupted clean) waits until it is INACTIVE and its tasks stopped', async () => {
  const item = (await found()).find((f) => f.kind === 'service');
  assert.ok(item);
  await aws.ecs.send(new UpdateServiceCommand({ cluster: item.cluster, service: item.id, desiredCount: 0 }));
  await aws.ecs.send(new DeleteServiceCommand({ cluster: item.cluster, service: item.id, force: true }));
  assert.equal((await findService(aws, svc))?.status, 'DRAINING');
  const mark = fake.requests.length;
  const r = await deleteService(aws, item);
  assert.equal(r.outcome, 'deleted', r.note);
  assert.deepEqual(
    fake.requests.slice(mark).filter((x) => x.error).map((x) => `${x.operation}: ${x.error}`),
    ['UpdateService: ServiceNotActiveException'],
    'ECS refused to scale a DRAINING service; the delete went on to wait',
  );
  assert.match(r.note, /INACTIVE/);
  assert.equal(await findService(aws, svc), undefined, 'the service is INACTIVE');
  assert.deepEqual((await fake.snapshot()).tasks, [], 'its tasks have stopped');
});

test('each delete removes what clean found, in clean’s order; a resource already gone is reported, not failed', async () => {
  const items = await found();
  assert.deepEqual(
    items.map((f) => [f.kind, f.owned]),
    ['task-definition', 'cluster', 'security-group', 'role', 'log-group', 'repository'].map((k) => [k, true]),
  );
  for (const item of items) {
    const r = await remove(item);
    assert.equal(r.outcome, 'deleted', `${item.kind}: ${r.note}`);
  }
  for (const [what, live] of Object.entries(finders())) assert.equal(await live, undefined, `${what} is gone`);
  assert.deepEqual(await found(), [], 'clean finds nothing left');
  // As if someone else had deleted them between clean's inventory and its deletes.
  const again = await Promise.all(items.map(remove));
  assert.deepEqual(
    again.map((r) => [r.item.kind, r.outcome, r.note]),
    items.map((f) => [f.kind, 'not-found', 'already gone']),
  );
});
