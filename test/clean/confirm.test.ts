import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, cleanEnv, leftovers, runScript, show, withFake, workspace } from './support.ts';

const LOCATION = 'lambda2fargate:local';

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Runs clean in a pseudo-terminal (util-linux `script`), typing `answer` at the prompt. */
function cleanInTerminal(env: Record<string, string>, answer: string): Promise<{ code: number | null; out: string }> {
  const command = `${process.execPath} --import tsx ${join(ROOT, 'scripts/clean.ts')}`;
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let answered = false;
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    // readline moves the cursor after the prompt, so the prompt is not the end of the output
    if (!answered && /\[y\/N\]/.test(out)) {
      answered = true;
      child.stdin.write(`${answer}\n`);
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    }),
  );
}

test('in a terminal, clean shows the plan and asks; anything but yes deletes nothing', { skip: !hasScript && 'util-linux `script` is not installed' }, async (t) => {
  const fake = await withFake(t);
  const ws = await workspace(t, { name: 'ask', location: LOCATION });
  assert.equal((await runScript('deploy-ecs', cleanEnv(fake, ws))).code, 0);
  const before = await leftovers(fake);
  const { YES: _yes, ...env } = cleanEnv(fake, ws);
  const no = await cleanInTerminal(env, 'n');
  assert.equal(no.code, 0, no.out);
  assert.match(no.out, /to delete \(6\):[\s\S]*delete these 6 resources\? \[y\/N\] /);
  assert.match(no.out, /nothing deleted \(answer was not yes\) — YES=1 skips the question/);
  assert.deepEqual(await leftovers(fake), before);

  const yes = await cleanInTerminal(env, 'y');
  assert.equal(yes.code, 0, yes.out);
  assert.match(yes.out, /inventory check: nothing created by lambda2fargate for ask \(test\) is left/);
  assert.deepEqual(await leftovers(fake), []);
});

test('every revision of the task definition family is deregistered and deleted', async (t) => {
  const fake = await withFake(t);
  const first = await workspace(t, { name: 'revs', location: LOCATION });
  assert.equal((await runScript('deploy-ecs', cleanEnv(fake, first))).code, 0);
  const second = await workspace(t, { name: 'revs', location: LOCATION, variables: { GREETING: 'again' } });
  assert.equal((await runScript('deploy-ecs', cleanEnv(fake, second))).code, 0);
  assert.deepEqual((await fake.snapshot()).taskDefinitions, ['revs-test:1', 'revs-test:2']);
  const mark = fake.requests.length;
  const r = await runScript('clean', cleanEnv(fake, second));
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /task-definition +revs-test — 2 revisions/);
  const deleted = fake.requests.slice(mark).filter((x) => x.operation === 'DeleteTaskDefinitions').flatMap((x) => (x.params as { taskDefinitions: string[] }).taskDefinitions);
  assert.deepEqual(deleted.map((a) => a.split('/').pop()), ['revs-test:1', 'revs-test:2']);
  assert.deepEqual(await leftovers(fake), []);
});
