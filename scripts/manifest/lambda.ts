import { MANAGED_BY_KEY, ownershipTags } from '../lib/tags.ts';
import { isFields } from './layers.ts';
import type { Layered } from './layers.ts';
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
  const tags: Record<string, string> = {};
  const givenTags = m.get(['tags']);
  if (isFields(givenTags)) {
    for (const [k, v] of Object.entries(givenTags)) {
      tags[k] = String(v);
      if (k in ownershipTags(stackName, m.environment) || k.startsWith('lambda2fargate:')) {
        m.problem(['tags', k], `"${k}" is reserved — the tool sets ${MANAGED_BY_KEY} and lambda2fargate:* itself to know what it owns; use another key`, 'key');
      }
    }
  }
  const resolved: ResolvedLambda = { file: m.source.abs, environment: m.environment, stackName, parameters, tags };
  const region = m.get(['region']);
  if (typeof region === 'string') resolved.region = region;
  return resolved;
}
