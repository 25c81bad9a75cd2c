import { ACCOUNT, REGION, requestId } from './common.ts';
import type { Credentials } from './credentials.ts';
import type { Iam } from './iam.ts';
import { accessDenied } from './policy.ts';
import type { SecretsManager } from './secretsmanager.ts';
import type { Params } from './service.ts';
import { ssmParameterArn, type Ssm } from './ssm.ts';

/**
 * What the Fargate agent does for a container between the image pull and its start: fetch the
 * `secrets` with the execution role's permissions (first Parameter Store, then Secrets Manager,
 * each failure stopping the task with the agent's text), and give the container the variables
 * Fargate sets: AWS_REGION, AWS_DEFAULT_REGION, AWS_EXECUTION_ENV and, with a task role, the
 * credentials URI. The fake adds AWS_ENDPOINT_URL so the container's SDK calls reach the fake.
 *
 * Stopped-reason texts: copilot-cli#4504 (SSM AccessDenied), #5752 (Secrets Manager AccessDenied),
 * "invalid ssm parameters: <name>" for a missing parameter; the ECS Developer Guide "Pass
 * sensitive data to an Amazon ECS container" for the valueFrom forms and permissions.
 */
export interface TaskStartDeps {
  iam: Iam;
  ssm: Ssm;
  secrets: SecretsManager;
  credentials: Credentials;
  /** the fake's base URL */
  endpoint: () => string;
}

export interface TaskStartResult {
  problem?: string;
  /** the variables Fargate sets (the container definition's own environment overrides them) */
  platform: Record<string, string>;
  /** the resolved secrets, by variable name */
  secrets: Record<string, string>;
}

interface TaskLike {
  id: string;
  taskDef: { body: Params };
}

const PREFIX = 'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed';
const SECRET_ARN = /^(arn:aws:secretsmanager:[^:]+:\d{12}:secret:[^:]+)(?::([^:]*):([^:]*):([^:]*))?$/;

/**
 * What RegisterTaskDefinition says about a container secret's valueFrom, or undefined when ECS
 * takes it: an SSM parameter name (a-zA-Z0-9_.-/, up to 2048), an SSM parameter ARN or a Secrets
 * Manager secret ARN (copilot-cli#3446 quotes the name rule).
 */
export function secretReferenceProblem(secret: { name?: string; valueFrom?: string }): string | undefined {
  const v = String(secret.valueFrom ?? '');
  if (/^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/.+$/.test(v) || SECRET_ARN.test(v)) return undefined;
  if (!v.startsWith('arn:') && /^[a-zA-Z0-9_.\-/]{1,2048}$/.test(v)) return undefined;
  return `The Systems Manager parameter name specified for secret ${secret.name ?? ''} is invalid. The parameter name can be up to 2048 characters and include the following letters and symbols: a-zA-Z0-9_.-`;
}

export class TaskStart {
  constructor(private readonly deps: TaskStartDeps) {}

  async prepare(task: TaskLike, container: Params): Promise<TaskStartResult> {
    const body = task.taskDef.body;
    const platform: Record<string, string> = { AWS_REGION: REGION, AWS_DEFAULT_REGION: REGION, AWS_EXECUTION_ENV: 'AWS_ECS_FARGATE', AWS_ENDPOINT_URL: this.deps.endpoint() };
    const taskRole = body.taskRoleArn as string | undefined;
    if (taskRole) platform.AWS_CONTAINER_CREDENTIALS_FULL_URI = `${this.deps.endpoint()}${this.deps.credentials.register(taskRole, task.id)}`;
    const secrets = (container.secrets ?? []) as Array<{ name: string; valueFrom: string }>;
    if (!secrets.length) return { platform, secrets: {} };
    const exec = String(body.executionRoleArn ?? '');
    const principal = `arn:aws:sts::${ACCOUNT}:assumed-role/${exec.split('/').pop()}/${task.id}`;
    const ssm = secrets.filter((s) => !s.valueFrom.startsWith('arn:aws:secretsmanager:'));
    const asm = secrets.filter((s) => s.valueFrom.startsWith('arn:aws:secretsmanager:'));
    const fromSsm = this.fromSsm(exec, principal, ssm);
    if (fromSsm.problem) return { problem: fromSsm.problem, platform, secrets: {} };
    const fromAsm = this.fromSecretsManager(exec, principal, asm);
    if (fromAsm.problem) return { problem: fromAsm.problem, platform, secrets: {} };
    return { platform, secrets: { ...fromSsm.values, ...fromAsm.values } };
  }

