import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface MakeRun {
  proc: ChildProcess;
  output: () => string;
  /** resolves with the output so far once it matches, rejects if the process ends first or time runs out */
  waitFor: (pattern: RegExp, timeoutMs: number) => Promise<string>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Ctrl-C: SIGINT to the whole process group, as a terminal sends it */
  interrupt: () => void;
}

/** `make <target>` in its own process group, the way a terminal runs it. */
export function runMake(target: string, env: Record<string, string>): MakeRun {
  const proc = spawn('make', ['--no-print-directory', target], { cwd: ROOT, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  proc.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('close', (code, signal) => resolve({ code, signal })));
  let ended = false;
  void exit.then(() => (ended = true));
  const waitFor = async (pattern: RegExp, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(text)) {
      if (ended) throw new Error(`make ${target} ended before printing ${pattern}:\n${text}`);
      if (Date.now() > deadline) throw new Error(`make ${target} did not print ${pattern} within ${timeoutMs / 1000} s:\n${text}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return text;
  };
  const interrupt = () => {
    try {
      process.kill(-proc.pid!, 'SIGINT');
    } catch {
      // already gone
    }
  };
  return { proc, output: () => text, waitFor, exit, interrupt };
}
