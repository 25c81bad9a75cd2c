import { DescribeSecurityGroupsCommand, type SecurityGroup } from '@aws-sdk/client-ec2';
import { GetRoleCommand, ListAttachedRolePoliciesCommand, ListRoleTagsCommand } from '@aws-sdk/client-iam';
import { DescribeLogGroupsCommand, ListTagsForResourceCommand as ListLogTags } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeRepositoriesCommand, ListImagesCommand, ListTagsForResourceCommand as ListEcrTags } from '@aws-sdk/client-ecr';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { Aws } from '../lib/aws.ts';
import { isAwsError } from '../lib/errors.ts';
import { ENVIRONMENT_KEY, MANAGED_BY_KEY, MANAGED_BY_VALUE, SERVICE_KEY, fromKeyValue, isOwned } from '../lib/tags.ts';
import type { ResolvedService } from '../manifest/types.ts';
import type { References } from './find-ecs.ts';
import { type Found, plural } from './types.ts';

/**
 * Security groups by name, by the tool's tags, and those the service used. A group named like ours
 * but untagged is reported (not owned); one only referenced is listed only when it is ours.
 */
export async function findSecurityGroups(aws: Aws, svc: ResolvedService, refs: References): Promise<Found[]> {
  const groups = new Map<string, SecurityGroup>();
  const byName = await aws.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [svc.names.securityGroup] }] }));
  const byTag = await aws.ec2.send(
    new DescribeSecurityGroupsCommand({
      Filters: [
        { Name: `tag:${MANAGED_BY_KEY}`, Values: [MANAGED_BY_VALUE] },
        { Name: `tag:${SERVICE_KEY}`, Values: [svc.name] },
        { Name: `tag:${ENVIRONMENT_KEY}`, Values: [svc.environment] },
      ],
    }),
  );
  for (const g of [...(byName.SecurityGroups ?? []), ...(byTag.SecurityGroups ?? [])]) if (g.GroupId) groups.set(g.GroupId, g);
  for (const id of refs.securityGroupIds) {
    if (groups.has(id)) continue;
    try {
      const out = await aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }));
      for (const g of out.SecurityGroups ?? []) if (g.GroupId) groups.set(g.GroupId, g);
    } catch (err) {
      if (!isAwsError(err, 'InvalidGroup.NotFound', 'InvalidGroupId.Malformed')) throw err;
    }
  }
  const out: Found[] = [];
  for (const g of groups.values()) {
    const owned = isOwned(fromKeyValue(g.Tags), svc.name, svc.environment);
    if (!owned && g.GroupName !== svc.names.securityGroup) continue;
    out.push({ kind: 'security-group', name: `${g.GroupName} (${g.GroupId})`, id: g.GroupId ?? '', owned, detail: g.VpcId });
  }
  return out;
}

async function findRole(aws: Aws, svc: ResolvedService, name: string): Promise<Found | undefined> {
  let tags: Record<string, string>;
  try {
    const out = await aws.iam.send(new GetRoleCommand({ RoleName: name }));
    tags = fromKeyValue(out.Role?.Tags);
    if (!out.Role?.Tags) tags = fromKeyValue((await aws.iam.send(new ListRoleTagsCommand({ RoleName: name }))).Tags);
  } catch (err) {
    if (isAwsError(err, 'NoSuchEntityException', 'NoSuchEntity')) return undefined;
    throw err;
  }
  const policies = (await aws.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }))).AttachedPolicies ?? [];
  return { kind: 'role', name, id: name, owned: isOwned(tags, svc.name, svc.environment), detail: plural(policies.length, 'attached policy', 'attached policies') };
}

async function findLogGroup(aws: Aws, svc: ResolvedService, name: string): Promise<Found | undefined> {
  const out = await aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
  const g = out.logGroups?.find((x) => x.logGroupName === name);
  if (!g) return undefined;
  const arn = g.logGroupArn ?? g.arn?.replace(/:\*$/, '') ?? '';
  const tags = (await aws.logs.send(new ListLogTags({ resourceArn: arn }))).tags ?? {};
  const owned = isOwned(tags, svc.name, svc.environment);
  return { kind: 'log-group', name, id: name, owned, detail: g.storedBytes ? `${g.storedBytes} bytes` : undefined };
}

async function findRepository(aws: Aws, svc: ResolvedService, name: string): Promise<Found | undefined> {
  let arn: string;
  try {
    const out = await aws.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
    arn = out.repositories?.[0]?.repositoryArn ?? '';
  } catch (err) {
    if (isAwsError(err, 'RepositoryNotFoundException', 'InvalidParameterException')) return undefined;
    throw err;
  }
  const tags = fromKeyValue((await aws.ecr.send(new ListEcrTags({ resourceArn: arn }))).tags);
  // ListImages pages (100 by default): every page, or big repositories are undercounted
  const digests = new Set<string | undefined>();
  let nextToken: string | undefined;
  do {
    const page = await aws.ecr.send(new ListImagesCommand({ repositoryName: name, nextToken }));
    for (const i of page.imageIds ?? []) digests.add(i.imageDigest);
    nextToken = page.nextToken;
  } while (nextToken);
  return { kind: 'repository', name, id: name, owned: isOwned(tags, svc.name, svc.environment), detail: plural(digests.size, 'image') };
}

/** Looks up each name the manifest gives, then each referenced name, keeping referenced ones only when owned. */
async function byNameAndReference(
  named: string,
  referenced: Set<string>,
  find: (name: string) => Promise<Found | undefined>,
): Promise<Found[]> {
  const out: Found[] = [];
  const first = await find(named);
  if (first) out.push(first);
  for (const name of referenced) {
    if (name === named) continue;
    const f = await find(name);
    if (f?.owned) out.push(f);
  }
  return out;
}

/** The execution role, the task role (`taskRole` without an ARN), and owned roles the task definitions name. */
export async function findRoles(aws: Aws, svc: ResolvedService, refs: References): Promise<Found[]> {
  const find = (n: string) => findRole(aws, svc, n);
  const referenced = new Set([...refs.roles].filter((r) => r !== svc.names.taskRole));
  const task = await find(svc.names.taskRole);
  // a role of that name the tool did not create is only reported when this service uses it
  const taskRole = task && (task.owned || refs.roles.has(task.name)) ? [task] : [];
  return [...(await byNameAndReference(svc.names.executionRole, referenced, find)), ...taskRole];
}

export async function findLogGroups(aws: Aws, svc: ResolvedService, refs: References): Promise<Found[]> {
  return byNameAndReference(svc.names.logGroup, refs.logGroups, (n) => findLogGroup(aws, svc, n));
}

export async function findRepositories(aws: Aws, svc: ResolvedService, refs: References): Promise<Found[]> {
  return byNameAndReference(svc.names.repository, refs.repositories, (n) => findRepository(aws, svc, n));
}

/**
 * The Lambda stack. make deploy-lambda tags it as the Lambda side's "service" (the stack name) and
 * environment; a stack of that name without those tags is someone else's.
 */
export async function findStack(aws: Aws, stackName: string, environment: string): Promise<Found | undefined> {
  try {
    const out = await aws.cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const s = out.Stacks?.[0];
    if (!s || s.StackStatus === 'DELETE_COMPLETE') return undefined;
    const tags = fromKeyValue(s.Tags);
    return { kind: 'stack', name: stackName, id: stackName, owned: isOwned(tags, stackName, environment), detail: s.StackStatus, region: aws.region };
  } catch (err) {
    if (isAwsError(err, 'ValidationError') && /does not exist/.test((err as Error).message)) return undefined;
    throw err;
  }
}
