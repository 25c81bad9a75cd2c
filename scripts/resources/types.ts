import type { ResolvedService } from '../manifest/types.ts';
import { isAwsError } from '../lib/errors.ts';
import { allTags, isOwned } from '../lib/tags.ts';

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

export interface DeleteSteps<L> {
  find: () => Promise<L | undefined>;
  remove: (live: L) => Promise<void>;
  /** AWS error names that mean it is already gone */
  gone: string[];
  /** how the result names it (default: the manifest's name) */
  nameOf?: (live: L) => string;
  /** what to add to a failure's reason */
  hint?: (err: unknown) => string;
}

/** The shape every delete shares: find it, refuse what is not ours, delete, and report. */
export async function deleteIfOwned<L extends { tags: Record<string, string> }>(
  base: { resource: string; name: string },
  svc: ResolvedService,
  opts: DeleteOptions,
  steps: DeleteSteps<L>,
): Promise<DeleteResult> {
  try {
    const live = await steps.find();
    if (!live) return { ...base, status: 'notFound' };
    const named = { ...base, name: steps.nameOf?.(live) ?? base.name };
    if (opts.onlyOwned && !isOwned(live.tags, svc.name, svc.environment)) {
      return { ...named, status: 'notOwned', reason: 'it does not carry the lambda2fargate ownership tags' };
    }
    await steps.remove(live);
    return { ...named, status: 'deleted' };
  } catch (err) {
    if (isAwsError(err, ...steps.gone)) return { ...base, status: 'notFound' };
    return { ...base, status: 'failed', reason: errorText(err) + (steps.hint?.(err) ?? '') };
  }
}
