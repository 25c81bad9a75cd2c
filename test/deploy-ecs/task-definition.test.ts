import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { desiredTaskDefinition, healthCheckCommand, normalizeTaskDefinition, planTaskDefinition } from '../../scripts/resources/task-definition.ts';
import type { LiveTaskDefinition } from '../../scripts/resources/task-definition.ts';
import { service } from './fixtures.ts';

const inputs = { image: 'repo@sha256:aaa', executionRoleArn: 'arn:aws:iam::1:role/web-test-exec', region: 'us-east-1' };

/** What DescribeTaskDefinition answers for a registered document: AWS fields and defaults added, lists reordered. */
function asRegistered(svc = service(), revision = 3): LiveTaskDefinition {
  const doc = desiredTaskDefinition(svc, inputs).doc;
  const c = doc.containerDefinitions![0]!;
  const td: TaskDefinition = {
    ...doc,
    taskDefinitionArn: `arn:aws:ecs:us-east-1:1:task-definition/${doc.family}:${revision}`,
    revision,
    status: 'ACTIVE',
    registeredAt: new Date(),
    registeredBy: 'arn:aws:iam::1:user/me',
    compatibilities: ['EC2', 'FARGATE'],
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' }],
    volumes: [],
    placementConstraints: [],
    containerDefinitions: [
      {
        ...c,
        cpu: 0,
        mountPoints: [],
        volumesFrom: [],
        systemControls: [],
        environment: [...(c.environment ?? [])].reverse(),
        portMappings: c.portMappings!.map(({ containerPort }) => ({ containerPort })),
      },
    ],
  };
  return { arn: td.taskDefinitionArn!, revision, doc: td, tags: {} };
}

test('the rendered definition runs on Fargate with the manifest’s size, platform, role, logs, port and init process', () => {
  const doc = desiredTaskDefinition(service({ platform: 'linux/arm64', cpu: 512, memory: 1024 }), inputs).doc;
  assert.equal(doc.networkMode, 'awsvpc');
  assert.deepEqual(doc.requiresCompatibilities, ['FARGATE']);
  assert.equal(doc.cpu, '512');
  assert.equal(doc.memory, '1024');
  assert.deepEqual(doc.runtimePlatform, { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' });
  assert.equal(doc.executionRoleArn, inputs.executionRoleArn);
  const c = doc.containerDefinitions![0]!;
  assert.equal(c.image, 'repo@sha256:aaa');
  assert.deepEqual(c.portMappings, [{ containerPort: 3000, hostPort: 3000, protocol: 'tcp' }]);
  assert.equal(c.logConfiguration?.options?.['awslogs-group'], '/ecs/web-test');
  assert.equal(c.linuxParameters?.initProcessEnabled, true);
});

test('the container gets HOST=0.0.0.0, PORT and the probed HEALTH_PATH plus the manifest’s variables, sorted, and PORT cannot be overridden', () => {
  const doc = desiredTaskDefinition(service({ variables: { ZED: '1', PORT: '9999', ALPHA: 'a' } }), inputs).doc;
  assert.deepEqual(doc.containerDefinitions![0]!.environment, [
    { name: 'ALPHA', value: 'a' },
    { name: 'HEALTH_PATH', value: '/healthz' },
    { name: 'HOST', value: '0.0.0.0' },
    { name: 'PORT', value: '3000' },
    { name: 'ZED', value: '1' },
  ]);
});

test('a health check path becomes a node fetch command (the image has no curl) with the manifest’s timings', () => {
  const hc = desiredTaskDefinition(service(), inputs).doc.containerDefinitions![0]!.healthCheck!;
  assert.equal(hc.command?.[0], 'CMD-SHELL');
  assert.match(hc.command![1]!, /^node -e "fetch\(.*:3000\/healthz'\)/);
  assert.deepEqual([hc.interval, hc.timeout, hc.retries, hc.startPeriod], [10, 5, 3, 10]);
  assert.deepEqual(healthCheckCommand('/x', 8080).length, 2);
});

test('the health check command works in a shell with HOST unset and with a specific HOST', async () => {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const { createServer } = await import('node:http');
  const sh = (cmd: string, HOST: string) => promisify(execFile)('sh', ['-c', cmd], { env: { ...process.env, HOST }, timeout: 10_000 });
  const server = createServer((req, res) => res.writeHead(req.url === '/healthz' ? 200 : 500).end()).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as { port: number }).port;
  try {
    const cmd = healthCheckCommand('/healthz', port)[1]!;
    await sh(cmd, '');
    await sh(cmd, '127.0.0.1');
    await assert.rejects(sh(healthCheckCommand('/nope', port)[1]!, '0.0.0.0'));
  } finally {
    server.close();
  }
});

test('a registered definition with AWS’s added fields and defaults plans as unchanged', () => {
  const live = asRegistered();
  const plan = planTaskDefinition(live, desiredTaskDefinition(service(), inputs));
  assert.equal(plan.action, 'unchanged', JSON.stringify(plan.changes));
  assert.equal(plan.name, 'web-test:3');
});

test('changing one variable plans a new revision whose only change is that variable', () => {
  const plan = planTaskDefinition(asRegistered(), desiredTaskDefinition(service({ variables: { GREETING: 'hello' } }), inputs));
  assert.equal(plan.action, 'update');
  assert.deepEqual(plan.changes, [{ path: 'containerDefinitions.web.environment.GREETING', from: 'hi', to: 'hello' }]);
});

test('a new image digest and a new memory size show as field changes', () => {
  const plan = planTaskDefinition(asRegistered(), desiredTaskDefinition(service({ memory: 1024 }), { ...inputs, image: 'repo@sha256:bbb' }));
  assert.deepEqual(
    plan.changes.map((c) => c.path),
    ['containerDefinitions.web.image', 'memory'],
  );
});

test('no family yet plans a create', () => {
  assert.equal(planTaskDefinition(undefined, desiredTaskDefinition(service(), inputs)).action, 'create');
});

test('normalization ignores revision metadata but keeps a field added by hand', () => {
  const live = asRegistered();
  (live.doc.containerDefinitions![0] as { privileged?: boolean }).privileged = true;
  const a = normalizeTaskDefinition(live.doc) as { containerDefinitions: Array<Record<string, unknown>> };
  assert.equal(a.containerDefinitions[0]!.privileged, true);
  assert.equal((a as Record<string, unknown>).revision, undefined);
  assert.equal(planTaskDefinition(live, desiredTaskDefinition(service(), inputs)).action, 'update');
});

test('a custom health-check path is the one the container server answers itself', () => {
  const svc = service();
  const doc = desiredTaskDefinition({ ...svc, healthcheck: { ...svc.healthcheck!, path: '/ready?deep=1' } }, inputs).doc;
  const env = doc.containerDefinitions![0]!.environment ?? [];
  assert.deepEqual(env.find((e) => e.name === 'HEALTH_PATH'), { name: 'HEALTH_PATH', value: '/ready' });
  assert.match(doc.containerDefinitions![0]!.healthCheck!.command!.join(' '), /\/ready\?deep=1/);
});
