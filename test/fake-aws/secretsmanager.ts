import { randomBytes } from 'node:crypto';
import { ACCOUNT, AwsError, REGION, epoch, fromKeyValue, str, toKeyValue, uuid, type Tags } from './common.ts';
import type { Params, ServiceDef } from './service.ts';

/**
 * Secrets Manager: secrets whose ARN ends in `-` and six random characters, versions with the
 * AWSCURRENT / AWSPREVIOUS stages, lookup by name, full ARN or partial ARN (Secrets Manager API
 * reference: CreateSecret, GetSecretValue, "SecretId").
 */
export interface SecretVersion {
  VersionId: string;
  SecretString?: string;
  SecretBinary?: string;
  stages: string[];
  CreatedDate: Date;
}

export interface Secret {
  ARN: string;
  Name: string;
  Description?: string;
  KmsKeyId?: string;
  CreatedDate: Date;
  LastChangedDate: Date;
  /** scheduled for deletion (DeleteSecret without ForceDeleteWithoutRecovery) */
  DeletedDate?: Date;
  tags: Tags;
  versions: SecretVersion[];
}

const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const suffix = () => [...randomBytes(6)].map((b) => SUFFIX[b % SUFFIX.length]).join('');
const notFound = () => new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");

export class SecretsManager {
  readonly secrets = new Map<string, Secret>();

  /** By name, full ARN, or an ARN without the random suffix. */
  find(id: string): Secret | undefined {
    const byName = this.secrets.get(id);
    if (byName) return byName;
    for (const s of this.secrets.values()) if (s.ARN === id || s.ARN.slice(0, -7) === id) return s;
    return undefined;
  }

  /** Test helper: a secret as CreateSecret would make it; returns its full ARN. */
  put(name: string, value: string, opts: { kmsKeyId?: string; tags?: Tags } = {}): Secret {
    const now = new Date();
    const secret: Secret = {
      ARN: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-${suffix()}`,
      Name: name,
      CreatedDate: now,
      LastChangedDate: now,
      tags: { ...(opts.tags ?? {}) },
      versions: [{ VersionId: uuid(), SecretString: value, stages: ['AWSCURRENT'], CreatedDate: now }],
    };
    if (opts.kmsKeyId) secret.KmsKeyId = opts.kmsKeyId;
    this.secrets.set(name, secret);
    return secret;
  }

  /** The version GetSecretValue answers: by id, else by stage (default AWSCURRENT). */
  version(secret: Secret, versionId?: string, stage = 'AWSCURRENT'): SecretVersion | undefined {
    return versionId ? secret.versions.find((v) => v.VersionId === versionId) : secret.versions.find((v) => v.stages.includes(stage));
  }

  private addVersion(secret: Secret, p: Params): SecretVersion {
    for (const v of secret.versions) {
      v.stages = v.stages.filter((s) => s !== 'AWSPREVIOUS');
      if (v.stages.includes('AWSCURRENT')) v.stages = [...v.stages.filter((s) => s !== 'AWSCURRENT'), 'AWSPREVIOUS'];
    }
    const version: SecretVersion = { VersionId: typeof p.ClientRequestToken === 'string' ? p.ClientRequestToken : uuid(), stages: ['AWSCURRENT'], CreatedDate: new Date() };
    if (typeof p.SecretString === 'string') version.SecretString = p.SecretString;
    if (typeof p.SecretBinary === 'string') version.SecretBinary = p.SecretBinary;
    secret.versions = [...secret.versions.filter((v) => v.stages.length), version];
    secret.LastChangedDate = version.CreatedDate;
    return version;
  }

  service(): ServiceDef {
    return {
      protocol: 'json',
      xmlns: '',
      ops: {
        CreateSecret: (p: Params) => {
          const name = str(p, 'Name', 'InvalidParameterException');
          if (this.secrets.has(name)) throw new AwsError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
          const secret = this.put(name, '', { tags: fromKeyValue(p.Tags), ...(typeof p.KmsKeyId === 'string' ? { kmsKeyId: p.KmsKeyId } : {}) });
          secret.versions = [];
          if (typeof p.Description === 'string') secret.Description = p.Description;
          const version = p.SecretString !== undefined || p.SecretBinary !== undefined ? this.addVersion(secret, p) : undefined;
          return { ARN: secret.ARN, Name: secret.Name, VersionId: version?.VersionId };
        },
        PutSecretValue: (p: Params) => {
          const secret = this.find(str(p, 'SecretId', 'InvalidParameterException'));
          if (!secret) throw notFound();
          const version = this.addVersion(secret, p);
          return { ARN: secret.ARN, Name: secret.Name, VersionId: version.VersionId, VersionStages: version.stages };
        },
        GetSecretValue: (p: Params) => {
          const secret = this.find(str(p, 'SecretId', 'InvalidParameterException'));
          if (!secret) throw notFound();
          if (secret.DeletedDate) throw new AwsError('InvalidRequestException', "You can't perform this operation on the secret because it was marked for deletion.");
          const version = this.version(secret, p.VersionId as string | undefined, (p.VersionStage as string | undefined) ?? 'AWSCURRENT');
          if (!version) throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT");
          return {
            ARN: secret.ARN,
            Name: secret.Name,
            VersionId: version.VersionId,
            SecretString: version.SecretString,
            SecretBinary: version.SecretBinary,
            VersionStages: version.stages,
            CreatedDate: epoch(version.CreatedDate),
          };
        },
        DescribeSecret: (p: Params) => {
          const secret = this.find(str(p, 'SecretId', 'InvalidParameterException'));
          if (!secret) throw notFound();
          return {
            ARN: secret.ARN,
            Name: secret.Name,
            Description: secret.Description,
            KmsKeyId: secret.KmsKeyId,
            CreatedDate: epoch(secret.CreatedDate),
            LastChangedDate: epoch(secret.LastChangedDate),
            DeletedDate: epoch(secret.DeletedDate),
            Tags: Object.keys(secret.tags).length ? toKeyValue(secret.tags) : undefined,
            VersionIdsToStages: Object.fromEntries(secret.versions.map((v) => [v.VersionId, v.stages])),
          };
        },
        DeleteSecret: (p: Params) => {
          const secret = this.find(str(p, 'SecretId', 'InvalidParameterException'));
          if (!secret) throw notFound();
          if (p.ForceDeleteWithoutRecovery === true) this.secrets.delete(secret.Name);
          else secret.DeletedDate = new Date(Date.now() + 1000 * 86400 * (typeof p.RecoveryWindowInDays === 'number' ? p.RecoveryWindowInDays : 30));
          return { ARN: secret.ARN, Name: secret.Name, DeletionDate: epoch(secret.DeletedDate ?? new Date()) };
        },
        TagResource: (p: Params) => {
          const secret = this.find(str(p, 'SecretId', 'InvalidParameterException'));
          if (!secret) throw notFound();
          Object.assign(secret.tags, fromKeyValue(p.Tags));
          return {};
        },
      },
    };
  }
}
