import type { ResolvedService, SecretRef } from '../manifest/types.ts';

/*
 * A task whose secrets cannot be read stops before its container starts, with the Fargate agent's
 * text as stoppedReason, e.g. (copilot-cli#4504, #3104; terraform-aws-directus#10):
 *   ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval
 *   failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s):
 *   AccessDeniedException: User: arn:aws:sts::…:assumed-role/<role>/<task> is not authorized to
 *   perform: ssm:GetParameters on resource: arn:aws:ssm:…:parameter/<name> because no identity-based
 *   policy allows the ssm:GetParameters action status code: 400, request id: …
 * or `unable to retrieve secret from asm: … failed to fetch secret <arn> from secrets manager:
 * AccessDeniedException: …` — the ARN of one parameter or secret, never which variable it was for.
 * These map the text back to the manifest's names.
 */
/** A stopped reason about reading the container's secrets (not the image pull or registry auth). */
export const SECRET_STOP = /unable to retrieve secrets? from (ssm|asm)/;
const SSM = /unable to retrieve secrets from ssm: .*?: (.*)$/;
const ASM_FETCH = /unable to retrieve secret from asm: .*?failed to fetch secret (\S+) from secrets manager: (.*)$/;
const ASM_JSON_KEY = /unable to retrieve secret from asm: .*did not contain json key (\S+)/;
const NOT_AUTHORIZED = /(?:User: \S+?\/([^/\s]+)\/\S+ )?is not authorized to perform: (\S+) on resource: (\S+)/;
const TRAILER = /\s*status code: \d+.*$/;

export interface SecretFailure {
  /** the manifest's names for the secret (two names may read one secret) */
  names: string[];
  /** one line: which secret, what failed, what permission or fix */
  line: string;
}

const entriesOf = (svc: ResolvedService) => Object.entries(svc.secrets ?? {});

function named(svc: ResolvedService, match: (ref: SecretRef) => boolean): string[] {
  return entriesOf(svc)
    .filter(([, ref]) => match(ref))
    .map(([name]) => name);
}

/** `arn:…:parameter/a/b`, `/a/b` and `a/b` all name the parameter `a/b`. */
function parameterPath(text: string): string {
  const i = text.indexOf(':parameter/');
  return (i >= 0 ? text.slice(i + ':parameter/'.length) : text).replace(/^\/+/, '');
}

const label = (names: string[], what: string) => `${names.length ? names.join(', ') : '(a secret not in this manifest)'} ← ${what}`;

/** What the stopped reason says about the manifest's secrets; empty when it is about something else. */
export function explainSecretFailure(reason: string, svc: ResolvedService): SecretFailure[] {
  const role = svc.names.executionRole;
  const asm = ASM_FETCH.exec(reason);
  if (asm) {
    const arn = asm[1]!;
    const why = asm[2]!.replace(TRAILER, '');
    const names = named(svc, (r) => r.store === 'secretsmanager' && (arn === r.secretArn || arn.startsWith(`${r.secretArn}:`) || r.written === arn));
    const denied = NOT_AUTHORIZED.exec(why);
    if (denied) return [{ names, line: `${label(names, arn)}: the execution role ${denied[1] ?? role} may not ${denied[2]} on ${denied[3]} — ${grantHint(denied[2]!, denied[3]!, role)}` }];
    if (/Access to KMS is not allowed/i.test(why)) {
      return [{ names, line: `${label(names, arn)}: the secret is encrypted with a KMS key the execution role ${role} may not kms:Decrypt — name the key's ARN in secretsKmsKey (and allow the role in the key's policy)` }];
    }
    if (/ResourceNotFoundException/.test(why)) {
      return [{ names, line: `${label(names, arn)}: Secrets Manager has no such secret (or not that version) — check the full ARN, with its 6-character suffix, in the deploy's account and region` }];
    }
    return [{ names, line: `${label(names, arn)}: ${why}` }];
  }
  const jsonKey = ASM_JSON_KEY.exec(reason);
  if (jsonKey) {
    const names = named(svc, (r) => r.store === 'secretsmanager' && r.jsonKey === jsonKey[1]);
    return [{ names, line: `${label(names, `JSON key "${jsonKey[1]}"`)}: the secret's value has no such key — fix the key in the ARN's :json-key:: part or the secret's JSON` }];
  }
  const ssm = SSM.exec(reason);
  if (!ssm) return [];
  const why = ssm[1]!.replace(TRAILER, '');
  const denied = NOT_AUTHORIZED.exec(why);
  if (denied) {
    const path = parameterPath(denied[3]!);
    const names = named(svc, (r) => r.store === 'ssm' && r.path === path);
    return [{ names, line: `${label(names, denied[3]!)}: the execution role ${denied[1] ?? role} may not ${denied[2]} on it — ${grantHint(denied[2]!, denied[3]!, role)}` }];
  }
  const invalid = /invalid (?:ssm )?parameters: (.+)$/.exec(why);
  if (invalid) {
    return invalid[1]!
      .split(/\s+/)
      .filter(Boolean)
      .map((p) => {
        const names = named(svc, (r) => r.store === 'ssm' && r.path === parameterPath(p));
        return { names, line: `${label(names, p)}: Parameter Store has no such parameter — create it (aws ssm put-parameter --type SecureString …) or correct the name; names are case-sensitive and per region` };
      });
  }
  if (/customer master key|KMS/i.test(why)) {
    const names = named(svc, (r) => r.store === 'ssm');
    return [{ names, line: `${label(names, 'Parameter Store')}: a SecureString parameter is encrypted with a KMS key the execution role ${role} may not kms:Decrypt — name the key's ARN in secretsKmsKey` }];
  }
  return [{ names: named(svc, (r) => r.store === 'ssm'), line: `${label(named(svc, (r) => r.store === 'ssm'), 'Parameter Store')}: ${why}` }];
}

function grantHint(action: string, resource: string, role: string): string {
  return `the deploy's policy lambda2fargate-secrets on ${role} allows exactly the manifest's secrets; a secret listed there is still refused when a Deny (policy, permissions boundary, SCP or the secret's resource policy) covers ${action} on ${resource}`;
}
