import { MANAGED_BY_KEY } from '../lib/tags.ts';
import { isFields } from './layers.ts';
import type { Layered } from './layers.ts';

/** The manifest's tags as text, refusing the keys the tool writes itself to mark what it owns. */
export function manifestTags(m: Layered): Record<string, string> {
  const tags: Record<string, string> = {};
  const given = m.get(['tags']);
  if (!isFields(given)) return tags;
  for (const [k, v] of Object.entries(given)) {
    if (m.refusedAt(['tags', k])) continue;
    tags[k] = String(v);
    if (k === MANAGED_BY_KEY || k.startsWith('lambda2fargate:')) {
      m.problem(['tags', k], `reserved — the tool sets ${MANAGED_BY_KEY} and lambda2fargate:* itself to know what it owns; use another key`, 'key');
    }
  }
  return tags;
}
