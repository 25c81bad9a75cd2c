import { ACCOUNT, AwsError, fromKeyValue, hex, str, toKeyValue, type Tags } from './common.ts';
import { AWS_MANAGED_POLICIES } from './managed-policies.ts';
import { evaluate, type Decision } from './policy.ts';
import type { Params, ServiceDef } from './service.ts';
import { members } from './wire.ts';
import { stillPropagating, type Knobs } from './knobs.ts';

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
  /** when each managed policy was attached (policy propagation) */
  attachedAt: Map<string, number>;
  inline: Map<string, string>;
}

export interface InstanceProfile {
  InstanceProfileName: string;
  InstanceProfileId: string;
  Arn: string;
  Path: string;
  CreateDate: Date;
  roles: string[];
}

const noSuchRole = (name: string) => new AwsError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);

export class Iam {
  readonly roles = new Map<string, Role>();
  readonly instanceProfiles = new Map<string, InstanceProfile>();

  constructor(private readonly knobs: () => Pick<Knobs, 'rolePropagationMs'> = () => ({ rolePropagationMs: 0 })) {}

  /** What a user (or an EC2 launch wizard) might add by hand: an instance profile holding the role. */
  addInstanceProfile(name: string, roleName?: string): InstanceProfile {
    const profile: InstanceProfile = { InstanceProfileName: name, InstanceProfileId: `AIPA${hex(8).toUpperCase()}`, Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/${name}`, Path: '/', CreateDate: new Date(), roles: [] };
    this.instanceProfiles.set(name, profile);
    if (roleName) profile.roles.push(this.role(roleName).RoleName);
    return profile;
  }

  /** Whether the role's managed policies are in force: none attached, or at least one attached longer ago than the propagation window. */
  policiesInForce(role: Role, windowMs: number): boolean {
    if (role.attachedAt.size === 0 || role.inline.size > 0) return true;
    return [...role.attachedAt.values()].some((at) => !stillPropagating(at, windowMs));
  }

  /** A role just created is not yet visible to every IAM endpoint (`rolePropagationMs`). */
  private settledRole(name: string): Role {
    const role = this.role(name);
    if (stillPropagating(role.CreateDate, this.knobs().rolePropagationMs)) throw noSuchRole(name);
    return role;
  }

  private profileView(ip: InstanceProfile) {
    return { InstanceProfileName: ip.InstanceProfileName, InstanceProfileId: ip.InstanceProfileId, Arn: ip.Arn, Path: ip.Path, CreateDate: ip.CreateDate, Roles: ip.roles.map((r) => this.view(this.role(r), false)) };
  }

  instanceProfile(name: string): InstanceProfile {
    const ip = this.instanceProfiles.get(name);
    if (!ip) throw new AwsError('NoSuchEntity', `Instance Profile ${name} cannot be found.`, 404);
    return ip;
  }

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
            attachedAt: new Map(),
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
          const role = this.settledRole(str(p, 'RoleName'));
          const arn = str(p, 'PolicyArn');
          if (!/^arn:aws:iam::(aws|\d{12}):policy\/.+/.test(arn)) throw new AwsError('InvalidInput', `ARN ${arn} is not valid.`, 400);
          role.attached.set(arn, arn.split('/').pop() ?? arn);
          role.attachedAt.set(arn, Date.now());
          return {};
        },
        DetachRolePolicy: (p: Params) => {
          const role = this.role(str(p, 'RoleName'));
          const arn = str(p, 'PolicyArn');
          if (!role.attached.delete(arn)) throw new AwsError('NoSuchEntity', `Policy ${arn} was not found.`, 404);
          role.attachedAt.delete(arn);
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
          this.settledRole(str(p, 'RoleName')).inline.set(str(p, 'PolicyName'), doc);
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
          if ([...this.instanceProfiles.values()].some((ip) => ip.roles.includes(role.RoleName))) {
            throw new AwsError('DeleteConflict', 'Cannot delete entity, must remove roles from instance profile first.', 409);
          }
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
        CreateInstanceProfile: (p: Params) => {
          const name = str(p, 'InstanceProfileName');
          if (this.instanceProfiles.has(name)) throw new AwsError('EntityAlreadyExists', `Instance Profile ${name} already exists.`, 409);
          return { InstanceProfile: this.profileView(this.addInstanceProfile(name)) };
        },
        AddRoleToInstanceProfile: (p: Params) => {
          const ip = this.instanceProfile(str(p, 'InstanceProfileName'));
          const role = this.role(str(p, 'RoleName'));
          // An instance profile holds one role (IAM quota "Roles in an instance profile: 1").
          if (ip.roles.length) throw new AwsError('LimitExceeded', 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1', 409);
          ip.roles.push(role.RoleName);
          return {};
        },
        ListInstanceProfilesForRole: (p: Params) => {
          const role = this.role(str(p, 'RoleName'));
          return { InstanceProfiles: [...this.instanceProfiles.values()].filter((ip) => ip.roles.includes(role.RoleName)).map((ip) => this.profileView(ip)), IsTruncated: false };
        },
        RemoveRoleFromInstanceProfile: (p: Params) => {
          const ip = this.instanceProfile(str(p, 'InstanceProfileName'));
          const name = str(p, 'RoleName');
          if (!ip.roles.includes(name)) throw new AwsError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
          ip.roles = ip.roles.filter((r) => r !== name);
          return {};
        },
        DeleteInstanceProfile: (p: Params) => {
          const ip = this.instanceProfile(str(p, 'InstanceProfileName'));
          if (ip.roles.length) throw new AwsError('DeleteConflict', 'Cannot delete entity, must remove roles from instance profile first.', 409);
          this.instanceProfiles.delete(ip.InstanceProfileName);
          return {};
        },
        ListRoleTags: (p: Params) => ({ Tags: toKeyValue(this.role(str(p, 'RoleName')).tags), IsTruncated: false }),
        ...this.inlinePolicyOps(),
      },
    };
  }
}
