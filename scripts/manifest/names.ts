import type { ResourceNames } from './types.ts';

/** Resource names for a service in an environment, as docs/ARCHITECTURE.md fixes them. */
export function resourceNames(name: string, environment: string): ResourceNames {
  const base = `${name}-${environment}`;
  return {
    cluster: base,
    service: base,
    family: base,
    repository: base.toLowerCase(),
    executionRole: `${base}-exec`,
    taskRole: `${base}-task`,
    securityGroup: `${base}-sg`,
    logGroup: `/ecs/${base}`,
    container: name,
  };
}

interface Limit {
  resource: string;
  max: number;
  pattern: RegExp;
  allowed: string;
}

// Each AWS API's own naming rule, checked before the first call so a long name fails here. The
// task role's name (-task) has the execution role's length and characters (-exec): one check.
const limits: Record<Exclude<keyof ResourceNames, 'taskRole'>, Limit> = {
  cluster: { resource: 'ECS cluster', max: 255, pattern: /^[A-Za-z0-9_-]+$/, allowed: 'letters, digits, - and _' },
  service: { resource: 'ECS service', max: 255, pattern: /^[A-Za-z0-9_-]+$/, allowed: 'letters, digits, - and _' },
  family: { resource: 'ECS task definition family', max: 255, pattern: /^[A-Za-z0-9_-]+$/, allowed: 'letters, digits, - and _' },
  repository: {
    resource: 'ECR repository',
    max: 256,
    pattern: /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
    allowed: 'lower-case letters, digits and single . _ - / between them',
  },
  executionRole: { resource: 'IAM role', max: 64, pattern: /^[\w+=,.@-]+$/, allowed: 'letters, digits and + = , . @ _ -' },
  securityGroup: { resource: 'security group', max: 255, pattern: /^(?!sg-)[\x20-\x7e]+$/, allowed: 'printable ASCII, not starting with sg-' },
  logGroup: { resource: 'CloudWatch log group', max: 512, pattern: /^[\w./#-]+$/, allowed: 'letters, digits and . _ - / #' },
  container: { resource: 'ECS container', max: 255, pattern: /^[A-Za-z0-9_-]+$/, allowed: 'letters, digits, - and _' },
};

/** One line per resource whose derived name breaks that resource's limits. */
export function nameProblems(names: ResourceNames): string[] {
  const out: string[] = [];
  for (const [field, limit] of Object.entries(limits) as Array<[Exclude<keyof ResourceNames, 'taskRole'>, Limit]>) {
    const value = names[field];
    if (value.length > limit.max) {
      out.push(`makes the ${limit.resource} name "${value}" ${value.length} characters long; ${limit.resource} names allow at most ${limit.max} — shorten the name or the environment name by ${value.length - limit.max}`);
    } else if (!limit.pattern.test(value)) {
      out.push(`makes the ${limit.resource} name "${value}", which ${limit.resource} names do not allow (${limit.allowed})`);
    }
  }
  return out;
}
