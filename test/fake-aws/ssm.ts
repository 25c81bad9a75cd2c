import { ACCOUNT, AwsError, REGION, epoch, fromKeyValue, globMatch, str, toKeyValue, type Tags } from './common.ts';
import type { Params, ServiceDef } from './service.ts';

/**
 * SSM Parameter Store: parameters with versions, tags and the conditional create that
 * `Overwrite: false` gives (ParameterAlreadyExists), so a parameter also serves as a lock.
 * Behaviour from the SSM API reference (PutParameter, GetParameters, DescribeParameters).
 */
export interface Parameter {
  Name: string;
  Type: 'String' | 'StringList' | 'SecureString';
  Value: string;
  Version: number;
  LastModifiedDate: Date;
  ARN: string;
  DataType: string;
  Tier: string;
  Description?: string;
  KeyId?: string;
  tags: Tags;
  /** every version's value, index = version - 1 */
  history: string[];
}

export const ssmParameterArn = (name: string) => `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/${name.replace(/^\//, '')}`;

const notFound = () => new AwsError('ParameterNotFound', '', 400);

export class Ssm {
  readonly parameters = new Map<string, Parameter>();

  /** A parameter by name or ARN, optionally `:version`; undefined when there is none. */
  find(ref: string): { param: Parameter; version: number } | undefined {
    const arn = /^arn:aws:ssm:[^:]*:\d{12}:parameter(\/.*)$/.exec(ref);
    let name = ref;
    if (arn) {
      const path = arn[1]!;
      // parameter/a/b is the ARN of /a/b; parameter/name of name
      name = this.parameters.has(path) || path.slice(1).includes('/') ? path : path.slice(1);
    }
    const selector = /^(.*):(\d+)$/.exec(name);
    const param = this.parameters.get(selector ? selector[1]! : name);
    if (!param) return undefined;
    const version = selector ? Number(selector[2]) : param.Version;
    if (version < 1 || version > param.history.length) return undefined;
    return { param, version };
  }

  /** Test helper: a parameter as PutParameter would create it. */
  put(name: string, value: string, type: Parameter['Type'] = 'String', opts: { keyId?: string; tags?: Tags } = {}): Parameter {
    const param: Parameter = {
      Name: name,
      Type: type,
      Value: value,
      Version: 1,
      LastModifiedDate: new Date(),
      ARN: ssmParameterArn(name),
      DataType: 'text',
      Tier: 'Standard',
      tags: { ...(opts.tags ?? {}) },
      history: [value],
    };
    if (type === 'SecureString') param.KeyId = opts.keyId ?? 'alias/aws/ssm';
    this.parameters.set(name, param);
    return param;
  }

  private view(param: Parameter, version: number, decrypt: boolean) {
    const value = param.history[version - 1] ?? param.Value;
    return {
      Name: param.Name,
      Type: param.Type,
      // without WithDecryption a SecureString comes back as ciphertext
      Value: param.Type === 'SecureString' && !decrypt ? Buffer.from(`fake-kms:${param.KeyId}:${value}`).toString('base64') : value,
      Version: version,
      LastModifiedDate: epoch(param.LastModifiedDate),
      ARN: param.ARN,
      DataType: param.DataType,
    };
  }

  private metadata(param: Parameter) {
    return {
      Name: param.Name,
      ARN: param.ARN,
      Type: param.Type,
      KeyId: param.KeyId,
      LastModifiedDate: epoch(param.LastModifiedDate),
      LastModifiedUser: `arn:aws:iam::${ACCOUNT}:user/fake-aws`,
      Description: param.Description,
      Version: param.Version,
      Tier: param.Tier,
      DataType: param.DataType,
    };
  }

  private parameterFor(p: Params): Parameter {
    if (p.ResourceType !== 'Parameter') throw new AwsError('InvalidResourceType', 'The resource type is not valid.');
    const param = this.parameters.get(str(p, 'ResourceId', 'ValidationException'));
    if (!param) throw new AwsError('InvalidResourceId', 'The resource ID is not valid. Verify that you entered the correct ID and try again.');
    return param;
  }

