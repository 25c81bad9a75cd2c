import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ACCOUNT, AwsError, REGION, str, fromKeyValue, type Tags } from './common.ts';
import type { Registry, RegistryImage } from './registry.ts';
import type { Params, ServiceDef } from './service.ts';
import { stillPropagating, type Knobs } from './knobs.ts';

const run = promisify(execFile);

export interface Repository {
  repositoryName: string;
  repositoryArn: string;
  createdAt: Date;
  imageTagMutability: string;
  scanOnPush: boolean;
  tags: Tags;
  lifecyclePolicyText?: string;
}

interface ImageId {
  imageDigest?: string;
  imageTag?: string;
}

const FAKE_HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const notFound = (name: string) => new AwsError('RepositoryNotFoundException', `The repository with name '${name}' does not exist in the registry with id '${ACCOUNT}'`);
const idText = (id: ImageId) => `{imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'}`;

export class Ecr {
  readonly repositories = new Map<string, Repository>();
  /** every repository name ever created here, deleted or not (for cleanup at stop) */
  private readonly everCreated = new Set<string>();
  /** images per repository when no registry backs the fake (filled by `putImage`) */
  private readonly memory = new Map<string, RegistryImage[]>();
  readonly registry: Registry | undefined;

  constructor(
    registry?: Registry,
    private readonly knobs: () => Pick<Knobs, 'repositoryPropagationMs' | 'registryScanning'> = () => ({ repositoryPropagationMs: 0, registryScanning: 'none' }),
  ) {
    this.registry = registry;
  }

  /** A repository just created is not yet visible to every ECR endpoint (`repositoryPropagationMs`). */
  private settledRepo(name: string): Repository {
    const r = this.repo(name);
    if (stillPropagating(r.createdAt, this.knobs().repositoryPropagationMs)) throw notFound(name);
    return r;
  }

  /** Registry-level scanning (basic scan-on-push rules, or enhanced) overrides the repository setting, which then reads false. */
  private scanning(r: Repository) {
    const mode = this.knobs().registryScanning;
    if (mode === 'none') return { scanOnPush: r.scanOnPush, scanFrequency: r.scanOnPush ? 'SCAN_ON_PUSH' : 'MANUAL', appliedScanFilters: [] as unknown[] };
    return { scanOnPush: true, scanFrequency: mode === 'enhanced' ? 'CONTINUOUS_SCAN' : 'SCAN_ON_PUSH', appliedScanFilters: [{ filter: '*', filterType: 'WILDCARD' }] };
  }

  uri(name: string): string {
    return this.registry ? this.registry.uri(name) : `${FAKE_HOST}/${name}`;
  }

  repo(name: string): Repository {
    const r = this.repositories.get(name);
    if (!r) throw notFound(name);
    return r;
  }

  /** Stands in for `docker push` when there is no registry. */
  putImage(repo: string, tag: string, digest: string, size = 50_000_000): void {
    this.repo(repo);
    const list = this.memory.get(repo) ?? [];
    for (const img of list) img.tags = img.tags.filter((t) => t !== tag);
    const same = list.find((i) => i.digest === digest);
    if (same) same.tags.push(tag);
    else list.push({ digest, tags: [tag], mediaType: 'application/vnd.oci.image.manifest.v1+json', size, pushedAt: new Date() });
    this.memory.set(repo, list.filter((i) => i.tags.length || i.digest === digest));
  }

  async images(repo: string): Promise<RegistryImage[]> {
    if (this.registry) return this.registry.images(repo);
    return this.memory.get(repo) ?? [];
  }

  /** For ECS: does `uri` name an image this fake's ECR holds? undefined when it is not an ECR image of this fake. */
  async hasImage(uri: string): Promise<boolean | undefined> {
    const host = this.registry ? this.registry.address : FAKE_HOST;
    if (!uri.startsWith(`${host}/`)) return undefined;
    const rest = uri.slice(host.length + 1);
    const [path, ref] = rest.includes('@') ? rest.split('@') : [rest.replace(/:[^:/]+$/, ''), /:([^:/]+)$/.exec(rest)?.[1] ?? 'latest'];
    const ns = this.registry?.namespace;
    const name = ns && path?.startsWith(`${ns}/`) ? path.slice(ns.length + 1) : (path ?? '');
    if (!this.repositories.has(name)) return false;
    const images = await this.images(name);
    return images.some((i) => i.digest === ref || i.tags.includes(ref ?? ''));
  }

