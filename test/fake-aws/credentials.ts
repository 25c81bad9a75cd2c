import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import { ACCOUNT, uuid } from './common.ts';
import type { Iam } from './iam.ts';

/**
 * Temporary credentials for roles, as ECS hands them to a task with a task role: the task sees a
 * credentials URI and the SDK's container provider fetches `{AccessKeyId, SecretAccessKey, Token,
 * Expiration, RoleArn}` from it (ECS Developer Guide, "Task IAM role"). On Fargate the URI is
 * relative to 169.254.170.2; the fake serves it on its own loopback port as the FULL_URI form,
 * which the SDK accepts for loopback hosts. STS maps the issued access keys back to the role.
 */
export interface Session {
  accessKeyId: string;
  secretAccessKey: string;
  token: string;
  expiration: Date;
  roleArn: string;
  sessionName: string;
}

export const CREDENTIALS_PATH = '/v2/credentials/';
const LIFETIME_MS = 6 * 3600_000;

const key = (prefix: string, n: number) => prefix + randomBytes(n).toString('hex').toUpperCase().slice(0, 20 - prefix.length);

export class Credentials {
  private readonly sessions = new Map<string, Session>();
  private readonly endpoints = new Map<string, { roleArn: string; sessionName: string; session?: Session }>();

  constructor(private readonly iam: Iam) {}

  /** A credentials path for the role; ECS names the session after the task id. */
  register(roleArn: string, sessionName: string): string {
    const id = uuid();
    this.endpoints.set(id, { roleArn, sessionName });
    return `${CREDENTIALS_PATH}${id}`;
  }

  byAccessKey(accessKeyId: string | undefined): Session | undefined {
    const s = accessKeyId ? this.sessions.get(accessKeyId) : undefined;
    return s && s.expiration.getTime() > Date.now() ? s : undefined;
  }

  /** The answer to GET <path>: the role's current credentials, or 4xx when it cannot be had. */
  answer(path: string): { status: number; body: unknown } {
    const entry = this.endpoints.get(path.slice(CREDENTIALS_PATH.length));
    if (!entry) return { status: 404, body: { Code: 'NotFound', Message: 'Credentials not found for this task' } };
    if (!this.iam.roleByArn(entry.roleArn)) {
      return { status: 400, body: { Code: 'AccessDenied', Message: `ECS was unable to assume the role '${entry.roleArn}'` } };
    }
    if (!entry.session || entry.session.expiration.getTime() - Date.now() < 15 * 60_000) {
      entry.session = {
        accessKeyId: key('ASIA', 10),
        secretAccessKey: randomBytes(30).toString('base64').slice(0, 40),
        token: randomBytes(48).toString('base64'),
        expiration: new Date(Math.floor((Date.now() + LIFETIME_MS) / 1000) * 1000),
        roleArn: entry.roleArn,
        sessionName: entry.sessionName,
      };
      this.sessions.set(entry.session.accessKeyId, entry.session);
    }
    const s = entry.session;
    return {
      status: 200,
      body: { AccessKeyId: s.accessKeyId, SecretAccessKey: s.secretAccessKey, Token: s.token, Expiration: s.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'), RoleArn: s.roleArn },
    };
  }

  /** The caller STS GetCallerIdentity names for a request signed with `accessKeyId`. */
  identity(accessKeyId: string | undefined): { UserId: string; Account: string; Arn: string } {
    const s = this.byAccessKey(accessKeyId);
    const role = s ? this.iam.roleByArn(s.roleArn) : undefined;
    if (!s || !role) return { UserId: 'AIDAFAKEUSER00000000', Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/fake-aws` };
    return { UserId: `${role.RoleId}:${s.sessionName}`, Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role.RoleName}/${s.sessionName}` };
  }
}

/** The access key id of a SigV4-signed request (from its credential scope). */
export function accessKeyOf(req: IncomingMessage): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
}
