import { readFileSync } from 'node:fs';
import { hex } from './common.ts';

export interface RegistryOptions {
  /** host:port of a Docker registry (CNCF distribution) speaking plain HTTP */
  address?: string;
  user?: string;
  password?: string;
  passwordFile?: string;
  /**
   * every repository lives under `<namespace>/` in the registry, so each fake starts with an empty
   * ECR even though the registry outlives it (default `fake-<random>`; '' for none)
   */
  namespace?: string;
}

export interface RegistryImage {
  digest: string;
  tags: string[];
  mediaType: string;
  size: number;
  pushedAt: Date;
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** The small part of the registry HTTP API (v2) that ECR's image operations map onto. */
export class Registry {
  readonly address: string;
  readonly user: string;
  readonly password: string;
  readonly namespace: string;
  private readonly firstSeen = new Map<string, Date>();

  constructor(opts: RegistryOptions = {}) {
    this.address = opts.address ?? '127.0.0.1:5001';
    this.user = opts.user ?? 'AWS';
    this.password = opts.password ?? readFileSync(opts.passwordFile ?? '/tmp/docker-env/registry/password', 'utf8').trim();
    this.namespace = opts.namespace ?? `fake-${hex(4)}`;
  }

  path(repo: string): string {
    return this.namespace ? `${this.namespace}/${repo}` : repo;
  }

  uri(repo: string): string {
    return `${this.address}/${this.path(repo)}`;
  }

  private async call(method: string, path: string, accept?: string): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Basic ${Buffer.from(`${this.user}:${this.password}`).toString('base64')}` };
    if (accept) headers.accept = accept;
    return fetch(`http://${this.address}/v2/${path}`, { method, headers, signal: AbortSignal.timeout(10_000) });
  }

  async tags(repo: string): Promise<string[]> {
    const res = await this.call('GET', `${this.path(repo)}/tags/list`);
    if (res.status === 404) return [];
    if (!res.ok) throw new Error(`registry: GET tags of ${repo} answered ${res.status}`);
    const body = (await res.json()) as { tags?: string[] | null };
    return body.tags ?? [];
  }

  async manifest(repo: string, reference: string): Promise<{ digest: string; mediaType: string; body: string } | undefined> {
    const res = await this.call('GET', `${this.path(repo)}/manifests/${reference}`, MANIFEST_TYPES);
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`registry: GET manifest ${repo}:${reference} answered ${res.status}`);
    const body = await res.text();
    return { digest: res.headers.get('docker-content-digest') ?? '', mediaType: res.headers.get('content-type') ?? '', body };
  }

  /** Every tagged image, grouped by digest (untagged manifests are invisible to this API). */
  async images(repo: string): Promise<RegistryImage[]> {
    const byDigest = new Map<string, RegistryImage>();
    for (const tag of await this.tags(repo)) {
      const m = await this.manifest(repo, tag);
      if (!m) continue;
      const known = byDigest.get(m.digest);
      if (known) {
        known.tags.push(tag);
        continue;
      }
      const key = `${repo}@${m.digest}`;
      if (!this.firstSeen.has(key)) this.firstSeen.set(key, new Date());
      byDigest.set(m.digest, { digest: m.digest, tags: [tag], mediaType: m.mediaType, size: await this.size(repo, m.body), pushedAt: this.firstSeen.get(key) ?? new Date() });
    }
    return [...byDigest.values()];
  }

  private async size(repo: string, manifestBody: string): Promise<number> {
    const m = JSON.parse(manifestBody) as { config?: { size?: number }; layers?: Array<{ size?: number }>; manifests?: Array<{ digest: string; platform?: { os?: string } }> };
    if (m.layers) return (m.config?.size ?? 0) + m.layers.reduce((n, l) => n + (l.size ?? 0), 0);
    const child = m.manifests?.find((c) => c.platform?.os !== 'unknown');
    if (!child) return 0;
    const inner = await this.manifest(repo, child.digest);
    return inner ? this.size(repo, inner.body) : 0;
  }

  async deleteManifest(repo: string, digest: string): Promise<boolean> {
    const res = await this.call('DELETE', `${this.path(repo)}/manifests/${digest}`);
    if (res.status === 404) return false;
    if (!res.ok) throw new Error(`registry: DELETE ${repo}@${digest} answered ${res.status}`);
    return true;
  }
}
