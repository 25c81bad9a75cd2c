import { join } from 'node:path';
import type { ResolvedLambda } from '../manifest/types.ts';
import { allTags } from '../lib/tags.ts';

export interface Command {
  cmd: string;
  args: string[];
  /** a directory put first on the command's PATH */
  prependPath?: string;
}

export interface LambdaPlan {
  stackName: string;
  region?: string;
  parameters: Record<string, string>;
  tags: Record<string, string>;
  build: Command;
  deploy: Command;
}

export const BUILD_DIR = '.aws-sam/build';

/**
 * The two `sam` commands a deploy runs, from the resolved manifest. `sam build` bundles with the
 * project's own esbuild: node_modules/.bin goes first on its PATH.
 */
export function lambdaPlan(m: ResolvedLambda, o: { root: string; region?: string }): LambdaPlan {
  const region = m.region ?? o.region;
  // The stack is the Lambda side's "service": clean finds it by these tags.
  const tags = allTags(m.stackName, m.environment, m.tags);
  const overrides = samPairs(m.parameters);
  const regionArgs = region ? ['--region', region] : [];
  const build: Command = {
    cmd: 'sam',
    args: ['build', '--template-file', 'template.yaml', '--build-dir', BUILD_DIR, ...regionArgs, ...(overrides ? ['--parameter-overrides', overrides] : [])],
    prependPath: join(o.root, 'node_modules/.bin'),
  };
  const deploy: Command = {
    cmd: 'sam',
    args: [
      'deploy',
      '--template-file', `${BUILD_DIR}/template.yaml`,
      '--stack-name', m.stackName,
      ...regionArgs,
      '--resolve-s3',
      '--s3-prefix', m.stackName,
      '--capabilities', 'CAPABILITY_IAM',
      '--no-confirm-changeset',
      '--no-fail-on-empty-changeset',
      ...(overrides ? ['--parameter-overrides', overrides] : []),
      '--tags', samPairs(tags),
    ],
  };
  return { stackName: m.stackName, region, parameters: m.parameters, tags, build, deploy };
}

/**
 * "Key=Value Key2=Value2", the form both --parameter-overrides and --tags take; sam's parser
 * accepts a double-quoted key or value for anything beyond letters, digits and _ : . / + - @ =.
 */
export function samPairs(pairs: Record<string, string>): string {
  const q = (s: string) => (/^[A-Za-z0-9_:./+\-@=]+$/.test(s) ? s : `"${s.replace(/"/g, '\\"')}"`);
  return Object.entries(pairs)
    .map(([k, v]) => `${q(k)}=${q(v)}`)
    .join(' ');
}

/** A command as a line to paste into a POSIX shell. */
export function formatCommand(c: Command): string {
  const env = c.prependPath ? [`PATH=${shellQuote(c.prependPath)}:"$PATH"`] : [];
  return [...env, c.cmd, ...c.args.map(shellQuote)].join(' ');
}

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
