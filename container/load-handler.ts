import { statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FunctionUrlHandler } from '../lambda/types.ts';

/** The project's own handler; the image bundles it to lambda/handler.mjs under the same name. */
export const DEFAULT_HANDLER = 'lambda/handler.handler';

/** Lambda's order first, then TypeScript (under tsx, or Node's type stripping). */
const EXTENSIONS = ['', '.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];

export class HandlerLoadError extends Error {
  override name = 'HandlerLoadError';
}

/**
 * Loads a handler named like Lambda's handler setting: `<module path>.<export>`, where the module
 * path is relative to `cwd` or absolute and the export may be nested (`app.handlers.main`).
 * The split is at the first dot of the last path segment, as the Lambda Node.js runtime does.
 */
export async function readHandler(spec: string, cwd: string = process.cwd()): Promise<FunctionUrlHandler> {
  const slash = spec.lastIndexOf('/');
  const dot = spec.indexOf('.', slash + 1);
  if (dot <= slash + 1 || dot === spec.length - 1) {
    throw new HandlerLoadError(`HANDLER=${spec}: expected <module path>.<export>, e.g. lambda/handler.handler`);
  }
  const modulePath = path.resolve(cwd, spec.slice(0, dot));
  const exportPath = spec.slice(dot + 1).split('.');
  const tried = EXTENSIONS.map((ext) => modulePath + ext);
  const file = tried.find(isFile);
  if (!file) throw new HandlerLoadError(`HANDLER=${spec}: no module found (tried ${tried.join(', ')})`);
  const mod: unknown = await import(pathToFileURL(file).href);
  // a CommonJS module whose exports Node cannot detect statically arrives as `default` only
  let value: unknown = property(mod, exportPath[0]!) ?? property(property(mod, 'default'), exportPath[0]!);
  for (const key of exportPath.slice(1)) value = property(value, key);
  if (typeof value !== 'function') {
    throw new HandlerLoadError(`HANDLER=${spec}: ${file} has no function export ${exportPath.join('.')} (found ${typeof value})`);
  }
  return value as FunctionUrlHandler;
}

function property(value: unknown, key: string): unknown {
  return (typeof value === 'object' || typeof value === 'function') && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
