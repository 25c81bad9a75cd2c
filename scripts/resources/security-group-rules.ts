import { DescribeSecurityGroupsCommand, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import type { IpPermission } from '@aws-sdk/client-ec2';
import type { Aws } from '../lib/aws.ts';
import { isAwsError } from '../lib/errors.ts';
import { alreadyGone } from './types.ts';
import type { Found, Result } from './types.ts';

/** Revokes every ingress rule of group A that names group B (`id`: `<A>|<B>`). */
export async function revokeGroupReference(aws: Aws, item: Found): Promise<Result> {
  const [groupId = '', from = ''] = item.id.split('|');
  let permissions: IpPermission[];
  try {
    const out = await aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
    permissions = (out.SecurityGroups?.[0]?.IpPermissions ?? [])
      .filter((p) => p.UserIdGroupPairs?.some((g) => g.GroupId === from))
      .map((p) => ({ IpProtocol: p.IpProtocol, FromPort: p.FromPort, ToPort: p.ToPort, UserIdGroupPairs: [{ GroupId: from }] }));
  } catch (err) {
    if (isAwsError(err, 'InvalidGroup.NotFound')) return alreadyGone(item);
    throw err;
  }
  if (!permissions.length) return alreadyGone(item);
  await aws.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: permissions }));
  return { item, outcome: 'deleted', note: 'revoked' };
}
