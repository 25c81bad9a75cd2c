import { CreateSecurityGroupCommand, AuthorizeSecurityGroupIngressCommand, DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { CreateClusterCommand, DescribeServicesCommand, RegisterTaskDefinitionCommand, type Service } from '@aws-sdk/client-ecs';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { sdkClients } from './sdk.ts';
import { waitFor } from './sdk.ts';

type Aws = ReturnType<typeof sdkClients>;

const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

/** What deploy-ecs creates before its service: cluster, role, log group, security group. */
export async function prepare(aws: Aws, name: string) {
  await aws.ecs.send(new CreateClusterCommand({ clusterName: name, tags: [{ key: 'managed-by', value: 'lambda2fargate' }] }));
  const role = await aws.iam.send(new CreateRoleCommand({ RoleName: `${name}-exec`, AssumeRolePolicyDocument: trust }));
  await aws.logs.send(new CreateLogGroupCommand({ logGroupName: `/ecs/${name}` }));
  const sg = await aws.ec2.send(new CreateSecurityGroupCommand({ GroupName: `${name}-sg`, Description: name }));
  await aws.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sg.GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  const subnets = await aws.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }));
  return {
    cluster: name,
    roleArn: role.Role?.Arn ?? '',
    groupId: sg.GroupId ?? '',
    network: { awsvpcConfiguration: { subnets: (subnets.Subnets ?? []).map((s) => s.SubnetId ?? ''), securityGroups: [sg.GroupId ?? ''], assignPublicIp: 'ENABLED' as const } },
  };
}

export async function registerTaskDef(aws: Aws, name: string, roleArn: string, environment: Record<string, string> = {}) {
  const out = await aws.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: name,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      executionRoleArn: roleArn,
      containerDefinitions: [
        {
          name: 'app',
          image: 'public.ecr.aws/docker/library/node:24-slim',
          essential: true,
          portMappings: [{ containerPort: 8080 }],
          environment: Object.entries(environment).map(([k, v]) => ({ name: k, value: v })),
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': `/ecs/${name}`, 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'ecs' } },
        },
      ],
      tags: [{ key: 'managed-by', value: 'lambda2fargate' }],
    }),
  );
  return out.taskDefinition?.taskDefinitionArn ?? '';
}

export async function describeService(aws: Aws, cluster: string, service: string): Promise<Service> {
  const out = await aws.ecs.send(new DescribeServicesCommand({ cluster, services: [service], include: ['TAGS'] }));
  const s = out.services?.[0];
  if (!s) throw new Error(`no service ${service}`);
  return s;
}

export function waitForRollout(aws: Aws, cluster: string, service: string, state: 'COMPLETED' | 'FAILED', timeoutMs = 30_000): Promise<Service> {
  return waitFor(
    `${service} rollout ${state}`,
    async () => {
      const s = await describeService(aws, cluster, service);
      return s.deployments?.[0]?.rolloutState === state && (state === 'FAILED' || s.deployments.length === 1) ? s : undefined;
    },
    timeoutMs,
  );
}
