import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';

/**
 * The esbuild command line `sam build` runs for a function with `BuildMethod: esbuild`, as
 * aws-lambda-builders' EsbuildCommandBuilder assembles it from the template's BuildProperties:
 * PascalCase properties become kebab-case flags, and it fills in --bundle, --platform=node and
 * defaults for target (es2020), format (cjs) and minify.
 */
export function samEsbuildArgs(props: Record<string, unknown>, outdir: string): string[] {
  const kebab = (k: string) => k.replace(/[a-z0-9][A-Z]/g, (m) => `${m[0]}-${m[1]}`).toLowerCase();
  const args = ['--bundle', '--platform=node', `--outdir=${outdir}`];
  if (!('Target' in props)) args.push('--target=es2020');
  if (!('Format' in props)) args.push('--format=cjs');
  if (!('Minify' in props)) args.push('--minify');
  for (const [key, value] of Object.entries(props)) {
    if (key === 'EntryPoints') continue;
    if (['Minify', 'Sourcemap'].includes(key)) {
      if (value === true) args.push(`--${kebab(key)}`);
    } else if (['Target', 'Format', 'MainFields', 'SourcesContent'].includes(key)) {
      args.push(`--${kebab(key)}=${String(value)}`);
    } else if (['External', 'Loader', 'OutExtension', 'Banner'].includes(key)) {
      for (const item of value as unknown[]) args.push(`--${kebab(key)}:${String(item)}`);
    } else {
      throw new Error(`BuildProperties.${key} is not one aws-lambda-builders passes to esbuild`);
    }
  }
  return [...((props.EntryPoints as string[] | undefined) ?? []), ...args];
}

export async function runSamEsbuild(codeDir: string, props: Record<string, unknown>, outdir: string): Promise<void> {
  const esbuild = join(import.meta.dirname, '../../node_modules/.bin/esbuild');
  await promisify(execFile)(esbuild, samEsbuildArgs(props, outdir), { cwd: codeDir });
}
