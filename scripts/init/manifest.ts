import { posix, relative } from 'node:path';
import { stringify } from 'yaml';
import { fargateSizeFor } from './size.ts';
import { notesFor } from './notes.ts';
import { taskRoleFrom } from './task-role.ts';
import type { LambdaFacts, MappingRow, Migration, Note } from './types.ts';
import { splitVariables } from './variables.ts';

/**
 * The desired state of `make init`: the service manifest (and the Lambda manifest) that carry a
 * function's settings over, the mapping applied, and what has no equivalent. Pure: the facts in,
 * text out.
 */
export interface MigrationOptions {
  /** the environment the manifests name as default (ENV, else "test") */
  environment: string;
  /** the folder the service manifest goes to, absolute */
  manifestDir: string;
  /** the project's root (build context, functions/), absolute */
  root: string;
  /** CODE=1: the package is unzipped into functions/<name>/ and HANDLER points at it */
  code: boolean;
}

/** Settings the container server or the deploy own; a function variable of that name would clash. */
const CONTAINER_SETTINGS = ['HOST', 'PORT', 'HANDLER', 'HANDLER_TIMEOUT', 'HEALTH_PATH', 'FUNCTION_NAME', 'SHUTDOWN_TIMEOUT', 'TRUST_PROXY', 'KEEP_ALIVE_TIMEOUT_SECONDS'];
const ROLE_SUFFIX = '-exec';

/** Lambda names allow upper case and _; service names are lower-case words joined by single hyphens, short enough for the role names. */
export function serviceNameFor(functionName: string, environment: string): string {
  let name = functionName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(name)) name = `fn-${name}`;
  const max = 64 - environment.length - 1 - ROLE_SUFFIX.length;
  return name.slice(0, max).replace(/-+$/, '');
}

export function functionsFolder(serviceName: string): string {
  return `functions/${serviceName}`;
}

const rel = (from: string, to: string) => relative(from, to).split('\\').join(posix.sep) || '.';

function yamlBlock(value: Record<string, unknown>): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

const comment = (lines: string[]) => lines.map((l) => (l ? `# ${l}` : '#')).join('\n');

