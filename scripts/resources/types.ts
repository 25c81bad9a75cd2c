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

export type DeleteStatus = 'deleted' | 'notFound' | 'notOwned' | 'failed';

export interface DeleteResult {
  resource: string;
  name: string;
  status: DeleteStatus;
  /** why it was not deleted (failed / notOwned) */
  reason?: string;
}

export interface DeleteOptions {
  /** refuse to delete what does not carry this service's ownership tags */
  onlyOwned: boolean;
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

export function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
