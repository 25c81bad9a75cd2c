import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyReferences } from '../../scripts/clean/find-ecs.ts';
import { findRepositories } from '../../scripts/clean/find-other.ts';
import { ROLE_DESCRIPTION, deleteRole } from '../../scripts/resources/iam.ts';
import { desiredSecurityGroup } from '../../scripts/resources/security-group.ts';
import { deleteService } from '../../scripts/resources/service.ts';
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
