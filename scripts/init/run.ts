import { dirname, join, resolve } from 'node:path';
import type { Aws } from '../lib/aws.ts';
import { fetchCode } from './fetch-code.ts';
import { migrate } from './manifest.ts';
import type { InitOptions } from './options.ts';
import { readFunction } from './read.ts';
import { asJson, renderReport, type InitResult } from './report.ts';
import { refuseExisting, stageValidated } from './write.ts';

/**
 * `make init`: read the function (find) → the manifests it maps to (desired) → refuse to
 * overwrite → stage the manifests and load them with the loader → CODE=1: download and unzip
 * the package → move the manifests into place → report.
 * Writes only files; AWS is only read.
 */
export async function runInit(aws: Aws, o: InitOptions, root: string = process.cwd()): Promise<InitResult> {
  const service = o.manifest;
  const lambda = join(dirname(service), 'lambda.yml');
  await refuseExisting([service, lambda], o.force, root);
  const facts = await readFunction(aws, o.function);
  const migration = migrate(facts, { environment: o.environment, manifestDir: resolve(root, dirname(service)), root: resolve(root), code: o.code });
  const result: InitResult = { function: facts.arn || facts.name, files: { service, lambda }, migration };
  const staged = await stageValidated({ service: resolve(root, service), lambda: resolve(root, lambda) }, { service: migration.serviceYaml, lambda: migration.lambdaYaml }, o.environment);
  try {
    if (o.code) {
      const code = await fetchCode(aws, facts, migration, root, o.force);
      if (code) {
        result.code = { files: code.files, bytes: code.bytes, layers: code.layers };
        result.files.code = code.folder;
      }
    }
  } catch (err) {
    await staged.discard();
    throw err;
  }
  await staged.commit();
  return result;
}

export function printResult(r: InitResult, json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(asJson(r), null, 2)}\n` : renderReport(r));
}
