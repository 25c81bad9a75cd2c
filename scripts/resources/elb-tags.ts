import { AddTagsCommand, DescribeTagsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Aws } from '../lib/aws.ts';
import { fromKeyValue, toKeyValue } from '../lib/tags.ts';
import { missingTags } from './types.ts';

/** ELBv2 tags of load balancers, target groups and listeners (DescribeTags takes at most 20 ARNs). */
export async function elbTags(aws: Aws, arns: string[]): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  for (let i = 0; i < arns.length; i += 20) {
    const page = await aws.elbv2.send(new DescribeTagsCommand({ ResourceArns: arns.slice(i, i + 20) }));
    for (const d of page.TagDescriptions ?? []) if (d.ResourceArn) out.set(d.ResourceArn, fromKeyValue(d.Tags));
  }
  return out;
}

export async function addMissingElbTags(aws: Aws, arn: string, live: Record<string, string>, desired: Record<string, string>): Promise<void> {
  const tags = missingTags(live, desired);
  if (Object.keys(tags).length > 0) await aws.elbv2.send(new AddTagsCommand({ ResourceArns: [arn], Tags: toKeyValue(tags) }));
}
