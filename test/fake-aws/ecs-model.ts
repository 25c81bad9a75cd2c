import { ACCOUNT, REGION, epoch, toLowerKeyValue, type Tags } from './common.ts';
import type { Eni } from './ec2.ts';
import type { Params } from './service.ts';
import type { RunningContainer } from './runner.ts';

export const ecsArn = (kind: string, rest: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:${kind}/${rest}`;

export interface Cluster {
  arn: string;
  name: string;
  status: 'ACTIVE' | 'INACTIVE';
  tags: Tags;
  settings: unknown[];
  inactiveAt?: number;
  createdAt: number;
}

export interface TaskDef {
  arn: string;
  family: string;
  revision: number;
  status: 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS';
  registeredAt: Date;
  deregisteredAt?: Date;
  body: Params;
  tags: Tags;
}

export type RolloutState = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

export interface Deployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE';
  taskDefinition: string;
  desiredCount: number;
  failedTasks: number;
  rolloutState: RolloutState;
  rolloutStateReason: string;
  createdAt: Date;
  updatedAt: Date;
  networkConfiguration: Params;
  /** circuit breaker tripped without a rollback: launch nothing more */
  halted: boolean;
  nextLaunchAt: number;
}

export interface ServiceEvent {
  id: string;
  createdAt: Date;
  message: string;
}

export interface Service {
  arn: string;
  name: string;
  cluster: Cluster;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desiredCount: number;
  taskDefinition: string;
  deployments: Deployment[];
  events: ServiceEvent[];
  networkConfiguration: Params;
  deploymentConfiguration: Params;
  tags: Tags;
  createdAt: Date;
  launchType: string;
  platformVersion: string;
  healthCheckGracePeriodSeconds?: number;
  /** target groups its tasks are registered in (ecs-lb.ts) */
  loadBalancers?: Array<{ targetGroupArn: string; containerName: string; containerPort: number }>;
  enableECSManagedTags: boolean;
  propagateTags: string;
  steady: boolean;
  /** the CreateService parameters, to tell an idempotent retry from a conflicting create */
  createKey: string;
  drainedAt?: number;
  inactiveAt?: number;
}

export type TaskStatus = 'PROVISIONING' | 'PENDING' | 'ACTIVATING' | 'RUNNING' | 'DEACTIVATING' | 'STOPPING' | 'DEPROVISIONING' | 'STOPPED';

export interface Task {
  arn: string;
  id: string;
  cluster: Cluster;
  service?: Service;
  deploymentId?: string;
  taskDef: TaskDef;
  lastStatus: TaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  healthStatus: 'UNKNOWN' | 'HEALTHY' | 'UNHEALTHY';
  createdAt: Date;
  pullStartedAt?: Date;
  pullStoppedAt?: Date;
  startedAt?: Date;
  stoppingAt?: Date;
  stoppedAt?: Date;
  stoppedReason?: string;
  stopCode?: string;
  exitCode?: number;
  containerReason?: string;
  eni?: Eni;
  attachmentId: string;
  publicIp?: string;
  container?: RunningContainer;
  /** counted as failed by its deployment already */
  failureCounted: boolean;
  tags: Tags;
}

export function clusterView(c: Cluster, tasks: Task[], services: Service[], withTags: boolean) {
  const live = tasks.filter((t) => t.cluster === c && t.lastStatus !== 'STOPPED');
  return {
    clusterArn: c.arn,
    clusterName: c.name,
    status: c.status,
    registeredContainerInstancesCount: 0,
    runningTasksCount: live.filter((t) => t.lastStatus === 'RUNNING').length,
    pendingTasksCount: live.filter((t) => t.lastStatus !== 'RUNNING').length,
    activeServicesCount: services.filter((s) => s.cluster === c && s.status === 'ACTIVE').length,
    statistics: [],
    tags: withTags ? toLowerKeyValue(c.tags) : [],
    settings: c.settings,
    capacityProviders: [],
    defaultCapacityProviderStrategy: [],
  };
}

export function taskDefView(td: TaskDef) {
  return {
    ...td.body,
    taskDefinitionArn: td.arn,
    family: td.family,
    revision: td.revision,
    status: td.status,
    compatibilities: ['EC2', 'FARGATE'],
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.task-eni' }],
    registeredAt: epoch(td.registeredAt),
    deregisteredAt: epoch(td.deregisteredAt),
    registeredBy: `arn:aws:iam::${ACCOUNT}:user/fake-aws`,
  };
}

const counts = (tasks: Task[]) => ({
  runningCount: tasks.filter((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING').length,
  pendingCount: tasks.filter((t) => ['PROVISIONING', 'PENDING', 'ACTIVATING'].includes(t.lastStatus) && t.desiredStatus === 'RUNNING').length,
});

export function serviceView(s: Service, tasks: Task[], withTags: boolean) {
  const mine = tasks.filter((t) => t.service === s);
  return {
    serviceArn: s.arn,
    serviceName: s.name,
    clusterArn: s.cluster.arn,
    loadBalancers: s.loadBalancers ?? [],
    serviceRegistries: [],
    status: s.status,
    desiredCount: s.desiredCount,
    ...counts(mine),
    launchType: s.launchType,
    platformVersion: s.platformVersion,
    platformFamily: 'Linux',
    taskDefinition: s.taskDefinition,
    deploymentConfiguration: s.deploymentConfiguration,
    deployments: s.deployments.map((d) => ({
      id: d.id,
      status: d.status,
      taskDefinition: d.taskDefinition,
      desiredCount: d.desiredCount,
      ...counts(mine.filter((t) => t.deploymentId === d.id)),
      failedTasks: d.failedTasks,
      createdAt: epoch(d.createdAt),
      updatedAt: epoch(d.updatedAt),
      launchType: s.launchType,
      platformVersion: '1.4.0',
      platformFamily: 'Linux',
      networkConfiguration: d.networkConfiguration,
      rolloutState: d.rolloutState,
      rolloutStateReason: d.rolloutStateReason,
    })),
    roleArn: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`,
    events: s.events.slice(0, 100).map((e) => ({ id: e.id, createdAt: epoch(e.createdAt), message: e.message })),
    createdAt: epoch(s.createdAt),
    placementConstraints: [],
    placementStrategy: [],
    networkConfiguration: s.networkConfiguration,
    healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds,
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    tags: withTags ? toLowerKeyValue(s.tags) : undefined,
    createdBy: `arn:aws:iam::${ACCOUNT}:user/fake-aws`,
    enableECSManagedTags: s.enableECSManagedTags,
    propagateTags: s.propagateTags,
    enableExecuteCommand: false,
    availabilityZoneRebalancing: 'ENABLED',
  };
}

