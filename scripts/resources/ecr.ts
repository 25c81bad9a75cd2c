import {
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  GetLifecyclePolicyCommand,
  GetRegistryScanningConfigurationCommand,
  ListTagsForResourceCommand,
  PutImageScanningConfigurationCommand,
  PutLifecyclePolicyCommand,
  TagResourceCommand,
} from '@aws-sdk/client-ecr';
import type { Aws } from '../lib/aws.ts';
import { isAwsError } from '../lib/errors.ts';
import { fromKeyValue, toKeyValue } from '../lib/tags.ts';
import type { ResolvedService } from '../manifest/types.ts';
import type { Log } from './output.ts';
import { TRANSIENT, retryTransient } from './retry.ts';
import { stableJson } from './diff.ts';
import { alreadyGone, makePlan, missingTags, tagChanges, tagsFor } from './types.ts';
import type { FieldChange, Found, Plan, Result } from './types.ts';

export interface LiveRepository {
  name: string;
  arn: string;
  uri: string;
  scanOnPush: boolean;
  /** how the registry's own scanning covers this repository (then the repository setting reads false and is left alone) */
  registryScanning?: string;
  /** the policy text as ECR returns it, or undefined when there is none */
  lifecyclePolicy?: string;
  tags: Record<string, string>;
}

export interface DesiredRepository {
  name: string;
  scanOnPush: true;
  lifecyclePolicy: string;
  tags: Record<string, string>;
}

export type RepositoryPlan = Plan<LiveRepository, DesiredRepository>;

export async function findRepository(aws: Aws, svc: ResolvedService): Promise<LiveRepository | undefined> {
  const name = svc.names.repository;
  let repo;
  try {
    const out = await aws.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
    repo = out.repositories?.find((r) => r.repositoryName === name);
  } catch (err) {
    if (isAwsError(err, 'RepositoryNotFoundException')) return undefined;
    throw err;
  }
  if (!repo?.repositoryArn || !repo.repositoryUri) return undefined;
  const [policy, tags] = await Promise.all([
    aws.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: name })).then(
      (o) => o.lifecyclePolicyText,
      (err) => {
        if (isAwsError(err, 'LifecyclePolicyNotFoundException')) return undefined;
        throw err;
      },
    ),
    aws.ecr.send(new ListTagsForResourceCommand({ resourceArn: repo.repositoryArn })),
  ]);
  const scanOnPush = repo.imageScanningConfiguration?.scanOnPush ?? false;
  const registryScanning = scanOnPush ? undefined : await registryScanningOf(aws, name);
  return {
    name,
    arn: repo.repositoryArn,
    uri: repo.repositoryUri,
    scanOnPush,
    ...(registryScanning ? { registryScanning } : {}),
    lifecyclePolicy: policy,
    tags: fromKeyValue(tags.tags),
  };
}

/**
 * Under registry-level (basic with rules, or enhanced) scanning, repositories read `scanOnPush:
 * false` even when they are scanned, and PutImageScanningConfiguration is deprecated in favour of
 * the registry setting (ECR API reference). Says how the registry scans `name`, if it does.
 */
export async function registryScanningOf(aws: Aws, name: string): Promise<string | undefined> {
  const config = (await aws.ecr.send(new GetRegistryScanningConfigurationCommand({}))).scanningConfiguration;
  const rule = (config?.rules ?? []).find((r) => (r.repositoryFilters ?? []).some((f) => wildcard(f.filter ?? '', name)));
  if (!rule) return undefined;
  return `${(config?.scanType ?? 'BASIC').toLowerCase()} registry scanning (${rule.scanFrequency ?? 'SCAN_ON_PUSH'})`;
}

