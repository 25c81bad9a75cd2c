import { AwsError, asArray, fromKeyValue, toLowerKeyValue, type Tags } from './common.ts';
import { stillPropagating, type Knobs } from './knobs.ts';
import { clusterView, ecsArn, serviceView, taskDefView, taskView, type Cluster, type Service, type Task, type TaskDef } from './ecs-model.ts';
import type { Scheduler } from './scheduler.ts';
import type { Params, ServiceDef } from './service.ts';
import { secretReferenceProblem } from './task-start.ts';
import type { Ec2 } from './ec2.ts';

const FARGATE_MEMORY: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: [1024, 2048, 3072, 4096],
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
  const out = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

const clientError = (message: string) => new AwsError('ClientException', message);
const invalid = (message: string) => new AwsError('InvalidParameterException', message);
const lastSegment = (idOrArn: string) => idOrArn.split('/').pop() ?? idOrArn;
const includesTags = (p: Params) => asArray<string>(p.include).includes('TAGS');

export class Ecs {
  readonly clusters = new Map<string, Cluster>();
  readonly families = new Map<string, TaskDef[]>();
  private readonly lastRevision = new Map<string, number>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly ec2: Ec2,
    private readonly knobs: () => Pick<Knobs, 'serviceLinkedRoleFailures' | 'clusterPropagationMs'> = () => ({ serviceLinkedRoleFailures: 0, clusterPropagationMs: 0 }),
  ) {
    scheduler.taskDefByArn = (arn) => {
      const td = this.taskDefs().find((t) => t.arn === arn);
      if (!td) throw new Error(`no task definition ${arn}`);
      return td;
    };
    scheduler.onTick = () => this.reapTaskDefs();
  }

  get services(): Service[] {
    return this.scheduler.services;
  }

  get tasks(): Task[] {
    return this.scheduler.tasks;
  }

  taskDefs(): TaskDef[] {
    return [...this.families.values()].flat();
  }

  private cluster(ref: unknown, activeOnly = true): Cluster {
    const name = typeof ref === 'string' && ref ? lastSegment(ref) : 'default';
    const c = this.clusters.get(name);
    if (!c) throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
    if (activeOnly && c.status !== 'ACTIVE') throw new AwsError('ClusterNotFoundException', 'The referenced cluster was inactive.');
    return c;
  }

  private findService(c: Cluster, ref: string): Service | undefined {
    const name = lastSegment(ref);
    const all = this.services.filter((s) => s.cluster === c && s.name === name);
    return all.find((s) => s.status !== 'INACTIVE') ?? all.at(-1);
  }

  private findTaskDef(ref: string): TaskDef | undefined {
    const id = ref.startsWith('arn:') ? lastSegment(ref) : ref;
    const [family = '', rev] = id.split(':');
    const revisions = this.families.get(family) ?? [];
    if (rev === undefined) return revisions.filter((t) => t.status === 'ACTIVE').at(-1);
    return revisions.find((t) => t.revision === Number(rev) && t.status !== 'DELETE_IN_PROGRESS');
  }

  private findTask(c: Cluster, ref: string): Task | undefined {
    const id = lastSegment(ref);
    return this.tasks.find((t) => t.cluster === c && t.id === id);
  }

  private validateTaskDef(p: Params): void {
    const family = String(p.family ?? '');
    if (!/^[a-zA-Z0-9_-]{1,255}$/.test(family)) throw clientError('Family contains invalid characters or is too long.');
    const containers = asArray<Params>(p.containerDefinitions);
    if (!containers.length) throw clientError('Container list cannot be empty.');
    for (const c of containers) {
      if (!c.name) throw clientError('Container.name should not be null or empty.');
      if (!c.image) throw clientError('Container.image should not be null or empty.');
      // aws-sdk-go#2370: even an empty secrets list needs the execution role
      if (c.secrets !== undefined && !p.executionRoleArn) throw clientError("When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.");
      for (const secret of asArray<Params>(c.secrets)) if (secretReferenceProblem(secret)) throw clientError(secretReferenceProblem(secret)!);
      if (p.networkMode === 'awsvpc') {
        for (const m of asArray<Params>(c.portMappings)) {
          if (m.hostPort !== undefined && m.hostPort !== m.containerPort) throw clientError('When networkMode=awsvpc, the host ports and container ports in port mappings must match.');
        }
      }
    }
    if (asArray<string>(p.requiresCompatibilities).includes('FARGATE')) {
      if (p.networkMode !== 'awsvpc') throw clientError('Fargate only supports network mode ‘awsvpc’.');
      if (p.cpu === undefined || p.memory === undefined) throw clientError('Fargate requires that \'cpu\' be defined at the task level.');
      const cpu = Number(p.cpu);
      const memory = Number(p.memory);
      if (!FARGATE_MEMORY[cpu]?.includes(memory)) {
        throw clientError(`No Fargate configuration exists for given values: ${p.cpu} CPU, ${p.memory} memory. See the Amazon ECS documentation for the valid values.`);
      }
      if (containers.some((c) => c.logConfiguration?.logDriver === 'awslogs') && !p.executionRoleArn) {
        throw clientError('Fargate requires task definition to have execution role ARN to support log driver awslogs.');
      }
    }
  }

  /** A new account: ECS creates its service-linked role on first use, and the first calls cannot assume it yet. */
  private firstUseOfEcs(): void {
    const k = this.knobs();
    if (k.serviceLinkedRoleFailures <= 0) return;
    k.serviceLinkedRoleFailures--;
    throw invalid('Unable to assume the service linked role. Please verify that the ECS service linked role exists.');
  }

  private network(p: Params): Params {
    const vpc = p?.awsvpcConfiguration as Params | undefined;
    const subnets = asArray<string>(vpc?.subnets);
    if (!vpc || !subnets.length) throw invalid('subnets can not be empty.');
    for (const id of subnets) {
      if (!this.ec2.subnets.has(id)) throw invalid(`Error retrieving subnet information for [${id}]: The subnet ID '${id}' does not exist (ErrorCode: InvalidSubnetID.NotFound)`);
    }
    const groups = asArray<string>(vpc.securityGroups);
    for (const id of groups) {
      if (!this.ec2.groups.has(id) || !this.ec2.isSettled(id)) throw invalid(`Error retrieving security group information for [${id}]: The security group '${id}' does not exist (ErrorCode: InvalidGroup.NotFound)`);
    }
    return { awsvpcConfiguration: { subnets, securityGroups: groups, assignPublicIp: vpc.assignPublicIp ?? 'DISABLED' } };
  }

  private taskDefFor(ref: unknown): TaskDef {
    const td = typeof ref === 'string' ? this.findTaskDef(ref) : undefined;
    if (!td) throw clientError('TaskDefinition not found.');
    if (td.status !== 'ACTIVE') throw invalid('TaskDefinition is inactive');
    return td;
  }

  private resource(arn: string): { tags: Tags } {
    const m = /^arn:aws:ecs:[^:]+:\d{12}:(cluster|service|task-definition|task)\/(.+)$/.exec(arn);
    if (!m) throw invalid('The ARN provided is invalid.');
    const [, kind, rest = ''] = m;
    if (kind === 'cluster') return this.cluster(rest, false);
    if (kind === 'task-definition') {
      const td = this.findTaskDef(rest);
      if (!td) throw clientError('Unable to describe task definition.');
      return td;
    }
    const [clusterName = '', name = ''] = rest.split('/');
    const c = this.cluster(clusterName, false);
    if (kind === 'service') {
      const s = this.findService(c, name);
      if (!s) throw new AwsError('ServiceNotFoundException', 'Service not found.');
      return s;
    }
    const t = this.findTask(c, name);
    if (!t) throw invalid('The specified task was not found.');
    return t;
  }

  /** DELETE_IN_PROGRESS task definitions go away once no task runs them and no deployment uses them. */
  private reapTaskDefs(): void {
    for (const td of this.taskDefs().filter((t) => t.status === 'DELETE_IN_PROGRESS')) {
      if (this.tasks.some((t) => t.taskDef === td && t.lastStatus !== 'STOPPED')) continue;
      if (this.services.some((s) => s.deployments.some((d) => d.taskDefinition === td.arn))) continue;
      const revs = this.families.get(td.family)?.filter((x) => x !== td) ?? [];
      if (revs.length) this.families.set(td.family, revs);
      else this.families.delete(td.family);
    }
  }

  service(): ServiceDef {
    const sched = this.scheduler;
    return {
      protocol: 'json',
      xmlns: '',
      ops: {
        CreateCluster: (p: Params) => {
          this.firstUseOfEcs();
          const name = typeof p.clusterName === 'string' ? p.clusterName : 'default';
          if (!/^[a-zA-Z0-9_-]{1,255}$/.test(name)) throw invalid('Cluster name contains invalid characters.');
          const existing = this.clusters.get(name);
          if (existing?.status === 'ACTIVE') return { cluster: clusterView(existing, this.tasks, this.services, true) };
          const c: Cluster = { arn: ecsArn('cluster', name), name, status: 'ACTIVE', createdAt: Date.now(), tags: fromKeyValue(p.tags), settings: asArray(p.settings).length ? asArray(p.settings) : [{ name: 'containerInsights', value: 'disabled' }] };
          this.clusters.set(name, c);
          return { cluster: clusterView(c, this.tasks, this.services, true) };
        },
        DescribeClusters: (p: Params) => {
          const refs = asArray<string>(p.clusters);
          const clusters = [];
          const failures = [];
          for (const ref of refs.length ? refs : ['default']) {
            const c = this.clusters.get(lastSegment(ref));
            if (c) clusters.push(clusterView(c, this.tasks, this.services, includesTags(p)));
            else failures.push({ arn: ref.startsWith('arn:') ? ref : ecsArn('cluster', ref), reason: 'MISSING' });
          }
          return { clusters, failures };
        },
        ListClusters: () => ({ clusterArns: [...this.clusters.values()].filter((c) => c.status === 'ACTIVE').map((c) => c.arn) }),
        DeleteCluster: (p: Params) => {
          const c = this.cluster(p.cluster, false);
          if (this.services.some((s) => s.cluster === c && s.status !== 'INACTIVE')) throw new AwsError('ClusterContainsServicesException', 'The Cluster cannot be deleted while Services are active.');
          if (this.tasks.some((t) => t.cluster === c && t.lastStatus !== 'STOPPED')) throw new AwsError('ClusterContainsTasksException', 'The Cluster cannot be deleted while Tasks are active.');
          c.status = 'INACTIVE';
          c.inactiveAt = Date.now();
          return { cluster: clusterView(c, this.tasks, this.services, true) };
        },
        RegisterTaskDefinition: (p: Params) => {
          this.validateTaskDef(p);
          const family = String(p.family);
          const revisions = this.families.get(family) ?? [];
          // the fake never reuses a revision number, even after every revision of the family was deleted
          const revision = (this.lastRevision.get(family) ?? 0) + 1;
          this.lastRevision.set(family, revision);
          const { tags, ...input } = p;
          const body: Params = {
            ...input,
            cpu: input.cpu !== undefined ? String(input.cpu) : undefined,
            memory: input.memory !== undefined ? String(input.memory) : undefined,
            containerDefinitions: asArray<Params>(input.containerDefinitions).map((c) => ({
              essential: true,
              environment: [],
              mountPoints: [],
              volumesFrom: [],
              systemControls: [],
              ...c,
              // ECS stores no variable whose value is empty (terraform-provider-aws#39533)
              ...(c.environment ? { environment: asArray<Params>(c.environment).filter((e) => e.value !== undefined && e.value !== null && e.value !== '') } : {}),
              portMappings: asArray<Params>(c.portMappings).map((m) => ({ protocol: 'tcp', ...m, hostPort: input.networkMode === 'awsvpc' ? m.containerPort : m.hostPort })),
            })),
            volumes: input.volumes ?? [],
            placementConstraints: input.placementConstraints ?? [],
          };
          const td: TaskDef = { arn: ecsArn('task-definition', `${family}:${revision}`), family, revision, status: 'ACTIVE', registeredAt: new Date(), body, tags: fromKeyValue(tags) };
          revisions.push(td);
          this.families.set(family, revisions);
          return { taskDefinition: taskDefView(td), tags: toLowerKeyValue(td.tags) };
        },
        DescribeTaskDefinition: (p: Params) => {
          const ref = String(p.taskDefinition ?? '');
          const td = this.findTaskDef(ref);
          if (!td) throw clientError('Unable to describe task definition.');
          return { taskDefinition: taskDefView(td), tags: includesTags(p) ? toLowerKeyValue(td.tags) : undefined };
        },
        ListTaskDefinitions: (p: Params) => {
          const status = String(p.status ?? 'ACTIVE');
          // ECS matches familyPrefix against the whole family name, despite its name.
          const list = this.taskDefs().filter((t) => t.status === status && (p.familyPrefix === undefined || t.family === p.familyPrefix));
          list.sort((a, b) => (a.family === b.family ? a.revision - b.revision : a.family < b.family ? -1 : 1));
          if (p.sort === 'DESC') list.reverse();
          const start = Number(p.nextToken ?? 0);
          const max = Number(p.maxResults ?? 100);
          return { taskDefinitionArns: list.slice(start, start + max).map((t) => t.arn), nextToken: start + max < list.length ? String(start + max) : undefined };
        },
        ListTaskDefinitionFamilies: (p: Params) => {
          const status = String(p.status ?? 'ACTIVE');
          const families = [...this.families.entries()]
            .filter(([name, revs]) => (p.familyPrefix === undefined || name.startsWith(p.familyPrefix)) && (status === 'ALL' || revs.some((t) => t.status === status)))
            .map(([name]) => name)
            .sort();
          return { families };
        },
        DeregisterTaskDefinition: (p: Params) => {
          const ref = String(p.taskDefinition ?? '');
          const id = ref.startsWith('arn:') ? lastSegment(ref) : ref;
          if (!id.includes(':')) throw clientError('Invalid revision number. Number: ');
          const td = this.findTaskDef(id);
          if (!td) throw clientError('The specified task definition does not exist.');
          if (td.status === 'ACTIVE') {
            td.status = 'INACTIVE';
            td.deregisteredAt = new Date();
          }
          return { taskDefinition: taskDefView(td) };
        },
        DeleteTaskDefinitions: (p: Params) => {
          const taskDefinitions = [];
          const failures = [];
          for (const ref of asArray<string>(p.taskDefinitions)) {
            const td = this.findTaskDef(ref.startsWith('arn:') ? lastSegment(ref) : ref);
            if (!td) failures.push({ arn: ref, reason: 'The specified task definition does not exist.' });
            else if (td.status === 'ACTIVE') failures.push({ arn: td.arn, reason: 'The specified task definition is still in ACTIVE status. Please deregister the target and try again.' });
            else {
              td.status = 'DELETE_IN_PROGRESS';
              td.deregisteredAt ??= new Date();
              taskDefinitions.push(taskDefView(td));
            }
          }
          return { taskDefinitions, failures };
        },
        CreateService: (p: Params) => {
          this.firstUseOfEcs();
          const c = this.cluster(p.cluster);
          // terraform-provider-aws retryServiceCreate: ClusterNotFoundException just after CreateCluster
          if (stillPropagating(c.createdAt, this.knobs().clusterPropagationMs)) throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
          const name = String(p.serviceName ?? '');
          if (!/^[a-zA-Z0-9_-]{1,255}$/.test(name)) throw invalid('Service name contains invalid characters.');
          const td = this.taskDefFor(p.taskDefinition);
          if (td.body.networkMode === 'awsvpc' && !p.networkConfiguration) throw invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
          const network = td.body.networkMode === 'awsvpc' ? this.network(p.networkConfiguration) : (p.networkConfiguration ?? {});
          const desiredCount = Number(p.desiredCount ?? 0);
          const loadBalancers = sched.loadBalancing?.check(p.loadBalancers, td) ?? [];
          const createKey = JSON.stringify([td.arn, desiredCount, network, p.launchType ?? 'FARGATE', loadBalancers]);
          const existing = this.findService(c, name);
          if (existing && existing.status === 'ACTIVE') {
            if (existing.createKey === createKey) return { service: serviceView(existing, this.tasks, true) };
            throw invalid('Creation of service was not idempotent.');
          }
          if (existing && existing.status === 'DRAINING') throw invalid('Unable to Start a service that is still Draining.');
          sched.checkServiceRole(p.loadBalancers?.length ? p.role : undefined);
          const s: Service = {
            arn: ecsArn('service', `${c.name}/${name}`),
            name,
            cluster: c,
            status: 'ACTIVE',
            desiredCount,
            taskDefinition: td.arn,
            deployments: [],
            events: [],
            networkConfiguration: network,
            deploymentConfiguration: {
              deploymentCircuitBreaker: { enable: false, rollback: false },
              maximumPercent: 200,
              minimumHealthyPercent: 100,
              ...(p.deploymentConfiguration ?? {}),
            },
            tags: fromKeyValue(p.tags),
            createdAt: new Date(),
            launchType: String(p.launchType ?? 'FARGATE'),
            platformVersion: String(p.platformVersion ?? 'LATEST'),
            healthCheckGracePeriodSeconds: p.healthCheckGracePeriodSeconds,
            loadBalancers,
            enableECSManagedTags: !!p.enableECSManagedTags,
            propagateTags: String(p.propagateTags ?? 'NONE'),
            steady: false,
            createKey,
          };
          this.services.push(s);
          sched.newDeployment(s, td.arn);
          return { service: serviceView(s, this.tasks, true) };
        },
        UpdateService: (p: Params) => {
          const c = this.cluster(p.cluster);
          const s = this.findService(c, String(p.service ?? ''));
          if (!s) throw new AwsError('ServiceNotFoundException', 'Service not found.');
          if (s.status !== 'ACTIVE') throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.');
          const td = p.taskDefinition !== undefined ? this.taskDefFor(p.taskDefinition) : undefined;
          const network = p.networkConfiguration !== undefined ? this.network(p.networkConfiguration) : undefined;
          // changing loadBalancers starts a new deployment (ECS developer guide, "Updating load balancers")
          const current = td ?? this.taskDefs().find((t) => t.arn === s.taskDefinition);
          const recheck = p.loadBalancers !== undefined || (td !== undefined && !!s.loadBalancers?.length);
          const loadBalancers = recheck && current && sched.loadBalancing ? sched.loadBalancing.check(p.loadBalancers ?? s.loadBalancers, current) : undefined;
          const lbChanged = p.loadBalancers !== undefined && JSON.stringify(loadBalancers) !== JSON.stringify(s.loadBalancers ?? []);
          if (loadBalancers !== undefined) s.loadBalancers = loadBalancers;
          if (p.deploymentConfiguration) s.deploymentConfiguration = { ...s.deploymentConfiguration, ...p.deploymentConfiguration };
          if (p.healthCheckGracePeriodSeconds !== undefined) s.healthCheckGracePeriodSeconds = p.healthCheckGracePeriodSeconds;
          const networkChanged = network !== undefined && JSON.stringify(network) !== JSON.stringify(s.networkConfiguration);
          if (network) s.networkConfiguration = network;
          if (p.desiredCount !== undefined) {
            s.desiredCount = Number(p.desiredCount);
            s.steady = false;
          }
          if ((td && td.arn !== s.taskDefinition) || p.forceNewDeployment || networkChanged || lbChanged) {
            sched.newDeployment(s, td?.arn ?? s.taskDefinition);
          } else {
            const primary = s.deployments[0];
            if (primary) primary.desiredCount = s.desiredCount;
          }
          return { service: serviceView(s, this.tasks, true) };
        },
        DeleteService: (p: Params) => {
          const c = this.cluster(p.cluster, false);
          const s = this.findService(c, String(p.service ?? ''));
          if (!s) throw new AwsError('ServiceNotFoundException', 'Service not found.');
          if (s.status === 'INACTIVE') throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.');
          if (s.status === 'ACTIVE' && s.desiredCount > 0 && !p.force) throw invalid('The service cannot be stopped while it is scaled above 0.');
          s.status = 'DRAINING';
          s.desiredCount = 0;
          for (const d of s.deployments) d.desiredCount = 0;
          return { service: serviceView(s, this.tasks, true) };
        },
        DescribeServices: (p: Params) => {
          const c = this.cluster(p.cluster, false);
          const refs = asArray<string>(p.services);
          if (!refs.length) throw invalid('Services cannot be empty.');
          if (refs.length > 10) throw invalid('Too many services. The maximum number of services that can be described is 10.');
          const services = [];
          const failures = [];
          for (const ref of refs) {
            const s = this.findService(c, ref);
            if (s) services.push(serviceView(s, this.tasks, includesTags(p)));
            else failures.push({ arn: ref.startsWith('arn:') ? ref : ecsArn('service', `${c.name}/${ref}`), reason: 'MISSING' });
          }
          return { services, failures };
        },
        ListServices: (p: Params) => {
          const c = this.cluster(p.cluster, false);
          return { serviceArns: this.services.filter((s) => s.cluster === c && s.status !== 'INACTIVE').map((s) => s.arn) };
        },
        ListTasks: (p: Params) => {
          const c = this.cluster(p.cluster, false);
          let service: Service | undefined;
          if (typeof p.serviceName === 'string') {
            service = this.findService(c, p.serviceName);
            if (!service) throw new AwsError('ServiceNotFoundException', 'Service not found.');
          }
          const desired = String(p.desiredStatus ?? 'RUNNING');
          const tasks = this.tasks.filter(
            (t) =>
              t.cluster === c &&
              t.desiredStatus === desired &&
              (!service || t.service === service) &&
              (p.family === undefined || t.taskDef.family === p.family) &&
              (p.startedBy === undefined || t.deploymentId === p.startedBy),
          );
          return { taskArns: tasks.map((t) => t.arn) };
        },
        DescribeTasks: (p: Params) => {
          const c = this.cluster(p.cluster, false);
          const tasks = [];
          const failures = [];
          for (const ref of asArray<string>(p.tasks)) {
            const t = this.findTask(c, ref);
            if (t) tasks.push(taskView(t, includesTags(p)));
            else failures.push({ arn: ref.startsWith('arn:') ? ref : ecsArn('task', `${c.name}/${ref}`), reason: 'MISSING' });
          }
          return { tasks, failures };
        },
        StopTask: async (p: Params) => {
          const c = this.cluster(p.cluster, false);
          const t = this.findTask(c, String(p.task ?? ''));
          if (!t) throw invalid('The referenced task was not found.');
          void sched.stopTask(t, String(p.reason ?? 'Task stopped by user'), 'UserInitiated');
          return { task: taskView(t, false) };
        },
        RunTask: (p: Params) => {
          const c = this.cluster(p.cluster);
          const td = this.taskDefFor(p.taskDefinition);
          const network = td.body.networkMode === 'awsvpc' ? this.network(p.networkConfiguration) : {};
          const tasks = Array.from({ length: Number(p.count ?? 1) }, () => sched.createTask(c, td, network, fromKeyValue(p.tags)));
          return { tasks: tasks.map((t) => taskView(t, false)), failures: [] };
        },
        TagResource: (p: Params) => {
          Object.assign(this.resource(String(p.resourceArn ?? '')).tags, fromKeyValue(p.tags));
          return {};
        },
        UntagResource: (p: Params) => {
          const r = this.resource(String(p.resourceArn ?? ''));
          for (const k of asArray<string>(p.tagKeys)) delete r.tags[k];
          return {};
        },
        ListTagsForResource: (p: Params) => ({ tags: toLowerKeyValue(this.resource(String(p.resourceArn ?? '')).tags) }),
      },
    };
  }
}