export function taskView(t: Task, withTags: boolean) {
  const body = t.taskDef.body;
  const containers = (body.containerDefinitions ?? []) as Params[];
  const status = t.lastStatus;
  const eniDetails = t.eni
    ? [
        { name: 'subnetId', value: t.eni.subnetId },
        { name: 'networkInterfaceId', value: t.eni.networkInterfaceId },
        { name: 'macAddress', value: t.eni.macAddress },
        { name: 'privateDnsName', value: `ip-${t.eni.privateIpAddress.replaceAll('.', '-')}.ec2.internal` },
        { name: 'privateIPv4Address', value: t.eni.privateIpAddress },
      ]
    : [];
  const attachmentStatus = status === 'PROVISIONING' ? 'PRECREATED' : status === 'STOPPED' ? 'DELETED' : 'ATTACHED';
  return {
    taskArn: t.arn,
    clusterArn: t.cluster.arn,
    taskDefinitionArn: t.taskDef.arn,
    group: t.service ? `service:${t.service.name}` : `family:${t.taskDef.family}`,
    startedBy: t.deploymentId,
    version: 1,
    lastStatus: status,
    desiredStatus: t.desiredStatus,
    healthStatus: t.healthStatus,
    launchType: 'FARGATE',
    capacityProviderName: undefined,
    platformVersion: '1.4.0',
    platformFamily: 'Linux',
    cpu: body.cpu,
    memory: body.memory,
    connectivity: status === 'PROVISIONING' ? undefined : 'CONNECTED',
    availabilityZone: t.eni?.availabilityZone,
    createdAt: epoch(t.createdAt),
    pullStartedAt: epoch(t.pullStartedAt),
    pullStoppedAt: epoch(t.pullStoppedAt),
    startedAt: epoch(t.startedAt),
    stoppingAt: epoch(t.stoppingAt),
    stoppedAt: epoch(t.stoppedAt),
    executionStoppedAt: epoch(t.stoppedAt),
    stoppedReason: t.stoppedReason,
    stopCode: t.stopCode,
    attachments: [{ id: t.attachmentId, type: 'ElasticNetworkInterface', status: attachmentStatus, details: eniDetails }],
    containers: containers.map((c, i) => ({
      containerArn: ecsArn('container', `${t.cluster.name}/${t.id}/${t.attachmentId.slice(0, 8)}${i}`),
      taskArn: t.arn,
      name: c.name,
      image: c.image,
      lastStatus: status === 'RUNNING' ? 'RUNNING' : status === 'STOPPED' ? 'STOPPED' : 'PENDING',
      exitCode: i === 0 ? t.exitCode : undefined,
      reason: i === 0 ? t.containerReason : undefined,
      networkBindings: [],
      networkInterfaces: t.eni ? [{ attachmentId: t.attachmentId, privateIpv4Address: t.eni.privateIpAddress }] : [],
      healthStatus: c.healthCheck ? t.healthStatus : 'UNKNOWN',
      cpu: c.cpu !== undefined ? String(c.cpu) : '0',
      memory: c.memory !== undefined ? String(c.memory) : undefined,
    })),
    overrides: { containerOverrides: containers.map((c) => ({ name: c.name })), inferenceAcceleratorOverrides: [] },
    ephemeralStorage: { sizeInGiB: 20 },
    tags: withTags ? toLowerKeyValue(t.tags) : undefined,
  };
}
