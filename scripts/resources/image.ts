import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DescribeImagesCommand, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import type { Aws } from '../lib/aws.ts';
import { ToolError, isAwsError, message } from '../lib/errors.ts';
import type { ImageBuild, Platform, ResolvedService } from '../manifest/types.ts';
import { lastLines, run } from '../lib/process.ts';
import type { Log } from './output.ts';
import { TRANSIENT, retryTransient } from './retry.ts';

export const DOCKER_PLATFORM: Record<Platform, string> = { 'linux/x86_64': 'linux/amd64', 'linux/arm64': 'linux/arm64' };

export async function ensureDocker(): Promise<string> {
  let out;
  try {
    out = await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 20_000 });
  } catch (err) {
    throw new ToolError(message('pre-flight: Docker', 'the docker command was not found', 'install Docker, or set image.location in the manifest to deploy an existing image'), { cause: err });
  }
  if (out.code !== 0) {
    throw new ToolError(
      message('pre-flight: Docker', `the engine does not answer (${lastLines(out.stderr, 1)})`, 'start Docker, or set image.location in the manifest to deploy an existing image'),
    );
  }
  return out.stdout.trim();
}

/**
 * The tag for a clean git tree, known before building: `git-<sha>` (plus a hash of the build
 * settings when they are not the defaults, and the architecture when it is arm64). Undefined when
 * the context is not in git or has uncommitted changes: then the tag comes from the built image.
 */
export async function gitTag(build: ImageBuild, platform: Platform): Promise<string | undefined> {
  const git = (...args: string[]) => run('git', ['-C', build.context, ...args]).catch(() => ({ code: 1, stdout: '', stderr: '' }));
  const top = await git('rev-parse', '--show-toplevel');
  if (top.code !== 0) return undefined;
  const sha = await git('rev-parse', '--short', 'HEAD');
  if (sha.code !== 0) return undefined;
  const paths = ['.', relative(build.context, build.dockerfile)];
  const status = await git('status', '--porcelain', '--untracked-files=all', '--', ...paths);
  if (status.code !== 0 || status.stdout.trim() !== '') return undefined;
  return `git-${sha.stdout.trim()}${settingsSuffix(build, platform)}`;
}

/** The tag when the tree is dirty or not in git: from the built image's id (same content → same id → same tag). */
export function contentTag(imageId: string, gitSha: string | undefined): string {
  const hex = imageId.replace(/^sha256:/, '').slice(0, 12);
  return gitSha ? `git-${gitSha}-${hex}` : `img-${hex}`;
}

function settingsSuffix(build: ImageBuild, platform: Platform): string {
  const settings = Object.keys(build.args).length > 0 || build.target;
  const hash = settings ? `-${createHash('sha256').update(JSON.stringify([Object.entries(build.args).sort(), build.target ?? ''])).digest('hex').slice(0, 8)}` : '';
  return `${hash}${platform === 'linux/arm64' ? '-arm64' : ''}`;
}

export async function gitShortSha(dir: string): Promise<string | undefined> {
  const out = await run('git', ['-C', dir, 'rev-parse', '--short', 'HEAD']).catch(() => undefined);
  return out?.code === 0 ? out.stdout.trim() : undefined;
}

/** The digest ECR holds for a tag, or undefined when the tag is not there. */
export async function findImageDigest(aws: Aws, repository: string, tag: string): Promise<string | undefined> {
  try {
    const out = await aws.ecr.send(new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] }));
    return out.imageDetails?.find((d) => d.imageTags?.includes(tag))?.imageDigest ?? out.imageDetails?.[0]?.imageDigest;
  } catch (err) {
    if (isAwsError(err, 'ImageNotFoundException', 'RepositoryNotFoundException')) return undefined;
    throw err;
  }
}

/**
 * The daemon the user's Docker talks to: DOCKER_HOST when set, else the current context's endpoint
 * (Colima, OrbStack, Rancher Desktop). Contexts live in the config directory, so the login and push
 * runs with a throw-away `--config` would otherwise talk to the default socket, not the daemon that built.
 */
export async function dockerDaemonEnv(env: NodeJS.ProcessEnv = process.env): Promise<NodeJS.ProcessEnv> {
  if (env.DOCKER_HOST) return env;
  const out = await run('docker', ['context', 'inspect', '--format', '{{.Endpoints.docker.Host}}'], { env, timeoutMs: 10_000 }).catch(() => undefined);
  const host = out?.code === 0 ? out.stdout.trim() : '';
  return host ? { ...env, DOCKER_HOST: host } : env;
}

/**
 * BuildKit through buildx adds provenance attestations by default (with build timestamps), so the
 * image id — and a dirty tree's tag — would change on every build of the same content. Buildx takes
 * `--provenance=false --sbom=false` (and BUILDX_NO_DEFAULT_ATTESTATIONS=1); the legacy builder
 * (CLI without buildx) and the daemon's own BuildKit (DOCKER_BUILDKIT=1) add none and refuse the flags.
 */
export async function attestationFlags(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const buildx = await run('docker', ['buildx', 'version'], { env, timeoutMs: 10_000 }).catch(() => undefined);
  return buildx?.code === 0 ? ['--provenance=false', '--sbom=false'] : [];
}

