import type { MigrationOptions, Plan } from './plan.ts';
import type { LambdaFacts, MappingRow } from './types.ts';

/** The mapping init applied, one row per Lambda setting, as the report and OUTPUT=json show it. */
export function mappingRows(f: LambdaFacts, p: Plan, o: MigrationOptions): MappingRow[] {
  const { size, role, folder } = p;
  return [
    { lambda: 'FunctionName', value: f.name, fargate: `name: ${p.name}; variables.FUNCTION_NAME (the handler's context.functionName)` },
    {
      lambda: 'MemorySize',
      value: `${f.memory} MiB (${(size.lambdaCpu / 1024).toFixed(2)} vCPU)`,
      fargate: `cpu: ${size.cpu}, memory: ${size.memory} (smallest Fargate size with cpu >= ${Math.ceil(size.lambdaCpu)} units and memory >= ${f.memory} MiB)`,
    },
    { lambda: 'Architectures', value: f.architecture, fargate: `platform: ${p.platform}` },
    { lambda: 'Timeout', value: `${f.timeout} s`, fargate: `variables.HANDLER_TIMEOUT: ${f.timeout} (a slower invocation answers 502)` },
    {
      lambda: 'Handler',
      value: f.handler ?? `(image ${f.imageUri ?? ''})`,
      fargate: p.handler
        ? `variables.HANDLER: ${p.handler} (package unzipped into ${folder}/)`
        : p.nodeHandler
          ? `HANDLER: ${p.nodeHandler}, commented out until the code is there (CODE=1 downloads it)`
          : 'not set: no Node.js handler to load',
    },
    { lambda: 'Environment', value: `${Object.keys(f.environment).length} variable(s)`, fargate: `variables: ${p.copied} copied; ${p.secretSuggestions.length} secret-looking held back as secrets suggestions` },
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
      fargate: f.vpc ? "network: publicIp false, vpcId, subnets (the function's)" : "network: the default VPC's public subnets, public IP (the defaults)",
    },
    {
      lambda: 'Layers',
      value: f.layers.length ? `${f.layers.length}` : 'none',
      fargate: !f.layers.length ? 'nothing' : o.code ? `their nodejs/node_modules/ baked into ${folder}/node_modules/` : 'see the layers note (CODE=1 bakes Node.js layers into the image)',
    },
    { lambda: 'EphemeralStorage', value: `${f.ephemeralStorage} MiB`, fargate: 'nothing to set: a Fargate task has 20 GiB of ephemeral storage' },
    { lambda: 'FunctionUrl AuthType', value: f.url?.authType ?? 'no URL', fargate: `lambda.yml AuthType: ${f.url?.authType === 'AWS_IAM' ? 'AWS_IAM' : 'NONE'}; the service itself is public on its port` },
  ];
}