  service(): ServiceDef {
    return {
      protocol: 'json',
      xmlns: '',
      ops: {
        PutParameter: (p: Params) => {
          const name = str(p, 'Name', 'ValidationException');
          const value = typeof p.Value === 'string' ? p.Value : '';
          const existing = this.parameters.get(name);
          const tags = fromKeyValue(p.Tags);
          if (p.Overwrite === true && Object.keys(tags).length) {
            throw new AwsError(
              'ValidationException',
              "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
            );
          }
          if (existing) {
            if (p.Overwrite !== true) throw new AwsError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
            existing.history.push(value);
            existing.Value = value;
            existing.Version = existing.history.length;
            existing.LastModifiedDate = new Date();
            if (typeof p.Type === 'string') existing.Type = p.Type as Parameter['Type'];
            if (typeof p.Description === 'string') existing.Description = p.Description;
            if (typeof p.KeyId === 'string') existing.KeyId = p.KeyId;
            return { Version: existing.Version, Tier: existing.Tier };
          }
          if (typeof p.Type !== 'string') throw new AwsError('ValidationException', 'A parameter type is required when you create a parameter.');
          const param = this.put(name, value, p.Type as Parameter['Type'], { tags, ...(typeof p.KeyId === 'string' ? { keyId: p.KeyId } : {}) });
          if (typeof p.Description === 'string') param.Description = p.Description;
          if (typeof p.Tier === 'string' && p.Tier !== 'Intelligent-Tiering') param.Tier = p.Tier;
          return { Version: param.Version, Tier: param.Tier };
        },
        GetParameter: (p: Params) => {
          const found = this.find(str(p, 'Name', 'ValidationException'));
          if (!found) throw notFound();
          return { Parameter: this.view(found.param, found.version, p.WithDecryption === true) };
        },
        GetParameters: (p: Params) => {
          const names = Array.isArray(p.Names) ? (p.Names as string[]) : [];
          const Parameters: unknown[] = [];
          const InvalidParameters: string[] = [];
          for (const name of names) {
            const found = this.find(name);
            if (found) Parameters.push(this.view(found.param, found.version, p.WithDecryption === true));
            else InvalidParameters.push(name);
          }
          return { Parameters, InvalidParameters };
        },
        DeleteParameter: (p: Params) => {
          if (!this.parameters.delete(str(p, 'Name', 'ValidationException'))) throw notFound();
          return {};
        },
        DeleteParameters: (p: Params) => {
          const names = Array.isArray(p.Names) ? (p.Names as string[]) : [];
          const DeletedParameters = names.filter((n) => this.parameters.delete(n));
          return { DeletedParameters, InvalidParameters: names.filter((n) => !DeletedParameters.includes(n)) };
        },
        DescribeParameters: (p: Params) => {
          const filters = Array.isArray(p.ParameterFilters) ? (p.ParameterFilters as Array<{ Key: string; Option?: string; Values?: string[] }>) : [];
          const matches = (param: Parameter) =>
            filters.every((f) => {
              const values = f.Values ?? [];
              if (f.Key === 'Name') {
                return values.some((v) => (f.Option === 'BeginsWith' ? param.Name.startsWith(v) : f.Option === 'Contains' ? param.Name.includes(v) : globMatch(v, param.Name)));
              }
              if (f.Key === 'Type') return values.includes(param.Type);
              if (f.Key === 'KeyId') return values.includes(param.KeyId ?? '');
              if (f.Key.startsWith('tag:')) {
                const v = param.tags[f.Key.slice(4)];
                return v !== undefined && (values.length === 0 || values.includes(v));
              }
              return true;
            });
          const all = [...this.parameters.values()].filter(matches).sort((a, b) => a.Name.localeCompare(b.Name));
          const start = typeof p.NextToken === 'string' ? Number(p.NextToken) : 0;
          const max = typeof p.MaxResults === 'number' ? p.MaxResults : 10;
          const page = all.slice(start, start + max);
          const next = start + max < all.length ? String(start + max) : undefined;
          return { Parameters: page.map((x) => this.metadata(x)), NextToken: next };
        },
        AddTagsToResource: (p: Params) => {
          Object.assign(this.parameterFor(p).tags, fromKeyValue(p.Tags));
          return {};
        },
        RemoveTagsFromResource: (p: Params) => {
          const param = this.parameterFor(p);
          for (const k of (p.TagKeys as string[] | undefined) ?? []) delete param.tags[k];
          return {};
        },
        ListTagsForResource: (p: Params) => ({ TagList: toKeyValue(this.parameterFor(p).tags) }),
      },
    };
  }
}
