import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  DeleteSecurityGroupCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DescribeVpcsCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { startFakeAws, type FakeAws } from './index.ts';
import { rejection, sdkClients } from './sdk.ts';

describe('fake EC2 through the real SDK', () => {
  let fake: FakeAws;
  let aws: ReturnType<typeof sdkClients>;
  let vpcId = '';
  let groupId = '';
  before(async () => {
    fake = await startFakeAws({ eniLingerMs: 300 });
    aws = sdkClients(fake);
  });
  after(() => fake.stop());

  test('there is one default VPC with a default subnet in each of three zones', async () => {
    const vpcs = await aws.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'isDefault', Values: ['true'] }] }));
    assert.equal(vpcs.Vpcs?.length, 1);
    assert.equal(vpcs.Vpcs?.[0]?.IsDefault, true);
    vpcId = vpcs.Vpcs?.[0]?.VpcId ?? '';
    assert.match(vpcId, /^vpc-/);
    const subnets = await aws.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'default-for-az', Values: ['true'] }] }));
    assert.deepEqual(subnets.Subnets?.map((s) => s.AvailabilityZone).sort(), ['us-east-1a', 'us-east-1b', 'us-east-1c']);
    assert.ok(subnets.Subnets?.every((s) => s.MapPublicIpOnLaunch === true && s.VpcId === vpcId));
    const none = await aws.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['false'] }] }));
    assert.equal(none.Vpcs?.length, 0);
  });

  test('a new security group carries its tags and the default allow-all egress rule', async () => {
    const out = await aws.ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: 'app-sg',
        Description: 'app',
        VpcId: vpcId,
        TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'managed-by', Value: 'lambda2fargate' }] }],
      }),
    );
    groupId = out.GroupId ?? '';
    assert.match(groupId, /^sg-[0-9a-f]+$/);
    const found = await aws.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['app-sg'] }, { Name: 'vpc-id', Values: [vpcId] }] }));
    const g = found.SecurityGroups?.[0];
    assert.equal(g?.GroupId, groupId);
    assert.equal(g?.Description, 'app');
    assert.deepEqual(g?.Tags, [{ Key: 'managed-by', Value: 'lambda2fargate' }]);
    assert.deepEqual(g?.IpPermissions, []);
    assert.equal(g?.IpPermissionsEgress?.[0]?.IpProtocol, '-1');
    assert.equal(g?.IpPermissionsEgress?.[0]?.IpRanges?.[0]?.CidrIp, '0.0.0.0/0');
    const byTag = await aws.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'tag:managed-by', Values: ['lambda2fargate'] }] }));
    assert.deepEqual(byTag.SecurityGroups?.map((x) => x.GroupId), [groupId]);
  });

  test('a duplicate group name fails with InvalidGroup.Duplicate', async () => {
    const err = await rejection(aws.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'app-sg', Description: 'again', VpcId: vpcId })));
    assert.equal(err.name, 'InvalidGroup.Duplicate');
    assert.equal(err.$metadata?.httpStatusCode, 400);
  });

  test('an unknown group id fails with InvalidGroup.NotFound', async () => {
    const err = await rejection(aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0000000000'] })));
    assert.equal(err.name, 'InvalidGroup.NotFound');
    assert.match(err.message, /sg-0000000000/);
  });

  test('ingress rules are added once (InvalidPermission.Duplicate the second time) and revoked', async () => {
    const rule = { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'http' }] };
    const added = await aws.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [rule] }));
    assert.equal(added.Return, true);
    assert.match(added.SecurityGroupRules?.[0]?.SecurityGroupRuleId ?? '', /^sgr-/);
    const err = await rejection(aws.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [rule] })));
    assert.equal(err.name, 'InvalidPermission.Duplicate');
    const g = (await aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups?.[0];
    assert.deepEqual(g?.IpPermissions?.[0]?.IpRanges, [{ CidrIp: '0.0.0.0/0', Description: 'http' }]);
    assert.equal(g?.IpPermissions?.[0]?.FromPort, 8080);
    const rules = await aws.ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
    assert.deepEqual(rules.SecurityGroupRules?.map((r) => r.IsEgress).sort(), [false, true]);
    await aws.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [rule] }));
    const after = (await aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups?.[0];
    assert.deepEqual(after?.IpPermissions, []);
  });

  test('CreateTags and DescribeTags work on security groups', async () => {
    await aws.ec2.send(new CreateTagsCommand({ Resources: [groupId], Tags: [{ Key: 'env', Value: 'test' }] }));
    const tags = await aws.ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [groupId] }] }));
    assert.deepEqual(tags.Tags?.map((t) => `${t.Key}=${t.Value}`).sort(), ['env=test', 'managed-by=lambda2fargate']);
  });

  test('a group is not deletable (DependencyViolation) while an ENI uses it, then is once the ENI is gone', async () => {
    const subnet = [...fake.ec2.subnets.keys()][0] ?? '';
    const eni = fake.ec2.createEni(subnet, [groupId], 'test', '127.0.0.9');
    const seen = await aws.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni.networkInterfaceId] }));
    assert.equal(seen.NetworkInterfaces?.[0]?.Association?.PublicIp, '127.0.0.9');
    assert.equal(seen.NetworkInterfaces?.[0]?.Groups?.[0]?.GroupId, groupId);
    assert.match(seen.NetworkInterfaces?.[0]?.PrivateIpAddress ?? '', /^172\.31\./);
    fake.ec2.releaseEni(eni.networkInterfaceId, 300);
    const err = await rejection(aws.ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId })));
    assert.equal(err.name, 'DependencyViolation');
    await new Promise((r) => setTimeout(r, 400));
    const gone = await rejection(aws.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni.networkInterfaceId] })));
    assert.equal(gone.name, 'InvalidNetworkInterfaceID.NotFound');
    await aws.ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId }));
    assert.deepEqual((await fake.snapshot()).securityGroups, []);
  });

  test('EC2 query parameters arrive under their wire names', () => {
    const create = fake.requests.find((r) => r.operation === 'CreateSecurityGroup');
    assert.equal(create?.params.GroupName, 'app-sg');
    assert.ok(Array.isArray(create?.params.TagSpecification));
  });
});
