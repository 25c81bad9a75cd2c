import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeNetworkInterfacesCommand } from '@aws-sdk/client-ec2';
import { DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import type { DesiredStatus, Task } from '@aws-sdk/client-ecs';
import type { Aws } from '../lib/aws.ts';
import { isAwsError } from '../lib/errors.ts';
import type { ResolvedService } from '../manifest/types.ts';

/** The ARNs of a service's tasks (every page of ListTasks; ECS's default desired status is RUNNING). */
export async function taskArns(aws: Aws, cluster: string, serviceName: string, desiredStatus?: DesiredStatus): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await aws.ecs.send(new ListTasksCommand({ cluster, serviceName, desiredStatus, nextToken }));
    arns.push(...(out.taskArns ?? []));
    nextToken = out.nextToken;
  } while (nextToken);
  return arns;
}

/** The service's tasks in one desired status (ListTasks + DescribeTasks, 100 at a time). */
export async function serviceTasks(aws: Aws, svc: ResolvedService, desiredStatus: DesiredStatus): Promise<Task[]> {
  let arns: string[];
  try {
    arns = await taskArns(aws, svc.names.cluster, svc.names.service, desiredStatus);
  } catch (err) {
    if (isAwsError(err, 'ClusterNotFoundException', 'ServiceNotFoundException')) return [];
    throw err;
  }
  return describeTasks(aws, svc.names.cluster, arns);
}

/** DescribeTasks takes "a list of up to 100 task IDs or full ARN entries" (ECS API reference): asked 100 at a time. */
export async function describeTasks(aws: Aws, cluster: string, arns: string[]): Promise<Task[]> {
  const tasks: Task[] = [];
  for (let i = 0; i < arns.length; i += 100) {
    const out = await aws.ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + 100) }));
    tasks.push(...(out.tasks ?? []));
  }
  return tasks;
}

export const taskId = (arn: string | undefined) => arn?.split('/').pop() ?? '';

export interface TaskAddress {
  taskId: string;
  taskDefinitionArn: string;
  eniId?: string;
  privateIp?: string;
  publicIp?: string;
}

/** Each running task's ENI, and the public IP EC2 associated with it. */
export async function taskAddresses(aws: Aws, tasks: Task[]): Promise<TaskAddress[]> {
  const addresses = tasks.map((t) => {
    const eni = t.attachments?.find((a) => a.type === 'ElasticNetworkInterface');
    const detail = (name: string) => eni?.details?.find((d) => d.name === name)?.value;
    return {
      taskId: taskId(t.taskArn),
      taskDefinitionArn: t.taskDefinitionArn ?? '',
      eniId: detail('networkInterfaceId'),
      privateIp: detail('privateIPv4Address'),
    } as TaskAddress;
  });
  const ids = addresses.map((a) => a.eniId).filter((x): x is string => !!x);
  if (ids.length === 0) return addresses;
  const out = await aws.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ids }));
  for (const a of addresses) {
    const ni = out.NetworkInterfaces?.find((n) => n.NetworkInterfaceId === a.eniId);
    a.publicIp = ni?.Association?.PublicIp;
    a.privateIp ??= ni?.PrivateIpAddress;
  }
  return addresses;
}

/** The last lines a task's container wrote (awslogs stream `ecs/<container>/<task id>`). */
export async function lastLogLines(aws: Aws, svc: ResolvedService, id: string, limit = 10): Promise<string[]> {
  try {
    const out = await aws.logs.send(
      new GetLogEventsCommand({ logGroupName: svc.names.logGroup, logStreamName: `ecs/${svc.names.container}/${id}`, limit, startFromHead: false }),
    );
    return (out.events ?? []).map((e) => (e.message ?? '').trimEnd());
  } catch (err) {
    if (isAwsError(err, 'ResourceNotFoundException')) return [];
    throw err;
  }
}

/** One line per stopped task: why ECS stopped it, the exit codes, then its last log lines. */
export async function describeStoppedTasks(aws: Aws, svc: ResolvedService, taskDefinitionArn: string | undefined, max = 3): Promise<string[]> {
  const stopped = (await serviceTasks(aws, svc, 'STOPPED'))
    .filter((t) => !taskDefinitionArn || t.taskDefinitionArn === taskDefinitionArn)
    .sort((a, b) => (b.stoppedAt?.getTime() ?? 0) - (a.stoppedAt?.getTime() ?? 0))
    .slice(0, max);
  const lines: string[] = [];
  for (const t of stopped) {
    const id = taskId(t.taskArn);
    const exits = (t.containers ?? [])
      .map((c) => `${c.name} exit ${c.exitCode ?? '?'}${c.reason ? ` (${c.reason})` : ''}`)
      .join(', ');
    lines.push(`task ${id}: ${t.stoppedReason ?? t.stopCode ?? 'stopped'}${exits ? ` — ${exits}` : ''}`);
    const logs = await lastLogLines(aws, svc, id).catch(() => []);
    for (const l of logs) lines.push(`  | ${l}`);
  }
  return lines;
}
