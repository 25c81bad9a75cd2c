/**
 * `make validate [MANIFEST=…] [ENV=…] [OUTPUT=json]`: checks a manifest and prints what every later
 * step will use, defaults filled in. Without MANIFEST it checks both shipped manifests.
 * Exit 2 with every problem listed when a manifest is wrong; never calls AWS.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { stringify } from 'yaml';
import { commonOptions, runMain } from './lib/cli.ts';
import { ManifestError, loadLambdaManifest, loadServiceManifest } from './manifest/index.ts';
import { formatProblem } from './manifest/index.ts';
import type { Problem } from './manifest/index.ts';

await runMain(async () => {
  const options = commonOptions('manifests/service.yml');
  const files = process.env.MANIFEST?.trim() ? [options.manifest] : ['manifests/service.yml', 'manifests/lambda.yml'];
  const json = process.env.OUTPUT?.trim().toLowerCase() === 'json';
  const problems: Problem[] = [];
  const resolved: unknown[] = [];
  for (const file of files) {
    try {
      const kind = (await isLambdaManifest(file)) ? 'lambda' : 'service';
      const value = kind === 'lambda' ? await loadLambdaManifest(file, options.env) : await loadServiceManifest(file, options.env);
      resolved.push(value);
      if (!json) process.stdout.write(`# ${file}: valid ${kind} manifest, environment ${value.environment}\n${stringify(value)}\n`);
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (json && !problems.length) process.stdout.write(`${JSON.stringify(files.length === 1 ? resolved[0] : resolved, null, 2)}\n`);
  if (!problems.length) return 0;
  // One line per problem, file:line:col first so editors and terminals can jump to it.
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
  const n = problems.length;
  process.stderr.write(`error: ${n} problem${n === 1 ? '' : 's'} in the manifest${files.length > 1 ? 's' : ''} — fix ${n === 1 ? 'it' : 'them'} and run make validate again (nothing was sent to AWS)\n`);
  return 2;
});

/** lambda.yml by name, or any manifest that names a stack rather than an image. */
async function isLambdaManifest(file: string): Promise<boolean> {
  if (/lambda/i.test(basename(file))) return true;
  if (/service/i.test(basename(file))) return false;
  try {
    const text = await readFile(file, 'utf8');
    return /^stackName\s*:/m.test(text) && !/^image\s*:/m.test(text);
  } catch {
    return false;
  }
}
