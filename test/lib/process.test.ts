import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import test from 'node:test';
import { CommandFailed, CommandNotFound, isCommandNotFound, run, runOk } from '../../scripts/lib/process.ts';

const ROOT = join(import.meta.dirname, '../..');

test('each argument reaches the command as one word, whatever it holds', async () => {
  const args = ['a b', "it's", '$HOME', '', 'x\ny', '*', '`id`', ';exit 9'];
  const r = await run(process.execPath, ['-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...args]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), args);
});

test('captured mode: exit code, stdout, stderr and both interleaved; input goes to stdin only', async () => {
  const r = await run('sh', ['-c', 'cat; echo oops >&2; exit 3'], { input: 'the-secret' });
  assert.deepEqual([r.code, r.stdout, r.stderr, r.output, r.signal, r.timedOut], [3, 'the-secret', 'oops\n', 'the-secretoops\n', null, false]);
  const failed = await runOk('sh', ['-c', 'cat >/dev/null; echo denied >&2; exit 1'], { input: 'the-secret' }).catch((e: unknown) => e);
  assert.ok(failed instanceof CommandFailed);
  assert.equal(failed.message, '`sh -c cat >/dev/null; echo denied >&2; exit 1` exited 1: denied');
  assert.doesNotMatch(failed.message, /the-secret/);
});

test('without input, stdin is empty rather than left open', async () => {
  assert.equal(await runOk('sh', ['-c', 'read x; echo "[$x]"'], { timeoutMs: 10_000 }), '[]\n');
});

test('cwd and env are the command\'s', async () => {
  assert.equal(await runOk('sh', ['-c', 'pwd; echo $L2F_X'], { cwd: '/tmp', env: { PATH: process.env.PATH, L2F_X: 'y' } }), '/tmp\ny\n');
});

test('a command not on PATH rejects with CommandNotFound (code ENOENT)', async () => {
  const err = await run('l2f-no-such-command', []).catch((e: unknown) => e);
  assert.ok(isCommandNotFound(err) && err instanceof CommandNotFound);
  assert.equal((err as CommandNotFound).code, 'ENOENT');
  const onlyNode = await run('sh', ['-c', 'true'], { env: { PATH: '/nonexistent' } }).catch((e: unknown) => e);
  assert.ok(isCommandNotFound(onlyNode), 'PATH is the one in env');
});

test('a timeout ends the command with SIGTERM and says so', async () => {
  const started = performance.now();
  const r = await run('sleep', ['30'], { timeoutMs: 200 });
  assert.ok(performance.now() - started < 5_000);
  assert.deepEqual([r.code, r.signal, r.timedOut], [128, 'SIGTERM', true]);
});

test('an abort kills the command and rejects with the AbortError', async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  const err = await run('sleep', ['30'], { signal: ac.signal }).catch((e: unknown) => e);
  assert.equal((err as Error).name, 'AbortError');
});

test('zx prints nothing of its own, even with ZX_VERBOSE set; inherited stdio shows the command\'s output live', () => {
  const script = `
    import { run } from ${JSON.stringify(join(ROOT, 'scripts/lib/process.ts'))};
    await run('sh', ['-c', 'echo captured; echo captured-err >&2'], { input: 'the-secret' });
    await run('sh', ['-c', 'echo live'], { stdio: 'inherit' });`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, ZX_VERBOSE: 'true', ZX_QUIET: 'false' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.deepEqual([r.status, r.stdout, r.stderr], [0, 'live\n', '']);
});

test('on a terminal a long command shows its own output as it comes, and the output is still captured', async () => {
  const shown: string[] = [];
  const lines: string[] = [];
  const r = await run('sh', ['-c', 'echo layer 1/2; sleep 0.2; echo layer 2/2 >&2'], { progress: { label: 'x', log: (l) => lines.push(l), tty: true, write: (c) => shown.push(c) } });
  assert.equal(r.code, 0);
  assert.deepEqual(shown.join('').trim().split('\n'), ['layer 1/2', 'layer 2/2']);
  assert.match(r.output, /layer 1\/2\nlayer 2\/2/);
  assert.deepEqual(lines, [], 'no heartbeat lines on a terminal');
});

test('off a terminal a long command gets a line every few seconds with the time so far and its latest output', async () => {
  const lines: string[] = [];
  await run('sh', ['-c', 'echo step one; sleep 0.35; echo step two; sleep 0.35'], { progress: { label: 'docker push', log: (l) => lines.push(l), tty: false, everyMs: 100 } });
  assert.ok(lines.length >= 4, lines.join('\n'));
  assert.match(lines[0] ?? '', /^ {4}docker push: 0s — step one$/);
  assert.match(lines.at(-1) ?? '', /— step two$/);
});
