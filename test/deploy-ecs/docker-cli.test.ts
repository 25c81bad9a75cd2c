import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { dockerBuild, dockerPush } from '../../scripts/resources/image.ts';
import { stubAws } from './stub-aws.ts';

// A `docker` on PATH that records each call (with the DOCKER_HOST it got) and answers like the
// real CLI: what the image module sends to Docker, without a daemon.
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const STUB = `#!/bin/sh
echo "DOCKER_HOST=$DOCKER_HOST BUILDX_NO_DEFAULT_ATTESTATIONS=$BUILDX_NO_DEFAULT_ATTESTATIONS $*" >> "$L2F_STUB_LOG"
[ "$1" = "--config" ] && shift 2
case "$1" in
  context) echo "$L2F_STUB_CONTEXT_HOST" ;;
  buildx) exit "$L2F_STUB_BUILDX" ;;
  build)
    while [ $# -gt 0 ]; do [ "$1" = "--iidfile" ] && printf 'sha256:%s' "${'cd'.repeat(32)}" > "$2"; shift; done
    echo "Step 1/2 : FROM node:24-slim"; sleep 0.4; echo "Step 2/2 : COPY . ."; sleep 0.4 ;;
  login|tag) ;;
  push) echo "5f70bf18a086: Pushed"; sleep 0.4; echo "l2f: digest: ${DIGEST} size: 1570" ;;
esac
`;
let dir: string;
let log: string;
const saved = { ...process.env };
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'l2f-docker-stub-'));
  log = join(dir, 'calls.log');
  writeFileSync(join(dir, 'docker'), STUB);
  chmodSync(join(dir, 'docker'), 0o755);
  Object.assign(process.env, { PATH: `${dir}:${process.env.PATH}`, L2F_STUB_LOG: log, L2F_STUB_CONTEXT_HOST: 'unix:///Users/me/.colima/default/docker.sock', L2F_STUB_BUILDX: '1' });
  delete process.env.DOCKER_HOST;
});
after(() => {
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
});
const calls = () => readFileSync(log, 'utf8').trim().split('\n');
const build = () => ({ context: dir, dockerfile: join(dir, 'Dockerfile'), args: {} });
const ecr = () => stubAws({ GetAuthorizationToken: () => ({ authorizationData: [{ authorizationToken: Buffer.from('AWS:secret').toString('base64'), proxyEndpoint: 'https://1.dkr.ecr.us-east-1.amazonaws.com' }] }) });

test('login and push with their throw-away config talk to the daemon of the current Docker context (its endpoint as DOCKER_HOST)', async () => {
  writeFileSync(log, '');
  const digest = await dockerPush(ecr(), 'sha256:x', '1.dkr.ecr.us-east-1.amazonaws.com/web-test', 'git-abc', () => {});
  assert.equal(digest, DIGEST);
  const login = calls().find((c) => / login /.test(c)) ?? '';
  const push = calls().find((c) => / push /.test(c)) ?? '';
  assert.match(login, /^DOCKER_HOST=unix:\/\/\/Users\/me\/\.colima\/default\/docker\.sock .*--config \S+ login/);
  assert.match(push, /^DOCKER_HOST=unix:\/\/\/Users\/me\/\.colima\/default\/docker\.sock .*--config \S+ push 1\.dkr/);
});

test('a DOCKER_HOST the user set is kept as it is', async () => {
  writeFileSync(log, '');
  process.env.DOCKER_HOST = 'tcp://10.0.0.5:2375';
  try {
    await dockerPush(ecr(), 'sha256:x', '1.dkr.ecr.us-east-1.amazonaws.com/web-test', 'git-abc', () => {});
  } finally {
    delete process.env.DOCKER_HOST;
  }
  assert.ok(calls().filter((c) => / (login|push) /.test(c)).every((c) => c.startsWith('DOCKER_HOST=tcp://10.0.0.5:2375 ')), calls().join('\n'));
  assert.ok(!calls().some((c) => / context inspect/.test(c)), 'no context lookup');
});

test('builds go without provenance/SBOM attestations where buildx adds them, and without the flags the legacy builder refuses', async () => {
  writeFileSync(log, '');
  process.env.L2F_STUB_BUILDX = '0';
  await dockerBuild(build(), 'linux/x86_64', 'web:l2f-build', () => {});
  const withBuildx = calls().find((c) => / build /.test(c) && !/buildx/.test(c)) ?? '';
  assert.match(withBuildx, /BUILDX_NO_DEFAULT_ATTESTATIONS=1 build --provenance=false --sbom=false /);
  writeFileSync(log, '');
  process.env.L2F_STUB_BUILDX = '1';
  await dockerBuild(build(), 'linux/x86_64', 'web:l2f-build', () => {});
  const legacy = calls().find((c) => / build /.test(c) && !/buildx/.test(c)) ?? '';
  assert.doesNotMatch(legacy, /--provenance|--sbom/);
});

test('a long build and push say how far they are every few seconds when not on a terminal', async () => {
  process.env.L2F_PROGRESS_MS = '150';
  try {
    const lines: string[] = [];
    await dockerBuild(build(), 'linux/x86_64', 'web:l2f-build', (l) => lines.push(l));
    assert.ok(lines.some((l) => /^ {4}docker build: \d+s — Step [12]\/2/.test(l)), lines.join('\n'));
    const pushed: string[] = [];
    await dockerPush(ecr(), 'sha256:x', '1.dkr.ecr.us-east-1.amazonaws.com/web-test', 'git-abc', (l) => pushed.push(l));
    assert.ok(pushed.some((l) => /^ {4}docker push: \d+s — 5f70bf18a086: Pushed/.test(l)), pushed.join('\n'));
  } finally {
    delete process.env.L2F_PROGRESS_MS;
  }
});
