import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { after, describe, test } from 'node:test';
import { isPortFree, freePort } from '../../scripts/local/ports.ts';
import { requireDocker } from '../support/docker.ts';
import { runMake, type MakeRun } from './run-make.ts';

const running: MakeRun[] = [];
after(() => running.forEach((r) => r.interrupt()));

async function twoFreePorts(): Promise<[number, number]> {
  for (;;) {
    const a = await freePort();
    if (a < 65535 && (await isPortFree('127.0.0.1', a + 1))) return [a, a + 1];
  }
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

/** Starts make local, checks both answers, presses Ctrl-C and checks nothing is left behind. */
async function bothHalvesThenCtrlC(env: Record<string, string>, startupMs: number): Promise<string> {
  const [ecsPort, lambdaPort] = await twoFreePorts();
  const run = runMake('local', { ...env, LOCAL_PORT: String(ecsPort), LAMBDA_PORT: String(lambdaPort) });
  running.push(run);
  const shown = await run.waitFor(/Press Ctrl-C to stop/, startupMs);
  assert.match(shown, new RegExp(`http://127\\.0\\.0\\.1:${lambdaPort}/ +→ +200 \\{"message":"Hello from Lambda!"\\}`));
  assert.match(shown, new RegExp(`http://127\\.0\\.0\\.1:${ecsPort}/ +→ +200 \\{"message":"Hello from ECS!"\\}`));

  assert.deepEqual(await get(`http://127.0.0.1:${lambdaPort}/`), { status: 200, body: '{"message":"Hello from Lambda!"}' });
  assert.deepEqual(await get(`http://127.0.0.1:${ecsPort}/`), { status: 200, body: '{"message":"Hello from ECS!"}' });
  await run.waitFor(/ecs +\| GET \/ → 200[\s\S]*lambda +\| GET \/ → 200|lambda +\| GET \/ → 200[\s\S]*ecs +\| GET \/ → 200/, 5_000);

  run.interrupt();
  await run.exit;
  const out = run.output();
  assert.match(out, new RegExp(`ports ${ecsPort} and ${lambdaPort} are free`));
  assert.equal(await isPortFree('127.0.0.1', ecsPort), true, `port ${ecsPort} still listened on`);
  assert.equal(await isPortFree('127.0.0.1', lambdaPort), true, `port ${lambdaPort} still listened on`);
  return out;
}

describe('make local', { concurrency: false }, () => {
  test('with NO_DOCKER=1 both halves answer on their ports and Ctrl-C frees both ports', async () => {
    const out = await bothHalvesThenCtrlC({ NO_DOCKER: '1' }, 60_000);
    assert.match(out, /container server on Node, NO_DOCKER=1/);
  });

  test('with Docker the image runs as a container, both answer, and Ctrl-C removes the container and frees the ports', async (t) => {
    if (!requireDocker(t)) return;
    const out = await bothHalvesThenCtrlC({ NO_DOCKER: '' }, 600_000);
    const name = /container (lambda2fargate-local-\S+) removed/.exec(out)?.[1];
    assert.ok(name, `no container name in the output:\n${out}`);
    assert.match(out, /[\d.]+ vCPU, \d+ MiB, --network host, HOST=127\.0\.0\.1/);
    const left = execFileSync('docker', ['ps', '--all', '--quiet', '--filter', `name=^/${name}$`], { encoding: 'utf8' });
    assert.equal(left.trim(), '', `container ${name} is still there`);
  });

  test('without a Docker engine it says so and points to NO_DOCKER=1, leaving nothing running', async () => {
    const [ecsPort, lambdaPort] = await twoFreePorts();
    const run = runMake('local', { NO_DOCKER: '', DOCKER_HOST: 'unix:///nonexistent/docker.sock', LOCAL_PORT: String(ecsPort), LAMBDA_PORT: String(lambdaPort) });
    running.push(run);
    await run.exit;
    assert.match(run.output(), /error: docker: no Docker engine answers .* — start Docker, or run `make local NO_DOCKER=1`/);
    assert.equal(await isPortFree('127.0.0.1', lambdaPort), true);
  });

  test('a busy port stops it before anything starts, naming the port and the variable to change', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const run = runMake('local', { NO_DOCKER: '1', LOCAL_PORT: String(port), LAMBDA_PORT: String(await freePort()) });
      running.push(run);
      await run.exit;
      assert.match(run.output(), new RegExp(`error: port ${port} on 127\\.0\\.0\\.1: already in use — .*LOCAL_PORT=<port>`));
      assert.match(run.output(), /Error 2/);
    } finally {
      blocker.close();
    }
  });
});
