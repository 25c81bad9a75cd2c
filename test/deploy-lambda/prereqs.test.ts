import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkEsbuild } from '../../scripts/lambda/prereqs.ts';
import { ToolError } from '../../scripts/lib/errors.ts';

test('the esbuild check finds the project esbuild sam build will use', () => {
  const root = join(import.meta.dirname, '../..');
  assert.equal(checkEsbuild(root), join(root, 'node_modules/.bin'));
});

test('without node_modules/.bin/esbuild the check fails with exit code 1 and says to run npm ci', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'l2f-no-esbuild-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  assert.throws(
    () => checkEsbuild(root),
    (e: unknown) => e instanceof ToolError && e.exitCode === 1 && /^esbuild: .*esbuild is missing .* — run `npm ci`/.test(e.message),
  );
});
