import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { contentTag, gitTag } from '../../scripts/resources/image.ts';
import { isRoleNotReady, retryWhileRoleNotReady } from '../../scripts/resources/retry.ts';
import { judge } from '../../scripts/resources/wait.ts';
import type { Deployment } from '@aws-sdk/client-ecs';

function gitRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'l2f-git-'));
  const git = (...a: string[]) => execFileSync('git', ['-C', dir, ...a], { stdio: 'pipe' });
  git('init', '-q');
  writeFileSync(join(dir, 'Dockerfile'), 'FROM node:24-slim\n');
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'x');
  return dir;
}

test('a clean git tree gives git-<sha> before building; build args and arm64 show in the tag; a dirty tree gives none', async (t) => {
  const dir = gitRepo();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const sha = execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD']).toString().trim();
  const build = { context: dir, dockerfile: join(dir, 'Dockerfile'), args: {} };
  assert.equal(await gitTag(build, 'linux/x86_64'), `git-${sha}`);
  assert.equal(await gitTag(build, 'linux/x86_64'), `git-${sha}`, 'the same tree gives the same tag');
  assert.match((await gitTag({ ...build, args: { A: '1' } }, 'linux/arm64'))!, new RegExp(`^git-${sha}-[0-9a-f]{8}-arm64$`));
  writeFileSync(join(dir, 'new.txt'), 'x');
  assert.equal(await gitTag(build, 'linux/x86_64'), undefined);
});

test('outside git the tag comes from the image id; with a dirty tree it is the commit plus the image id', () => {
  assert.equal(contentTag('sha256:0123456789abcdef0123', undefined), 'img-0123456789ab');
  assert.equal(contentTag('sha256:0123456789abcdef0123', 'abc1234'), 'git-abc1234-0123456789ab');
});

function awsError(name: string, msg: string): Error {
  return Object.assign(new Error(msg), { name });
}

test('only “unable to assume the role” and PassRole refusals count as the new role not being ready', () => {
  assert.equal(isRoleNotReady(awsError('InvalidParameterException', "ECS was unable to assume the role 'arn' that was provided")), true);
  assert.equal(isRoleNotReady(awsError('AccessDeniedException', 'not authorized to perform: iam:PassRole on resource')), true);
  assert.equal(isRoleNotReady(awsError('InvalidParameterException', 'subnet not found')), false);
  assert.equal(isRoleNotReady(awsError('ThrottlingException', 'Rate exceeded')), false);
});

test('the role retry is bounded: it retries the rejection, then gives up with it; other errors fail at once', async () => {
  let calls = 0;
  const notReady = awsError('InvalidParameterException', 'ECS was unable to assume the role x');
  const ok = await retryWhileRoleNotReady('Op', async () => (++calls < 3 ? Promise.reject(notReady) : 'done'), () => {}, [1, 1, 1]);
  assert.deepEqual([ok, calls], ['done', 3]);
  calls = 0;
  await assert.rejects(retryWhileRoleNotReady('Op', async () => (calls++, Promise.reject(notReady)), () => {}, [1, 1]), /unable to assume/);
  assert.equal(calls, 3);
  calls = 0;
  await assert.rejects(retryWhileRoleNotReady('Op', async () => (calls++, Promise.reject(awsError('ClientException', 'bad'))), () => {}, [1, 1]), /bad/);
  assert.equal(calls, 1);
});

test('the rollout is done when our deployment is PRIMARY and COMPLETED, failed on FAILED or a rollback, else pending', () => {
  const d = (taskDefinition: string, status: string, rolloutState?: string, extra = {}): Deployment =>
    ({ taskDefinition, status, rolloutState, runningCount: 1, desiredCount: 1, ...extra }) as Deployment;
  assert.equal(judge({ deployments: [d('td:2', 'PRIMARY', 'COMPLETED')] }, 'td:2').state, 'done');
  assert.equal(judge({ deployments: [d('td:2', 'PRIMARY', 'IN_PROGRESS'), d('td:1', 'ACTIVE', 'COMPLETED')] }, 'td:2').state, 'pending');
  const failed = judge({ deployments: [d('td:2', 'PRIMARY', 'FAILED', { rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' })] }, 'td:2');
  assert.deepEqual([failed.state, 'reason' in failed && failed.reason], ['failed', 'ECS deployment circuit breaker: tasks failed to start.']);
  assert.equal(judge({ deployments: [d('td:1', 'PRIMARY', 'IN_PROGRESS'), d('td:2', 'ACTIVE', 'FAILED')] }, 'td:2').state, 'failed');
  assert.equal(judge({ deployments: [d('td:1', 'PRIMARY', 'COMPLETED')] }, 'td:2').state, 'failed');
});

test('under DRY_RUN a write call is refused before it is sent, and reads still go out', async () => {
  const { createAws } = await import('../../scripts/lib/aws.ts');
  const { refuseWrites } = await import('../../scripts/resources/guard.ts');
  const { CreateClusterCommand, DescribeClustersCommand } = await import('@aws-sdk/client-ecs');
  const { createServer } = await import('node:http');
  let received = 0;
  const server = createServer((req, res) => {
    received++;
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{"clusters":[],"failures":[]}');
  }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const saved = { ...process.env };
  Object.assign(process.env, { AWS_ENDPOINT_URL: `http://127.0.0.1:${(server.address() as { port: number }).port}`, AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' });
  try {
    const aws = createAws('us-east-1');
    refuseWrites(aws);
    await assert.rejects(aws.ecs.send(new CreateClusterCommand({ clusterName: 'x' })), /DRY_RUN: refused to call CreateCluster/);
    assert.equal(received, 0);
    await aws.ecs.send(new DescribeClustersCommand({ clusters: ['x'] }));
    assert.equal(received, 1);
  } finally {
    process.env = saved;
    server.close();
  }
});
