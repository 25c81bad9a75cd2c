import type { Layered } from './layers.ts';
import { isFields } from './layers.ts';
import type { PolicyStatement, SecretRef, TaskRole } from './types.ts';

/** What the deploy sets itself; a secret of the same name would be overridden or override it. */
const RESERVED = ['HOST', 'PORT', 'HEALTH_PATH'];

/*
 * The forms ECS takes in a container definition's `secrets[].valueFrom` (ECS Developer Guide,
 * "Pass sensitive data to an Amazon ECS container"; ContainerDefinition → Secret):
 * - Parameter Store: the parameter's ARN, or its name when it is in the task's region;
 *   names in a hierarchy start with / (SSM PutParameter: "Naming Constraints").
 * - Secrets Manager: the secret's full ARN, optionally `:json-key:version-stage:version-id`
 *   (each part may be empty, all three separators written), Fargate platform 1.4.0+.
 * Secret names allow letters, digits and /_+=.@- (Secrets Manager CreateSecret: Name).
 */
const PARTITION = '(aws|aws-cn|aws-us-gov)';
const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d';
const SSM_ARN = new RegExp(`^arn:${PARTITION}:ssm:(${REGION}):(\\d{12}):parameter/([A-Za-z0-9_.\\-/]+)$`);
const SECRET_ARN = new RegExp(`^(arn:${PARTITION}:secretsmanager:${REGION}:\\d{12}:secret:[A-Za-z0-9/_+=.@-]+)((?::[^:]*)*)$`);
const SSM_NAME = /^\/?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;
const KMS_KEY_ARN = new RegExp(`^arn:${PARTITION}:kms:${REGION}:\\d{12}:key/[A-Za-z0-9-]+$`);

