import type { Aws, CallerIdentity } from '../lib/aws.ts';
import type { ResolvedService } from '../manifest/types.ts';
import type { ImageResult } from '../resources/image.ts';
import type { HostedZone } from '../resources/dns.ts';
import type { EndpointReport } from '../resources/endpoint.ts';
import type { HeldLock } from '../resources/lock.ts';
import type { Network } from '../resources/network.ts';
import type { LiveService } from '../resources/service.ts';
import type { Log, SummaryRow } from '../resources/output.ts';
import type { Plan } from '../resources/types.ts';

/**
 * What the steps hand on to later steps. Each step reads what earlier steps set and sets its own
 * part; a field is undefined until its step ran (or when the step does not apply to the manifest).
 */
export interface DeployState {
  who?: CallerIdentity;
  network?: Network;
  repositoryUri?: string;
  /** the repository's lifecycle policy in force (step "repository"; step "task-definition" protects the images in use) */
  lifecyclePolicy?: string;
  image?: ImageResult;
  executionRoleArn?: string;
  /** step "task-role": the role the task's code runs with; undefined without `taskRole` */
  taskRoleArn?: string;
  /** step "task-role": the container definition's `secrets`; undefined without `secrets` */
  containerSecrets?: Array<{ name: string; valueFrom: string }>;
  /** step "task-role": the execution role's access to secrets changed, so tasks must start again to read them */
  secretsAccessChanged?: boolean;
  securityGroupId?: string;
  taskDefinitionArn?: string;
  /** the service as step "task-definition" read it (null: there is none yet) */
  liveService?: LiveService | null;
  servicePlan?: Plan<any, any>;
  /** when step "service" started: rollout events from then on are news */
  serviceStartedAt?: Date;
  /** after step "service": for an unchanged service, events older than this are history */
  serviceDoneAt?: Date;
  /** the deploy lock, held from pre-flight to the end of the run */
  lock?: HeldLock;
  urls: string[];
  /** load-balanced mode, from step "preflight": the load balancer's subnets and, with a domain to validate, its Route 53 zone */
  lbSubnets?: string[];
  hostedZone?: HostedZone;
  albSecurityGroupId?: string;
  loadBalancer?: { arn: string; dnsName: string; hostedZoneId: string };
  targetGroupArn?: string;
  certificateArn?: string;
  /** after the rollout in load-balanced mode: `2 healthy` */
  targets?: string;
  /** step "endpoint": what answered, and a check that did not pass */
  endpoint?: EndpointReport;
}

export interface DeployContext {
  svc: ResolvedService;
  aws: Aws;
  dryRun: boolean;
  /** FORCE_NEW_DEPLOYMENT=1 (`make redeploy`): new tasks even when nothing changed, to read rotated secrets */
  forceNewDeployment?: boolean;
  log: Log;
  state: DeployState;
  rows: SummaryRow[];
  /** prints a resource's plan and records its row in the summary */
  show(plan: Plan<unknown, unknown>, details?: string[]): void;
  /** the whole run's start, for the summary */
  started: number;
  timings: { step: number; title: string; seconds: number }[];
}

/**
 * One unit of the deploy: a title, whether it applies to this run, and its body. The deploy is the
 * ordered list of these (steps/index.ts); adding a resource is adding a unit, not growing a function.
 */
export interface Step {
  /** short stable id, accepted by L2F_STOP_AFTER_STEP beside the step's number */
  id: string;
  title: string;
  /** false: the step is not shown nor run (e.g. the rollout wait in a dry run) */
  runs?(ctx: DeployContext): boolean;
  run(ctx: DeployContext): Promise<void>;
}

/** A value an earlier step must have set; a missing one is a bug in the step list's order. */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`deploy: ${what} is not known yet (a step runs before the one that sets it)`);
  return value;
}
