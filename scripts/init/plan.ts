import { notesFor } from './notes.ts';
import { fargateSizeFor } from './size.ts';
import { taskRoleFrom, type TaskRoleMapping } from './task-role.ts';
import type { LambdaFacts, Note } from './types.ts';
import { splitVariables } from './variables.ts';

/**
 * Where each of a function's settings goes on Fargate — the decisions `make init` makes, before
 * any text is rendered: the service's name and size, its variables, the held-back secrets, the
 * task role and what has no equivalent.
 */
export interface MigrationOptions {
  /** the environment the manifests name as default (ENV, else "test") */
  environment: string;
  /** the folder the service manifest goes to, absolute */
  manifestDir: string;
  /** the project's root (build context, functions/), absolute */
  root: string;
  /** CODE=1: the package is unzipped into functions/<name>/ and HANDLER points at it */
  code: boolean;
}

export interface Plan {
  name: string;
  folder: string;
  size: { cpu: number; memory: number; lambdaCpu: number };
  platform: 'linux/x86_64' | 'linux/arm64';
  variables: Record<string, string>;
  /** the variables copied from the function (not the container settings init adds) */
  copied: number;
  /** HANDLER when the code is there (CODE=1), and the one it would be */
  handler?: string;
  nodeHandler?: string;
  role: TaskRoleMapping;
  secretSuggestions: Array<{ name: string; parameter: string; why: string }>;
  notes: Note[];
}

/** Settings the container server or the deploy own; a function variable of that name would clash. */
const CONTAINER_SETTINGS = ['HOST', 'PORT', 'HANDLER', 'HANDLER_TIMEOUT', 'HEALTH_PATH', 'FUNCTION_NAME', 'SHUTDOWN_TIMEOUT', 'TRUST_PROXY', 'KEEP_ALIVE_TIMEOUT_SECONDS'];
const ROLE_SUFFIX = '-exec';

/** Lambda names allow upper case and _; service names are lower-case words joined by single hyphens, short enough for the role names. */
export function serviceNameFor(functionName: string, environment: string): string {
  let name = functionName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(name)) name = `fn-${name}`;
  const max = 64 - environment.length - 1 - ROLE_SUFFIX.length;
  return name.slice(0, max).replace(/-+$/, '');
}

export function functionsFolder(serviceName: string): string {
  return `functions/${serviceName}`;
}

export function planMigration(f: LambdaFacts, o: MigrationOptions): Plan {
  const name = serviceNameFor(f.name, o.environment);
  const folder = functionsFolder(name);
  const split = splitVariables(f.environment);
  const clashes = Object.keys(split.plain).filter((k) => CONTAINER_SETTINGS.includes(k));
  const role = taskRoleFrom(f.role, f.roleArn, f.roleProblem);
  const notes: Note[] = [...notesFor(f, name), ...role.notes];
  // the container server loads Node.js modules only; another runtime's handler is the runtime note's business
  const nodeHandler = f.packageType === 'Zip' && f.handler && (!f.runtime || /^nodejs/.test(f.runtime)) ? `${folder}/${f.handler}` : undefined;
  const handler = o.code ? nodeHandler : undefined;

  const variables: Record<string, string> = { FUNCTION_NAME: f.name };
  if (handler) variables.HANDLER = handler;
  variables.HANDLER_TIMEOUT = String(f.timeout);
  for (const [k, v] of Object.entries(split.plain)) if (!clashes.includes(k)) variables[k] = v;
  for (const k of clashes) {
    notes.push({ topic: `variable ${k}`, detail: `the function sets ${k}, which the container server reads for itself`, action: 'rename it in the handler and the manifest (it was not copied)' });
  }
  const secretSuggestions = split.secret.map((s) => ({ name: s.name, parameter: `/${name}/${s.name}`, why: s.why }));
  if (secretSuggestions.length) {
    notes.push({
      topic: 'secret-looking variables',
      detail: `${secretSuggestions.map((s) => s.name).join(', ')} ${secretSuggestions.length === 1 ? 'looks like a secret and was' : 'look like secrets and were'} not copied into variables`,
      action: 'store each value in SSM Parameter Store (SecureString) and uncomment the secrets block in the service manifest',
    });
  }
  const plan: Plan = {
    name,
    folder,
    size: fargateSizeFor(f.memory),
    platform: f.architecture === 'arm64' ? 'linux/arm64' : 'linux/x86_64',
    variables,
    copied: Object.keys(split.plain).length - clashes.length,
    role,
    secretSuggestions,
    notes,
  };
  if (handler) plan.handler = handler;
  if (nodeHandler) plan.nodeHandler = nodeHandler;
  return plan;
}
