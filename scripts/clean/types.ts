/** What clean found, in the order it deletes things. */
export const KINDS = ['service', 'task-definition', 'cluster', 'security-group', 'role', 'log-group', 'repository', 'stack'] as const;
export type Kind = (typeof KINDS)[number];

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

export const byKind = (a: Found, b: Found) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || a.name.localeCompare(b.name);

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
