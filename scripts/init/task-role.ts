import type { Note, PolicyStatement, RolePolicies, TaskRoleBlock } from './types.ts';

/**
 * The function's role → the service's `taskRole`: its managed policies and inline statements,
 * minus what only Lambda itself uses — writing its logs (AWSLambdaBasicExecutionRole; on Fargate
 * the execution role's awslogs driver does that) and managing VPC network interfaces
 * (AWSLambdaVPCAccessExecutionRole, AWSLambdaENIManagementAccess; Fargate attaches the task ENI
 * itself). The console's copies of the basic policy, `AWSLambdaBasicExecutionRole-<id>`, count too.
 * Source: Lambda Developer Guide, "Working with AWS managed policies in the execution role".
 */
const LAMBDA_ONLY = /^(AWSLambdaBasicExecutionRole|AWSLambdaVPCAccessExecutionRole|AWSLambdaENIManagementAccess)(-[\w-]+)?$/;
const LOG_ACTIONS = new Set(['logs:createloggroup', 'logs:createlogstream', 'logs:putlogevents']);

const actionsOf = (s: PolicyStatement) => (s.Action === undefined ? [] : Array.isArray(s.Action) ? s.Action : [s.Action]);

/** An inline statement that only lets the function write its own logs (what the basic policy grants). */
function onlyLambdaLogs(s: PolicyStatement): boolean {
  const actions = actionsOf(s);
  return s.Effect === 'Allow' && actions.length > 0 && actions.every((a) => LOG_ACTIONS.has(a.toLowerCase()));
}

export interface TaskRoleMapping {
  taskRole?: TaskRoleBlock;
  dropped: string[];
  notes: Note[];
}

export function taskRoleFrom(role: RolePolicies | undefined, roleArn: string, problem?: string): TaskRoleMapping {
  if (!role) {
    return {
      dropped: [],
      notes: [{ topic: 'role', detail: `the policies of ${roleArn} could not be read (${problem ?? 'unknown error'})`, action: 'add taskRole to the manifest by hand (managedPolicies / statements), or rerun with iam:ListAttachedRolePolicies, iam:ListRolePolicies and iam:GetRolePolicy' }],
    };
  }
  const dropped: string[] = [];
  const managedPolicies: string[] = [];
  for (const p of role.attached) {
    if (LAMBDA_ONLY.test(p.name)) dropped.push(p.arn);
    else managedPolicies.push(p.arn);
  }
  const statements: PolicyStatement[] = [];
  for (const policy of role.inline) {
    for (const s of policy.statements) {
      if (onlyLambdaLogs(s)) dropped.push(`${policy.name} (inline: ${actionsOf(s).join(', ')})`);
      else statements.push(withoutSid(s));
    }
  }
  const notes: Note[] = [];
  if (role.inline.some((p) => p.statements.some((s) => s.Condition))) {
    notes.push({ topic: 'role conditions', detail: 'inline statements carry Condition blocks written for the Lambda function', action: 'check each condition still holds for an ECS task (e.g. aws:SourceArn of the function no longer matches)' });
  }
  if (!managedPolicies.length && !statements.length) return { dropped, notes };
  const taskRole: TaskRoleBlock = {};
  if (managedPolicies.length) taskRole.managedPolicies = managedPolicies;
  if (statements.length) taskRole.statements = statements;
  return { taskRole, dropped, notes };
}

/** Statement ids are unique per policy only; the manifest's list is one new policy. */
function withoutSid(s: PolicyStatement): PolicyStatement {
  const { Sid: _sid, ...rest } = s;
  return rest;
}
