/**
 * What `make init` reads about a deployed function (facts), and what it makes of them (the
 * migration: two manifests, the mapping it applied and what has no Fargate equivalent).
 */
export interface PolicyStatement {
  Effect: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, unknown>;
  Sid?: string;
}

export interface RolePolicies {
  roleName: string;
  attached: Array<{ name: string; arn: string }>;
  inline: Array<{ name: string; statements: PolicyStatement[] }>;
}

export interface FunctionUrl {
  authType: string;
  invokeMode: string;
  cors?: {
    AllowOrigins?: string[];
    AllowMethods?: string[];
    AllowHeaders?: string[];
    ExposeHeaders?: string[];
    AllowCredentials?: boolean;
    MaxAge?: number;
  };
}

export interface LambdaFacts {
  name: string;
  arn: string;
  packageType: 'Zip' | 'Image';
  runtime?: string;
  handler?: string;
  imageUri?: string;
  /** MiB */
  memory: number;
  /** seconds */
  timeout: number;
  architecture: 'x86_64' | 'arm64';
  environment: Record<string, string>;
  roleArn: string;
  layers: string[];
  vpc?: { vpcId: string; subnetIds: string[]; securityGroupIds: string[] };
  /** MiB of /tmp */
  ephemeralStorage: number;
  /** the presigned link to the deployment package (valid 10 minutes) */
  codeLocation?: string;
  url?: FunctionUrl;
  reservedConcurrency?: number;
  provisioned: Array<{ qualifier: string; requested: number }>;
  /** undefined when the role's policies could not be read (the reason is in roleProblem) */
  role?: RolePolicies;
  roleProblem?: string;
}

/** One line of the mapping init applied: the Lambda setting, its value, where it went. */
export interface MappingRow {
  lambda: string;
  value: string;
  fargate: string;
}

/** Something with no Fargate equivalent, and what to do about it. */
export interface Note {
  topic: string;
  detail: string;
  action: string;
}

export interface TaskRoleBlock {
  managedPolicies?: string[];
  statements?: PolicyStatement[];
}

export interface Migration {
  serviceName: string;
  /** the YAML written to the service manifest */
  serviceYaml: string;
  lambdaYaml: string;
  mapping: MappingRow[];
  notes: Note[];
  /** variables held back because they look like secrets, with the suggested parameter */
  secretSuggestions: Array<{ name: string; parameter: string; why: string }>;
}
