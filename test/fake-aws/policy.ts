import { globMatch } from './common.ts';

/**
 * IAM policy evaluation, as far as the fake needs it: identity-based statements only, an explicit
 * Deny wins over any Allow, and no statement means an implicit deny. Action names match
 * case-insensitively with `*` and `?` wildcards, resources case-sensitively (IAM User Guide,
 * "Policy evaluation logic" and "IAM JSON policy elements: Action / Resource"). Conditions are
 * not evaluated: a statement with a Condition counts as if the condition held.
 */
export type Decision = 'allow' | 'implicit-deny' | 'explicit-deny';

interface Statement {
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
}

const list = (v: string | string[] | undefined): string[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);

function statements(document: string): Statement[] {
  try {
    const doc = JSON.parse(document) as { Statement?: Statement | Statement[] };
    return Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  } catch {
    return [];
  }
}

function applies(s: Statement, action: string, resource: string): boolean {
  const act = (patterns: string[]) => patterns.some((p) => globMatch(p.toLowerCase(), action.toLowerCase()));
  const res = (patterns: string[]) => patterns.some((p) => globMatch(p, resource));
  const actions = list(s.Action);
  const notActions = list(s.NotAction);
  const resources = list(s.Resource);
  const notResources = list(s.NotResource);
  const actionOk = actions ? act(actions) : notActions ? !act(notActions) : false;
  const resourceOk = resources ? res(resources) : notResources ? !res(notResources) : false;
  return actionOk && resourceOk;
}

/** What the policy documents (JSON text) say about `action` on `resource`. */
export function evaluate(documents: string[], action: string, resource: string): Decision {
  let allowed = false;
  for (const doc of documents) {
    for (const s of statements(doc)) {
      if (!applies(s, action, resource)) continue;
      if (s.Effect === 'Deny') return 'explicit-deny';
      if (s.Effect === 'Allow') allowed = true;
    }
  }
  return allowed ? 'allow' : 'implicit-deny';
}

/** The AccessDeniedException message IAM gives for a denied call (see copilot-cli#4504, #5752). */
export function accessDenied(principal: string, action: string, resource: string, decision: Exclude<Decision, 'allow'>): string {
  const why = decision === 'explicit-deny' ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${action} action`;
  return `User: ${principal} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
}