/** One `secrets` value read into where it lives, or why it cannot be used. */
export function parseSecretRef(written: string): SecretRef | { problem: string } {
  if (written.startsWith('arn:')) {
    const service = written.split(':')[2];
    if (service === 'ssm') {
      const m = SSM_ARN.exec(written);
      if (!m) return { problem: `is not a Parameter Store parameter ARN — write arn:aws:ssm:<region>:<account id>:parameter/<name> (the name without its leading /), or just the parameter's name` };
      return { store: 'ssm', written, path: m[4]!.replace(/^\/+/, ''), arn: written };
    }
    if (service === 'secretsmanager') {
      const m = SECRET_ARN.exec(written);
      if (!m) return { problem: `is not a Secrets Manager secret ARN — write arn:aws:secretsmanager:<region>:<account id>:secret:<name>-<6 characters>, as the console or \`aws secretsmanager describe-secret\` shows it` };
      const extra = m[3] ? m[3].slice(1).split(':') : [];
      if (extra.length !== 0 && extra.length !== 3) {
        return { problem: `has ${extra.length} part${extra.length === 1 ? '' : 's'} after the secret's ARN; ECS takes either none or all three, :json-key:version-stage:version-id, each of them may be empty (e.g. <arn>:password:: for the JSON key "password")` };
      }
      const [jsonKey] = extra;
      return { store: 'secretsmanager', written, secretArn: m[1]!, ...(jsonKey ? { jsonKey } : {}) };
    }
    return { problem: `is an ARN of ${service ? `"${service}"` : 'no service'}; ECS reads secrets from Parameter Store (arn:aws:ssm:…:parameter/…) or Secrets Manager (arn:aws:secretsmanager:…:secret:…) only` };
  }
  if (!SSM_NAME.test(written)) {
    return { problem: 'is not a Parameter Store name — names use letters, digits and _ . - with / between the levels of a hierarchy; a Secrets Manager secret needs its full ARN' };
  }
  if (written.includes('/') && !written.startsWith('/')) {
    return { problem: `names a parameter in a hierarchy without its leading / — write /${written} (Parameter Store names with levels start with /); a Secrets Manager secret needs its full ARN` };
  }
  return { store: 'ssm', written, path: written.replace(/^\//, '') };
}

/** `secrets` and `secretsKmsKey`: each value parsed, and no name both a plain variable and a secret. */
export function resolveSecrets(m: Layered, variables: Record<string, string>): { secrets?: Record<string, SecretRef>; secretsKmsKeys?: string[] } {
  const out: { secrets?: Record<string, SecretRef>; secretsKmsKeys?: string[] } = {};
  const raw = m.get(['secrets']);
  if (isFields(raw) && Object.keys(raw).length > 0) {
    const secrets: Record<string, SecretRef> = {};
    for (const [name, value] of Object.entries(raw)) {
      if (typeof value !== 'string' || m.refusedAt(['secrets', name])) continue;
      if (name in variables) {
        m.problem(['secrets', name], `"${name}" is also set under variables — a variable is either plain or a secret; remove one of the two`, 'key');
      } else if (RESERVED.includes(name)) {
        m.problem(['secrets', name], `the deploy sets ${name} itself — give the secret another name`, 'key');
      }
      const ref = parseSecretRef(value);
      if ('problem' in ref) m.problem(['secrets', name], ref.problem);
      else secrets[name] = ref;
    }
    out.secrets = secrets;
  }
  const keys = m.get(['secretsKmsKey']);
  const list = typeof keys === 'string' ? [keys] : Array.isArray(keys) ? (keys as unknown[]).filter((k): k is string => typeof k === 'string') : [];
  list.forEach((key, i) => {
    const path = typeof keys === 'string' ? ['secretsKmsKey'] : ['secretsKmsKey', i];
    if (/^arn:[^:]+:kms:[^:]*:\d*:alias\//.test(key) || key.startsWith('alias/')) {
      // IAM matches kms:Decrypt against the key's ARN; a policy naming an alias allows nothing
      m.problem(path, 'names a KMS alias; the execution role\'s policy needs the key\'s ARN (`aws kms describe-key --key-id <alias>` shows it as KeyMetadata.Arn)');
    } else if (!KMS_KEY_ARN.test(key)) {
      m.problem(path, 'is not a KMS key ARN — write arn:aws:kms:<region>:<account id>:key/<key id>');
    }
  });
  if (list.length > 0) {
    if (!out.secrets) m.problem(['secretsKmsKey'], 'names a KMS key but the manifest has no secrets — add secrets or remove secretsKmsKey', 'key');
    out.secretsKmsKeys = list;
  }
  return out;
}

/** IAM's limit on a role's inline policies together, whitespace not counted (IAM quotas: "Role policy size"). */
export const INLINE_POLICY_MAX = 10_240;

/** `taskRole`: an existing role's ARN alone, or what the tool's own role is made of. */
export function resolveTaskRole(m: Layered): TaskRole | undefined {
  const raw = m.get(['taskRole']);
  if (!isFields(raw)) return undefined;
  const arn = m.get(['taskRole', 'arn']);
  const managedPolicies = (m.get(['taskRole', 'managedPolicies']) as string[] | undefined) ?? [];
  const statements = (m.get(['taskRole', 'statements']) as PolicyStatement[] | undefined) ?? [];
  if (m.present(['taskRole', 'arn']) && (m.present(['taskRole', 'managedPolicies']) || m.present(['taskRole', 'statements']))) {
    m.problem(['taskRole', 'arn'], 'taskRole has both arn and policies — keep arn to use an existing role as it is, or managedPolicies/statements for a role the tool creates');
    return undefined;
  }
  if (typeof arn === 'string') return { kind: 'existing', arn };
  if (!m.present(['taskRole', 'arn']) && !m.present(['taskRole', 'managedPolicies']) && !m.present(['taskRole', 'statements'])) {
    m.problem(['taskRole'], 'says neither arn (an existing role) nor managedPolicies/statements (for a role the tool creates)', 'key');
    return undefined;
  }
  statements.forEach((s, i) => {
    if (!isFields(s)) return;
    const has = (k: string) => s[k] !== undefined;
    if (has('Action') === has('NotAction')) m.problem(['taskRole', 'statements', i], `${has('Action') ? 'has both Action and NotAction' : 'says no Action'} — a statement takes one of them`, 'key');
    if (has('Resource') === has('NotResource')) m.problem(['taskRole', 'statements', i], `${has('Resource') ? 'has both Resource and NotResource' : 'says no Resource'} — a statement in a role's policy takes one of them (* for every resource)`, 'key');
  });
  if (statements.length > 0) {
    const size = JSON.stringify(inlinePolicy(statements)).replace(/\s/g, '').length;
    if (size > INLINE_POLICY_MAX) m.problem(['taskRole', 'statements'], `make a policy of ${size} characters; IAM allows ${INLINE_POLICY_MAX} for a role's inline policies — attach a managed policy instead (managedPolicies)`, 'key');
  }
  return { kind: 'owned', managedPolicies, statements };
}

/** The policy document the statements make. */
export function inlinePolicy(statements: PolicyStatement[]): { Version: '2012-10-17'; Statement: PolicyStatement[] } {
  return { Version: '2012-10-17', Statement: statements };
}
