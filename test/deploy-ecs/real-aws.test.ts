import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { summary } from '../../scripts/deploy/steps/summary.ts';
import { reportEndpoints } from '../../scripts/resources/endpoint.ts';
import { emptyReferences } from '../../scripts/clean/find-ecs.ts';
import { findRepositories } from '../../scripts/clean/find-other.ts';
import { toKeyValue } from '../../scripts/lib/tags.ts';
import { desiredRepository, findRepository, lifecyclePolicy, planRepository, protectInUse, protectedTags } from '../../scripts/resources/ecr.ts';
import { ROLE_DESCRIPTION, deleteRole } from '../../scripts/resources/iam.ts';
import { tagsFor } from '../../scripts/resources/types.ts';
import { desiredSecurityGroup, flattenPermission, planSecurityGroup, toPermission } from '../../scripts/resources/security-group.ts';
import { findNetwork } from '../../scripts/resources/network.ts';
import { deleteService } from '../../scripts/resources/service.ts';
import { waitForRollout } from '../../scripts/resources/wait.ts';
import { service } from './fixtures.ts';
import { awsError, stubAws } from './stub-aws.ts';

// What real AWS accepts where the fake (before issue 10) accepted anything. Each rule is quoted
// from its API reference.

// IAM API, CreateRole: roleDescriptionType
const IAM_ROLE_DESCRIPTION = /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]{0,1000}$/;
// EC2 API, CreateSecurityGroup: GroupDescription (and terraform-provider-aws#18874)
const EC2_GROUP_DESCRIPTION = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/;

test('the execution role description is text IAM accepts (no em dash)', () => {
  assert.match(ROLE_DESCRIPTION, IAM_ROLE_DESCRIPTION);
});

test('the security group description and its rule descriptions are text EC2 accepts (no apostrophe, no em dash), for the longest name', () => {
  const name = 'a'.repeat(40);
  const d = desiredSecurityGroup(service({ name, environment: 'production' }), 'vpc-1');
  assert.match(d.description, EC2_GROUP_DESCRIPTION);
  for (const r of d.ingress) assert.match(r.description ?? '', EC2_GROUP_DESCRIPTION);
});

test('deleting a service with more than 100 tasks asks DescribeTasks for at most 100 at a time', async () => {
  const arns = Array.from({ length: 250 }, (_, i) => `arn:aws:ecs:us-east-1:1:task/c/${i}`);
  const aws = stubAws({
    ListTasks: (input: { nextToken?: string }) => (input.nextToken ? { taskArns: arns.slice(100) } : { taskArns: arns.slice(0, 100), nextToken: 'p2' }),
    UpdateService: () => ({}),
    DeleteService: () => ({}),
    DescribeServices: () => ({ services: [{ status: 'INACTIVE' }] }),
    DescribeTasks: (input: { tasks: string[] }) => {
      if (input.tasks.length > 100) throw awsError('InvalidParameterException', 'Tasks cannot be more than 100.');
      return { tasks: input.tasks.map((taskArn) => ({ taskArn, lastStatus: 'STOPPED' })) };
    },
  });
  const r = await deleteService(aws, { kind: 'service', name: 's', id: 's', owned: true, cluster: 'c' });
  assert.equal(r.outcome, 'deleted', r.note);
  assert.match(r.note, /250 task\(s\) stopped/);
  assert.deepEqual(aws.log.filter((c) => c.operation === 'DescribeTasks').map((c) => c.input.tasks.length), [100, 100, 50]);
});

