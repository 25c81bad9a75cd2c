import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ToolError, UserError, message } from '../lib/errors.ts';
import { ManifestError, formatProblem, loadLambdaManifest, loadServiceManifest } from '../manifest/index.ts';
import { exists } from './code.ts';

/** Never overwrite a manifest without FORCE=1: exit 2 naming each file that is there. */
export async function refuseExisting(files: string[], force: boolean, root: string): Promise<void> {
  if (force) return;
  const present: string[] = [];
  for (const f of files) if (await exists(resolve(root, f))) present.push(f);
  if (present.length) {
    throw new UserError(message(present.join(', '), `already exist${present.length === 1 ? 's' : ''}`, 'rerun with FORCE=1 to overwrite, or MANIFEST=<another service manifest> to write elsewhere (nothing was written)'));
  }
}

/**
 * Writes both manifests to temporary files next to them and loads each with the manifest loader;
 * `commit` then moves them into place, `discard` removes them. What init leaves behind is what
 * `make validate` accepts; a manifest the loader refuses is init's fault (exit 1), and nothing
 * is left — not even the code, which is unzipped only after the manifests load.
 */
export interface Staged {
  commit(): Promise<void>;
  discard(): Promise<void>;
}

export async function stageValidated(files: { service: string; lambda: string }, texts: { service: string; lambda: string }, environment: string): Promise<Staged> {
  const tmp = (f: string) => join(dirname(f), `.${basename(f)}.init-${process.pid}`);
  const staged = { service: tmp(files.service), lambda: tmp(files.lambda) };
  const discard = async () => {
    await rm(staged.service, { force: true });
    await rm(staged.lambda, { force: true });
  };
  try {
    await mkdir(dirname(files.service), { recursive: true });
    await writeFile(staged.service, texts.service);
    await writeFile(staged.lambda, texts.lambda);
    await loadServiceManifest(staged.service, environment);
    await loadLambdaManifest(staged.lambda, environment);
  } catch (err) {
    await discard();
    if (!(err instanceof ManifestError)) throw err;
    const lines = err.problems.map((p) => formatProblem({ ...p, file: p.file === staged.service ? files.service : p.file === staged.lambda ? files.lambda : p.file }));
    throw new ToolError(message('make init', `the manifest it would write does not load:\n${lines.join('\n')}`, 'nothing was written; please report this with the function\'s configuration'));
  }
  return {
    discard,
    commit: async () => {
      await rename(staged.service, files.service);
      await rename(staged.lambda, files.lambda);
    },
  };
}