  private fromSsm(exec: string, principal: string, secrets: Array<{ name: string; valueFrom: string }>): { problem?: string; values: Record<string, string> } {
    const values: Record<string, string> = {};
    const fail = (why: string) => ({ problem: `${PREFIX}: unable to retrieve secrets from ssm: service call has been retried 1 time(s): ${why}`, values });
    for (const s of secrets) {
      const arn = s.valueFrom.startsWith('arn:') ? s.valueFrom : ssmParameterArn(s.valueFrom);
      const decision = this.deps.iam.decide(exec, 'ssm:GetParameters', arn);
      if (decision !== 'allow') return fail(`AccessDeniedException: ${accessDenied(principal, 'ssm:GetParameters', arn, decision)} status code: 400, request id: ${requestId()}`);
    }
    const missing = secrets.filter((s) => !this.deps.ssm.find(s.valueFrom));
    if (missing.length) return fail(`invalid ssm parameters: ${missing.map((s) => s.valueFrom).join(' ')}`);
    for (const s of secrets) {
      const { param, version } = this.deps.ssm.find(s.valueFrom)!;
      if (param.KeyId && param.KeyId !== 'alias/aws/ssm' && this.kmsDenied(exec, param.KeyId)) {
        return fail(`AccessDeniedException: The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access. status code: 400, request id: ${requestId()}`);
      }
      values[s.name] = param.history[version - 1] ?? param.Value;
    }
    return { values };
  }

  private fromSecretsManager(exec: string, principal: string, secrets: Array<{ name: string; valueFrom: string }>): { problem?: string; values: Record<string, string> } {
    const values: Record<string, string> = {};
    for (const s of secrets) {
      const m = SECRET_ARN.exec(s.valueFrom);
      const given = m?.[1] ?? s.valueFrom;
      const fail = (why: string) => ({
        problem: `${PREFIX}: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${given} from secrets manager: ${why} status code: 400, request id: ${requestId()}`,
        values,
      });
      const secret = this.deps.secrets.find(given);
      const resource = secret?.ARN ?? given;
      const decision = this.deps.iam.decide(exec, 'secretsmanager:GetSecretValue', resource);
      if (decision !== 'allow') return fail(`AccessDeniedException: ${accessDenied(principal, 'secretsmanager:GetSecretValue', resource, decision)}`);
      if (!secret || secret.DeletedDate) return fail("ResourceNotFoundException: Secrets Manager can't find the specified secret.");
      if (secret.KmsKeyId && this.kmsDenied(exec, secret.KmsKeyId)) return fail('AccessDeniedException: Access to KMS is not allowed');
      const [jsonKey, stage, versionId] = [m?.[2] || undefined, m?.[3] || undefined, m?.[4] || undefined];
      const version = this.deps.secrets.version(secret, versionId, stage ?? 'AWSCURRENT');
      if (!version) return fail("ResourceNotFoundException: Secrets Manager can't find the specified secret value for staging label: " + (stage ?? 'AWSCURRENT'));
      const text = version.SecretString ?? '';
      if (!jsonKey) {
        values[s.name] = text;
        continue;
      }
      let value: unknown;
      try {
        value = (JSON.parse(text) as Record<string, unknown>)[jsonKey];
      } catch {
        value = undefined;
      }
      if (value === undefined) {
        return { problem: `${PREFIX}: unable to retrieve secret from asm: service call has been retried 1 time(s): retrieved secret from Secrets Manager did not contain json key ${jsonKey}`, values };
      }
      values[s.name] = typeof value === 'string' ? value : JSON.stringify(value);
    }
    return { values };
  }

  /** A customer managed key needs kms:Decrypt on it (an alias or id names it in the fake as an ARN). */
  private kmsDenied(exec: string, keyId: string): boolean {
    const arn = keyId.startsWith('arn:') ? keyId : `arn:aws:kms:${REGION}:${ACCOUNT}:${keyId.startsWith('alias/') ? keyId : `key/${keyId}`}`;
    return this.deps.iam.decide(exec, 'kms:Decrypt', arn) !== 'allow';
  }
}
