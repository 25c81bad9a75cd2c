import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Aws, createAws } from '../lib/aws.ts';
import { loadLambdaManifest, loadServiceManifest } from '../manifest/index.ts';
import type { ResolvedLambda, ResolvedService } from '../manifest/types.ts';

const root = resolve(import.meta.dirname, '../..');

export interface Manifests {
  svc: ResolvedService;
  /** absent when there is no Lambda manifest (LAMBDA_MANIFEST, default manifests/lambda.yml) */
  lambda?: ResolvedLambda;
}

/** The service manifest (MANIFEST) and the Lambda manifest, both with ENV applied. */
export async function loadManifests(opts: { manifest: string; env?: string }): Promise<Manifests> {
  const svc = await loadServiceManifest(resolve(opts.manifest), opts.env);
  const lambdaFile = resolve(process.env.LAMBDA_MANIFEST?.trim() || join(root, 'manifests/lambda.yml'));
  const lambda = existsSync(lambdaFile) ? await loadLambdaManifest(lambdaFile, opts.env) : undefined;
  return { svc, lambda };
}

export const defaultServiceManifest = join(root, 'manifests/service.yml');

/** The Lambda manifest may name its own region; everything else uses the standard chain's. */
export function stackClients(aws: Aws, lambda: ResolvedLambda | undefined): Aws | undefined {
  if (!lambda) return undefined;
  return lambda.region && lambda.region !== aws.region ? createAws(lambda.region) : aws;
}
