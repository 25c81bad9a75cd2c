import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Child {
  name: string;
  process: ChildProcess;
  /** why it ended, once it has */
  exited: () => string | undefined;
  done: Promise<void>;
  /** SIGTERM, then SIGKILL after graceMs; resolves once it has exited */
  stop: (graceMs?: number) => Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** each output line, already without its newline; default: prints it with the child's name */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** discard stdout unread (a server logging every request under load would cost the parent CPU) */
  quietStdout?: boolean;
}

/**
 * Starts a child in its own process group, so a Ctrl-C in the terminal reaches only the parent,
 * which then stops its children in order instead of having them race it.
 */
export function startChild(o: StartOptions): Child {
  const proc = spawn(o.command, o.args, {
    cwd: o.cwd,
    env: o.env ?? process.env,
    stdio: ['ignore', o.quietStdout ? 'ignore' : 'pipe', 'pipe'],
    detached: true,
  });
  const onLine = o.onLine ?? ((line, stream) => (stream === 'stderr' ? process.stderr : process.stdout).write(`${o.name} | ${line}\n`));
  if (proc.stdout) createInterface({ input: proc.stdout }).on('line', (l) => onLine(l, 'stdout'));
  createInterface({ input: proc.stderr! }).on('line', (l) => onLine(l, 'stderr'));
  let reason: string | undefined;
  const done = new Promise<void>((resolve) => {
    proc.once('error', (err) => {
      reason = `could not start ${o.command}: ${err.message}`;
      resolve();
    });
    proc.once('exit', (code, signal) => {
      reason = signal ? `exited on ${signal}` : `exited with code ${code}`;
      resolve();
    });
  });
  const stop = async (graceMs = 5_000) => {
    if (reason) return;
    signal(proc, 'SIGTERM');
    const timer = setTimeout(() => signal(proc, 'SIGKILL'), graceMs);
    await done;
    clearTimeout(timer);
  };
  return { name: o.name, process: proc, exited: () => reason, done, stop };
}

function signal(proc: ChildProcess, sig: NodeJS.Signals): void {
  try {
    // the whole group: tsx runs the script in a grandchild
    if (proc.pid) process.kill(-proc.pid, sig);
  } catch {
    proc.kill(sig);
  }
}

/** `node --import tsx <script>`, with the same node that runs this script. */
export function nodeTs(script: string): { command: string; args: string[] } {
  return { command: process.execPath, args: ['--import', 'tsx', script] };
}
