import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { CONTAINER, type BenchServer } from './servers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The container server as it was at a git revision, beside today's: its `container/` is unpacked
 * under node_modules/.cache (so it resolves the same express) and runs today's handler, so only
 * the server's own code differs.
 */
export function containerAt(revision: string): BenchServer {
  const sha = git(['rev-parse', '--short', `${revision}^{commit}`]).toString().trim();
  const dir = path.join(ROOT, 'node_modules/.cache/l2f-bench', sha);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-x', '-C', dir], { input: git(['archive', '--format=tar', sha, 'container']) });
  return { ...CONTAINER, name: `container server at ${sha}`, script: path.relative(ROOT, path.join(dir, 'container/server.ts')) };
}

/** REVS=a,b → one server per revision, in that order. */
export function containersAt(revs: string | undefined): BenchServer[] {
  return (revs ?? '').split(',').map((r) => r.trim()).filter(Boolean).map(containerAt);
}

function git(args: string[]): Buffer {
  try {
    return execFileSync('git', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`git ${args.join(' ')}: ${stderr || (err as Error).message} — give REVS as commits of this repository`);
  }
}
