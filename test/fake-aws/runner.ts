import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Tasks must not outlive a test process that forgot fake.stop(). */
const orphans = { children: new Set<ChildProcess>(), containers: new Set<string>() };
process.once('exit', () => {
  for (const child of orphans.children) child.kill('SIGKILL');
  if (orphans.containers.size) {
    try {
      execFileSync('docker', ['rm', '-f', ...orphans.containers], { stdio: 'ignore', timeout: 30_000 });
    } catch {
      // best effort while exiting
    }
  }
});

/** What a task's container needs to run. */
export interface TaskSpec {
  taskId: string;
  image: string;
  ip: string;
  port?: number;
  environment: Record<string, string>;
  command?: string[];
  cpu: number;
  memory: number;
}

export interface Exit {
  code: number | null;
  /** set when the container never started (the docker run failed) */
  startError?: string;
}

export interface RunningContainer {
  exited: Promise<Exit>;
  stop(): Promise<void>;
}

/** Overrides what runs in place of the image, for tests that bring their own server. */
export type TaskCommand = (spec: TaskSpec) => { command: string; args: string[]; cwd?: string };

export interface Runner {
  start(spec: TaskSpec, onLine: (line: string) => void): Promise<RunningContainer>;
  cleanup(): Promise<void>;
}

function pipeLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  createInterface({ input: stream }).on('line', onLine);
}

/**
 * Without Docker the project's container server stands in for the image. A task whose
 * environment sets FAKE_TASK_EXIT=<n> exits with that code at once (a container that crashes).
 */
export class ProcessRunner implements Runner {
  private readonly children = new Set<ChildProcess>();
  constructor(private readonly taskCommand?: TaskCommand) {}

  private command(spec: TaskSpec): { command: string; args: string[]; cwd?: string } {
    const exit = spec.environment.FAKE_TASK_EXIT;
    if (exit !== undefined) {
      return { command: process.execPath, args: ['-e', `console.log('fake task exiting with ${Number(exit)}'); process.exit(${Number(exit)})`] };
    }
    if (this.taskCommand) return this.taskCommand(spec);
    const server = `${REPO_ROOT}container/server.ts`;
    if (!existsSync(server)) throw new Error(`fake-aws: ${server} does not exist (pass taskCommand to run something else)`);
    return { command: process.execPath, args: ['--import', 'tsx', server], cwd: REPO_ROOT };
  }

  async start(spec: TaskSpec, onLine: (line: string) => void): Promise<RunningContainer> {
    const { command, args, cwd } = this.command(spec);
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...spec.environment, HOST: spec.ip };
    if (spec.port !== undefined) env.PORT = String(spec.port);
    const child = spawn(command, args, { cwd: cwd ?? REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    orphans.children.add(child);
    pipeLines(child.stdout, onLine);
    pipeLines(child.stderr, onLine);
    const exited = new Promise<Exit>((resolve) => {
      child.on('error', (err) => resolve({ code: null, startError: `CannotStartContainerError: ${err.message}` }));
      child.on('exit', (code, signal) => {
        this.children.delete(child);
        orphans.children.delete(child);
        resolve({ code: code ?? (signal ? 128 + (signal === 'SIGKILL' ? 9 : 15) : null) });
      });
    });
    return {
      exited,
      stop: async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      },
    };
  }

  async cleanup(): Promise<void> {
    for (const child of this.children) child.kill('SIGKILL');
  }
}

/** Runs the task's image for real: host networking, its own loopback address, the task's limits. */
export class DockerRunner implements Runner {
  private readonly names = new Set<string>();
  constructor(private readonly label: string) {}

  async start(spec: TaskSpec, onLine: (line: string) => void): Promise<RunningContainer> {
    const name = `l2f-fake-${spec.taskId}`;
    const env = { ...spec.environment, HOST: spec.ip, ...(spec.port !== undefined ? { PORT: String(spec.port) } : {}) };
    const args = ['run', '-d', '--name', name, '--label', `l2f-fake=${this.label}`, '--network', 'host', '--cpus', String(spec.cpu / 1024), '--memory', `${spec.memory}m`];
    for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`);
    args.push(spec.image, ...(spec.command ?? []));
    this.names.add(name);
    orphans.containers.add(name);
    try {
      await run('docker', args, { timeout: 120_000 });
    } catch (err) {
      const stderr = String((err as { stderr?: string }).stderr ?? (err as Error).message).trim();
      const pull = /pull|manifest|not found|unauthorized|denied/i.test(stderr);
      const text = `${pull ? 'CannotPullContainerError' : 'CannotStartContainerError'}: ${stderr.split('\n').at(-1)}`;
      return { exited: Promise.resolve({ code: null, startError: text }), stop: async () => {} };
    }
    const logs = spawn('docker', ['logs', '-f', name], { stdio: ['ignore', 'pipe', 'pipe'] });
    pipeLines(logs.stdout, onLine);
    pipeLines(logs.stderr, onLine);
    const exited = run('docker', ['wait', name], { timeout: 0 }).then(
      ({ stdout }) => ({ code: Number(stdout.trim()) }),
      () => ({ code: null }),
    );
    return {
      exited,
      stop: async () => {
        await run('docker', ['stop', '-t', '5', name]).catch(() => undefined);
        await exited;
      },
    };
  }

  async cleanup(): Promise<void> {
    if (this.names.size) await run('docker', ['rm', '-f', ...this.names]).catch(() => undefined);
    for (const name of this.names) orphans.containers.delete(name);
    this.names.clear();
  }
}
