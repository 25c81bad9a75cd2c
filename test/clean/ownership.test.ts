import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import { CreateClusterCommand, CreateServiceCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateSecurityGroupCommand, DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { ownershipTags, toKeyValue, toLowerKeyValue } from '../../scripts/lib/tags.ts';
import { sdkClients } from '../fake-aws/sdk.ts';
import type { FakeAws } from '../fake-aws/index.ts';
import { STACK, cleanEnv, leftovers, runScript, show, withFake, workspace } from './support.ts';

const LOCATION = 'lambda2fargate:local';
const writesSince = (fake: FakeAws, mark: number) => fake.requests.slice(mark).filter((x) => fake.writeRequests().includes(x));

async function defaultVpc(fake: FakeAws): Promise<string> {
  const out = await sdkClients(fake).ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
  return out.Vpcs?.[0]?.VpcId ?? '';
}

test('same-named resources without the tool\'s tags are reported and left alone (exit 0, no writes)', async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t, { name: 'foreign', location: LOCATION });
  const aws = sdkClients(fake);
  await aws.logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/foreign-test' }));
  await aws.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'foreign-test-sg', Description: 'not ours', VpcId: await defaultVpc(fake) }));
  await aws.iam.send(new CreateRoleCommand({ RoleName: 'foreign-test-exec', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}' }));
  await aws.ecr.send(new CreateRepositoryCommand({ repositoryName: 'foreign-test' }));
  await aws.ecs.send(new CreateClusterCommand({ clusterName: 'foreign-test', tags: toLowerKeyValue({ 'managed-by': 'someone-else' }) }));
  fake.putStack(STACK, {}, { team: 'payments' });
  const before = await leftovers(fake);
  const mark = fake.requests.length;

  const r = await runScript('clean', cleanEnv(fake, ws));
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /not created by lambda2fargate — left alone \(6\)/);
  for (const kind of ['cluster', 'security-group', 'role', 'log-group', 'repository', 'stack']) assert.match(r.stdout, new RegExp(`^ {2}${kind}\\s+\\S.*no managed-by=lambda2fargate tags`, 'm'), kind);
  assert.match(r.stdout, /nothing to delete/);
  assert.deepEqual(writesSince(fake, mark), []);
  assert.deepEqual(await leftovers(fake), before);
});

test('after a deploy, an untagged repository and stack with the tool\'s names survive the clean; the rest goes', async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t, { name: 'mixed', location: LOCATION });
  assert.equal((await runScript('deploy-ecs', cleanEnv(fake, ws))).code, 0);
  await sdkClients(fake).ecr.send(new CreateRepositoryCommand({ repositoryName: 'mixed-test' }));
  fake.putStack(STACK);
  const r = await runScript('clean', cleanEnv(fake, ws));
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /left alone \(2\)/);
  assert.deepEqual(await leftovers(fake), [
    ['repositories', ['mixed-test']],
    ['stacks', [STACK]],
  ]);
});

test('resources tagged for the service under other names (as an older manifest named them) are found by their tags and deleted', async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t, { name: 'renamed', location: LOCATION });
  assert.equal((await runScript('deploy-ecs', cleanEnv(fake, ws))).code, 0);
  const aws = sdkClients(fake);
  const tags = ownershipTags('renamed', 'test');
  await aws.ecs.send(new CreateClusterCommand({ clusterName: 'renamed-old-cluster', tags: toLowerKeyValue(tags) }));
  await aws.ec2.send(
    new CreateSecurityGroupCommand({ GroupName: 'renamed-old-sg', Description: 'older name', VpcId: await defaultVpc(fake), TagSpecifications: [{ ResourceType: 'security-group', Tags: toKeyValue(tags) }] }),
  );
  const r = await runScript('clean', cleanEnv(fake, ws));
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /✓ cluster\s+renamed-old-cluster: deleted/);
  assert.match(r.stdout, /✓ security-group\s+renamed-old-sg \(sg-[0-9a-f]+\): deleted/);
  assert.deepEqual(await leftovers(fake), []);
});

test('a cluster another (untagged) service still uses is kept: clean lists it with why, does not say nothing is left, and exits 1', async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t, { name: 'shared', location: LOCATION });
  assert.equal((await runScript('deploy-ecs', cleanEnv(fake, ws))).code, 0);
  const aws = sdkClients(fake);
  const subnet = (await aws.ec2.send(new DescribeSubnetsCommand({}))).Subnets?.[0]?.SubnetId ?? '';
  const sg = (await aws.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['default'] }] }))).SecurityGroups?.[0]?.GroupId ?? '';
  await aws.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'other',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'other', image: 'nginx:1.27', essential: true }],
    }),
  );
  await aws.ecs.send(
    new CreateServiceCommand({
      cluster: 'shared-test',
      serviceName: 'other',
      taskDefinition: 'other',
      desiredCount: 0,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: [subnet], securityGroups: [sg], assignPublicIp: 'ENABLED' } },
    }),
  );
  const r = await runScript('clean', cleanEnv(fake, ws));
  assert.equal(r.code, 1, show(r));
  assert.match(r.stdout, /! cluster\s+shared-test: left in place: 1 service\(s\) and 0 task\(s\) not deleted by this clean still run in it/);
  assert.match(r.stdout, /kept \(1\), though lambda2fargate created it:\n\s+cluster\s+shared-test.*: left in place: 1 service/);
  assert.match(r.stdout, /inventory check: 1 resource\(s\) created by lambda2fargate for shared \(test\) kept/);
  assert.doesNotMatch(r.stdout, /nothing created by lambda2fargate .* is left/);
  assert.deepEqual(await leftovers(fake), [
    ['clusters', ['shared-test']],
    ['taskDefinitions', ['other:1']],
    ['services', ['shared-test/other']],
  ]);
});
