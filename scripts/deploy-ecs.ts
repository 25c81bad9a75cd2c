import { commonOptions, runMain } from './lib/cli.ts';
import { loadServiceManifest } from './manifest/index.ts';
import { deploy, stopAfterStepFromEnv } from './deploy/run.ts';

// make deploy-ecs [ENV=…] [MANIFEST=…] [DRY_RUN=1]; make plan = DRY_RUN=1
await runMain(async () => {
  const opts = commonOptions('manifests/service.yml');
  const stopAfterStep = stopAfterStepFromEnv();
  const svc = await loadServiceManifest(opts.manifest, opts.env);
  return deploy(svc, { dryRun: opts.dryRun, stopAfterStep });
});
