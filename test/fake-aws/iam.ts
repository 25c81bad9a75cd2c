import { ACCOUNT, AwsError, fromKeyValue, hex, str, toKeyValue, type Tags } from './common.ts';
import { AWS_MANAGED_POLICIES } from './managed-policies.ts';
import { evaluate, type Decision } from './policy.ts';
import type { Params, ServiceDef } from './service.ts';
import { members } from './wire.ts';

export interface Role {
  RoleName: string;
  RoleId: string;
  Arn: string;
  Path: string;
  CreateDate: Date;
  AssumeRolePolicyDocument: string;
  Description?: string;
  MaxSessionDuration: number;
  tags: Tags;
  attached: Map<string, string>;
  inline: Map<string, string>;
}

const noSuchRole = (name: string) => new AwsError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);

export class Iam {
  readonly roles = new Map<string, Role>();
  /** managed policy ARN → its default version's document (AWS's own ones, plus what tests put) */
  readonly managedPolicies = new Map<string, string>(Object.entries(AWS_MANAGED_POLICIES));

  /** Test helper: a customer managed policy with this document, to attach by ARN. */
  putManagedPolicy(name: string, document: unknown): string {
    const arn = `arn:aws:iam::${ACCOUNT}:policy/${name}`;
    this.managedPolicies.set(arn, typeof document === 'string' ? document : JSON.stringify(document));
    return arn;
  }

  /** What the role's identity-based policies (inline and attached) say about `action` on `resource`. */
  decide(roleArn: string, action: string, resource: string): Decision {
    const role = this.roleByArn(roleArn);
    if (!role) return 'implicit-deny';
    const docs = [...role.inline.values(), ...[...role.attached.keys()].map((arn) => this.managedPolicies.get(arn) ?? '{}')];
    return evaluate(docs, action, resource);
  }

  private inlinePolicyOps(): Record<string, (p: Params) => unknown> {
    return {
      GetRolePolicy: (p: Params) => {
        const role = this.role(str(p, 'RoleName'));
        const name = str(p, 'PolicyName');
        const doc = role.inline.get(name);
        if (doc === undefined) throw new AwsError('NoSuchEntity', `The role policy with name ${name} cannot be found.`, 404);
        // IAM returns policy documents URL-encoded.
        return { RoleName: role.RoleName, PolicyName: name, PolicyDocument: encodeURIComponent(doc) };
      },
    };
  }

  role(name: string): Role {
    const role = this.roles.get(name);
    if (!role) throw noSuchRole(name);
    return role;
  }

  roleByArn(arn: string): Role | undefined {
    return [...this.roles.values()].find((r) => r.Arn === arn);
  }

  private view(r: Role, withTags = true) {
    return {
      Path: r.Path,
      RoleName: r.RoleName,
      RoleId: r.RoleId,
      Arn: r.Arn,
      CreateDate: r.CreateDate,
      // IAM returns policy documents URL-encoded.
      AssumeRolePolicyDocument: encodeURIComponent(r.AssumeRolePolicyDocument),
      Description: r.Description,
      MaxSessionDuration: r.MaxSessionDuration,
      Tags: withTags && Object.keys(r.tags).length ? toKeyValue(r.tags) : undefined,
    };
  }

