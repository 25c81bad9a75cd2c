import { applyRepository, desiredRepository, findRepository, planRepository } from '../../resources/ecr.ts';
import type { Step } from '../context.ts';

export const repository: Step = {
  id: 'repository',
  title: 'ECR repository',
  async run({ svc, aws, dryRun, log, show, state }) {
    if (!svc.image.build) {
      log(`    skipped: image.location is set (${svc.image.location}), nothing is built or pushed`);
      return;
    }
    const live = await findRepository(aws, svc);
    const plan = planRepository(live, desiredRepository(svc, live));
    show(plan, [`${plan.live?.registryScanning ?? 'scan on push'}, lifecycle: keep the last ${svc.deployment.keepImages} images`]);
    if (dryRun) state.repositoryUri = plan.live?.uri;
    else state.repositoryUri = (await applyRepository(aws, plan, log)).uri;
    state.lifecyclePolicy = plan.desired.lifecyclePolicy;
  },
};
