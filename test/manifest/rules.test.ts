import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cidrProblem } from '../../scripts/manifest/cidr.ts';
import { formatDuration, seconds } from '../../scripts/manifest/duration.ts';
import { fargateCpus, fargateSizeProblem } from '../../scripts/manifest/fargate.ts';
import { nameProblems, resourceNames } from '../../scripts/manifest/names.ts';
import { editDistance, nearest } from '../../scripts/manifest/suggest.ts';

describe('Fargate CPU/memory pairs', () => {
  const accepted = (cpu: number) => {
    const out: number[] = [];
    for (let m = 512; m <= 122880; m += 512) if (!fargateSizeProblem(cpu, m)) out.push(m);
    return out;
  };
  const steps = (from: number, to: number, step: number) => Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);

  test('exactly the sizes in the ECS task size table are accepted', () => {
    assert.deepEqual(fargateCpus, [256, 512, 1024, 2048, 4096, 8192, 16384]);
    assert.deepEqual(accepted(256), [512, 1024, 2048]);
    assert.deepEqual(accepted(512), steps(1024, 4096, 1024));
    assert.deepEqual(accepted(1024), steps(2048, 8192, 1024));
    assert.deepEqual(accepted(2048), steps(4096, 16384, 1024));
    assert.deepEqual(accepted(4096), steps(8192, 30720, 1024));
    assert.deepEqual(accepted(8192), steps(16384, 61440, 4096));
    assert.deepEqual(accepted(16384), steps(32768, 122880, 8192));
  });

  test('a refused pair says why and which CPU sizes would take that memory', () => {
    assert.equal(fargateSizeProblem(128, 512), 'Fargate has no 128 CPU size — use 256, 512, 1024, 2048, 4096, 8192, 16384');
    assert.match(fargateSizeProblem(2048, 2048) ?? '', /^2048 MiB is too little for cpu 2048 — .* 4096 to 16384 in steps of 1024; 2048 MiB runs with cpu 256, 512 or 1024$/);
    assert.match(fargateSizeProblem(4096, 32768) ?? '', /^32768 MiB is too much for cpu 4096 — .*; 32768 MiB runs with cpu 8192 or 16384$/);
    assert.equal(fargateSizeProblem(16384, 36864), '36864 MiB is not a size Fargate offers for cpu 16384 — with cpu 16384 Fargate takes memory 32768 to 122880 in steps of 8192; 36864 MiB runs with cpu 8192');
  });
});

describe('CIDRs', () => {
  test('IPv4 networks are accepted', () => {
    for (const c of ['0.0.0.0/0', '10.0.0.0/8', '203.0.113.0/24', '198.51.100.7/32', '255.255.255.255/32']) assert.equal(cidrProblem(c), undefined, c);
  });

  test('each kind of bad CIDR gets its own fix', () => {
    assert.match(cidrProblem('10.0.0.256/32') ?? '', /is not an IPv4 CIDR/);
    assert.match(cidrProblem('10.0.0/8') ?? '', /is not an IPv4 CIDR/);
    assert.match(cidrProblem('010.0.0.0/8') ?? '', /is not an IPv4 CIDR/);
    assert.match(cidrProblem('anywhere') ?? '', /is not an IPv4 CIDR/);
    assert.equal(cidrProblem('10.1.2.3'), '"10.1.2.3" has no prefix length — write 10.1.2.3/32 for this one address');
    assert.equal(cidrProblem('10.0.0.0/40'), '"10.0.0.0/40" has a prefix length over 32 — n in a.b.c.d/n is 0–32');
    assert.equal(cidrProblem('192.168.1.77/16'), '"192.168.1.77/16" has bits set after the first 16 — did you mean 192.168.0.0/16?');
    assert.equal(cidrProblem('1.2.3.4/0'), '"1.2.3.4/0" has bits set after the first 0 — did you mean 0.0.0.0/0?');
    assert.match(cidrProblem('::/0') ?? '', /IPv6 .* only IPv4 CIDRs are supported/);
  });
});

describe('durations', () => {
  test('h, m and s add up to seconds and print back the same way', () => {
    assert.deepEqual(['30s', '5m', '1h30m', '2h', '1m1s', '0s'].map(seconds), [30, 300, 5400, 7200, 61, 0]);
    assert.deepEqual([30, 300, 5400, 7200, 61, 0].map(formatDuration), ['30s', '5m', '1h30m', '2h', '1m1s', '0s']);
    assert.throws(() => seconds('5 minutes'));
  });
});

describe('resource names', () => {
  test('derive from <name>-<environment> as the architecture fixes them', () => {
    assert.deepEqual(resourceNames('hello', 'prod'), {
      cluster: 'hello-prod',
      service: 'hello-prod',
      family: 'hello-prod',
      repository: 'hello-prod',
      executionRole: 'hello-prod-exec',
      taskRole: 'hello-prod-task',
      securityGroup: 'hello-prod-sg',
      logGroup: '/ecs/hello-prod',
      container: 'hello',
    });
    assert.deepEqual(nameProblems(resourceNames('hello', 'prod')), []);
  });

  test('the IAM role is the first limit a long name hits, at 64 characters including -exec', () => {
    const fits = 'a'.repeat(64 - '-prod-exec'.length);
    assert.deepEqual(nameProblems(resourceNames(fits, 'prod')), []);
    assert.deepEqual(nameProblems(resourceNames(`${fits}b`, 'prod')), [
      `makes the IAM role name "${fits}b-prod-exec" 65 characters long; IAM role names allow at most 64 — shorten the name or the environment name by 1`,
    ]);
  });

  test('a name breaking several resources is reported once per resource, naming each limit', () => {
    const problems = nameProblems(resourceNames('x'.repeat(300), 'test'));
    assert.deepEqual(
      problems.map((p) => /the (.+?) name/.exec(p)?.[1]),
      ['ECS cluster', 'ECS service', 'ECS task definition family', 'ECR repository', 'IAM role', 'security group', 'ECS container'],
    );
    assert.ok(problems.every((p) => /allow at most (255|256|64)/.test(p)));
  });

  test('characters a resource refuses are named with what it allows', () => {
    assert.deepEqual(nameProblems(resourceNames('a--b', 'test')), [
      'makes the ECR repository name "a--b-test", which ECR repository names do not allow (lower-case letters, digits and single . _ - / between them)',
    ]);
  });
});

describe('nearest-name suggestions', () => {
  test('a swapped pair of letters is one edit', () => {
    assert.equal(editDistance('memroy', 'memory'), 1);
    assert.equal(editDistance('cpu', 'cpu'), 0);
    assert.equal(editDistance('', 'port'), 4);
  });

  test('typos and wrong case find the field; unrelated words find nothing', () => {
    const fields = ['name', 'image', 'platform', 'cpu', 'memory', 'count', 'variables', 'healthcheck', 'logging', 'network', 'deployment', 'tags'];
    assert.equal(nearest('memroy', fields), 'memory');
    assert.equal(nearest('healthCheck', fields), 'healthcheck');
    assert.equal(nearest('cpus', fields), 'cpu');
    assert.equal(nearest('enviroment', fields), undefined);
    assert.equal(nearest('replicas', fields), undefined);
  });
});