test('a role someone put in an instance profile leaves the profile, then is deleted (the profile stays)', async () => {
  const profiles = ['ci-profile', 'other'];
  const aws = stubAws({
    ListAttachedRolePolicies: () => ({ AttachedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/x' }] }),
    DetachRolePolicy: () => ({}),
    ListRolePolicies: () => ({ PolicyNames: [] }),
    ListInstanceProfilesForRole: (input: { Marker?: string }) =>
      input.Marker ? { InstanceProfiles: [{ InstanceProfileName: 'other' }], IsTruncated: false } : { InstanceProfiles: [{ InstanceProfileName: 'ci-profile' }], IsTruncated: true, Marker: 'm' },
    RemoveRoleFromInstanceProfile: (input: { InstanceProfileName: string }) => {
      profiles.splice(profiles.indexOf(input.InstanceProfileName), 1);
      return {};
    },
    DeleteRole: () => {
      if (profiles.length) throw awsError('DeleteConflict', 'Cannot delete entity, must remove roles from instance profile first.');
      return {};
    },
  });
  const r = await deleteRole(aws, { kind: 'role', name: 'web-test-exec', id: 'web-test-exec', owned: true });
  assert.equal(r.outcome, 'deleted', r.note);
  assert.match(r.note, /2 instance profile\(s\): ci-profile, other/);
  assert.deepEqual(profiles, []);
  assert.ok(!aws.log.some((c) => /^Delete(InstanceProfile)$/.test(c.operation)), 'the profiles themselves are not deleted');
});

test('clean counts the images of a repository over every ListImages page', async () => {
  const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ imageDigest: `sha256:${from + i}`, imageTag: `t${from + i}` }));
  const aws = stubAws({
    DescribeRepositories: () => ({ repositories: [{ repositoryArn: 'arn:aws:ecr:us-east-1:1:repository/web-test', repositoryName: 'web-test' }] }),
    ListTagsForResource: () => ({ tags: [] }),
    ListImages: (input: { nextToken?: string }) => (input.nextToken ? { imageIds: ids(100, 30) } : { imageIds: ids(0, 100), nextToken: 'n' }),
  });
  const [repo] = await findRepositories(aws, service(), emptyReferences());
  assert.equal(repo?.detail, '130 images');
});

const TD = 'arn:aws:ecs:us-east-1:1:task-definition/web-test:1';
const at = (msAgo: number) => new Date(Date.now() - msAgo);
const deployment = (over: Record<string, unknown> = {}) => ({ id: 'ecs-svc/1', status: 'PRIMARY', taskDefinition: TD, desiredCount: 1, runningCount: 0, pendingCount: 0, failedTasks: 0, rolloutState: 'IN_PROGRESS', createdAt: at(1000), ...over });
const done = () => deployment({ runningCount: 1, rolloutState: 'COMPLETED' });
const roleEvent = (id: string) => ({ id, createdAt: new Date(), message: `(service web-test) failed to launch a task with (error ECS was unable to assume the role 'arn:aws:iam::1:role/web-test-exec' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.).` });

/** A service whose DescribeServices answers are `answers` in turn (the last one repeats), with no stopped tasks unless given. */
function rolloutAws(answers: Array<{ deployments: unknown[]; events?: unknown[] }>, stopped: unknown[] = []) {
  return stubAws({
    DescribeServices: (_: unknown, n: number) => ({ services: [{ serviceName: 'web-test', ...answers[Math.min(n, answers.length - 1)] }] }),
    ListTasks: () => ({ taskArns: stopped.map((_, i) => `arn:aws:ecs:us-east-1:1:task/c/t${i}`) }),
    DescribeTasks: () => ({ tasks: stopped }),
    GetLogEvents: () => ({ events: [] }),
  });
}

const waitOpts = (lines: string[], over: Partial<Parameters<typeof waitForRollout>[2]> = {}) => ({ taskDefinitionArn: TD, since: new Date(), timeoutSeconds: 30, pollMs: 10, log: (l: string) => lines.push(l), ...over });

test('a new execution role ECS cannot assume yet: the wait says what it waits for and ends when the rollout completes', async () => {
  const lines: string[] = [];
  const aws = rolloutAws([
    { deployments: [deployment()], events: [roleEvent('e1')] },
    { deployments: [deployment()], events: [roleEvent('e2'), roleEvent('e1')] },
    { deployments: [done()], events: [] },
  ]);
  const r = await waitForRollout(aws, service(), waitOpts(lines));
  assert.equal(r.deployment.rolloutState, 'COMPLETED');
  assert.equal(lines.filter((l) => /event: .*unable to assume the role/.test(l)).length, 2, 'each event once');
  assert.ok(lines.some((l) => /waiting for ECS to be able to use the new execution role \(IAM is eventually consistent; ECS retries by itself\) — up to \d+s more/.test(l)), lines.join('\n'));
});

