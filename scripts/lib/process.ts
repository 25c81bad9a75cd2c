import { isAbsolute, resolve } from 'node:path';
import { $, which } from 'zx/core';

/**
 * The one place that runs a one-shot external command (docker, git, sam, …), on zx. Long-running
 * servers with prefixed output and ordered shutdown are scripts/local/children.ts's business.
 *
 * Secrets go to stdin (`input`), never into `args`: the command line is what error messages name.
 * zx is pinned so nothing about a command reaches our output unless asked for: verbose off, quiet,
 * and a logger that drops everything, whatever ZX_* variables the environment sets.
 */
export interface RunOptions {
  cwd?: string;
  /** written to stdin, which is then closed; without it stdin is /dev/null (inherited with `stdio: 'inherit'`) */
  input?: string;
  /** the whole environment of the command (default: this process's) */
  env?: NodeJS.ProcessEnv;
  /** SIGTERM after this long; the result then has `timedOut` */
  timeoutMs?: number;
  /** aborting kills the command and rejects with the AbortError */
  signal?: AbortSignal;
  /** 'pipe' (default) captures stdout and stderr; 'inherit' shows them live and captures nothing */
  stdio?: 'pipe' | 'inherit';
  /**
   * A long command's progress, while still capturing its output: on a terminal its output is shown
   * as it comes (layers, bytes); otherwise one line every `everyMs` (default 5 s) with the time so
   * far and its latest output line, so a slow build or push is never minutes of silence.
   */
  progress?: Progress;
}

export interface Progress {
  /** e.g. `docker push` */
  label: string;
  log: (line: string) => void;
  /** default L2F_PROGRESS_MS, else 5 s */
  everyMs?: number;
  /** default: whether this process's stdout is a terminal */
  tty?: boolean;
  /** where a terminal's live output goes (default: stderr) */
  write?: (chunk: string) => void;
}

export interface RunResult {
  /** the exit code; 128 when a signal ended the command */
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they came */
  output: string;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
}

/** Rejection of `run`/`runOk` when the command is not on PATH (code ENOENT, as spawn reports it). */
export class CommandNotFound extends Error {
  readonly code = 'ENOENT';
  constructor(readonly command: string) {
    super(`${command}: command not found`);
  }
}

export function isCommandNotFound(err: unknown): err is CommandNotFound {
  return err instanceof CommandNotFound;
}

/** Rejection of `runOk` when the command exits non-zero: names the command line and the stderr tail. */
export class CommandFailed extends Error {
  constructor(readonly argv: string[], readonly result: RunResult) {
    super(`\`${argv.join(' ')}\` exited ${result.code}${result.timedOut ? ' (timed out)' : ''}${result.stderr.trim() ? `: ${lastLines(result.stderr, 5)}` : ''}`);
  }
}

// POSIX sh quoting, so the pinned /bin/sh (not bash's $'…') reads every argument back as one word
const quote = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);
const ignore = () => {};

/**
 * Runs `cmd args…` through /bin/sh: each argument quoted on its own, and `exec` makes the command
 * the shell's process, so signals and the exit status are its own. Resolves whatever the exit
 * code; rejects with `CommandNotFound` when `cmd` is not on the PATH of `env`, with the AbortError
 * when `signal` aborts, or with the spawn error when it cannot start (a missing `cwd`).
 */
export async function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const env = opts.env ?? process.env;
  const path = cmd.includes('/') ? (isAbsolute(cmd) ? cmd : resolve(opts.cwd ?? '.', cmd)) : cmd;
  if (!(await which(path, { path: env.PATH ?? '', nothrow: true }))) throw new CommandNotFound(cmd);
  const inherit = opts.stdio === 'inherit';
  let timedOut = false;
  const p = $({
    cwd: opts.cwd ?? process.cwd(), // zx would take the directory it was imported in
    env,
    input: opts.input,
    stdio: inherit ? 'inherit' : [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    signal: opts.signal,
    shell: '/bin/sh',
    prefix: 'exec ',
    postfix: '',
    quote,
    verbose: false,
    quiet: true,
    nothrow: true,
    preferLocal: false,
    detached: false,
    log: ignore as typeof $.log,
  })`${cmd} ${args}`;
  // a command that exits before reading its input must not take this process down with EPIPE
  p.stdin?.on('error', ignore);
  const stopProgress = opts.progress && !inherit ? watch(p, opts.progress) : undefined;
  const timer = opts.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        p.child?.kill('SIGTERM');
      }, opts.timeoutMs)
    : undefined;
  try {
    const out = await p;
    if (out.cause) throw out.cause;
    const signal = (out.signal as NodeJS.Signals | null) ?? null;
    return { code: out.exitCode ?? (signal ? 128 : 1), stdout: out.stdout, stderr: out.stderr, output: out.stdall, signal, timedOut };
  } finally {
    if (timer) clearTimeout(timer);
    stopProgress?.();
  }
}

/** Shows a running command's progress (see RunOptions.progress); returns what stops it. */
function watch(p: { stdout: NodeJS.ReadableStream; stderr: NodeJS.ReadableStream }, progress: Progress): () => void {
  const tty = progress.tty ?? !!process.stdout.isTTY;
  const write = progress.write ?? ((chunk: string) => void process.stderr.write(chunk));
  let last = '';
  const onData = (chunk: Buffer | string) => {
    const text = chunk.toString();
    if (tty) write(text);
    const lines = text.split(/\r?\n|\r/).map((l) => l.trim()).filter(Boolean);
    if (lines.length) last = lines[lines.length - 1]!;
  };
  p.stdout.on('data', onData);
  p.stderr.on('data', onData);
  if (tty) return () => {};
  const started = Date.now();
  const timer = setInterval(() => {
    progress.log(`    ${progress.label}: ${Math.round((Date.now() - started) / 1000)}s${last ? ` — ${last.slice(0, 160)}` : ''}`);
  }, progress.everyMs ?? (Number(process.env.L2F_PROGRESS_MS) || 5_000));
  timer.unref();
  return () => clearInterval(timer);
}

/** `run`, then the stdout of a command that must succeed; rejects with `CommandFailed` otherwise. */
export async function runOk(cmd: string, args: string[], opts: RunOptions = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new CommandFailed([cmd, ...args], r);
  return r.stdout;
}

export function lastLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}
