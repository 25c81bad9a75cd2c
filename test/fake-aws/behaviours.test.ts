import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateClusterCommand, CreateServiceCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, ListTasksCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, DescribeSecurityGroupsCommand, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { AttachRolePolicyCommand, CreateRoleCommand, DeleteRoleCommand, ListInstanceProfilesForRoleCommand, RemoveRoleFromInstanceProfileCommand } from '@aws-sdk/client-iam';
import { BatchGetRepositoryScanningConfigurationCommand, CreateRepositoryCommand, DescribeRepositoriesCommand, GetRegistryScanningConfigurationCommand, ListImagesCommand, PutLifecyclePolicyCommand } from '@aws-sdk/client-ecr';
import { CreateLogGroupCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startFakeAws, type FakeAws } from './index.ts';
import { rejection, sdkClients, waitFor } from './sdk.ts';
import { prepare, registerTaskDef } from './ecs-fixture.ts';

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const EXEC_POLICY = 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy';
const LIFECYCLE = JSON.stringify({ rules: [{ rulePriority: 1, description: 'keep ten', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 10 }, action: { type: 'expire' } }] });

describe('AWS behaviours the tool must cope with, on demand', () => {
  let fake: FakeAws;
  let aws: ReturnType<typeof sdkClients>;
  let env: Awaited<ReturnType<typeof prepare>>;
  before(async () => {
    fake = await startFakeAws({ restartDelayMs: 50 });
    aws = sdkClients(fake);
    env = await prepare(aws, 'behaviours');
  });
  after(() => fake.stop());

  test('a policy attachment that has not propagated: the task launches and stops with ResourceInitializationError … AccessDeniedException', async () => {
    const role = await aws.iam.send(new CreateRoleCommand({ RoleName: 'fresh-exec', AssumeRolePolicyDocument: TRUST }));
    await aws.iam.send(new AttachRolePolicyCommand({ RoleName: 'fresh-exec', PolicyArn: EXEC_POLICY }));
    fake.knobs.policyPropagationMs = 60_000;
    try {
      const td = await registerTaskDef(aws, 'behaviours', role.Role?.Arn ?? '');
      await aws.ecs.send(new CreateServiceCommand({ cluster: env.cluster, serviceName: 'unpropagated', taskDefinition: td, desiredCount: 1, networkConfiguration: env.network }));
      const stopped = await waitFor('a stopped task', async () => {
        const arns = (await aws.ecs.send(new ListTasksCommand({ cluster: env.cluster, serviceName: 'unpropagated', desiredStatus: 'STOPPED' }))).taskArns ?? [];
        return arns.length ? (await aws.ecs.send(new DescribeTasksCommand({ cluster: env.cluster, tasks: arns }))).tasks?.[0] : undefined;
      });
      assert.equal(stopped.stopCode, 'TaskFailedToStart');
      assert.match(stopped.stoppedReason ?? '', /^ResourceInitializationError: unable to pull secrets or registry auth: .*AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role\/fresh-exec\/\w+ is not authorized to perform: ecr:GetAuthorizationToken/);
    } finally {
      fake.knobs.policyPropagationMs = 0;
    }
  });

  test('first use of ECS in an account: CreateCluster answers "Unable to assume the service linked role" the first times', async () => {
    fake.knobs.serviceLinkedRoleFailures = 2;
    for (let i = 0; i < 2; i++) {
      const err = await rejection(aws.ecs.send(new CreateClusterCommand({ clusterName: 'first-use' })));
      assert.equal(err.name, 'InvalidParameterException');
      assert.equal(err.message, 'Unable to assume the service linked role. Please verify that the ECS service linked role exists.');
    }
    const out = await aws.ecs.send(new CreateClusterCommand({ clusterName: 'first-use' }));
    assert.equal(out.cluster?.status, 'ACTIVE');
  });

  test('CreateService right after CreateCluster can answer ClusterNotFoundException for a while', async () => {
    fake.knobs.clusterPropagationMs = 60_000;
    try {
      await aws.ecs.send(new CreateClusterCommand({ clusterName: 'just-made' }));
      const td = await registerTaskDef(aws, 'behaviours', env.roleArn);
      const err = await rejection(aws.ecs.send(new CreateServiceCommand({ cluster: 'just-made', serviceName: 's', taskDefinition: td, desiredCount: 0, networkConfiguration: env.network })));
      assert.equal(err.name, 'ClusterNotFoundException');
    } finally {
      fake.knobs.clusterPropagationMs = 0;
    }
  });

  test('a security group just created: Authorize answers InvalidGroup.NotFound, CreateService says it does not exist, then both work', async () => {
    fake.knobs.securityGroupPropagationMs = 60_000;
    const sg = await aws.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'young-sg', Description: 'young' }));
    const rule = { GroupId: sg.GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] };
    const authorize = await rejection(aws.ec2.send(new AuthorizeSecurityGroupIngressCommand(rule)));
    assert.equal(authorize.name, 'InvalidGroup.NotFound');
    assert.equal(authorize.message, `The security group '${sg.GroupId}' does not exist`);
    const td = await registerTaskDef(aws, 'behaviours', env.roleArn);
    const network = { awsvpcConfiguration: { ...env.network.awsvpcConfiguration, securityGroups: [sg.GroupId ?? ''] } };
    const create = await rejection(aws.ecs.send(new CreateServiceCommand({ cluster: env.cluster, serviceName: 'young-sg', taskDefinition: td, desiredCount: 0, networkConfiguration: network })));
    assert.equal(create.name, 'InvalidParameterException');
    assert.match(create.message, /The security group '.+' does not exist \(ErrorCode: InvalidGroup\.NotFound\)/);
    fake.knobs.securityGroupPropagationMs = 0;
    await aws.ec2.send(new AuthorizeSecurityGroupIngressCommand(rule));
  });

  test('an ECR repository just created: PutLifecyclePolicy answers RepositoryNotFoundException for a while', async () => {
    fake.knobs.repositoryPropagationMs = 60_000;
    await aws.ecr.send(new CreateRepositoryCommand({ repositoryName: 'young-repo' }));
    const err = await rejection(aws.ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'young-repo', lifecyclePolicyText: LIFECYCLE })));
    assert.equal(err.name, 'RepositoryNotFoundException');
    fake.knobs.repositoryPropagationMs = 0;
    await aws.ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'young-repo', lifecyclePolicyText: LIFECYCLE }));
  });

  test('a log group just created: PutRetentionPolicy answers OperationAbortedException for a while', async () => {
    fake.knobs.logGroupPropagationMs = 60_000;
    await aws.logs.send(new CreateLogGroupCommand({ logGroupName: '/young/group' }));
    const err = await rejection(aws.logs.send(new PutRetentionPolicyCommand({ logGroupName: '/young/group', retentionInDays: 7 })));
    assert.equal(err.name, 'OperationAbortedException');
    fake.knobs.logGroupPropagationMs = 0;
    await aws.logs.send(new PutRetentionPolicyCommand({ logGroupName: '/young/group', retentionInDays: 7 }));
  });

  test('a role just created: AttachRolePolicy answers NoSuchEntity for a while', async () => {
    fake.knobs.rolePropagationMs = 60_000;
    await aws.iam.send(new CreateRoleCommand({ RoleName: 'young-role', AssumeRolePolicyDocument: TRUST }));
    const err = await rejection(aws.iam.send(new AttachRolePolicyCommand({ RoleName: 'young-role', PolicyArn: EXEC_POLICY })));
    assert.equal(err.name, 'NoSuchEntityException');
    fake.knobs.rolePropagationMs = 0;
    await aws.iam.send(new AttachRolePolicyCommand({ RoleName: 'young-role', PolicyArn: EXEC_POLICY }));
  });

  test('a role in an instance profile cannot be deleted until it is removed from it', async () => {
    await aws.iam.send(new CreateRoleCommand({ RoleName: 'profiled', AssumeRolePolicyDocument: TRUST }));
    fake.iam.addInstanceProfile('by-hand', 'profiled');
    const err = await rejection(aws.iam.send(new DeleteRoleCommand({ RoleName: 'profiled' })));
    assert.equal(err.name, 'DeleteConflictException');
    assert.equal(err.message, 'Cannot delete entity, must remove roles from instance profile first.');
    const listed = await aws.iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: 'profiled' }));
    assert.deepEqual(listed.InstanceProfiles?.map((p) => [p.InstanceProfileName, p.Roles?.map((r) => r.RoleName)]), [['by-hand', ['profiled']]]);
    await aws.iam.send(new RemoveRoleFromInstanceProfileCommand({ RoleName: 'profiled', InstanceProfileName: 'by-hand' }));
    await aws.iam.send(new DeleteRoleCommand({ RoleName: 'profiled' }));
  });

  test('ListImages answers 100 image ids a page with a nextToken', async () => {
    await aws.ecr.send(new CreateRepositoryCommand({ repositoryName: 'many' }));
    for (let i = 0; i < 150; i++) fake.putImage('many', `t${i}`);
    const first = await aws.ecr.send(new ListImagesCommand({ repositoryName: 'many' }));
    assert.equal(first.imageIds?.length, 100);
    assert.ok(first.nextToken);
    const second = await aws.ecr.send(new ListImagesCommand({ repositoryName: 'many', nextToken: first.nextToken }));
    assert.equal(second.imageIds?.length, 50);
    assert.equal(second.nextToken, undefined);
  });

  test('registry-level scanning: repositories read scanOnPush false, the registry and BatchGetRepositoryScanningConfiguration say they are scanned', async () => {
    await aws.ecr.send(new CreateRepositoryCommand({ repositoryName: 'scanned', imageScanningConfiguration: { scanOnPush: true } }));
    fake.knobs.registryScanning = 'basic';
    try {
      const repo = (await aws.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['scanned'] }))).repositories?.[0];
      assert.equal(repo?.imageScanningConfiguration?.scanOnPush, false);
      const registry = await aws.ecr.send(new GetRegistryScanningConfigurationCommand({}));
      assert.equal(registry.scanningConfiguration?.scanType, 'BASIC');
      assert.deepEqual(registry.scanningConfiguration?.rules?.map((r) => r.scanFrequency), ['SCAN_ON_PUSH']);
      const perRepo = await aws.ecr.send(new BatchGetRepositoryScanningConfigurationCommand({ repositoryNames: ['scanned'] }));
      assert.equal(perRepo.scanningConfigurations?.[0]?.scanOnPush, true);
      assert.equal(perRepo.scanningConfigurations?.[0]?.scanFrequency, 'SCAN_ON_PUSH');
      fake.knobs.registryScanning = 'enhanced';
      assert.equal((await aws.ecr.send(new GetRegistryScanningConfigurationCommand({}))).scanningConfiguration?.scanType, 'ENHANCED');
    } finally {
      fake.knobs.registryScanning = 'none';
    }
    const repo = (await aws.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['scanned'] }))).repositories?.[0];
    assert.equal(repo?.imageScanningConfiguration?.scanOnPush, true);
  });

  test("a rule naming another account's group is revoked only with its UserId", async () => {
    const foreign = { GroupId: 'sg-0123456789abcdef0', UserId: '111122223333' };
    const perm = (pair: { GroupId: string; UserId?: string }) => ({ GroupId: env.groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [pair] }] });
    await aws.ec2.send(new AuthorizeSecurityGroupIngressCommand(perm(foreign)));
    const described = (await aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [env.groupId] }))).SecurityGroups?.[0];
    assert.deepEqual(described?.IpPermissions?.find((p) => p.FromPort === 5432)?.UserIdGroupPairs?.map((g) => [g.GroupId, g.UserId]), [[foreign.GroupId, foreign.UserId]]);
    // Without its UserId the group is looked up in this account, where it does not exist.
    const without = await rejection(aws.ec2.send(new RevokeSecurityGroupIngressCommand(perm({ GroupId: foreign.GroupId }))));
    assert.equal(without.name, 'InvalidGroup.NotFound');
    await aws.ec2.send(new RevokeSecurityGroupIngressCommand(perm(foreign)));
    const after = (await aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [env.groupId] }))).SecurityGroups?.[0];
    assert.equal(after?.IpPermissions?.find((p) => p.FromPort === 5432), undefined);
  });

  test('ECS stores no environment variable whose value is empty', async () => {
    const out = await aws.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'empty-env',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'app', image: 'x', environment: [{ name: 'EMPTY', value: '' }, { name: 'SET', value: 'yes' }] }],
      }),
    );
    const stored = await aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: out.taskDefinition?.taskDefinitionArn }));
    assert.deepEqual(stored.taskDefinition?.containerDefinitions?.[0]?.environment, [{ name: 'SET', value: 'yes' }]);
  });
});
