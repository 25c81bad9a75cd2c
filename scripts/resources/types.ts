import type { ResolvedService } from '../manifest/types.ts';
import { MANAGED_BY_KEY, allTags, isOwned } from '../lib/tags.ts';
import { UserError, message } from '../lib/errors.ts';

/** What a resource module's plan says: the step prints it and apply acts on it. */
export type Action = 'create' | 'update' | 'unchanged';

export interface FieldChange {
  /** e.g. `desiredCount`, `containerDefinitions[web].environment.GREETING` */
  path: string;
  from?: unknown;
  to?: unknown;
}

export interface Plan<L, D> {
  /** e.g. `ECR repository` */
  resource: string;
  name: string;
  action: Action;
  changes: FieldChange[];
  live: L | undefined;
  desired: D;
}

export function tagsFor(svc: ResolvedService): Record<string, string> {
  return allTags(svc.name, svc.environment, svc.tags);
}

/**
 * The one ownership check of the deploy (the step runner calls it on every plan it shows): a
 * resource the tool means to own (its desired tags carry managed-by) that already exists under that
 * name without this service's ownership tags is someone else's. Adopting it silently would tag it,
 * and a later `make clean` would delete it; so it is refused unless the user asked (ADOPT=1).
 */
export function ownershipProblem(plan: Plan<unknown, unknown>, svc: ResolvedService, adopt: boolean): UserError | undefined {
  const live = plan.live as { tags?: Record<string, string> } | undefined;
  const desired = plan.desired as { tags?: Record<string, string> } | undefined;
  if (adopt || !live || !desired?.tags?.[MANAGED_BY_KEY] || isOwned(live.tags, svc.name, svc.environment)) return undefined;
  const has = Object.keys(live.tags ?? {}).length ? `its tags (${Object.entries(live.tags ?? {}).map(([k, v]) => `${k}=${v}`).join(', ')}) are not` : 'it has none of';
  return new UserError(
    message(
      `${plan.resource} ${plan.name}`,
      `it exists but was not created by lambda2fargate for ${svc.name} (${svc.environment}): ${has} the managed-by=lambda2fargate tags for this service and environment`,
      `give the service another \`name\` (or ENV) in the manifest, or run with ADOPT=1 to take it over (it gets the tags, and \`make clean\` will then delete it)`,
    ),
  );
}

export function makePlan<L, D>(resource: string, name: string, live: L | undefined, desired: D, changes: FieldChange[]): Plan<L, D> {
  const action: Action = live === undefined ? 'create' : changes.length > 0 ? 'update' : 'unchanged';
  return { resource, name, action, changes: live === undefined ? [] : changes, live, desired };
}

/** Tag keys whose value is missing or different on the live resource (extra live tags are left alone). */
export function tagChanges(live: Record<string, string>, desired: Record<string, string>): FieldChange[] {
  return Object.entries(desired)
    .filter(([k, v]) => live[k] !== v)
    .map(([k, v]) => ({ path: `tags.${k}`, from: live[k], to: v }));
}

export function missingTags(live: Record<string, string>, desired: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(desired).filter(([k, v]) => live[k] !== v));
}

/** What clean deletes, in the order it deletes them: what runs first, then what it ran on and with. */
export const KINDS = [
  'scalable-target',
  'service',
  // what points at the load balancer goes before it: Route 53 checks an alias's target (and users stop resolving a dying name)
  'dns-record',
  'listener',
  'load-balancer',
  'target-group',
  'task-definition',
  'cluster',
  'security-group-rule',
  'security-group',
  'certificate',
  'role',
  'log-group',
  'repository',
  'stack',
  'deploy-lock',
] as const;
export type Kind = (typeof KINDS)[number];

/** A resource found (by name, by tag, or through what the deployed service references): what a delete acts on. */
export interface Found {
  kind: Kind;
  /** what the user reads: a name, with an id where names are not unique (security groups) */
  name: string;
  /** what the delete call needs: ARN, group id, family, stack name */
  id: string;
  /** carries the tool's ownership tags for this service and environment */
  owned: boolean;
  /** e.g. "2 running", "3 revisions", "4 images" */
  detail?: string;
  /** services: their cluster */
  cluster?: string;
  /** task definitions: every revision's ARN */
  revisions?: string[];
  /** clusters: what else runs there (not ours), so clean can leave it */
  inUse?: string;
  /** stacks: the region they live in */
  region?: string;
}

export type Outcome = 'deleted' | 'not-found' | 'not-owned' | 'kept' | 'failed';

export interface Result {
  item: Found;
  outcome: Outcome;
  /** one line: what happened, or what failed and what to do */
  note: string;
  /** time spent waiting (service draining, ENIs lingering) */
  waitedMs?: number;
}

export const alreadyGone = (item: Found): Result => ({ item, outcome: 'not-found', note: 'already gone' });
