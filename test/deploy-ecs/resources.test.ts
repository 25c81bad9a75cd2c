import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createAws } from '../../scripts/lib/aws.ts';
import type { Aws } from '../../scripts/lib/aws.ts';
import { isOwned } from '../../scripts/lib/tags.ts';
import { loadServiceManifest } from '../../scripts/manifest/index.ts';
import type { ResolvedService } from '../../scripts/manifest/types.ts';
import { deleteCluster, findCluster } from '../../scripts/resources/cluster.ts';
import { applyRepository, deleteRepository, desiredRepository, findRepository, planRepository } from '../../scripts/resources/ecr.ts';
import { deleteRole, findRole } from '../../scripts/resources/iam.ts';
import { deleteLogGroup, findLogGroup } from '../../scripts/resources/logs.ts';
import { deleteSecurityGroup, findSecurityGroup } from '../../scripts/resources/security-group.ts';
import { deleteService, findService } from '../../scripts/resources/service.ts';
import { sleep } from '../../scripts/resources/retry.ts';
import { deleteTaskDefinitions, findTaskDefinition } from '../../scripts/resources/task-definition.ts';
import { startFakeAws } from '../fake-aws/index.ts';
import type { FakeAws } from '../fake-aws/index.ts';
import { locationManifest, output, runDeploy, uniqueName, writeManifest } from './e2e.ts';

// The resource modules in-process against the fake: what clean and status build on.
let fake: FakeAws;
let aws: Aws;
let svc: ResolvedService;
const saved = { ...process.env };

before(async () => {
  fake = await startFakeAws({});
  Object.assign(process.env, fake.env);
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

test('every resource the deploy made carries the service’s ownership tags', async () => {
  for (const [what, found] of Object.entries(finders())) {
    const live = await found;
    assert.ok(live, `${what} found`);
    assert.ok(isOwned(live.tags, svc.name, svc.environment), `${what} is tagged as owned: ${JSON.stringify(live.tags)}`);
  }
});

test('delete with onlyOwned refuses everything when the tags name another environment, and deletes nothing', async () => {
  const other = { ...svc, environment: 'someone-else' };
  const results = await Promise.all([
    deleteService(aws, other, { onlyOwned: true }),
    deleteTaskDefinitions(aws, other, { onlyOwned: true }),
    deleteCluster(aws, other, { onlyOwned: true }),
    deleteSecurityGroup(aws, other, { onlyOwned: true }),
    deleteRole(aws, other, { onlyOwned: true }),
    deleteLogGroup(aws, other, { onlyOwned: true }),
    deleteRepository(aws, other, { onlyOwned: true }),
  ]);
  assert.deepEqual(results.map((r) => r.status), Array(7).fill('notOwned'));
  assert.equal(fake.writeRequests().filter((w) => /^(Delete|Deregister)/.test(w.operation)).length, 0);
});

test('delete removes each resource in dependency order, and a second delete reports notFound', async () => {
  const opts = { onlyOwned: true };
  assert.equal((await deleteService(aws, svc, opts)).status, 'deleted');
  for (let i = 0; i < 100 && (await findService(aws, svc)); i++) await sleep(100);
  assert.equal(await findService(aws, svc), undefined, 'the service drained');
  assert.equal((await deleteTaskDefinitions(aws, svc, opts)).status, 'deleted');
  assert.equal((await deleteCluster(aws, svc, opts)).status, 'deleted');
  assert.equal((await deleteSecurityGroup(aws, svc, { ...opts, dependencyTimeoutMs: 15_000 })).status, 'deleted');
  assert.equal((await deleteRole(aws, svc, opts)).status, 'deleted');
  assert.equal((await deleteLogGroup(aws, svc, opts)).status, 'deleted');
  assert.equal((await deleteRepository(aws, svc, opts)).status, 'deleted');
  for (const [what, found] of Object.entries(finders())) assert.equal(await found, undefined, `${what} is gone`);
  const again = await Promise.all([
    deleteService(aws, svc, opts),
    deleteTaskDefinitions(aws, svc, opts),
    deleteCluster(aws, svc, opts),
    deleteSecurityGroup(aws, svc, opts),
    deleteRole(aws, svc, opts),
    deleteLogGroup(aws, svc, opts),
    deleteRepository(aws, svc, opts),
  ]);
  assert.deepEqual(again.map((r) => r.status), Array(7).fill('notFound'));
});