/** `docker build`; returns the image id. Progress is shown as it goes (see process.ts); the output tail again when the build fails. */
export async function dockerBuild(build: ImageBuild, platform: Platform, localName: string, log: Log = (l) => console.log(l)): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'l2f-build-'));
  try {
    const iidfile = join(dir, 'iid');
    const env = { ...process.env, BUILDX_NO_DEFAULT_ATTESTATIONS: '1' };
    const args = ['build', ...(await attestationFlags(env)), '--network', 'host', '--platform', DOCKER_PLATFORM[platform], '-f', build.dockerfile, '--iidfile', iidfile, '-t', localName];
    for (const [k, v] of Object.entries(build.args)) args.push('--build-arg', `${k}=${v}`);
    if (build.target) args.push('--target', build.target);
    args.push(build.context);
    const out = await run('docker', args, { env, progress: { label: 'docker build', log } });
    if (out.code !== 0) {
      throw new ToolError(
        message(
          'step 3 (image): docker build failed',
          `exit ${out.code}\n${lastLines(out.stdout + out.stderr, 30)}\n`,
          `fix the Dockerfile (${build.dockerfile}) or the build context, then deploy again`,
        ),
      );
    }
    return (await readFile(iidfile, 'utf8')).trim();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Logs in to the registry endpoint ECR names (GetAuthorizationToken; the password goes through
 * stdin into a throw-away Docker config) and pushes. Returns the pushed digest.
 */
export async function dockerPush(aws: Aws, imageId: string, repositoryUri: string, tag: string, log?: Log): Promise<string | undefined> {
  const auth = (await aws.ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData?.[0];
  if (!auth?.authorizationToken || !auth.proxyEndpoint) {
    throw new ToolError(message('step 3 (image): ECR GetAuthorizationToken', 'the answer has no token or endpoint', 'check the ECR permissions of your credentials'));
  }
  const [user = 'AWS', ...rest] = Buffer.from(auth.authorizationToken, 'base64').toString('utf8').split(':');
  const password = rest.join(':');
  const endpoint = auth.proxyEndpoint.replace(/^https?:\/\//, '').replace(/\/$/, '');
  const config = await mkdtemp(join(tmpdir(), 'l2f-docker-'));
  try {
    const env = await dockerDaemonEnv();
    const login = await run('docker', ['--config', config, 'login', '--username', user, '--password-stdin', endpoint], { input: password, env });
    if (login.code !== 0) {
      throw new ToolError(message(`step 3 (image): docker login to ${endpoint}`, lastLines(login.stderr, 3), 'check that the registry is reachable and your ECR permissions'));
    }
    const ref = `${repositoryUri}:${tag}`;
    const tagged = await run('docker', ['tag', imageId, ref]);
    if (tagged.code !== 0) throw new ToolError(message(`step 3 (image): docker tag ${ref}`, lastLines(tagged.stderr, 3)));
    const push = await retryTransient('docker push', [TRANSIENT.pushRepositoryNotFound], async () => {
      const out = await run('docker', ['--config', config, 'push', ref], { env, progress: { label: 'docker push', log: log ?? ((l) => console.log(l)) } });
      if (out.code !== 0) {
        throw new ToolError(message(`step 3 (image): docker push ${ref}`, lastLines(out.stdout + out.stderr, 5), 'check the registry and rerun the deploy'));
      }
      return out;
    }, log);
    return /digest: (sha256:[0-9a-f]{64})/.exec(push.stdout)?.[1];
  } finally {
    await rm(config, { recursive: true, force: true });
  }
}

/** What the image step decided, for the plan, the task definition and the summary. */
export interface ImageResult {
  /** what the task definition runs: `<uri>@sha256:…`, or the manifest's location */
  image: string;
  tag?: string;
  action: 'built and pushed' | 'pushed' | 'already in the repository' | 'external' | 'would build' | 'would push';
  digest?: string;
}

export interface ImageStepOptions {
  dryRun: boolean;
  repositoryName: string;
  /** undefined when the repository does not exist yet (dry run) */
  repositoryUri?: string;
  log: (line: string) => void;
}

export async function resolveImage(aws: Aws, svc: ResolvedService, opts: ImageStepOptions): Promise<ImageResult> {
  const build = svc.image.build;
  if (!build) return { image: svc.image.location ?? '', action: 'external' };
  const known = await gitTag(build, svc.platform);
  if (known && opts.repositoryUri) {
    const digest = await findImageDigest(aws, opts.repositoryName, known);
    if (digest) return { image: `${opts.repositoryUri}@${digest}`, tag: known, digest, action: 'already in the repository' };
  }
  if (opts.dryRun) {
    return { image: `${opts.repositoryUri ?? opts.repositoryName}:${known ?? '<tag from the built image>'}`, tag: known, action: 'would build' };
  }
  if (!opts.repositoryUri) throw new ToolError(message('step 3 (image)', 'the repository URI is unknown', 'rerun the deploy'));
  const started = performance.now();
  opts.log(`    docker build --platform ${DOCKER_PLATFORM[svc.platform]} -f ${relative(build.context, build.dockerfile)} ${build.context}${known ? ` (tag ${known})` : ''} …`);
  const imageId = await dockerBuild(build, svc.platform, `${opts.repositoryName}:l2f-build`, opts.log);
  opts.log(`    built ${imageId.slice(0, 19)} in ${((performance.now() - started) / 1000).toFixed(1)}s`);
  const tag = known ?? contentTag(imageId, await gitShortSha(build.context));
  const existing = await findImageDigest(aws, opts.repositoryName, tag);
  if (existing) return { image: `${opts.repositoryUri}@${existing}`, tag, digest: existing, action: 'already in the repository' };
  const pushedAt = performance.now();
  const digest = (await dockerPush(aws, imageId, opts.repositoryUri, tag, opts.log)) ?? (await findImageDigest(aws, opts.repositoryName, tag));
  if (!digest) throw new ToolError(message('step 3 (image)', `ECR does not list ${tag} after the push`, 'rerun the deploy'));
  opts.log(`    pushed ${opts.repositoryUri}:${tag} (${digest.slice(0, 19)}…) in ${((performance.now() - pushedAt) / 1000).toFixed(1)}s`);
  return { image: `${opts.repositoryUri}@${digest}`, tag, digest, action: 'built and pushed' };
}