test('a task stopped with ResourceInitializationError … AccessDeniedException while the policy propagates is tolerated and named', async () => {
  const lines: string[] = [];
  const stopped = [{ taskArn: 'arn:aws:ecs:us-east-1:1:task/c/t0', taskDefinitionArn: TD, lastStatus: 'STOPPED', stoppedAt: new Date(), stopCode: 'TaskFailedToStart', stoppedReason: 'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: AccessDeniedException: User is not authorized to perform: ecr:GetAuthorizationToken' }];
  const aws = rolloutAws([{ deployments: [deployment()] }, { deployments: [deployment({ failedTasks: 1 })] }, { deployments: [done()] }], stopped);
  await waitForRollout(aws, service(), waitOpts(lines));
  assert.ok(lines.some((l) => /waiting for ECS to be able to use the new execution role/.test(l)), lines.join('\n'));
});

test('an execution role that never becomes usable ends the wait after the bounded grace, with the cause and what to check', async () => {
  process.env.L2F_ROLE_GRACE_MS = '60';
  try {
    let n = 0;
    const aws = stubAws({
      DescribeServices: () => ({ services: [{ serviceName: 'web-test', deployments: [deployment()], events: [roleEvent(`e${n++}`)] }] }),
      ListTasks: () => ({ taskArns: [] }),
    });
    await assert.rejects(waitForRollout(aws, service(), waitOpts([])), /ECS still could not use the execution role after 0s.*trusts ecs-tasks\.amazonaws\.com/s);
  } finally {
    delete process.env.L2F_ROLE_GRACE_MS;
  }
});

test('events are news from the deployment’s own createdAt, not the local clock (a clock a minute fast hides nothing)', async () => {
  const lines: string[] = [];
  const event = { id: 'e1', createdAt: at(500), message: '(service web-test) has started 1 tasks: (task t1).' };
  const aws = rolloutAws([{ deployments: [deployment({ createdAt: at(1000) })], events: [event] }, { deployments: [done()], events: [event] }]);
  await waitForRollout(aws, service(), waitOpts(lines, { since: new Date(Date.now() + 60_000) }));
  assert.ok(lines.some((l) => /event: \(service web-test\) has started 1 tasks/.test(l)), lines.join('\n'));
});

test('a rollout that times out says the deployment goes on in ECS, may still roll back, and how to stop it', async () => {
  const aws = rolloutAws([{ deployments: [deployment()] }]);
  await assert.rejects(
    waitForRollout(aws, service(), waitOpts([], { timeoutSeconds: 0.05 })),
    /did not complete within 0.05s \(deployment.timeout\).*the deployment goes on in ECS and may still complete, or roll back when the circuit breaker trips.*aws ecs update-service --cluster web-test --service web-test --desired-count 0/s,
  );
});

test('a hand-added rule from another account’s security group is revoked with its UserId (and peering connection)', () => {
  const svc = service();
  const live = {
    id: 'sg-1',
    name: 'web-test-sg',
    vpcId: 'vpc-1',
    tags: {},
    ingress: flattenPermission({ IpProtocol: 'tcp', FromPort: 3000, ToPort: 3000, UserIdGroupPairs: [{ GroupId: 'sg-0abc', UserId: '999999999999', VpcPeeringConnectionId: 'pcx-1' }] }),
  };
  const plan = planSecurityGroup(live, desiredSecurityGroup(svc, 'vpc-1'));
  assert.deepEqual(plan.revoke.map((r) => toPermission(r, false)), [
    { IpProtocol: 'tcp', FromPort: 3000, ToPort: 3000, UserIdGroupPairs: [{ GroupId: 'sg-0abc', UserId: '999999999999', VpcPeeringConnectionId: 'pcx-1' }] },
  ]);
});

test('default subnets in zones without Fargate (us-west-1: only usw1-az1 and usw1-az3) are left out and named', async () => {
  const subnet = (id: string, zone: string) => ({ SubnetId: id, VpcId: 'vpc-1', DefaultForAz: true, AvailabilityZone: `us-west-1${zone.slice(-1)}`, AvailabilityZoneId: zone });
  const answers = {
    DescribeVpcs: () => ({ Vpcs: [{ VpcId: 'vpc-1', IsDefault: true }] }),
    DescribeSubnets: () => ({ Subnets: [subnet('subnet-a', 'usw1-az1'), subnet('subnet-b', 'usw1-az2'), subnet('subnet-c', 'usw1-az3')] }),
  };
  const west = await findNetwork(stubAws(answers, 'us-west-1'), service());
  assert.deepEqual(west.subnets.map((s) => s.id), ['subnet-a', 'subnet-c']);
  assert.deepEqual(west.leftOut, [{ id: 'subnet-b', zoneId: 'usw1-az2' }]);
  const east = await findNetwork(stubAws(answers, 'us-east-1'), service());
  assert.equal(east.subnets.length, 3, 'elsewhere every default subnet is used');
});

