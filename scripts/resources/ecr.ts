import {
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeRepositoriesCommand,
  GetLifecyclePolicyCommand,
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
  return {
    name,
    arn: repo.repositoryArn,
    uri: repo.repositoryUri,
    scanOnPush: repo.imageScanningConfiguration?.scanOnPush ?? false,
    lifecyclePolicy: policy,
    tags: fromKeyValue(tags.tags),
  };
}

/** Keeps the newest `keep` images, whatever their tags; older ones expire. */
export function lifecyclePolicy(keep: number): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `keep the last ${keep} images`,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: keep },
        action: { type: 'expire' },
      },
    ],
  });
}

export function desiredRepository(svc: ResolvedService): DesiredRepository {
  return { name: svc.names.repository, scanOnPush: true, lifecyclePolicy: lifecyclePolicy(svc.deployment.keepImages), tags: tagsFor(svc) };
}

export function planRepository(live: LiveRepository | undefined, desired: DesiredRepository): RepositoryPlan {
  const changes: FieldChange[] = [];
  if (live) {
    if (!live.scanOnPush) changes.push({ path: 'imageScanningConfiguration.scanOnPush', from: false, to: true });
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
    if (!live.scanOnPush) {
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
