import type { ResolvedService, SecretRef } from '../manifest/types.ts';
import type { PolicyDocument } from './role-policy.ts';

/** The inline policy on the execution role that lets ECS read the manifest's secrets at task start. */
export const SECRETS_POLICY = 'lambda2fargate-secrets';

/** Where the deploy runs: what a parameter given by name is completed with. */
export interface DeployTarget {
  partition: string;
  region: string;
  account: string;
}

/**
 * A parameter's ARN from its name, without asking SSM: `arn:<partition>:ssm:<region>:<account>:parameter/<name>`,
 * the name without its leading slash (Systems Manager User Guide, "Restricting access to
 * Parameter Store parameters using IAM policies"). No SSM call for it: the deploy has no need to
 * read a parameter, and reading one would bring its value into the tool's process.
 */
export function parameterArn(path: string, t: DeployTarget): string {
  return `arn:${t.partition}:ssm:${t.region}:${t.account}:parameter/${path}`;
}

/** What the container definition says: an SSM name becomes its ARN, a secret keeps its suffix. */
export function valueFrom(ref: SecretRef, t: DeployTarget): string {
  if (ref.store === 'secretsmanager') return ref.written;
  return ref.arn ?? parameterArn(ref.path, t);
}

/** What IAM matches the agent's call against: the parameter's ARN, or the secret's ARN without the suffix. */
export function secretResource(ref: SecretRef, t: DeployTarget): string {
  return ref.store === 'secretsmanager' ? ref.secretArn : valueFrom(ref, t);
}

/** The container definition's `secrets`, by name. */
export function containerSecrets(svc: ResolvedService, t: DeployTarget): Array<{ name: string; valueFrom: string }> {
  return Object.entries(svc.secrets ?? {})
    .map(([name, ref]) => ({ name, valueFrom: valueFrom(ref, t) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Exactly what the task execution role needs to hand the secrets to the container: ssm:GetParameters
 * on the parameters, secretsmanager:GetSecretValue on the secrets, kms:Decrypt on the keys named
 * (ECS Developer Guide, "Amazon ECS task execution IAM role" → "Required IAM permissions for
 * Secrets Manager or Systems Manager secrets"). Undefined without secrets.
 */
export function secretsPolicy(svc: ResolvedService, t: DeployTarget): PolicyDocument | undefined {
  const refs = Object.values(svc.secrets ?? {});
  if (!refs.length) return undefined;
  const of = (store: SecretRef['store']) => [...new Set(refs.filter((r) => r.store === store).map((r) => secretResource(r, t)))].sort();
  const statements = [
    { Sid: 'ReadParameters', Effect: 'Allow', Action: 'ssm:GetParameters', Resource: of('ssm') },
    { Sid: 'ReadSecrets', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: of('secretsmanager') },
    { Sid: 'DecryptSecrets', Effect: 'Allow', Action: 'kms:Decrypt', Resource: [...(svc.secretsKmsKeys ?? [])].sort() },
  ];
  return { Version: '2012-10-17', Statement: statements.filter((s) => s.Resource.length > 0) };
}
