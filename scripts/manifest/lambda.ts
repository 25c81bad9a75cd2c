import { isFields } from './layers.ts';
import type { Layered } from './layers.ts';
import { manifestTags } from './tags.ts';
import type { ResolvedLambda } from './types.ts';

/** template.yaml's own defaults, written out so `make validate` shows what will be deployed. */
export const lambdaDefaults: Record<string, string> = {
  Architecture: 'arm64',
  MemorySize: '512',
  Timeout: '30',
  AuthType: 'NONE',
  LogRetentionInDays: '14',
};

export function resolveLambda(m: Layered): ResolvedLambda {
  const stackName = (m.get(['stackName']) as string | undefined) ?? '';
  const parameters: Record<string, string> = { ...lambdaDefaults };
  const given = m.get(['parameters']);
  if (isFields(given)) {
    for (const [k, v] of Object.entries(given)) if (!m.refusedAt(['parameters', k])) parameters[k] = String(v);
  }
  const tags = manifestTags(m, { nonEmpty: true });
  const resolved: ResolvedLambda = { file: m.source.abs, environment: m.environment, stackName, parameters, tags };
  const region = m.get(['region']);
  if (typeof region === 'string') resolved.region = region;
  return resolved;
}