/** ECR repository filters: WILDCARD, `*` for any run of characters. */
function wildcard(filter: string, name: string): boolean {
  const re = new RegExp(`^${filter.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(name);
}

/** Far above any repository's image count: a rule with it never expires what it selects. */
const NEVER = 100_000;

/**
 * Keeps the newest `keep` images, whatever their tags; older ones expire — except the images whose
 * tags are `protect` (those a task definition in use pins). "An image that matches the tagging
 * requirements of a higher priority rule cannot be expired by a rule with a lower priority", and the
 * `any` rule must have the highest rulePriority (ECR lifecycle policy properties): each protected tag
 * gets a tagged rule of its own (tag prefixes must be unique across rules) that never expires it.
 */
export function lifecyclePolicy(keep: number, protect: readonly string[] = []): string {
  const tags = [...new Set(protect)].sort();
  return JSON.stringify({
    rules: [
      ...tags.map((tag, i) => ({
        rulePriority: i + 1,
        description: `in use by a task definition: ${tag}`,
        selection: { tagStatus: 'tagged', tagPrefixList: [tag], countType: 'imageCountMoreThan', countNumber: NEVER },
        action: { type: 'expire' },
      })),
      {
        rulePriority: tags.length + 1,
        description: `keep the last ${keep} images`,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: keep },
        action: { type: 'expire' },
      },
    ],
  });
}

/** The tags ECR holds for an image (none when it is gone). */
export async function tagsOfImage(aws: Aws, repositoryName: string, imageDigest: string): Promise<string[]> {
  try {
    const out = await aws.ecr.send(new DescribeImagesCommand({ repositoryName, imageIds: [{ imageDigest }] }));
    return [...(out.imageDetails?.[0]?.imageTags ?? [])].sort();
  } catch (err) {
    if (isAwsError(err, 'ImageNotFoundException', 'RepositoryNotFoundException')) return [];
    throw err;
  }
}

/** The tags a lifecycle policy protects (see lifecyclePolicy). */
export function protectedTags(policy: string | undefined): string[] {
  const rules = (parse(policy) as { rules?: Array<{ description?: string; selection?: { tagPrefixList?: string[]; countNumber?: number } }> } | undefined)?.rules ?? [];
  return rules.filter((r) => r.selection?.countNumber === NEVER).flatMap((r) => r.selection?.tagPrefixList ?? []);
}

/** The repository keeps protecting what the live policy protects: which images are in use is the task definition step's to say. */
export function desiredRepository(svc: ResolvedService, live?: LiveRepository): DesiredRepository {
  const policy = lifecyclePolicy(svc.deployment.keepImages, protectedTags(live?.lifecyclePolicy));
  return { name: svc.names.repository, scanOnPush: true, lifecyclePolicy: policy, tags: tagsFor(svc) };
}

/**
 * The lifecycle policy that protects `inUse` (the tags of the images the new and the running task
 * definitions pin), written only when it differs from the live one. Returns the policy text now in force.
 */
export async function protectInUse(
  aws: Aws,
  svc: ResolvedService,
  live: string | undefined,
  inUse: string[],
  opts: { dryRun: boolean; log: Log },
): Promise<string> {
  const want = lifecyclePolicy(svc.deployment.keepImages, inUse);
  if (samePolicy(live, want)) return want;
  const what = [...new Set(inUse)].sort().join(', ');
  if (opts.dryRun) {
    opts.log(`    ~ would set the lifecycle policy to keep the images in use from expiring: ${what}`);
    return want;
  }
  await aws.ecr.send(new PutLifecyclePolicyCommand({ repositoryName: svc.names.repository, lifecyclePolicyText: want }));
  opts.log(`    lifecycle policy: the images in use never expire (${what}); the last ${svc.deployment.keepImages} images are kept`);
  return want;
}

export function planRepository(live: LiveRepository | undefined, desired: DesiredRepository): RepositoryPlan {
  const changes: FieldChange[] = [];
  if (live) {
    if (!live.scanOnPush && !live.registryScanning) changes.push({ path: 'imageScanningConfiguration.scanOnPush', from: false, to: true });
    if (!samePolicy(live.lifecyclePolicy, desired.lifecyclePolicy)) {
      changes.push({ path: 'lifecyclePolicy', from: parse(live.lifecyclePolicy), to: parse(desired.lifecyclePolicy) });
    }
    changes.push(...tagChanges(live.tags, desired.tags));
  }
  return makePlan('ECR repository', desired.name, live, desired, changes);
}

/** Returns the repository URI the push goes to. */
export async function applyRepository(aws: Aws, plan: RepositoryPlan, log?: Log): Promise<{ uri: string; arn: string }> {
  const d = plan.desired;
  if (plan.action === 'create') {
    const out = await aws.ecr.send(
      new CreateRepositoryCommand({
        repositoryName: d.name,
        imageScanningConfiguration: { scanOnPush: true },
        tags: toKeyValue(d.tags),
      }),
    );
    const policy = () => aws.ecr.send(new PutLifecyclePolicyCommand({ repositoryName: d.name, lifecyclePolicyText: d.lifecyclePolicy }));
    await retryTransient('PutLifecyclePolicy', [TRANSIENT.repositoryNotFound], policy, log);
    return { uri: out.repository?.repositoryUri ?? '', arn: out.repository?.repositoryArn ?? '' };
  }
  const live = plan.live!;
  if (plan.action === 'update') {
    if (!live.scanOnPush && !live.registryScanning) {
      await aws.ecr.send(new PutImageScanningConfigurationCommand({ repositoryName: d.name, imageScanningConfiguration: { scanOnPush: true } }));
    }
    if (!samePolicy(live.lifecyclePolicy, d.lifecyclePolicy)) {
      await aws.ecr.send(new PutLifecyclePolicyCommand({ repositoryName: d.name, lifecyclePolicyText: d.lifecyclePolicy }));
    }
    const tags = missingTags(live.tags, d.tags);
    if (Object.keys(tags).length > 0) await aws.ecr.send(new TagResourceCommand({ resourceArn: live.arn, tags: toKeyValue(tags) }));
  }
  return { uri: live.uri, arn: live.arn };
}

/** `force` deletes the images with the repository. */
export async function deleteRepository(aws: Aws, item: Found): Promise<Result> {
  try {
    await aws.ecr.send(new DeleteRepositoryCommand({ repositoryName: item.id, force: true }));
    return { item, outcome: 'deleted', note: `deleted with its images${item.detail ? ` (${item.detail})` : ''}` };
  } catch (err) {
    if (isAwsError(err, 'RepositoryNotFoundException')) return alreadyGone(item);
    throw err;
  }
}

function parse(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function samePolicy(a: string | undefined, b: string): boolean {
  return a !== undefined && stableJson(parse(a)) === stableJson(parse(b));
}
