import assert from 'node:assert/strict';
import { request, Agent } from 'node:http';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startFakeAws } from '../fake-aws/index.ts';
import type { FakeAws } from '../fake-aws/index.ts';
import { requireDocker } from '../support/docker.ts';
import { REPO, output, runDeploy, uniqueName, writeManifest } from './e2e.ts';

// With Docker: the repo's image, built and pushed, run by the fake behind its load balancer.
let fake: FakeAws | undefined;
after(async () => {
  await fake?.stop();
});

function manifest(name: string, greeting: string): Record<string, unknown> {
  return {
    name,
    image: { build: { context: REPO, dockerfile: join(REPO, 'Dockerfile') }, port: 3000 },
    count: 2,
    variables: { GREETING: greeting },
    healthcheck: { path: '/healthz' },
    loadBalancer: {},
    deployment: { timeout: '4m' },
  };
}

/** Keep-alive clients calling the stable URL through the fake's front port until stopped; bounded in time and count. */
function load(front: number, host: string, clients: number, maxMs: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const counts = { ok: 0, failed: 0, statuses: new Map<string, number>() };
  let stop = false;
  const started = Date.now();
  const one = () =>
    new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port: front, path: '/', headers: { host }, agent, timeout: 10_000 }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) counts.ok++;
          else {
            counts.failed++;
            counts.statuses.set(String(res.statusCode), (counts.statuses.get(String(res.statusCode)) ?? 0) + 1);
          }
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => {
        counts.failed++;
        counts.statuses.set(err.message, (counts.statuses.get(err.message) ?? 0) + 1);
        resolve();
      });
      req.end();
    });
  const loops = Array.from({ length: clients }, async () => {
    while (!stop && Date.now() - started < maxMs && counts.ok + counts.failed < 200_000) {
      await one();
      await new Promise((r) => setTimeout(r, 5));
    }
  });
  return {
    counts,
    async stop() {
      stop = true;
      await Promise.all(loops);
      agent.destroy();
    },
  };
}

test('with Docker: a new revision rolled out while requests run through the load balancer loses none, and the old tasks are drained', { timeout: 900_000 }, async (t) => {
  if (!requireDocker(t)) return;
  fake = await startFakeAws({ docker: true, registry: true });
  const name = uniqueName('lbroll');
  const first = await runDeploy(fake, writeManifest(manifest(name, 'one')));
  assert.equal(first.code, 0, output(first));
  const url = new URL(/URL: (\S+)/.exec(first.stdout)?.[1] ?? '');
  const front = Number(/:80:127\.0\.0\.1:(\d+)/.exec(fake.env.L2F_CONNECT_TO ?? '')?.[1]);
  const oldTargets = new Set([...fake.elbv2.targetGroups.values()].find((g) => g.name === `${name}-default`)!.targets.map((x) => x.id));
  assert.equal(oldTargets.size, 2);

  const traffic = load(front, url.host, 4, 600_000);
  const second = await runDeploy(fake, writeManifest(manifest(name, 'two')));
  // a few more seconds of traffic on the new tasks only
  await new Promise((r) => setTimeout(r, 2000));
  await traffic.stop();
  assert.equal(second.code, 0, output(second));
  const { ok, failed, statuses } = traffic.counts;
  t.diagnostic(`rollout under load: ${ok} requests answered 200, ${failed} failed${failed ? ` (${[...statuses].map(([k, v]) => `${k} ×${v}`).join(', ')})` : ''}; rollout wait ${/rollout COMPLETED in ([\d.]+)s/.exec(second.stdout)?.[1]}s`);
  assert.ok(ok > 100, `requests ran through the rollout: ${ok}`);
  assert.equal(failed, 0, `no request failed: ${[...statuses].map(([k, v]) => `${k} ×${v}`).join(', ')}`);
  assert.match(second.stdout, /targets: 2 healthy — new tasks healthy 2\/2$/m, 'and waited until only the new ones were left');
  const now = [...fake.elbv2.targetGroups.values()].find((g) => g.name === `${name}-default`)!.targets;
  assert.equal(now.length, 2);
  assert.ok(now.every((x) => x.state === 'healthy' && !oldTargets.has(x.id)), JSON.stringify(now.map((x) => [x.id, x.state])));
});
