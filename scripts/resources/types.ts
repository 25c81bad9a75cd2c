import type { ResolvedService } from '../manifest/types.ts';
import { allTags } from '../lib/tags.ts';

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