function repositoryAws(scanning: unknown) {
  const svc = service();
  return stubAws({
    DescribeRepositories: () => ({ repositories: [{ repositoryName: 'web-test', repositoryArn: 'arn:aws:ecr:us-east-1:1:repository/web-test', repositoryUri: '1.dkr.ecr.us-east-1.amazonaws.com/web-test', imageScanningConfiguration: { scanOnPush: false } }] }),
    GetLifecyclePolicy: () => ({ lifecyclePolicyText: desiredRepository(svc).lifecyclePolicy }),
    ListTagsForResource: () => ({ tags: toKeyValue(tagsFor(svc)) }),
    GetRegistryScanningConfiguration: () => ({ registryId: '1', scanningConfiguration: scanning }),
  });
}

test('a repository scanned by the registry (enhanced, or basic rules) reads scanOnPush false and is left alone: no write on every run', async () => {
  const svc = service();
  const enhanced = { scanType: 'ENHANCED', rules: [{ scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [{ filter: 'web-*', filterType: 'WILDCARD' }] }] };
  const live = await findRepository(repositoryAws(enhanced), svc);
  assert.equal(live?.registryScanning, 'enhanced registry scanning (CONTINUOUS_SCAN)');
  assert.equal(planRepository(live, desiredRepository(svc)).action, 'unchanged');
  // a registry whose rules do not cover the repository: the repository setting is still the tool's to set
  const other = await findRepository(repositoryAws({ scanType: 'BASIC', rules: [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: 'api-*', filterType: 'WILDCARD' }] }] }), svc);
  assert.deepEqual(planRepository(other, desiredRepository(svc)).changes.map((c) => c.path), ['imageScanningConfiguration.scanOnPush']);
});

/** A port nothing listens on (taken, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

function runningTasksAws(count: number) {
  const eni = (i: number) => ({ type: 'ElasticNetworkInterface', details: [{ name: 'networkInterfaceId', value: `eni-${i}` }, { name: 'privateIPv4Address', value: '10.0.0.1' }] });
  return stubAws({
    ListTasks: () => ({ taskArns: Array.from({ length: count }, (_, i) => `arn:aws:ecs:us-east-1:1:task/c/t${i}`) }),
    DescribeTasks: (input: { tasks: string[] }) => ({ tasks: input.tasks.map((taskArn, i) => ({ taskArn, taskDefinitionArn: TD, lastStatus: 'RUNNING', attachments: [eni(i)] })) }),
    DescribeNetworkInterfaces: (input: { NetworkInterfaceIds: string[] }) => ({ NetworkInterfaces: input.NetworkInterfaceIds.map((id) => ({ NetworkInterfaceId: id, Association: { PublicIp: '127.0.0.1' } })) }),
  });
}

test('a deploy that asked for tasks and ends with no endpoint that answers is a failure the summary names — also with narrow CIDRs, also with no running task', async () => {
  process.env.L2F_ENDPOINT_TIMEOUT_S = '1';
  try {
    const port = await closedPort();
    const narrow = service({ image: { location: 'x', port }, network: { publicIp: true, allowedCidrs: ['203.0.113.0/24'] } });
    const r = await reportEndpoints(runningTasksAws(1), narrow, TD, () => {});
    assert.deepEqual(r.urls, []);
    assert.match(r.failure ?? '', /http:\/\/127\.0\.0\.1:\d+\/ did not answer \(ECONNREFUSED\) \(network\.allowedCidrs is 203\.0\.113\.0\/24: this machine may not be allowed in\)/);
    const none = await reportEndpoints(runningTasksAws(0), service({ count: 2 }), TD, () => {});
    assert.match(none.failure ?? '', /no task of web-test:1 is RUNNING, so no endpoint was called/);
    assert.deepEqual(await reportEndpoints(runningTasksAws(0), service({ count: 0 }), TD, () => {}), { urls: [] }, 'count 0 asks for nothing');
    const quiet = await reportEndpoints(runningTasksAws(1), service({ network: { publicIp: false, allowedCidrs: ['0.0.0.0/0'], subnets: ['subnet-1'] } }), TD, () => {});
    assert.match(quiet.unchecked ?? '', /no public IP \(network.publicIp is false\)/);
  } finally {
    delete process.env.L2F_ENDPOINT_TIMEOUT_S;
  }
});

test('the summary says which endpoint check did not pass and the run exits 1', async () => {
  const lines: string[] = [];
  const ctx = { svc: service(), aws: stubAws({}), dryRun: false, log: (l: string) => lines.push(l), rows: [], timings: [], started: performance.now(), state: { urls: [], endpoint: { urls: [], failure: 'http://1.2.3.4:3000/ did not answer (ETIMEDOUT)' } }, show: () => {} };
  await assert.rejects(summary.run(ctx as never), (err: Error) => err.name === 'ToolError' && /deploy-ecs \(endpoint\): the deploy asked for 1 task\(s\) and the endpoint check did not pass: http:\/\/1\.2\.3\.4:3000\/ did not answer/.test(err.message));
  assert.ok(lines.some((l) => /endpoint check FAILED: http:\/\/1\.2\.3\.4:3000\//.test(l)), lines.join('\n'));
});

/**
 * ECR's lifecycle evaluation as the lifecycle policy properties page states it: rules in rulePriority
 * order; an image whose tags a higher-priority rule selects cannot be expired by a lower one;
 * imageCountMoreThan expires the oldest of the selected images beyond the count.
 */
