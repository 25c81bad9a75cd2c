import { ToolError, message } from '../lib/errors.ts';
import type { ResolvedService, SecretRef } from '../manifest/types.ts';

export interface LocalSecrets {
  /** name → value, only with LOCAL_SECRETS=1 */
  values: Record<string, string>;
  /** what to tell the user: which secrets the container runs without, or where the values came from */
  notes: string[];
}

/** The parts of the SDK the local run reads secrets with; tests hand in clients talking to the fake. */
export interface SecretReaders {
  /** SSM GetParameters WithDecryption, by name or ARN: value by the name asked for */
  parameters(names: string[]): Promise<{ values: Record<string, string>; invalid: string[] }>;
  /** Secrets Manager GetSecretValue of the secret ARN, at a stage or version */
  secret(secretId: string, stage?: string, versionId?: string): Promise<string>;
}

/**
 * The container's secrets for `make local`. Without LOCAL_SECRETS=1 nothing is read from AWS and
 * the container runs without them (it is told which). With it, the values are read with the
 * user's own credentials, as the execution role would at task start, and passed to the container
 * only through its environment — never printed.
 */
export async function localSecrets(svc: ResolvedService, read: boolean, readers?: () => Promise<SecretReaders>): Promise<LocalSecrets> {
  const entries = Object.entries(svc.secrets ?? {});
  if (!entries.length) return { values: {}, notes: [] };
  const names = entries.map(([n]) => n).join(', ');
  if (!read) {
    return { values: {}, notes: [`secrets left unset (nothing is read from AWS): ${names} — LOCAL_SECRETS=1 reads them with your AWS credentials`] };
  }
  const r = await (readers ?? sdkReaders)();
  const values: Record<string, string> = {};
  const ssm = entries.filter(([, ref]) => ref.store === 'ssm') as Array<[string, Extract<SecretRef, { store: 'ssm' }>]>;
  const unset: string[] = [];
  for (let i = 0; i < ssm.length; i += 10) {
    const batch = ssm.slice(i, i + 10);
    const out = await r.parameters(batch.map(([, ref]) => ref.arn ?? ref.written));
    for (const [name, ref] of batch) {
      const v = out.values[ref.arn ?? ref.written];
      if (v === undefined) unset.push(`${name} (no parameter ${ref.written})`);
      else values[name] = v;
    }
  }
  for (const [name, ref] of entries) {
    if (ref.store !== 'secretsmanager') continue;
    const [, stage, versionId] = ref.written.slice(ref.secretArn.length + 1).split(':');
    const text = await r.secret(ref.secretArn, stage || undefined, versionId || undefined);
    if (!ref.jsonKey) {
      values[name] = text;
      continue;
    }
    const v = jsonField(text, ref.jsonKey);
    if (v === undefined) unset.push(`${name} (no JSON key "${ref.jsonKey}" in the secret)`);
    else values[name] = v;
  }
  const notes = [`secrets read with your AWS credentials (LOCAL_SECRETS=1): ${Object.keys(values).sort().join(', ') || 'none'}`];
  if (unset.length) notes.push(`secrets left unset: ${unset.join(', ')}`);
  return { values, notes };
}

function jsonField(text: string, key: string): string | undefined {
  try {
    const v = (JSON.parse(text) as Record<string, unknown>)[key];
    return v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v);
  } catch {
    return undefined;
  }
}

/** SDK clients from the standard chain; loaded only when LOCAL_SECRETS=1 asks for them. */
async function sdkReaders(): Promise<SecretReaders> {
  const [{ SSMClient, GetParametersCommand }, { SecretsManagerClient, GetSecretValueCommand }, { resolveRegion }] = await Promise.all([
    import('@aws-sdk/client-ssm'),
    import('@aws-sdk/client-secrets-manager'),
    import('../lib/aws.ts'),
  ]);
  const region = resolveRegion();
  const ssm = new SSMClient({ region });
  const sm = new SecretsManagerClient({ region });
  const failed = (what: string) => (err: unknown) => {
    throw new ToolError(message(`LOCAL_SECRETS=1: ${what}`, `${(err as Error).name}: ${(err as Error).message}`, 'check your AWS credentials and the secret, or run without LOCAL_SECRETS'), { cause: err });
  };
  return {
    async parameters(names) {
      const out = await ssm.send(new GetParametersCommand({ Names: names, WithDecryption: true })).catch(failed('SSM GetParameters'));
      const values: Record<string, string> = {};
      for (const p of out.Parameters ?? []) {
        // the answer names a parameter by name; the request may have used its ARN
        const asked = names.find((n) => n === p.Name || n === p.ARN);
        if (asked && p.Value !== undefined) values[asked] = p.Value;
      }
      return { values, invalid: out.InvalidParameters ?? [] };
    },
    async secret(secretId, stage, versionId) {
      const out = await sm.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage, VersionId: versionId })).catch(failed(`Secrets Manager GetSecretValue of ${secretId}`));
      return out.SecretString ?? Buffer.from(out.SecretBinary ?? new Uint8Array()).toString('utf8');
    },
  };
}