  service(): ServiceDef {
    return {
      protocol: 'query',
      xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/',
      ops: {
        CreateRole: (p: Params) => {
          const name = str(p, 'RoleName');
          const doc = str(p, 'AssumeRolePolicyDocument');
          if (!/^[\w+=,.@-]{1,64}$/.test(name)) throw new AwsError('ValidationError', `1 validation error detected: Value '${name}' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`);
          if (this.roles.has(name)) throw new AwsError('EntityAlreadyExists', `Role with name ${name} already exists.`, 409);
          try {
            JSON.parse(doc);
          } catch {
            throw new AwsError('MalformedPolicyDocument', 'This policy contains invalid Json', 400);
          }
          const path = typeof p.Path === 'string' ? p.Path : '/';
          const role: Role = {
            RoleName: name,
            RoleId: `AROA${hex(8).toUpperCase()}`,
            Arn: `arn:aws:iam::${ACCOUNT}:role${path}${name}`,
            Path: path,
            CreateDate: new Date(),
            AssumeRolePolicyDocument: doc,
            Description: typeof p.Description === 'string' ? p.Description : undefined,
            MaxSessionDuration: 3600,
            tags: fromKeyValue(members(p.Tags)),
            attached: new Map(),
            inline: new Map(),
          };
          this.roles.set(name, role);
          return { Role: this.view(role) };
        },
        GetRole: (p: Params) => ({ Role: this.view(this.role(str(p, 'RoleName'))) }),
        ListRoles: (p: Params) => {
          const prefix = typeof p.PathPrefix === 'string' ? p.PathPrefix : '/';
          const roles = [...this.roles.values()].filter((r) => r.Path.startsWith(prefix)).sort((a, b) => a.RoleName.localeCompare(b.RoleName));
          return { Roles: roles.map((r) => this.view(r, false)), IsTruncated: false };
        },
        UpdateAssumeRolePolicy: (p: Params) => {
          this.role(str(p, 'RoleName')).AssumeRolePolicyDocument = str(p, 'PolicyDocument');
          return {};
        },
        AttachRolePolicy: (p: Params) => {
          const role = this.role(str(p, 'RoleName'));
          const arn = str(p, 'PolicyArn');
          if (!/^arn:aws:iam::(aws|\d{12}):policy\/.+/.test(arn)) throw new AwsError('InvalidInput', `ARN ${arn} is not valid.`, 400);
          role.attached.set(arn, arn.split('/').pop() ?? arn);
          return {};
        },
        DetachRolePolicy: (p: Params) => {
          const role = this.role(str(p, 'RoleName'));
          const arn = str(p, 'PolicyArn');
          if (!role.attached.delete(arn)) throw new AwsError('NoSuchEntity', `Policy ${arn} was not found.`, 404);
          return {};
        },
        ListAttachedRolePolicies: (p: Params) => ({
          AttachedPolicies: [...this.role(str(p, 'RoleName')).attached].map(([PolicyArn, PolicyName]) => ({ PolicyName, PolicyArn })),
          IsTruncated: false,
        }),
        PutRolePolicy: (p: Params) => {
          const doc = str(p, 'PolicyDocument');
          try {
            JSON.parse(doc);
          } catch {
            throw new AwsError('MalformedPolicyDocument', 'This policy contains invalid Json', 400);
          }
          this.role(str(p, 'RoleName')).inline.set(str(p, 'PolicyName'), doc);
          return {};
        },
        ListRolePolicies: (p: Params) => ({ PolicyNames: [...this.role(str(p, 'RoleName')).inline.keys()], IsTruncated: false }),
        DeleteRolePolicy: (p: Params) => {
          const role = this.role(str(p, 'RoleName'));
          const name = str(p, 'PolicyName');
          if (!role.inline.delete(name)) throw new AwsError('NoSuchEntity', `The role policy with name ${name} cannot be found.`, 404);
          return {};
        },
        DeleteRole: (p: Params) => {
          const role = this.role(str(p, 'RoleName'));
          if (role.attached.size) throw new AwsError('DeleteConflict', 'Cannot delete entity, must detach all policies first.', 409);
          if (role.inline.size) throw new AwsError('DeleteConflict', 'Cannot delete entity, must delete policies first.', 409);
          this.roles.delete(role.RoleName);
          return {};
        },
        TagRole: (p: Params) => {
          Object.assign(this.role(str(p, 'RoleName')).tags, fromKeyValue(members(p.Tags)));
          return {};
        },
        UntagRole: (p: Params) => {
          const role = this.role(str(p, 'RoleName'));
          for (const k of members<string>(p.TagKeys)) delete role.tags[k];
          return {};
        },
        ListRoleTags: (p: Params) => ({ Tags: toKeyValue(this.role(str(p, 'RoleName')).tags), IsTruncated: false }),
        ...this.inlinePolicyOps(),
      },
    };
  }
}
