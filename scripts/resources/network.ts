import { DescribeSubnetsCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import type { Subnet } from '@aws-sdk/client-ec2';
import type { Aws } from '../lib/aws.ts';
import { ToolError, UserError, isAwsError, message } from '../lib/errors.ts';
import type { ResolvedService } from '../manifest/types.ts';

/** Where the tasks run. Read only: the tool never creates or deletes networks. */
export interface Network {
  vpcId: string;
  subnets: Array<{ id: string; availabilityZone?: string }>;
  /** true when the VPC is the region's default one (nothing named in the manifest) */
  isDefault: boolean;
  /** default subnets left out: their zone has no Fargate */
  leftOut?: Array<{ id: string; zoneId: string }>;
}

/**
 * Regions where Fargate runs only in some zones, by zone ID (AWS Fargate "Regions" page: us-west-1
 * "usw1-az1 & usw1-az3 only", ap-northeast-1 "apne1-az1, apne1-az2, & apne1-az4 only"). Older
 * accounts can have default subnets in the other zones; tasks there never place.
 */
export const FARGATE_ZONE_IDS: Record<string, readonly string[]> = {
  'us-west-1': ['usw1-az1', 'usw1-az3'],
  'ap-northeast-1': ['apne1-az1', 'apne1-az2', 'apne1-az4'],
};

export async function findNetwork(aws: Aws, svc: ResolvedService): Promise<Network> {
  const { vpcId, subnets } = svc.network;
  if (subnets && subnets.length > 0) return fromSubnets(aws, subnets, vpcId);
  if (vpcId) return fromVpc(aws, vpcId);
  const vpcs = await aws.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
  const vpc = vpcs.Vpcs?.find((v) => v.IsDefault);
  if (!vpc?.VpcId) {
    throw new ToolError(
      message(`network (${aws.region})`, 'the region has no default VPC', 'set network.vpcId and network.subnets (public subnets) in the manifest'),
    );
  }
  const out = await aws.ec2.send(
    new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId] }, { Name: 'default-for-az', Values: ['true'] }] }),
  );
  const all = (out.Subnets ?? []).filter((s) => s.VpcId === vpc.VpcId && s.DefaultForAz !== false);
  const zones = FARGATE_ZONE_IDS[aws.region];
  const fargate = (s: Subnet) => !zones || !s.AvailabilityZoneId || zones.includes(s.AvailabilityZoneId);
  const found = all.filter(fargate);
  const leftOut = all.filter((s) => !fargate(s)).map((s) => ({ id: s.SubnetId ?? '', zoneId: s.AvailabilityZoneId ?? '' }));
  if (found.length === 0) {
    const why = all.length ? `none of its default subnets is in a zone with Fargate (${zones?.join(', ')})` : 'the default VPC has no default subnets';
    throw new ToolError(message(`network (${vpc.VpcId})`, why, 'set network.subnets in the manifest'));
  }
  return { vpcId: vpc.VpcId, subnets: toSubnets(found), isDefault: true, ...(leftOut.length ? { leftOut } : {}) };
}

async function fromVpc(aws: Aws, vpcId: string): Promise<Network> {
  try {
    const vpcs = await aws.ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
    if (!vpcs.Vpcs?.some((v) => v.VpcId === vpcId)) throw notFound(`VPC ${vpcId}`);
  } catch (err) {
    if (isAwsError(err, 'InvalidVpcID.NotFound')) throw notFound(`VPC ${vpcId}`);
    throw err;
  }
  const out = await aws.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  const found = (out.Subnets ?? []).filter((s) => s.VpcId === vpcId);
  if (found.length === 0) throw new UserError(message(`network (${vpcId})`, 'the VPC has no subnets', 'set network.subnets in the manifest'));
  return { vpcId, subnets: toSubnets(found), isDefault: false };
}

async function fromSubnets(aws: Aws, ids: string[], vpcId: string | undefined): Promise<Network> {
  let found: Subnet[];
  try {
    found = (await aws.ec2.send(new DescribeSubnetsCommand({ SubnetIds: ids }))).Subnets ?? [];
  } catch (err) {
    if (isAwsError(err, 'InvalidSubnetID.NotFound')) throw notFound(`subnets ${ids.join(', ')}`);
    throw err;
  }
  const missing = ids.filter((id) => !found.some((s) => s.SubnetId === id));
  if (missing.length > 0) throw notFound(`subnets ${missing.join(', ')}`);
  const vpcIds = [...new Set(found.map((s) => s.VpcId))];
  const vpc = vpcId ?? vpcIds[0];
  if (vpcIds.length !== 1 || !vpc || vpcIds[0] !== vpc) {
    throw new UserError(
      message('network', `the subnets ${ids.join(', ')} are in ${vpcIds.join(', ')}${vpcId ? `, not only in ${vpcId}` : ''}`, 'list subnets of one VPC (network.vpcId)'),
    );
  }
  return { vpcId: vpc, subnets: toSubnets(ids.map((id) => found.find((s) => s.SubnetId === id)!)), isDefault: false };
}

function toSubnets(list: Subnet[]): Network['subnets'] {
  return list
    .filter((s): s is Subnet & { SubnetId: string } => !!s.SubnetId)
    .map((s) => ({ id: s.SubnetId, availabilityZone: s.AvailabilityZone }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

function notFound(what: string): UserError {
  return new UserError(message('network', `${what} not found in this account and region`, 'check network.vpcId / network.subnets in the manifest and AWS_REGION'));
}
