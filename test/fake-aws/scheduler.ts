import { ACCOUNT, AwsError, hex, sleep, uuid } from './common.ts';
import type { Ec2 } from './ec2.ts';
import type { Ecr } from './ecr.ts';
import type { EcsLoadBalancing } from './ecs-lb.ts';
import { ecsArn, type Cluster, type Deployment, type Service, type Task, type TaskDef } from './ecs-model.ts';
import type { Iam } from './iam.ts';
import { stillPropagating, type Knobs } from './knobs.ts';
import type { Logs } from './logs.ts';
import type { Runner, TaskSpec } from './runner.ts';
import type { Params } from './service.ts';
import type { TaskStart } from './task-start.ts';

export interface SchedulerDeps {
  ec2: Ec2;
  ecr: Ecr;
  iam: Iam;
  logs: Logs;
  knobs: Knobs;
  runner: Runner;
  /** secrets and the Fargate-provided variables (task role credentials) at container start */
  taskStart?: TaskStart;
}

const deploymentId = () => `ecs-svc/${BigInt(`0x${hex(8)}`).toString().padStart(19, '0').slice(0, 19)}`;

/** The one loopback address per task that doubles as its ENI's public IP. */
class Addresses {
  private next = 0;
  private readonly a = 16 + Math.floor(Math.random() * 230);
  private readonly b = Math.floor(Math.random() * 200);
  take(): string {
    const n = this.next++;
    return `127.${this.a}.${(this.b + Math.floor(n / 250)) % 256}.${2 + (n % 250)}`;
  }
}

