import { loadLayers } from './layers.ts';
import type { Layered } from './layers.ts';
import { resolveLambda } from './lambda.ts';
import { ManifestError } from './problems.ts';
import type { SchemaName } from './schema.ts';
import { resolveService } from './service.ts';
import type { ResolvedLambda, ResolvedService } from './types.ts';

export { ManifestError, formatProblem } from './problems.ts';
export { resourceNames } from './names.ts';
export type { Problem } from './problems.ts';
export type * from './types.ts';

/**
 * Loads a service manifest: parse (keeping positions) → `${VAR}` → JSON Schema → the environment
 * (`env`, else the manifest's defaultEnvironment, else `default` with no overrides) → meaning.
 * Throws one ManifestError listing every problem; touches nothing outside the file system.
 */
export async function loadServiceManifest(file: string, env?: string, processEnv: NodeJS.ProcessEnv = process.env): Promise<ResolvedService> {
  return load(file, 'service', env, processEnv, resolveService);
}

export async function loadLambdaManifest(file: string, env?: string, processEnv: NodeJS.ProcessEnv = process.env): Promise<ResolvedLambda> {
  return load(file, 'lambda', env, processEnv, resolveLambda);
}

async function load<T>(file: string, schema: SchemaName, env: string | undefined, processEnv: NodeJS.ProcessEnv, resolve: (m: Layered) => T): Promise<T> {
  const { layered, problems } = await loadLayers(file, schema, env, processEnv);
  if (!layered) throw new ManifestError(problems);
  const resolved = resolve(layered);
  if (layered.problems.length) throw new ManifestError(layered.problems);
  return resolved;
}