export function migrate(f: LambdaFacts, o: MigrationOptions): Migration {
  const name = serviceNameFor(f.name, o.environment);
  const size = fargateSizeFor(f.memory);
  const platform = f.architecture === 'arm64' ? 'linux/arm64' : 'linux/x86_64';
  const split = splitVariables(f.environment);
  const clashes = Object.keys(split.plain).filter((k) => CONTAINER_SETTINGS.includes(k));
  const role = taskRoleFrom(f.role, f.roleArn, f.roleProblem);
  const notes: Note[] = [...notesFor(f, name), ...role.notes];
  const folder = functionsFolder(name);
  const handler = o.code && f.packageType === 'Zip' && f.handler ? `${folder}/${f.handler}` : undefined;

  const variables: Record<string, string> = { FUNCTION_NAME: f.name };
  if (handler) variables.HANDLER = handler;
  variables.HANDLER_TIMEOUT = String(f.timeout);
  for (const [k, v] of Object.entries(split.plain)) if (!clashes.includes(k)) variables[k] = v;
  for (const k of clashes) {
    notes.push({ topic: `variable ${k}`, detail: `the function sets ${k}, which the container server reads for itself`, action: `rename it in the handler and the manifest (it was not copied)` });
  }
  const secretSuggestions = split.secret.map((s) => ({ name: s.name, parameter: `/${name}/${s.name}`, why: s.why }));
  if (secretSuggestions.length) {
    notes.push({
      topic: 'secret-looking variables',
      detail: `${secretSuggestions.map((s) => s.name).join(', ')} look like secrets and were not copied into variables`,
      action: 'store each value in SSM Parameter Store (SecureString) and uncomment the secrets block in the service manifest',
    });
  }

  const mapping: MappingRow[] = [
    { lambda: 'FunctionName', value: f.name, fargate: `name: ${name}; variables.FUNCTION_NAME (the handler's context.functionName)` },
    { lambda: 'MemorySize', value: `${f.memory} MiB (${(size.lambdaCpu / 1024).toFixed(2)} vCPU)`, fargate: `cpu: ${size.cpu}, memory: ${size.memory} (smallest Fargate size with cpu >= ${Math.ceil(size.lambdaCpu)} units and memory >= ${f.memory} MiB)` },
    { lambda: 'Architectures', value: f.architecture, fargate: `platform: ${platform}` },
    { lambda: 'Timeout', value: `${f.timeout} s`, fargate: `variables.HANDLER_TIMEOUT: ${f.timeout} (a slower invocation answers 502)` },
    {
      lambda: 'Handler',
      value: f.handler ?? `(image ${f.imageUri ?? ''})`,
      fargate: handler ? `variables.HANDLER: ${handler} (package unzipped into ${folder}/)` : 'not set: the image runs the project handler (CODE=1 downloads the function\'s)',
    },
    { lambda: 'Environment', value: `${Object.keys(f.environment).length} variable(s)`, fargate: `variables: ${Object.keys(split.plain).length - clashes.length} copied; ${split.secret.length} secret-looking held back as secrets suggestions` },
    {
      lambda: 'Role',
      value: f.roleArn,
      fargate: role.taskRole
        ? `taskRole: ${role.taskRole.managedPolicies?.length ?? 0} managed policies, ${role.taskRole.statements?.length ?? 0} statements${role.dropped.length ? `; left out (Lambda only): ${role.dropped.join(', ')}` : ''}`
        : `no taskRole${role.dropped.length ? ` (only Lambda-only policies: ${role.dropped.join(', ')})` : ''}`,
    },
    {
      lambda: 'VpcConfig',
      value: f.vpc ? `${f.vpc.vpcId}, ${f.vpc.subnetIds.length} subnet(s)` : 'none',
      fargate: f.vpc ? 'network: publicIp false, vpcId, subnets (the function\'s)' : 'network: the default VPC\'s public subnets, public IP (the defaults)',
    },
    { lambda: 'EphemeralStorage', value: `${f.ephemeralStorage} MiB`, fargate: 'nothing to set: a Fargate task has 20 GiB of ephemeral storage' },
    { lambda: 'FunctionUrl AuthType', value: f.url?.authType ?? 'no URL', fargate: `lambda.yml AuthType: ${f.url?.authType === 'AWS_IAM' ? 'AWS_IAM' : 'NONE'}; the service itself is public on its port` },
  ];

  const root = rel(o.manifestDir, o.root);
  const header = comment([
    'yaml-language-server: $schema=' + rel(o.manifestDir, `${o.root}/manifests/schema/service.schema.json`),
    `Written by make init from the Lambda function ${f.arn}.`,
    'Every field is described in manifests/schema/service.schema.json; make validate prints what it resolves to.',
  ]);
  const doc: Record<string, unknown> = {
    name,
    image: { build: { context: root, dockerfile: rel(o.manifestDir, `${o.root}/Dockerfile`) }, port: 3000 },
    platform,
    cpu: size.cpu,
    memory: size.memory,
    count: 1,
  };
  const parts = [header, yamlBlock(doc), yamlBlock({ variables })];
  if (role.taskRole) parts.push(comment([`The function's role ${f.roleArn}, without what only Lambda uses.`]) + '\n' + yamlBlock({ taskRole: role.taskRole }));
  if (secretSuggestions.length) {
    parts.push(
      comment([
        'These variables look like secrets and were not copied: put each value in SSM Parameter Store,',
        `  aws ssm put-parameter --type SecureString --name ${secretSuggestions[0]!.parameter} --value '…'`,
        'then uncomment the block (the execution role is allowed to read exactly these).',
        'secrets:',
        ...secretSuggestions.map((s) => `  ${s.name}: ${s.parameter}  # ${s.why}`),
      ]),
    );
  }
  parts.push(yamlBlock({ healthcheck: { path: '/healthz' } }));
  if (f.vpc) {
    parts.push(
      comment(['The function\'s subnets, without a public IP: they need a NAT gateway or VPC endpoints to pull the image.']) +
        '\n' +
        yamlBlock({ network: { publicIp: false, vpcId: f.vpc.vpcId, subnets: f.vpc.subnetIds } }),
    );
  }
  parts.push(yamlBlock({ logging: { retention: 14 } }), yamlBlock({ defaultEnvironment: o.environment, environments: { [o.environment]: {} } }));
  const serviceYaml = `${parts.join('\n\n')}\n`;

  const lambdaYaml =
    [
      comment([
        'yaml-language-server: $schema=' + rel(o.manifestDir, `${o.root}/manifests/schema/lambda.schema.json`),
        `How make deploy-lambda deploys template.yaml, sized like ${f.arn} (written by make init).`,
      ]),
      yamlBlock({
        stackName: `lambda2fargate-${name}`,
        defaultEnvironment: o.environment,
        parameters: {
          Architecture: f.architecture,
          MemorySize: f.memory,
          Timeout: Math.min(Math.max(f.timeout, 1), 900),
          AuthType: f.url?.authType === 'AWS_IAM' ? 'AWS_IAM' : 'NONE',
          LogRetentionInDays: 14,
        },
        tags: {},
        environments: { [o.environment]: {} },
      }),
    ].join('\n') + '\n';

  return { serviceName: name, serviceYaml, lambdaYaml, mapping, notes, secretSuggestions };
}
