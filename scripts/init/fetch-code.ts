import { resolve } from 'node:path';
import type { Aws } from '../lib/aws.ts';
import { awsErrorName } from '../lib/errors.ts';
import { downloadPackage, mergeNodeLayer, runtimeProvidedImports, unzipInto } from './code.ts';
import { functionsFolder } from './manifest.ts';
import { layerLocation } from './read.ts';
import type { LambdaFacts, Migration, Note } from './types.ts';

export interface FetchedCode {
  folder: string;
  files: number;
  bytes: number;
  /** layer ARN → files merged into node_modules */
  layers: Record<string, number>;
}

/**
 * CODE=1: the package into functions/<name>/, then each Node.js layer's packages into its
 * node_modules/ (what the image then carries instead of /opt), and the notes that change with
 * it: the layers that could not be baked in, the SDK the runtime provided.
 */
export async function fetchCode(aws: Aws, f: LambdaFacts, m: Migration, root: string, force: boolean): Promise<FetchedCode | undefined> {
  if (!f.codeLocation) return undefined;
  const folder = functionsFolder(m.serviceName);
  const dest = resolve(root, folder);
  const zip = await downloadPackage(f.codeLocation, f.name);
  const unzipped = await unzipInto(zip, dest, force);
  const layers: Record<string, number> = {};
  const notBaked: string[] = [];
  const leftOver: string[] = [];
  for (const arn of f.layers) {
    try {
      const location = await layerLocation(aws, arn);
      if (!location) throw new Error('no Content.Location');
      const merged = await mergeNodeLayer(await downloadPackage(location, `layer ${arn}`), dest);
      layers[arn] = merged.files;
      if (merged.left.length) leftOver.push(`${arn} (${merged.left.join(', ')})`);
    } catch (err) {
      notBaked.push(`${arn} (${awsErrorName(err) ?? (err as Error).message})`);
    }
  }
  replaceLayersNote(m, folder, Object.keys(layers), notBaked, leftOver);
  const missing = await runtimeProvidedImports(dest);
  if (missing.length) {
    m.notes.push({
      topic: 'AWS SDK',
      detail: `the code imports ${missing.join(', ')}, which the Lambda runtime provides but the image does not`,
      action: `add ${missing.length === 1 ? 'it' : 'them'} to the package: cd ${folder} && npm install ${missing.join(' ')} (or bundle the function with its dependencies)`,
    });
  }
  return { folder, files: unzipped.files, bytes: unzipped.bytes, layers };
}

function replaceLayersNote(m: Migration, folder: string, baked: string[], notBaked: string[], leftOver: string[]): void {
  const at = m.notes.findIndex((n) => n.topic === 'layers');
  if (at < 0) return;
  const notes: Note[] = [];
  if (notBaked.length) notes.push({ ...m.notes[at]!, detail: `${notBaked.length} layer(s) could not be downloaded: ${notBaked.join(', ')} — a task has no layers` });
  if (leftOver.length) {
    notes.push({
      topic: 'layer content',
      detail: `the Node.js packages of ${baked.length} layer(s) are in ${folder}/node_modules/; other content was not copied: ${leftOver.join('; ')}`,
      action: 'copy what the handler needs of it into the image (binaries, shared libraries); Lambda extensions do not run on Fargate',
    });
  }
  m.notes.splice(at, 1, ...notes);
}
