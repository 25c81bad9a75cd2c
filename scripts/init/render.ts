import { posix, relative } from 'node:path';
import { stringify } from 'yaml';
import type { MigrationOptions, Plan } from './plan.ts';
import type { LambdaFacts } from './types.ts';

/** The manifests' text: one YAML block per field, with the comments that explain what init did. */
const rel = (from: string, to: string) => relative(from, to).split('\\').join(posix.sep) || '.';
const relUrl = (from: string, to: string) => {
  const r = rel(from, to);
  return r.startsWith('.') ? r : `./${r}`;
};
const block = (value: Record<string, unknown>) => stringify(value, { lineWidth: 0 }).trimEnd();
const comment = (lines: string[]) => lines.map((l) => (l ? `# ${l}` : '#')).join('\n');

export function serviceYaml(f: LambdaFacts, p: Plan, o: MigrationOptions): string {
  const parts = [
    comment([
      `yaml-language-server: $schema=${relUrl(o.manifestDir, `${o.root}/manifests/schema/service.schema.json`)}`,
      `Written by make init from the Lambda function ${f.arn}.`,
      'Every field is described in manifests/schema/service.schema.json; make validate prints what it resolves to.',
    ]),
    block({
      name: p.name,
      image: { build: { context: rel(o.manifestDir, o.root), dockerfile: rel(o.manifestDir, `${o.root}/Dockerfile`) }, port: 3000 },
      platform: p.platform,
      cpu: p.size.cpu,
      memory: p.size.memory,
      count: 1,
    }),
    block({ variables: p.variables }) + (p.nodeHandler && !p.handler ? `\n  # HANDLER: ${p.nodeHandler}  # make init CODE=1 downloads the function's code there` : ''),
  ];
  if (p.role.taskRole) parts.push(`${comment([`The function's role ${f.roleArn}, without what only Lambda uses.`])}\n${block({ taskRole: p.role.taskRole })}`);
  if (p.secretSuggestions.length) {
    parts.push(
      comment([
        'These variables look like secrets and were not copied: put each value in SSM Parameter Store,',
        `  aws ssm put-parameter --type SecureString --name ${p.secretSuggestions[0]!.parameter} --value '…'`,
        'then uncomment the block (the execution role is allowed to read exactly these).',
        'secrets:',
        ...p.secretSuggestions.map((s) => `  ${s.name}: ${s.parameter}  # ${s.why}`),
      ]),
    );
  }
  parts.push(block({ healthcheck: { path: '/healthz' } }));
  if (f.vpc) {
    parts.push(
      `${comment(["The function's subnets, without a public IP: they need a NAT gateway or VPC endpoints to pull the image."])}\n${block({ network: { publicIp: false, vpcId: f.vpc.vpcId, subnets: f.vpc.subnetIds } })}`,
    );
  }
  parts.push(block({ logging: { retention: 14 } }), block({ defaultEnvironment: o.environment, environments: { [o.environment]: {} } }));
  return `${parts.join('\n\n')}\n`;
}

export function lambdaYaml(f: LambdaFacts, p: Plan, o: MigrationOptions): string {
  return `${comment([
    `yaml-language-server: $schema=${relUrl(o.manifestDir, `${o.root}/manifests/schema/lambda.schema.json`)}`,
    `How make deploy-lambda deploys template.yaml, sized like ${f.arn} (written by make init).`,
  ])}\n${block({
    stackName: `lambda2fargate-${p.name}`,
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
  })}\n`;
}