  /**
   * The registry outlives the fake: delete what its repositories still hold, and the local Docker
   * tags that pushes to this fake's namespace left behind (untag only: layers other images share stay).
   */
  async cleanupRegistry(): Promise<void> {
    if (!this.registry) return;
    for (const name of this.repositories.keys()) {
      for (const img of await this.registry.images(name).catch(() => [])) await this.registry.deleteManifest(name, img.digest).catch(() => false);
    }
    const ns = this.registry.namespace;
    if (!ns) return;
    const listed = await run('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', '--filter', `reference=${this.registry.address}/${ns}/*`]).catch(() => undefined);
    const refs = listed?.stdout.split('\n').filter((l) => l && !l.endsWith(':<none>')) ?? [];
    // deploy-ecs also tags what it builds `<repository>:l2f-build` (scripts/resources/image.ts)
    for (const name of this.everCreated) refs.push(`${name}:l2f-build`);
    if (refs.length) await run('docker', ['image', 'rm', ...refs]).catch(() => undefined);
  }

  private async deleteImage(repo: string, digest: string): Promise<void> {
    if (this.registry) await this.registry.deleteManifest(repo, digest);
    else this.memory.set(repo, (this.memory.get(repo) ?? []).filter((i) => i.digest !== digest));
  }

  private view(r: Repository) {
    return {
      repositoryArn: r.repositoryArn,
      registryId: ACCOUNT,
      repositoryName: r.repositoryName,
      repositoryUri: this.uri(r.repositoryName),
      createdAt: r.createdAt.getTime() / 1000,
      imageTagMutability: r.imageTagMutability,
      imageScanningConfiguration: { scanOnPush: this.knobs().registryScanning === 'none' && r.scanOnPush },
      encryptionConfiguration: { encryptionType: 'AES256' },
    };
  }

  private byArn(arn: string): Repository {
    const name = /^arn:aws:ecr:[^:]+:\d{12}:repository\/(.+)$/.exec(arn)?.[1];
    if (!name) throw new AwsError('InvalidParameterException', `Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN'`);
    return this.repo(name);
  }

  private async find(repo: string, id: ImageId): Promise<RegistryImage | undefined> {
    const images = await this.images(repo);
    return images.find((i) => (id.imageDigest ? i.digest === id.imageDigest : true) && (id.imageTag ? i.tags.includes(id.imageTag) : true) && (id.imageDigest || id.imageTag));
  }

  service(): ServiceDef {
    const detail = (repo: string, i: RegistryImage) => ({
      registryId: ACCOUNT,
      repositoryName: repo,
      imageDigest: i.digest,
      imageTags: i.tags.length ? i.tags : undefined,
      imageSizeInBytes: i.size,
      imagePushedAt: i.pushedAt.getTime() / 1000,
      imageManifestMediaType: i.mediaType,
      lastRecordedPullTime: undefined,
    });
    return {
      protocol: 'json',
      xmlns: '',
      ops: {
        CreateRepository: (p: Params) => {
          const name = str(p, 'repositoryName', 'InvalidParameterException');
          if (!/^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(name) || name.length < 2 || name.length > 256) {
            throw new AwsError('InvalidParameterException', `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''`);
          }
          if (this.repositories.has(name)) throw new AwsError('RepositoryAlreadyExistsException', `The repository with name '${name}' already exists in the registry with id '${ACCOUNT}'`);
          const r: Repository = {
            repositoryName: name,
            repositoryArn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${name}`,
            createdAt: new Date(),
            imageTagMutability: p.imageTagMutability ?? 'MUTABLE',
            scanOnPush: !!p.imageScanningConfiguration?.scanOnPush,
            tags: fromKeyValue(p.tags),
          };
          this.repositories.set(name, r);
          this.everCreated.add(name);
          return { repository: this.view(r) };
        },
        DescribeRepositories: (p: Params) => {
          const names = (p.repositoryNames ?? undefined) as string[] | undefined;
          const list = names ? names.map((n) => this.repo(n)) : [...this.repositories.values()];
          return { repositories: list.map((r) => this.view(r)) };
        },
        DeleteRepository: async (p: Params) => {
          const r = this.repo(str(p, 'repositoryName', 'InvalidParameterException'));
          const images = await this.images(r.repositoryName);
          if (images.length && !p.force) {
            throw new AwsError('RepositoryNotEmptyException', `The repository with name '${r.repositoryName}' in registry with id '${ACCOUNT}' cannot be deleted because it still contains images`);
          }
          for (const i of images) await this.deleteImage(r.repositoryName, i.digest);
          this.memory.delete(r.repositoryName);
          this.repositories.delete(r.repositoryName);
          return { repository: this.view(r) };
        },
        PutLifecyclePolicy: (p: Params) => {
          const r = this.settledRepo(str(p, 'repositoryName', 'InvalidParameterException'));
          const text = str(p, 'lifecyclePolicyText', 'InvalidParameterException');
          try {
            const parsed = JSON.parse(text) as { rules?: unknown };
            if (!Array.isArray(parsed.rules)) throw new Error('no rules');
          } catch {
            throw new AwsError('InvalidParameterException', `Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ${'object has missing required properties (["rules"])'}'`);
          }
          r.lifecyclePolicyText = text;
          return { registryId: ACCOUNT, repositoryName: r.repositoryName, lifecyclePolicyText: text };
        },
        GetLifecyclePolicy: (p: Params) => {
          const r = this.repo(str(p, 'repositoryName', 'InvalidParameterException'));
          if (r.lifecyclePolicyText === undefined) {
            throw new AwsError('LifecyclePolicyNotFoundException', `Lifecycle policy does not exist for the repository with name '${r.repositoryName}' in the registry with id '${ACCOUNT}'`);
          }
          return { registryId: ACCOUNT, repositoryName: r.repositoryName, lifecyclePolicyText: r.lifecyclePolicyText, lastEvaluatedAt: Date.now() / 1000 };
        },
        DeleteLifecyclePolicy: (p: Params) => {
          const r = this.repo(str(p, 'repositoryName', 'InvalidParameterException'));
          const text = r.lifecyclePolicyText;
          if (text === undefined) throw new AwsError('LifecyclePolicyNotFoundException', `Lifecycle policy does not exist for the repository with name '${r.repositoryName}' in the registry with id '${ACCOUNT}'`);
          delete r.lifecyclePolicyText;
          return { registryId: ACCOUNT, repositoryName: r.repositoryName, lifecyclePolicyText: text };
        },
        PutImageScanningConfiguration: (p: Params) => {
          const r = this.settledRepo(str(p, 'repositoryName', 'InvalidParameterException'));
          r.scanOnPush = !!p.imageScanningConfiguration?.scanOnPush;
          return { registryId: ACCOUNT, repositoryName: r.repositoryName, imageScanningConfiguration: { scanOnPush: r.scanOnPush } };
        },
        PutImageTagMutability: (p: Params) => {
          const r = this.repo(str(p, 'repositoryName', 'InvalidParameterException'));
          r.imageTagMutability = str(p, 'imageTagMutability', 'InvalidParameterException');
          return { registryId: ACCOUNT, repositoryName: r.repositoryName, imageTagMutability: r.imageTagMutability };
        },
        TagResource: (p: Params) => {
          Object.assign(this.byArn(str(p, 'resourceArn', 'InvalidParameterException')).tags, fromKeyValue(p.tags));
          return {};
        },
        UntagResource: (p: Params) => {
          const r = this.byArn(str(p, 'resourceArn', 'InvalidParameterException'));
          for (const k of (p.tagKeys ?? []) as string[]) delete r.tags[k];
          return {};
        },
        ListTagsForResource: (p: Params) => ({
          tags: Object.entries(this.byArn(str(p, 'resourceArn', 'InvalidParameterException')).tags).map(([Key, Value]) => ({ Key, Value })),
        }),
        GetAuthorizationToken: () => {
          const password = this.registry ? this.registry.password : 'fake-ecr-password';
          return {
            authorizationData: [
              {
                authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
                expiresAt: Date.now() / 1000 + 12 * 3600,
                proxyEndpoint: this.registry ? `http://${this.registry.address}` : `https://${FAKE_HOST}`,
              },
            ],
          };
        },
        DescribeImages: async (p: Params) => {
          const r = this.repo(str(p, 'repositoryName', 'InvalidParameterException'));
          const ids = p.imageIds as ImageId[] | undefined;
          if (ids?.length) {
            const out = [];
            for (const id of ids) {
              const img = await this.find(r.repositoryName, id);
              if (!img) throw new AwsError('ImageNotFoundException', `The image with imageId ${idText(id)} does not exist within the repository with name '${r.repositoryName}' in the registry with id '${ACCOUNT}'`);
              out.push(detail(r.repositoryName, img));
            }
            return { imageDetails: out };
          }
          const status = p.filter?.tagStatus as string | undefined;
          const images = (await this.images(r.repositoryName)).filter((i) => !status || status === 'ANY' || (status === 'TAGGED') === i.tags.length > 0);
          return { imageDetails: images.map((i) => detail(r.repositoryName, i)) };
        },
        ListImages: async (p: Params) => {
          const r = this.repo(str(p, 'repositoryName', 'InvalidParameterException'));
          const status = p.filter?.tagStatus as string | undefined;
          const ids = (await this.images(r.repositoryName)).flatMap((i): ImageId[] =>
            i.tags.length ? i.tags.map((imageTag) => ({ imageDigest: i.digest, imageTag })) : [{ imageDigest: i.digest }],
          );
          const all = ids.filter((id) => !status || status === 'ANY' || (status === 'TAGGED') === (id.imageTag !== undefined));
          // API_ListImages: without maxResults, up to 100 results and a nextToken.
          const start = p.nextToken ? Number(String(p.nextToken).replace(/^page-/, '')) : 0;
          if (Number.isNaN(start)) throw new AwsError('InvalidParameterException', 'Invalid parameter at \'nextToken\' failed to satisfy constraint: \'Invalid NextToken\'');
          const limit = Number(p.maxResults ?? 100);
          return { imageIds: all.slice(start, start + limit), nextToken: start + limit < all.length ? `page-${start + limit}` : undefined };
        },
        GetRegistryScanningConfiguration: () => {
          const mode = this.knobs().registryScanning;
          const rules = mode === 'none' ? [] : [{ scanFrequency: mode === 'enhanced' ? 'CONTINUOUS_SCAN' : 'SCAN_ON_PUSH', repositoryFilters: [{ filter: '*', filterType: 'WILDCARD' }] }];
          return { registryId: ACCOUNT, scanningConfiguration: { scanType: mode === 'enhanced' ? 'ENHANCED' : 'BASIC', rules } };
        },
        BatchGetRepositoryScanningConfiguration: (p: Params) => {
          const scanningConfigurations = [];
          const failures = [];
          for (const name of (p.repositoryNames ?? []) as string[]) {
            const r = this.repositories.get(name);
            if (!r) failures.push({ repositoryName: name, failureCode: 'REPOSITORY_NOT_FOUND', failureReason: 'REPOSITORY_NOT_FOUND' });
            else scanningConfigurations.push({ repositoryArn: r.repositoryArn, repositoryName: r.repositoryName, ...this.scanning(r) });
          }
          return { scanningConfigurations, failures };
        },
        BatchGetImage: async (p: Params) => {
          const r = this.repo(str(p, 'repositoryName', 'InvalidParameterException'));
          const images = [];
          const failures = [];
          for (const id of (p.imageIds ?? []) as ImageId[]) {
            const img = await this.find(r.repositoryName, id);
            if (!img) {
              failures.push({ imageId: id, failureCode: id.imageTag ? 'ImageTagDoesNotMatchDigest' : 'ImageNotFound', failureReason: 'Requested image not found' });
              continue;
            }
            const manifest = this.registry ? ((await this.registry.manifest(r.repositoryName, img.digest))?.body ?? '') : JSON.stringify({ schemaVersion: 2, mediaType: img.mediaType });
            images.push({ registryId: ACCOUNT, repositoryName: r.repositoryName, imageId: { imageDigest: img.digest, imageTag: id.imageTag }, imageManifest: manifest, imageManifestMediaType: img.mediaType });
          }
          return { images, failures: failures.map((f) => (f.failureCode === 'ImageTagDoesNotMatchDigest' ? { ...f, failureCode: 'ImageNotFound' } : f)) };
        },
        BatchDeleteImage: async (p: Params) => {
          const r = this.repo(str(p, 'repositoryName', 'InvalidParameterException'));
          const imageIds = [];
          const failures = [];
          for (const id of (p.imageIds ?? []) as ImageId[]) {
            const img = await this.find(r.repositoryName, id);
            if (!img) {
              failures.push({ imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' });
              continue;
            }
            await this.deleteImage(r.repositoryName, img.digest);
            imageIds.push({ imageDigest: img.digest, imageTag: id.imageTag });
          }
          return { imageIds, failures };
        },
      },
    };
  }
}
