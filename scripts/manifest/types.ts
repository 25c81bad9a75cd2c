/**
 * What the manifest loader hands to every later step: the service manifest with the chosen
 * environment applied, defaults filled in and every value checked. Durations are seconds.
 * Later steps never read the YAML themselves.
 */
export type Platform = 'linux/x86_64' | 'linux/arm64';

export interface ImageBuild {
  /** absolute path */
  context: string;
  /** absolute path */
  dockerfile: string;
  args: Record<string, string>;
  target?: string;
}

export interface HealthCheck {
  /** HTTP path probed inside the container (e.g. /healthz) … */
  path?: string;
  /** … or a command as ECS takes it (["CMD-SHELL", "…"] or ["CMD", …]) */
  command?: string[];
  interval: number;
  timeout: number;
  retries: number;
  startPeriod: number;
}

export interface ResourceNames {
  cluster: string;
  repository: string;
  executionRole: string;
  /** the task role the tool creates for `taskRole.managedPolicies`/`statements` */
  taskRole: string;
  securityGroup: string;
  logGroup: string;
  family: string;
  service: string;
  container: string;
}

/** An IAM policy statement as written in the manifest (Effect, Action, Resource, Condition…). */
export type PolicyStatement = Record<string, unknown> & { Effect: 'Allow' | 'Deny' };

/** `taskRole`: an existing role used as is, or the one the tool keeps (`names.taskRole`). */
export type TaskRole =
  | { kind: 'existing'; arn: string }
  | { kind: 'owned'; managedPolicies: string[]; statements: PolicyStatement[] };

/**
 * Where a secret's value lives. The account and region of a parameter given by name are the
 * deploy's, known only once the deploy has asked STS, so the ARN is completed there.
 */
export type SecretRef =
  | { store: 'ssm'; written: string; /** without the leading slash */ path: string; arn?: string }
  | { store: 'secretsmanager'; written: string; /** the secret's ARN, without :json-key:version-stage:version-id */ secretArn: string; jsonKey?: string };

export interface ResolvedService {
  /** absolute path of the manifest file */
  file: string;
  name: string;
  /** the environment applied (from ENV, else the manifest's defaultEnvironment) */
  environment: string;
  image: {
    build?: ImageBuild;
    /** an existing image URI: nothing is built or pushed */
    location?: string;
    port: number;
  };
  platform: Platform;
  cpu: number;
  memory: number;
  count: number;
  variables: Record<string, string>;
  /** the role the application's code runs with; absent: the task gets no AWS credentials */
  taskRole?: TaskRole;
  /** environment name → where ECS reads its value at task start; absent: none */
  secrets?: Record<string, SecretRef>;
  /** customer managed KMS key ARNs the secrets are encrypted with (kms:Decrypt for the execution role) */
  secretsKmsKeys?: string[];
  healthcheck?: HealthCheck;
  logging: { retention: number };
  network: {
    publicIp: boolean;
    allowedCidrs: string[];
    vpcId?: string;
    subnets?: string[];
  };
  deployment: {
    rollback: boolean;
    /** seconds to wait for the rollout */
    timeout: number;
    /** images the ECR lifecycle policy keeps */
    keepImages: number;
  };
  /** the manifest's tags (ownership tags are added by scripts/lib/tags.ts) */
  tags: Record<string, string>;
  names: ResourceNames;
  /** load-balanced mode (absent: each task is reached on its own public IP) */
  loadBalancer?: LoadBalancerSettings;
  /** target-tracking autoscaling of the task count (absent: `count` tasks, always) */
  scaling?: ScalingSettings;
}

/** Where a field was written, for problems found later in AWS (before any write) that still exit 2 with file:line:col. */
export interface FieldAt {
  file: string;
  line?: number;
  col?: number;
  path: string;
}

export interface LoadBalancerSettings {
  names: { loadBalancer: string; targetGroup: string; securityGroup: string };
  /** public subnets for the load balancer (default: the tasks' subnets); at least two zones */
  subnets?: string[];
  /** seconds; the container's keep-alive is set 5 s longer */
  idleTimeout: number;
  healthCheck: { path: string; interval: number; timeout: number; healthyThreshold: number; unhealthyThreshold: number; matcher: string };
  /** seconds a draining target keeps its in-flight requests */
  deregistrationDelay: number;
  /** seconds ECS ignores failing load balancer health checks of a new task */
  gracePeriod: number;
  /** HTTPS on 443 (and 80 → 301) for this name */
  domain?: string;
  /** an ACM certificate ARN; absent with a domain: requested from ACM and validated in the domain's Route 53 zone */
  certificate?: string;
  sslPolicy: string;
  at: { domain?: FieldAt; certificate?: FieldAt; subnets?: FieldAt };
}

export interface ScalingSettings {
  min: number;
  max: number;
  /** target average CPU utilization, percent */
  cpu?: number;
  /** target requests per task per minute (ALBRequestCountPerTarget) */
  requestsPerTarget?: number;
  /** seconds */
  scaleInCooldown: number;
  scaleOutCooldown: number;
}

export interface ResolvedLambda {
  file: string;
  environment: string;
  stackName: string;
  region?: string;
  /** SAM template parameters: Architecture, MemorySize, Timeout, AuthType, LogRetentionInDays, … */
  parameters: Record<string, string>;
  tags: Record<string, string>;
}
