import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { unzipSync } from 'fflate';
import { ToolError, UserError, message } from '../lib/errors.ts';

/**
 * CODE=1: the deployment package from GetFunction's presigned Code.Location, unzipped into the
 * project (functions/<name>/) so the image copies it and HANDLER finds it. fflate unzips in
 * memory (a package is at most 50 MB zipped, 250 MB unzipped — Lambda quotas) with no native
 * code and no system `unzip` to depend on; entry paths are checked here, so a `../` entry
 * cannot write outside the folder.
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export async function downloadPackage(location: string, functionName: string): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetch(location, { signal: AbortSignal.timeout(120_000) });
  } catch (err) {
    throw new ToolError(message(`download of ${functionName}'s code`, (err as Error).message, 'check the network and run make init again'), { cause: err });
  }
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) {
    const code = /<Code>([^<]+)<\/Code>/.exec(body.toString('utf8'))?.[1];
    throw new ToolError(message(`download of ${functionName}'s code`, `HTTP ${res.status}${code ? ` ${code}` : ''}`, 'run make init again (the link GetFunction gives is valid for 10 minutes)'));
  }
  return body;
}

/** The entry's path inside `dest`, or undefined for one that would escape it. */
export function safeEntryPath(dest: string, entry: string): string | undefined {
  if (isAbsolute(entry) || /^[a-zA-Z]:/.test(entry) || entry.includes('\\')) return undefined;
  const target = normalize(join(dest, entry));
  return target === dest || target.startsWith(dest.endsWith(sep) ? dest : dest + sep) ? target : undefined;
}

export async function unzipInto(zip: Buffer, dest: string, force: boolean): Promise<{ files: number; bytes: number }> {
  if (await exists(dest)) {
    if (!force) throw new UserError(message(dest, 'already exists', 'rerun with FORCE=1 to replace it with the function\'s code'));
    await rm(dest, { recursive: true, force: true });
  }
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(zip.buffer, zip.byteOffset, zip.byteLength));
  } catch (err) {
    throw new ToolError(message('the function\'s deployment package', `is not a zip file (${(err as Error).message})`));
  }
  const bad = Object.keys(entries).filter((e) => !safeEntryPath(dest, e));
  if (bad.length) throw new ToolError(message('the function\'s deployment package', `has entries outside its folder: ${bad.join(', ')}`, 'nothing was unzipped; inspect the package'));
  let files = 0;
  let bytes = 0;
  await mkdir(dest, { recursive: true });
  for (const [entry, data] of Object.entries(entries)) {
    const target = safeEntryPath(dest, entry)!;
    if (entry.endsWith('/')) {
      await mkdir(target, { recursive: true });
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, data);
    files++;
    bytes += data.length;
  }
  return { files, bytes };
}

const SDK_IMPORT = /(?:require\(\s*|from\s+|import\(\s*)['"]((?:@aws-sdk\/[a-z0-9-]+)|aws-sdk)(?:\/[^'"]*)?['"]/g;

/**
 * The AWS SDK packages the code imports but does not ship: the Lambda Node.js runtime provides
 * the SDK (v3 since nodejs18.x, v2 before; Lambda Developer Guide, "Building Lambda functions
 * with Node.js"), the image does not.
 */
export async function runtimeProvidedImports(dest: string): Promise<string[]> {
  const used = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') await walk(path);
      } else if (/\.(c|m)?js$/.test(entry.name)) {
        for (const m of (await readFile(path, 'utf8')).matchAll(SDK_IMPORT)) used.add(m[1]!);
      }
    }
  };
  await walk(dest);
  const missing: string[] = [];
  for (const pkg of [...used].sort()) if (!(await exists(join(dest, 'node_modules', pkg, 'package.json')))) missing.push(pkg);
  return missing;
}

/** Where a Node.js layer keeps its packages (Lambda Developer Guide, "Layer paths for each Lambda runtime"). */
const NODE_LAYER = /^nodejs\/(?:node\d+\/)?node_modules\/(.+)$/;

/**
 * A Node.js layer baked into the function's folder: its `nodejs/node_modules/` (and
 * `nodejs/node<major>/node_modules/`) land in `functions/<name>/node_modules/`, without replacing
 * a file the function ships itself (the function's own packages resolve first on Lambda too).
 * Returns what was copied and the other top-level folders (bin/, lib/, extensions/ …) it left.
 */
export async function mergeNodeLayer(zip: Buffer, dest: string): Promise<{ files: number; left: string[] }> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(zip.buffer, zip.byteOffset, zip.byteLength));
  } catch (err) {
    throw new ToolError(message('a layer of the function', `is not a zip file (${(err as Error).message})`));
  }
  const modules = join(dest, 'node_modules');
  let files = 0;
  const left = new Set<string>();
  for (const [entry, data] of Object.entries(entries)) {
    if (entry.endsWith('/')) continue;
    const m = NODE_LAYER.exec(entry);
    const target = m ? safeEntryPath(modules, m[1]!) : undefined;
    if (!m || !target) {
      left.add(entry.split('/')[0]! + (entry.includes('/') ? '/' : ''));
      continue;
    }
    if (await exists(target)) continue;
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, data);
    files++;
  }
  return { files, left: [...left].sort() };
}
