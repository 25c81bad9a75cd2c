import { execFileSync } from 'node:child_process';
import type { TestContext } from 'node:test';

let cached: boolean | undefined;

/** True when a Docker engine answers (`../shared/ci/docker-env.sh up` starts one here). */
export function dockerAvailable(): boolean {
  if (process.env.L2F_NO_DOCKER && !process.env.CI) return false;
  if (cached === undefined) {
    try {
      execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 15_000 });
      cached = true;
    } catch {
      cached = false;
    }
  }
  return cached;
}

/**
 * Docker tests must run in CI: there a missing engine fails the test. On a developer machine
 * without Docker the test is skipped, and says why (the runner counts it as skipped, not passed).
 */
export function requireDocker(t: TestContext): boolean {
  if (dockerAvailable()) return true;
  if (process.env.CI) throw new Error('Docker is not available in CI: run ../shared/ci/docker-env.sh up before the tests');
  t.skip('no Docker engine (run ../shared/ci/docker-env.sh up)');
  return false;
}