function expiredBy(policyText: string, images: Array<{ tag: string; pushedAt: number }>): string[] {
  const rules = (JSON.parse(policyText) as { rules: Array<{ rulePriority: number; selection: { tagStatus: string; tagPrefixList?: string[]; countNumber: number } }> }).rules.sort((a, b) => a.rulePriority - b.rulePriority);
  const claimed = new Set<string>();
  const expired: string[] = [];
  for (const r of rules) {
    const selected = images.filter((i) => !claimed.has(i.tag) && (r.selection.tagStatus === 'any' || (r.selection.tagPrefixList ?? []).every((p) => i.tag.startsWith(p))));
    selected.forEach((i) => claimed.add(i.tag));
    expired.push(...selected.sort((a, b) => b.pushedAt - a.pushedAt).slice(r.selection.countNumber).map((i) => i.tag));
  }
  return expired.sort();
}

test('the lifecycle policy never expires an image a task definition in use pins, and still keeps only the last N of the rest', () => {
  const images = Array.from({ length: 15 }, (_, i) => ({ tag: `git-${String(i).padStart(7, '0')}`, pushedAt: i }));
  const keep3 = lifecyclePolicy(3, ['git-0000001', 'git-0000014']);
  assert.deepEqual(protectedTags(keep3), ['git-0000001', 'git-0000014']);
  const expired = expiredBy(keep3, images);
  assert.ok(!expired.includes('git-0000001'), 'the old image the service rolled back to stays');
  assert.equal(expired.length, 15 - 2 - 3, 'the two in use stay, and the newest 3 of the rest');
  assert.equal(expiredBy(lifecyclePolicy(3), images).length, 12, 'without protection the old one would go');
  const priorities = (JSON.parse(keep3) as { rules: Array<{ rulePriority: number; selection: { tagStatus: string } }> }).rules;
  assert.equal(priorities.at(-1)?.selection.tagStatus, 'any', 'the any rule has the highest rulePriority, as ECR requires');
});

test('protecting the images in use writes the policy only when it changes (a no-op deploy writes nothing)', async () => {
  const svc = service();
  const aws = stubAws({ PutLifecyclePolicy: () => ({}) });
  const lines: string[] = [];
  const live = lifecyclePolicy(10, ['git-aaa']);
  assert.equal(await protectInUse(aws, svc, live, ['git-aaa'], { dryRun: false, log: (l) => lines.push(l) }), live);
  assert.equal(aws.log.length, 0);
  const next = await protectInUse(aws, svc, live, ['git-bbb', 'git-aaa'], { dryRun: false, log: (l) => lines.push(l) });
  assert.deepEqual(protectedTags(next), ['git-aaa', 'git-bbb']);
  assert.deepEqual(aws.log.map((c) => c.operation), ['PutLifecyclePolicy']);
  assert.equal(protectedTags(desiredRepository(svc, { name: 'web-test', arn: 'a', uri: 'u', scanOnPush: true, lifecyclePolicy: next, tags: {} }).lifecyclePolicy).length, 2, 'the repository step keeps what is protected');
});
