import { commonOptions, runMain } from './lib/cli.ts';
import { loadServiceManifest } from './manifest/index.ts';
import { deploy, stopAfterStepFromEnv } from './deploy/run.ts';

// make deploy-ecs [ENV=…] [MANIFEST=…] [DRY_RUN=1] [FORCE_NEW_DEPLOYMENT=1] [ADOPT=1]; make plan = DRY_RUN=1; make redeploy = FORCE_NEW_DEPLOYMENT=1
await runMain(async () => {
  const opts = commonOptions('manifests/service.yml');
  const stopAfterStep = stopAfterStepFromEnv();
  const svc = await loadServiceManifest(opts.manifest, opts.env);
  const force = process.env.FORCE_NEW_DEPLOYMENT;
  return deploy(svc, { dryRun: opts.dryRun, adopt: opts.adopt, stopAfterStep, forceNewDeployment: !!force && force !== '0' && force.toLowerCase() !== 'false' });
});
