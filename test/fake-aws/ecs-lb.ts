/**
 * ECS services behind target groups, as the ECS service scheduler runs them
 * (ECS developer guide, "Use load balancing to distribute Amazon ECS service traffic"):
 * - CreateService/UpdateService `loadBalancers` are checked: the target group must exist and be
 *   used by a load balancer's listener (hashicorp/terraform#32908), the container and its port must
 *   be in the task definition;
 * - a task is registered (its private IP, the container port) once it runs — in the fake, once its
 *   container first answers on its port (AWS registers at RUNNING; the fake's processes take real
 *   seconds to listen while health-check intervals are scaled to milliseconds, and would fail
 *   their checks before they listen); it counts towards its deployment only once it is healthy in
 *   every target group;
 * - a task the scheduler stops (rollout, scale-in, delete) is first deregistered, and only stopped
 *   once its target finished draining; a task that dies is deregistered (and drains) at once;
 * - after `healthCheckGracePeriodSeconds` (scaled by `knobs.lbSecondMs`), a task unhealthy in its
 *   target group is replaced: "Task failed ELB health checks in (target-group …)" (the grace
 *   period counts from the registration, for the same reason).
 * NOT MODELLED: Classic Load Balancers (`loadBalancerName`), several containers per task behind
 * different groups at once (each entry is honoured, but one task's targets share its one IP),
 * blue/green (CODE_DEPLOY) controllers.
 */
import { AwsError, sleep } from './common.ts';
import type { Elbv2 } from './elbv2.ts';
import type { Service, Task, TaskDef } from './ecs-model.ts';
import type { Knobs } from './knobs.ts';
import type { Params } from './service.ts';

export interface ServiceLoadBalancer {
  targetGroupArn: string;
  containerName: string;
  containerPort: number;
}

const invalid = (message: string) => new AwsError('InvalidParameterException', message);

export class EcsLoadBalancing {
  /** the targets each task was registered as */
  private readonly registered = new WeakMap<Task, Array<{ tgArn: string; id: string; port: number }>>();
  private readonly registeredAt = new WeakMap<Task, number>();

  constructor(
    private readonly elbv2: Elbv2,
    private readonly knobs: Knobs,
  ) {}

  /** The `loadBalancers` of a CreateService/UpdateService, checked against ELBv2 and the task definition. */
  check(list: unknown, td: TaskDef): ServiceLoadBalancer[] {
    const entries = Array.isArray(list) ? (list as Params[]) : [];
    return entries.map((e) => {
      const targetGroupArn = String(e.targetGroupArn ?? '');
      if (!targetGroupArn) throw invalid('fake-aws models target groups only: loadBalancers[].targetGroupArn is required (Classic Load Balancers are not modelled)');
      const tg = this.elbv2.targetGroups.get(targetGroupArn);
      if (!tg) throw invalid(`The target group with targetGroupArn ${targetGroupArn} does not exist.`);
      if (!this.elbv2.loadBalancersOf(tg).length) throw invalid(`The target group with targetGroupArn ${targetGroupArn} does not have an associated load balancer.`);
      const containerName = String(e.containerName ?? '');
      const container = (td.body.containerDefinitions as Params[]).find((c) => c.name === containerName);
      if (!container) throw invalid(`The container ${containerName} does not exist in the task definition.`);
      const containerPort = Number(e.containerPort);
      if (!(container.portMappings as Params[] | undefined)?.some((m) => Number(m.containerPort) === containerPort)) {
        throw invalid(`The container ${containerName} did not have a container port ${containerPort} defined.`);
      }
      return { targetGroupArn, containerName, containerPort };
    });
  }

  /** Service ARNs (not INACTIVE) whose loadBalancers name this target group. */
  servicesUsing(services: Service[], tgArn: string): string[] {
    return services.filter((s) => s.status !== 'INACTIVE' && s.loadBalancers?.some((l) => l.targetGroupArn === tgArn)).map((s) => s.arn);
  }

  /** Register a service's task in each of the service's target groups. */
  private registerTask(task: Task): void {
    const lbs = task.service?.loadBalancers ?? [];
    const ip = task.eni?.privateIpAddress;
    if (!lbs.length || !ip) return;
    const targets = [];
    for (const l of lbs) {
      const tg = this.elbv2.targetGroups.get(l.targetGroupArn);
      if (!tg) continue;
      this.elbv2.register(tg, [{ id: ip, port: l.containerPort }]);
      targets.push({ tgArn: tg.arn, id: ip, port: l.containerPort });
    }
    this.registered.set(task, targets);
    this.registeredAt.set(task, Date.now());
  }

  /** A task behind target groups counts towards its deployment once it is healthy in all of them. */
  ready(task: Task): boolean {
    if (!task.service?.loadBalancers?.length) return true;
    const targets = this.registered.get(task);
    if (!targets) return false;
    return targets.every((r) => this.targetOf(r)?.state === 'healthy');
  }

  /** Before the scheduler stops a task: deregister it and wait until its targets drained. */
  async beforeStop(task: Task): Promise<void> {
    const targets = this.registered.get(task);
    if (!targets?.length) return;
    this.deregister(task);
    task.lastStatus = task.lastStatus === 'RUNNING' ? 'DEACTIVATING' : task.lastStatus;
    while (targets.some((r) => this.targetOf(r))) await sleep(25);
    if (task.lastStatus === 'DEACTIVATING') task.lastStatus = 'STOPPING';
  }

  /** The task is gone (it exited): its targets drain on their own. */
  deregister(task: Task): void {
    for (const r of this.registered.get(task) ?? []) {
      const tg = this.elbv2.targetGroups.get(r.tgArn);
      if (tg) this.elbv2.deregister(tg, [{ id: r.id, port: r.port }], false);
    }
  }

  /**
   * Every scheduler tick: registers the service's tasks whose containers answer, and names the
   * running tasks that are unhealthy in a target group past the grace period.
   */
  tick(s: Service, tasks: Task[]): Array<{ task: Task; reason: string }> {
    const graceMs = Number(s.healthCheckGracePeriodSeconds ?? 0) * this.knobs.lbSecondMs;
    const out = [];
    for (const task of tasks) {
      if (task.service !== s || task.lastStatus !== 'RUNNING' || task.desiredStatus !== 'RUNNING' || !s.loadBalancers?.length) continue;
      if (!this.registered.has(task) && task.healthStatus === 'HEALTHY') this.registerTask(task);
      const since = this.registeredAt.get(task);
      if (since === undefined || Date.now() - since < graceMs) continue;
      const bad = (this.registered.get(task) ?? []).find((r) => this.targetOf(r)?.state === 'unhealthy');
      if (bad) out.push({ task, reason: `Task failed ELB health checks in (target-group ${bad.tgArn})` });
    }
    return out;
  }

  private targetOf(r: { tgArn: string; id: string; port: number }) {
    return this.elbv2.targetGroups.get(r.tgArn)?.targets.find((t) => t.id === r.id && t.port === r.port);
  }
}
