/**
 * Every resource the tool creates carries these tags, so clean can find what the tool owns and
 * leave alone a same-named resource that someone else made.
 */
export const MANAGED_BY_KEY = 'managed-by';
export const MANAGED_BY_VALUE = 'lambda2fargate';
export const SERVICE_KEY = 'lambda2fargate:service';
export const ENVIRONMENT_KEY = 'lambda2fargate:environment';

/**
 * The tag values every service the tags go to accepts: IAM's tagValueType and the ECS and CloudWatch
 * Logs Tag references allow `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`; ECR also refuses `(`, `)` and `,`
 * (InvalidTagParameterException), which this set already leaves out. At most 256 characters.
 */
export const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

export function ownershipTags(service: string, environment: string): Record<string, string> {
  return { [MANAGED_BY_KEY]: MANAGED_BY_VALUE, [SERVICE_KEY]: service, [ENVIRONMENT_KEY]: environment };
}

/** The manifest's own tags plus the ownership tags (which win). */
export function allTags(service: string, environment: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...extra, ...ownershipTags(service, environment) };
}

export function isOwned(tags: Record<string, string> | undefined, service: string, environment: string): boolean {
  return !!tags && tags[MANAGED_BY_KEY] === MANAGED_BY_VALUE && tags[SERVICE_KEY] === service && tags[ENVIRONMENT_KEY] === environment;
}

/** AWS APIs spell tags three ways; these convert from the one record. */
export const toKeyValue = (t: Record<string, string>) => Object.entries(t).map(([Key, Value]) => ({ Key, Value }));
export const toLowerKeyValue = (t: Record<string, string>) => Object.entries(t).map(([key, value]) => ({ key, value }));
export function fromKeyValue(list: Array<{ Key?: string; Value?: string; key?: string; value?: string }> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of list ?? []) {
    const k = t.Key ?? t.key;
    if (k !== undefined) out[k] = t.Value ?? t.value ?? '';
  }
  return out;
}
