import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
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
