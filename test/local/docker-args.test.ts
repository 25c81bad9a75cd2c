import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { buildArgs, dockerPlatform, healthCmd, hostPlatform, localImageTag, parseSize, runArgs } from '../../scripts/local/docker.ts';
import { formatLogLine } from '../../scripts/local/log-lines.ts';
import { lambdaEnvironment } from '../../scripts/local/lambda-env.ts';
import { portFromEnv } from '../../scripts/local/ports.ts';
import { sampleService } from './service.ts';

const run = runArgs(sampleService(), { name: 'c1', image: 'img:dev', host: '127.0.0.1', port: 8080 });
const flag = (name: string) => run.flatMap((a, i) => (a === name ? [run[i + 1]] : []));

test('docker run gets the task definition cpu units as --cpus and memory MiB as --memory', () => {
  assert.deepEqual(flag('--cpus'), ['0.25']);
  assert.deepEqual(flag('--memory'), ['512m']);
});

test('docker run uses the host network and passes the manifest variables plus PORT, HOST and HEALTH_PATH', () => {
  assert.deepEqual(flag('--network'), ['host']);
  assert.deepEqual(flag('--env').sort(), ['GREETING=hi there', 'HEALTH_PATH=/healthz', 'HOST=127.0.0.1', 'NODE_ENV=production', 'PORT=8080']);
  assert.equal(run.at(-1), 'img:dev');
  assert.ok(run.includes('--rm'));
});

test('docker run carries the health check timings in seconds', () => {
  assert.deepEqual(flag('--health-interval'), ['10s']);
  assert.deepEqual(flag('--health-timeout'), ['5s']);
  assert.deepEqual(flag('--health-retries'), ['3']);
  assert.deepEqual(flag('--health-start-period'), ['5s']);
});

test('a health check path becomes the task definition\'s node fetch, which exits non-zero unless the server answers', () => {
  const cmd = flag('--health-cmd')[0];
  assert.ok(cmd);
  assert.match(cmd, /fetch\(.*:8080\/healthz'\)/);
  // it must parse as shell and run as node: nothing listens on port 1, so it exits 1
  assert.throws(
    () => execFileSync('sh', ['-c', cmd.replace(':8080', ':1')], { stdio: 'ignore', env: { ...process.env, HOST: '127.0.0.1' } }),
    (e: { status?: number }) => e.status === 1,
  );
});

test('the container runs with an init process, as the task definition asks', () => {
  assert.ok(run.includes('--init'));
});

test('health check commands keep CMD-SHELL as written and shell-quote CMD arguments', () => {
  assert.equal(healthCmd(['CMD-SHELL', 'curl -f http://localhost/ || exit 1']), 'curl -f http://localhost/ || exit 1');
  assert.equal(healthCmd(['CMD', 'node', '-e', 'process.exit(0)']), "node -e 'process.exit(0)'");
  assert.equal(runArgs(sampleService({ healthcheck: undefined }), { name: 'c', image: 'i', host: 'h', port: 1 }).includes('--health-cmd'), false);
  const custom = runArgs(sampleService({ healthcheck: { command: ['CMD', 'true'], interval: 7, timeout: 2, retries: 1, startPeriod: 0 } }), { name: 'c', image: 'i', host: 'h', port: 1 });
  assert.equal(custom[custom.indexOf('--health-cmd') + 1], 'true');
  assert.equal(custom[custom.indexOf('--health-interval') + 1], '7s');
});

test('the build runs on the host network for the given platform with the manifest build args and target', () => {
  const service = sampleService();
  service.image.build = { context: '/ctx', dockerfile: '/ctx/Dockerfile', args: { A: '1' }, target: 'runtime' };
  const args = buildArgs(service, localImageTag(service), 'linux/x86_64');
  assert.deepEqual(args, ['build', '--network', 'host', '--platform', 'linux/amd64', '-t', 'lambda2fargate-local/hello:dev', '-f', '/ctx/Dockerfile', '--build-arg', 'A=1', '--target', 'runtime', '/ctx']);
  assert.throws(() => buildArgs(sampleService({ image: { location: 'x/y:1', port: 1 } }), 't', 'linux/arm64'), /image\.build/);
});

test('platforms map between the ECS spelling and Docker\'s', () => {
  assert.equal(dockerPlatform('linux/x86_64'), 'linux/amd64');
  assert.equal(dockerPlatform('linux/arm64'), 'linux/arm64');
  assert.equal(hostPlatform('x64'), 'linux/x86_64');
  assert.equal(hostPlatform('arm64'), 'linux/arm64');
});

test('docker stats memory figures parse in decimal and binary units', () => {
  assert.equal(parseSize('12.5MiB '), 12.5 * 1024 * 1024);
  assert.equal(parseSize('800kB'), 800_000);
  assert.equal(parseSize('1.5GiB'), 1.5 * 1024 ** 3);
  assert.throws(() => parseSize('--'), /docker stats/);
});

test('ports come from the environment, default when unset, and reject what is not a port', () => {
  assert.equal(portFromEnv('LOCAL_PORT', 3000, {}), 3000);
  assert.equal(portFromEnv('LOCAL_PORT', 3000, { LOCAL_PORT: ' 8080 ' }), 8080);
  assert.throws(() => portFromEnv('LOCAL_PORT', 3000, { LOCAL_PORT: '70000' }), /LOCAL_PORT=70000: not a TCP port/);
  assert.throws(() => portFromEnv('LAMBDA_PORT', 3000, { LAMBDA_PORT: 'abc' }), /LAMBDA_PORT=abc/);
});

test('the server log lines become one short line per request', () => {
  assert.equal(formatLogLine('{"level":"info","method":"GET","path":"/","status":200,"durationMs":1.234}'), 'GET / → 200 1.2 ms');
  assert.equal(formatLogLine('{"level":"info","message":"listening","url":"http://127.0.0.1:3000"}'), 'listening http://127.0.0.1:3000');
  assert.equal(formatLogLine('not json'), 'not json');
});

test('the local Lambda endpoint gets the environment Lambda gives a function', () => {
  const env = lambdaEnvironment({ functionName: 'fn-local', memorySize: '512', region: 'eu-west-1' });
  assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, 'fn-local');
  assert.equal(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '512');
  assert.equal(env.AWS_REGION, 'eu-west-1');
  assert.equal(env.AWS_EXECUTION_ENV, 'AWS_Lambda_nodejs24.x');
});
