import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planLines, resultLine } from '../../scripts/clean/report.ts';
import { repositoryOfImage } from '../../scripts/clean/find-ecs.ts';
import type { Found } from '../../scripts/clean/types.ts';

const owned: Found = { kind: 'repository', name: 'hello-test', id: 'hello-test', owned: true, detail: '2 images' };
const foreign: Found = { kind: 'log-group', name: '/ecs/hello-test', id: '/ecs/hello-test', owned: false };

test('the plan lists what will be deleted apart from what is left alone, and says why', () => {
  const lines = planLines([owned, foreign]);
  assert.equal(lines[0], 'to delete (1):');
  assert.match(lines[1] ?? '', /repository\s+hello-test — 2 images/);
  assert.match(lines[2] ?? '', /not created by lambda2fargate — left alone \(1\)/);
  assert.match(lines[3] ?? '', /\/ecs\/hello-test .*no managed-by=lambda2fargate tags/);
});

test('a result line marks failures so they stand out', () => {
  assert.match(resultLine({ item: owned, outcome: 'failed', note: 'boom' }), /^ {2}✗ repository\s+hello-test: boom$/);
  assert.match(resultLine({ item: owned, outcome: 'deleted', note: 'deleted' }), /^ {2}✓ /);
});

test('the repository of an image is found for ECR and registry URIs, not for Docker Hub short names', () => {
  assert.equal(repositoryOfImage('123456789012.dkr.ecr.us-east-1.amazonaws.com/hello-test:abc123'), 'hello-test');
  assert.equal(repositoryOfImage('127.0.0.1:5001/team/hello-test@sha256:0f'), 'team/hello-test');
  assert.equal(repositoryOfImage('nginx:1.27'), undefined);
  assert.equal(repositoryOfImage('library/nginx'), undefined);
});
