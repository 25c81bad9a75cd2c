import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AttachRolePolicyCommand, CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { strToU8, zipSync } from 'fflate';
import type { FakeAws } from '../fake-aws/index.ts';
import { sdkClients } from '../fake-aws/sdk.ts';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TSX = import.meta.resolve('tsx');

// every project folder of this test process, removed when it exits
const ROOT = mkdtempSync(join(tmpdir(), 'l2f-init-test-'));
process.once('exit', () => rmSync(ROOT, { recursive: true, force: true }));

/**
 * A project folder init writes into: manifests/, and the Dockerfile the manifest builds with.
 * `full` copies what the image build reads (Dockerfile, .dockerignore, package files, lambda/,
 * container/, functions/), for tests that build and run it.
 */
export function project(full = false): string {
  const dir = mkdtempSync(join(ROOT, 'project-'));
  mkdirSync(join(dir, 'manifests'));
  if (!full) {
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
    cpSync(join(REPO, 'functions'), join(dir, 'functions'), { recursive: true });
    return dir;
  }
  for (const f of ['Dockerfile', '.dockerignore', 'package.json', 'package-lock.json', 'lambda', 'container', 'functions', 'manifests/schema']) {
    cpSync(join(REPO, f), join(dir, f), { recursive: true });
  }
  return dir;
}

export interface InitRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `make init`'s script as a child process in `cwd`, talking to the fake. */
export function runInit(fake: FakeAws, cwd: string, env: Record<string, string>): Promise<InitRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, join(REPO, 'scripts/init.ts')], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...fake.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export const output = (r: InitRun) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

const lambdaTrust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

/** A function's execution role as the Lambda console makes it, plus what the function itself may do. */
export async function functionRole(fake: FakeAws, name: string, opts: { managed?: string[]; inline?: Record<string, unknown[]> } = {}): Promise<string> {
  const { iam } = sdkClients(fake);
  const role = await iam.send(new CreateRoleCommand({ RoleName: name, Path: '/service-role/', AssumeRolePolicyDocument: lambdaTrust }));
  for (const arn of ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', ...(opts.managed ?? [])]) {
    await iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: arn }));
  }
  for (const [policy, statements] of Object.entries(opts.inline ?? {})) {
    await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: policy, PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }));
  }
  return role.Role?.Arn ?? '';
}

/** A deployment package: a CommonJS handler and a dependency under node_modules, as a bundled function ships. */
export function packageZip(): Buffer {
  return Buffer.from(
    zipSync({
      'index.js': strToU8(
        [
          "const { greet } = require('greeting');",
          'exports.handler = async (event, context) => ({',
          '  statusCode: 200,',
          "  headers: { 'content-type': 'application/json' },",
          '  body: JSON.stringify({ message: greet(context.functionName), path: event.rawPath, table: process.env.TABLE_NAME }),',
          '});',
          '',
        ].join('\n'),
      ),
      'node_modules/greeting/package.json': strToU8('{"name":"greeting","version":"1.0.0","main":"index.js"}'),
      'node_modules/greeting/index.js': strToU8("exports.greet = (name) => `hello from ${name}`;\n"),
    }),
  );
}

/** The container server as a process in the project folder, with the environment the task definition gives it. */
export async function serveProject(dir: string, env: Record<string, string>): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', TSX, join(REPO, 'container/server.ts')], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, HOST: '127.0.0.1', PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /"message":"listening","url":"([^"]+)"/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exit.then((code) => reject(new Error(`the container server exited with ${code} before listening:\n${out}`)));
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exit;
    },
  };
}
