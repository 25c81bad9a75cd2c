import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { contentTag, gitTag } from '../../scripts/resources/image.ts';
import { TRANSIENT, matchTransient, retryTransient } from '../../scripts/resources/retry.ts';
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

test('only the named eventual-consistency errors count as transient: by name, and by message where the name is broad', () => {
  const create = [TRANSIENT.serviceLinkedRole, TRANSIENT.clusterNotFound];
  const slr = awsError('InvalidParameterException', 'Unable to assume the service linked role. Please verify that the ECS service linked role exists.');
  assert.equal(matchTransient(slr, create), TRANSIENT.serviceLinkedRole);
  assert.equal(matchTransient(awsError('ClusterNotFoundException', 'Cluster not found.'), create), TRANSIENT.clusterNotFound);
  assert.equal(matchTransient(awsError('NoSuchEntityException', 'The role with name x cannot be found.'), [TRANSIENT.roleNotFound]), TRANSIENT.roleNotFound);
  // the old guess: the task execution role error is the load balancer's, never a synchronous CreateService answer
  assert.equal(matchTransient(awsError('InvalidParameterException', "ECS was unable to assume the role 'arn' that was provided"), create), undefined);
  assert.equal(matchTransient(awsError('InvalidParameterException', 'subnet not found'), create), undefined);
  assert.equal(matchTransient(awsError('ClusterNotFoundException', 'x'), [TRANSIENT.groupNotFound]), undefined, 'only the errors asked for');
});

test('the transient retry is bounded: it retries the error saying what it waits for, then gives up with it; other errors fail at once', async () => {
  let calls = 0;
  const lines: string[] = [];
  const notYet = awsError('InvalidGroup.NotFound', "The security group 'sg-1' does not exist");
  const ok = await retryTransient('Op', [TRANSIENT.groupNotFound], async () => (++calls < 3 ? Promise.reject(notYet) : 'done'), (l) => lines.push(l), [1, 1, 1]);
  assert.deepEqual([ok, calls], ['done', 3]);
  assert.match(lines[0] ?? '', /Op: the security group created a moment ago is not visible to EC2 yet — retrying in 0\.0s/);
  calls = 0;
  await assert.rejects(retryTransient('Op', [TRANSIENT.groupNotFound], async () => (calls++, Promise.reject(notYet)), () => {}, [1, 1]), /does not exist/);
  assert.equal(calls, 3);
  calls = 0;
  await assert.rejects(retryTransient('Op', [TRANSIENT.groupNotFound], async () => (calls++, Promise.reject(awsError('ClientException', 'bad'))), () => {}, [1, 1]), /bad/);
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
