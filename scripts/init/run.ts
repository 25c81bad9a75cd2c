import { dirname, join, resolve } from 'node:path';
import type { Aws } from '../lib/aws.ts';
import { downloadPackage, unzipInto } from './code.ts';
import { functionsFolder, migrate } from './manifest.ts';
import type { InitOptions } from './options.ts';
import { readFunction } from './read.ts';
import { asJson, renderReport, type InitResult } from './report.ts';
import { refuseExisting, writeValidated } from './write.ts';

/**
 * `make init`: read the function (find) → the manifests it maps to (desired) → refuse to
 * overwrite → CODE=1: download and unzip the package → write, validated by the loader → report.
 * Writes only files; AWS is only read.
 */
export async function runInit(aws: Aws, o: InitOptions, root: string = process.cwd()): Promise<InitResult> {
  const service = o.manifest;
  const lambda = join(dirname(service), 'lambda.yml');
  await refuseExisting([service, lambda], o.force);
  const facts = await readFunction(aws, o.function);
  const migration = migrate(facts, { environment: o.environment, manifestDir: resolve(root, dirname(service)), root: resolve(root), code: o.code });
  const result: InitResult = { function: facts.arn || facts.name, files: { service, lambda }, migration };
  if (o.code && facts.codeLocation) {
    const folder = functionsFolder(migration.serviceName);
    const zip = await downloadPackage(facts.codeLocation, facts.name);
    result.code = await unzipInto(zip, resolve(root, folder), o.force);
    result.files.code = folder;
  }
  await writeValidated({ service: resolve(root, service), lambda: resolve(root, lambda) }, { service: migration.serviceYaml, lambda: migration.lambdaYaml }, o.environment);
  return result;
}

export function printResult(r: InitResult, json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(asJson(r), null, 2)}\n` : renderReport(r));
}
