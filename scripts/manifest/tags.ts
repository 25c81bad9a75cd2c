import { MANAGED_BY_KEY, TAG_VALUE } from '../lib/tags.ts';
import { isFields } from './layers.ts';
import type { Layered } from './layers.ts';

/**
 * The manifest's tags as text, refusing the keys the tool writes itself to mark what it owns, and
 * values some AWS service would refuse (the schema says so first; this holds for the resolved text).
 * `nonEmpty`: CloudFormation stack tag values need at least one character (CloudFormation API, Tag).
 */
export function manifestTags(m: Layered, opts: { nonEmpty?: boolean } = {}): Record<string, string> {
  const tags: Record<string, string> = {};
  const given = m.get(['tags']);
  if (!isFields(given)) return tags;
  for (const [k, v] of Object.entries(given)) {
    if (m.refusedAt(['tags', k])) continue;
    const text = String(v);
    tags[k] = text;
    if (k === MANAGED_BY_KEY || k.startsWith('lambda2fargate:')) {
      m.problem(['tags', k], `reserved — the tool sets ${MANAGED_BY_KEY} and lambda2fargate:* itself to know what it owns; use another key`, 'key');
    } else if (!TAG_VALUE.test(text) || (opts.nonEmpty && text === '')) {
      m.problem(['tags', k], `"${text}" is not a tag value every AWS service accepts — use letters, digits, spaces and _ . : / = + - @${opts.nonEmpty ? ', at least one character' : ''}`);
    }
  }
  return tags;
}
