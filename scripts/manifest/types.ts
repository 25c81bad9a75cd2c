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
  securityGroup: string;
  logGroup: string;
  family: string;
  service: string;
  container: string;
}

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