/** Where a container's health is probed: the URL path in its healthCheck command, else `/`. */
export function probePath(container: Params | undefined, port: number): string {
  const cmd = ((container?.healthCheck?.command ?? []) as string[]).join(' ');
  return new RegExp(`:${port}(/[^\\s'"\`)]*)`).exec(cmd)?.[1] ?? /https?:\/\/[^/\s]+(\/[^\s'"]*)/.exec(cmd)?.[1] ?? '/';
}

/**
 * The ECS service scheduler: deployments start tasks, tasks run for real (a process or a
 * container), rollouts complete when the new tasks answer, and the circuit breaker trips on
 * tasks that keep failing.
 */
export class Scheduler {
  readonly services: Service[] = [];
  readonly tasks: Task[] = [];
  private readonly addresses = new Addresses();
  private placed = 0;
  private readonly timer: NodeJS.Timeout;
  private stopped = false;
  /** set by the fake: registers tasks of services with loadBalancers in their target groups */
  loadBalancing: EcsLoadBalancing | undefined;

  constructor(private readonly deps: SchedulerDeps) {
    this.timer = setInterval(() => this.tick(), 50);
    this.timer.unref();
  }

  event(s: Service, message: string): void {
    s.events.unshift({ id: uuid(), createdAt: new Date(), message: `(service ${s.name}) ${message}` });
    if (s.events.length > 100) s.events.length = 100;
  }

  /** A role ECS cannot assume yet: it exists but is younger than `iamPropagationMs` (IAM is eventually consistent). */
  private unassumable(td: TaskDef): string | undefined {
    for (const arn of [td.body.executionRoleArn, td.body.taskRoleArn]) {
      if (typeof arn !== 'string') continue;
      const role = this.deps.iam.roleByArn(arn);
      if (role && stillPropagating(role.CreateDate, this.deps.knobs.iamPropagationMs)) return arn;
    }
    return undefined;
  }

  /**
   * The one synchronous "unable to assume role" ECS has: the service role a load-balanced service
   * passes (`role`), which ECS assumes at CreateService to register targets.
   */
  checkServiceRole(roleArn: unknown): void {
    if (typeof roleArn !== 'string') return;
    const role = this.deps.iam.roleByArn(roleArn) ?? this.deps.iam.roles.get(roleArn);
    if (role && stillPropagating(role.CreateDate, this.deps.knobs.iamPropagationMs)) {
      throw new AwsError('InvalidParameterException', 'Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role being passed has the proper permissions.');
    }
  }

  newDeployment(s: Service, taskDefinition: string, reason?: string): Deployment {
    for (const d of s.deployments) d.status = 'ACTIVE';
    const id = deploymentId();
    const d: Deployment = {
      id,
      status: 'PRIMARY',
      taskDefinition,
      desiredCount: s.desiredCount,
      failedTasks: 0,
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: reason ?? `ECS deployment ${id} in progress.`,
      createdAt: new Date(),
      updatedAt: new Date(),
      networkConfiguration: s.networkConfiguration,
      halted: false,
      nextLaunchAt: 0,
    };
    s.deployments.unshift(d);
    s.taskDefinition = taskDefinition;
    s.steady = false;
    return d;
  }

  /** Called every tick after the services are reconciled (the ECS API reaps deleted task definitions). */
  onTick: () => void = () => {};

  private tick(): void {
    if (this.stopped) return;
    try {
      this.reconcileAll();
      this.onTick();
    } catch (err) {
      // a bug in the fake must fail the test that meets it, not crash the process running it
      console.error(`fake-aws scheduler: ${(err as Error).stack ?? String(err)}`);
    }
  }

  private reconcileAll(): void {
    const now = Date.now();
    for (const s of this.services) {
      if (s.status !== 'INACTIVE') this.reconcile(s, now);
      if (s.status === 'DRAINING' && this.live(s).length === 0) {
        s.drainedAt ??= now;
        if (now - s.drainedAt >= this.deps.knobs.drainMs) {
          s.status = 'INACTIVE';
          s.inactiveAt = now;
          s.deployments = [];
        }
      }
    }
    const keep = (at: number | undefined) => at === undefined || now - at < this.deps.knobs.retentionMs;
    this.services.splice(0, this.services.length, ...this.services.filter((s) => keep(s.inactiveAt)));
    this.tasks.splice(0, this.tasks.length, ...this.tasks.filter((t) => keep(t.stoppedAt?.getTime())));
  }

  private live(s: Service, deploymentId?: string): Task[] {
    return this.tasks.filter((t) => t.service === s && t.desiredStatus === 'RUNNING' && (deploymentId === undefined || t.deploymentId === deploymentId));
  }

  private reconcile(s: Service, now: number): void {
    for (const d of s.deployments) {
      const live = this.live(s, d.id);
      if (live.length < d.desiredCount && !d.halted && now >= d.nextLaunchAt) {
        const role = this.unassumable(this.taskDefByArn(d.taskDefinition));
        if (role) {
          // CreateService succeeded; the scheduler fails to launch and tries again later (pulumi/pulumi-awsx#927).
          this.event(s, `failed to launch a task with (error ECS was unable to assume the role '${role}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.)`);
          d.nextLaunchAt = now + this.deps.knobs.launchRetryMs;
          continue;
        }
        const started = Array.from({ length: d.desiredCount - live.length }, () => this.launch(s, d));
        this.event(s, `has started ${started.length} tasks: ${started.map((t) => `(task ${t.id})`).join(' ')}.`);
      } else if (live.length > d.desiredCount) {
        const extra = live.slice(d.desiredCount);
        for (const t of extra) void this.stopTask(t, `Scaling activity initiated by (deployment ${d.id})`, 'ServiceSchedulerInitiated');
        this.event(s, `has stopped ${extra.length} running tasks: ${extra.map((t) => `(task ${t.id})`).join(' ')}.`);
      }
    }
    for (const { task, reason } of this.loadBalancing?.tick(s, this.tasks) ?? []) {
      this.countFailure(task);
      void this.stopTask(task, reason, 'ServiceSchedulerInitiated');
    }
    const primary = s.deployments[0];
    if (!primary) return;
    const tasks = this.live(s, primary.id);
    const ready = tasks.filter((t) => t.lastStatus === 'RUNNING' && this.isReady(t));
    if (primary.rolloutState === 'IN_PROGRESS' && ready.length >= primary.desiredCount && tasks.length === primary.desiredCount) {
      primary.rolloutState = 'COMPLETED';
      primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
      primary.updatedAt = new Date();
      for (const old of s.deployments.slice(1)) {
        const draining = this.live(s, old.id);
        for (const t of draining) void this.stopTask(t, `Scaling activity initiated by (deployment ${old.id})`, 'ServiceSchedulerInitiated');
        if (draining.length) this.event(s, `has stopped ${draining.length} running tasks: ${draining.map((t) => `(task ${t.id})`).join(' ')}.`);
      }
      s.deployments = [primary];
      this.event(s, `(deployment ${primary.id}) deployment completed.`);
    }
    if (!s.steady && s.status === 'ACTIVE' && s.deployments.length === 1 && primary.rolloutState === 'COMPLETED' && ready.length === primary.desiredCount && tasks.length === primary.desiredCount) {
      s.steady = true;
      this.event(s, 'has reached a steady state.');
    }
  }

  /** A task counts towards a rollout once it answers on its port (or, without a port, runs). */
  private isReady(t: Task): boolean {
    const c = (t.taskDef.body.containerDefinitions as Params[])[0];
    const port = c?.portMappings?.[0]?.containerPort;
    const behindLb = this.loadBalancing?.ready(t) ?? true;
    if (port === undefined && !c?.healthCheck) return behindLb;
    return t.healthStatus === 'HEALTHY' && behindLb;
  }

  private launch(s: Service, d: Deployment): Task {
    const td = this.taskDefByArn(d.taskDefinition);
    const cluster = s.cluster;
    const tags = s.propagateTags === 'SERVICE' ? s.tags : s.propagateTags === 'TASK_DEFINITION' ? td.tags : {};
    const task = this.createTask(cluster, td, d.networkConfiguration, tags);
    task.service = s;
    task.deploymentId = d.id;
    return task;
  }

  taskDefByArn: (arn: string) => TaskDef = () => {
    throw new Error('fake-aws: scheduler has no task definitions');
  };

  createTask(cluster: Cluster, td: TaskDef, network: Params, tags: Record<string, string>): Task {
    const id = hex(16);
    const vpc = network?.awsvpcConfiguration ?? {};
    const subnets = (vpc.subnets as string[] | undefined)?.length ? (vpc.subnets as string[]) : [...this.deps.ec2.subnets.keys()];
    // spread over the subnets (zones) as the Fargate scheduler does
    const subnetId = subnets[this.placed++ % subnets.length] ?? '';
    const attachmentId = uuid();
    const ip = this.addresses.take();
    const publicIp = vpc.assignPublicIp === 'ENABLED' ? ip : undefined;
    const eni = this.deps.ec2.createEni(subnetId, (vpc.securityGroups as string[] | undefined) ?? [], ecsArn('attachment', attachmentId), publicIp, { hostIp: ip });
    const task: Task = {
      arn: ecsArn('task', `${cluster.name}/${id}`),
      id,
      cluster,
      taskDef: td,
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      healthStatus: 'UNKNOWN',
      createdAt: new Date(),
      eni,
      attachmentId,
      publicIp,
      failureCounted: false,
      tags: { ...tags },
    };
    this.tasks.push(task);
    void this.run(task, ip).catch((err: unknown) => this.finish(task, { reason: `fake-aws: ${(err as Error).message}`, stopCode: 'TaskFailedToStart' }));
    return task;
  }

  private async run(task: Task, ip: string): Promise<void> {
    const { knobs } = this.deps;
    await sleep(knobs.provisioningMs);
    if (task.desiredStatus !== 'RUNNING') return this.finish(task, {});
    task.lastStatus = 'PENDING';
    task.pullStartedAt = new Date();
    const body = task.taskDef.body;
    const container = (body.containerDefinitions as Params[])[0] ?? {};
    const problem = await this.preflight(task, container);
    if (problem) return this.finish(task, { reason: problem, stopCode: 'TaskFailedToStart' });
    await sleep(knobs.pendingMs);
    task.pullStoppedAt = new Date();
    if (task.desiredStatus !== 'RUNNING') return this.finish(task, {});
    const start = await this.deps.taskStart?.prepare(task, container);
    if (start?.problem) return this.finish(task, { reason: start.problem, stopCode: 'TaskFailedToStart' });
    const env: Record<string, string> = { ...start?.platform };
    for (const e of (container.environment ?? []) as Array<{ name: string; value: string }>) env[e.name] = String(e.value);
    Object.assign(env, start?.secrets);
    const port = container.portMappings?.[0]?.containerPort as number | undefined;
    const spec: TaskSpec = {
      taskId: task.id,
      image: String(container.image),
      ip,
      port,
      environment: env,
      command: container.command,
      cpu: Number(body.cpu ?? 256),
      memory: Number(body.memory ?? 512),
    };
    const log = this.logSink(task, container);
    const running = await this.deps.runner.start(spec, log);
    task.container = running;
    void running.exited.then((exit) => {
      if (exit.startError) return this.finish(task, { reason: exit.startError, stopCode: 'TaskFailedToStart' });
      const unexpected = task.desiredStatus === 'RUNNING';
      return this.finish(task, {
        exitCode: exit.code ?? undefined,
        reason: unexpected ? 'Essential container in task exited' : undefined,
        stopCode: unexpected ? 'EssentialContainerExited' : undefined,
      });
    });
    if (task.desiredStatus !== 'RUNNING') void running.stop();
    await sleep(20);
    if (task.lastStatus !== 'PENDING') return;
    task.lastStatus = 'RUNNING';
    task.startedAt = new Date();
    if (port !== undefined) void this.probe(task, ip, port, container);
  }

  /** What would stop a Fargate task before its container starts. */
  private async preflight(task: Task, container: Params): Promise<string | undefined> {
    const exec = task.taskDef.body.executionRoleArn as string | undefined;
    const role = exec ? this.deps.iam.roleByArn(exec) : undefined;
    if (exec && (!role || stillPropagating(role.CreateDate, this.deps.knobs.iamPropagationMs))) {
      return `ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): AccessDeniedException: ECS was unable to assume the role '${exec}'`;
    }
    if (role && !this.deps.iam.policiesInForce(role, this.deps.knobs.policyPropagationMs)) {
      // The attachment has not propagated: the task is launched and stops (pulumi/pulumi-awsx#927); it counts for the circuit breaker.
      return `ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): AccessDeniedException: User: arn:aws:sts::${ACCOUNT}:assumed-role/${role.RoleName}/${task.id} is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action`;
    }
    const image = String(container.image ?? '');
    if ((await this.deps.ecr.hasImage(image)) === false) {
      return `CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref ${image}: ${image}: not found`;
    }
    const lc = container.logConfiguration as Params | undefined;
    if (lc?.logDriver === 'awslogs') {
      const group = String(lc.options?.['awslogs-group'] ?? '');
      if (!this.deps.logs.groups.has(group)) {
        if (lc.options?.['awslogs-create-group'] === 'true') this.deps.logs.createGroup(group);
        else return 'ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1';
      }
    }
    return undefined;
  }

  private logSink(task: Task, container: Params): (line: string) => void {
    const lc = container.logConfiguration as Params | undefined;
    if (lc?.logDriver !== 'awslogs') return () => {};
    const group = String(lc.options?.['awslogs-group'] ?? '');
    const prefix = lc.options?.['awslogs-stream-prefix'] as string | undefined;
    const stream = prefix ? `${prefix}/${container.name}/${task.id}` : task.id;
    return (line) => this.deps.logs.append(group, stream, line);
  }

  private async probe(task: Task, ip: string, port: number, container: Params): Promise<void> {
    const { knobs } = this.deps;
    const started = Date.now();
    const strict = !!container.healthCheck;
    const url = `http://${ip}:${port}${probePath(container, port)}`;
    while (task.lastStatus === 'RUNNING' && task.desiredStatus === 'RUNNING') {
      try {
        const res = await fetch(url, { headers: { connection: 'close' }, signal: AbortSignal.timeout(2000) });
        await res.body?.cancel();
        if (strict ? res.ok : res.status < 500) {
          task.healthStatus = 'HEALTHY';
          return;
        }
      } catch {
        // not listening yet
      }
      if (strict && Date.now() - started > knobs.healthTimeoutMs) {
        task.healthStatus = 'UNHEALTHY';
        this.countFailure(task);
        return this.stopTask(task, 'Task failed container health checks', 'ServiceSchedulerInitiated');
      }
      await sleep(knobs.healthIntervalMs);
    }
  }

  async stopTask(task: Task, reason: string, stopCode: string): Promise<void> {
    if (task.desiredStatus === 'STOPPED') return;
    task.desiredStatus = 'STOPPED';
    task.stoppedReason ??= reason;
    task.stopCode ??= stopCode;
    task.stoppingAt = new Date();
    await this.loadBalancing?.beforeStop(task);
    if (task.container) await task.container.stop();
  }

  /** The task is over: record why, release its ENI, and let its deployment count the failure. */
  private finish(task: Task, how: { exitCode?: number; reason?: string; stopCode?: string }): void {
    if (task.lastStatus === 'STOPPED' || task.lastStatus === 'DEPROVISIONING') return;
    this.loadBalancing?.deregister(task);
    const failedBeforeReady = task.desiredStatus === 'RUNNING' && task.healthStatus !== 'HEALTHY';
    if (how.reason && task.desiredStatus === 'RUNNING') task.stoppedReason = how.reason;
    if (how.stopCode && task.desiredStatus === 'RUNNING') task.stopCode = how.stopCode;
    task.desiredStatus = 'STOPPED';
    task.stoppingAt ??= new Date();
    task.exitCode = how.exitCode;
    task.healthStatus = task.healthStatus === 'HEALTHY' ? 'UNKNOWN' : task.healthStatus;
    task.lastStatus = 'DEPROVISIONING';
    if (how.stopCode === 'TaskFailedToStart') task.containerReason = how.reason;
    setTimeout(() => {
      task.lastStatus = 'STOPPED';
      task.stoppedAt = new Date();
      if (task.eni) this.deps.ec2.releaseEni(task.eni.networkInterfaceId, this.deps.knobs.eniLingerMs);
    }, this.deps.knobs.stoppingMs).unref();
    const d = task.service?.deployments.find((x) => x.id === task.deploymentId);
    if (d) d.nextLaunchAt = Date.now() + this.deps.knobs.restartDelayMs;
    if (failedBeforeReady) this.countFailure(task);
  }

  /** A task that stopped before it became healthy counts against its deployment (once). */
  private countFailure(task: Task): void {
    const s = task.service;
    const d = s?.deployments.find((x) => x.id === task.deploymentId);
    if (!s || !d || task.failureCounted) return;
    task.failureCounted = true;
    d.failedTasks++;
    d.updatedAt = new Date();
    this.event(s, `has stopped 1 running tasks: (task ${task.id}).`);
    this.circuitBreaker(s, d);
  }

  private circuitBreaker(s: Service, d: Deployment): void {
    const cb = s.deploymentConfiguration?.deploymentCircuitBreaker as { enable?: boolean; rollback?: boolean } | undefined;
    if (!cb?.enable || d.rolloutState !== 'IN_PROGRESS' || d.status !== 'PRIMARY') return;
    const threshold = Math.min(200, Math.max(this.deps.knobs.circuitBreakerThreshold, Math.ceil(d.desiredCount / 2)));
    if (d.failedTasks < threshold) return;
    d.rolloutState = 'FAILED';
    d.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
    d.updatedAt = new Date();
    this.event(s, `(deployment ${d.id}) deployment failed: tasks failed to start.`);
    const previous = s.deployments.find((x) => x !== d);
    if (cb.rollback && previous) {
      const rollback = this.newDeployment(s, previous.taskDefinition, `ECS deployment circuit breaker: rolling back to deploymentId ${previous.id}.`);
      d.desiredCount = 0;
      this.event(s, `(deployment ${d.id}) deployment failed: rolling back to deployment ${previous.id} in deployment ${rollback.id}.`);
    } else {
      d.halted = true;
      for (const t of this.live(s, d.id)) void this.stopTask(t, 'Deployment circuit breaker tripped', 'ServiceSchedulerInitiated');
    }
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.all(this.tasks.filter((t) => t.container && t.lastStatus !== 'STOPPED').map((t) => t.container?.stop().catch(() => undefined)));
    await this.deps.runner.cleanup();
  }
}
