import { applyCluster, desiredCluster, findCluster, planCluster } from '../../resources/cluster.ts';
import { protectInUse, tagsOfImage } from '../../resources/ecr.ts';
import { findService } from '../../resources/service.ts';
import { applyTaskDefinition, desiredTaskDefinition, planAgainstRunning } from '../../resources/task-definition.ts';
import type { LiveTaskDefinition } from '../../resources/task-definition.ts';
import { shortTd } from '../../resources/wait.ts';
import { need, type DeployContext, type Step } from '../context.ts';

export const taskDefinition: Step = {
  id: 'task-definition',
  title: 'cluster and task definition',
  async run({ svc, aws, dryRun, log, show, rows, state }) {
    const image = need(state.image, 'the image');
    const clusterPlan = planCluster(await findCluster(aws, svc), desiredCluster(svc));
    show(clusterPlan);
    if (!dryRun) await applyCluster(aws, clusterPlan, log);
    // read here (not only in step "service"): "unchanged" is judged against the revision it runs
    state.liveService = (await findService(aws, svc)) ?? null;
    const executionRoleArn = need(state.executionRoleArn, 'the execution role');
    const rebuilt = image.action === 'would build' && !image.tag;
    const desiredFor = (live: LiveTaskDefinition | undefined) => {
      // the tag of a dirty tree comes from the built image: plan as if its content did not change
      const liveImage = live?.doc.containerDefinitions?.find((c) => c.name === svc.names.container)?.image;
      const inputs = { executionRoleArn, region: aws.region, taskRoleArn: state.taskRoleArn, secrets: state.containerSecrets };
      return desiredTaskDefinition(svc, { ...inputs, image: rebuilt && liveImage ? liveImage : image.image });
    };
    const { plan, running } = await planAgainstRunning(aws, svc, state.liveService?.raw.taskDefinition, desiredFor);
    await protectImagesInUse({ svc, aws, dryRun, log, state }, running);
    const desired = plan.desired;
    if (rebuilt && plan.live) log('    (the image is rebuilt from the working tree at deploy time; a new revision follows only if its content changed)');
    show(plan, [
      `image ${image.image}`,
      `cpu ${svc.cpu}, memory ${svc.memory}, ${svc.platform}, port ${svc.image.port}`,
      `environment: ${desired.doc.containerDefinitions?.[0]?.environment?.map((e) => e.name).join(', ')}`,
    ]);
    if (plan.action === 'unchanged') {
      state.taskDefinitionArn = plan.live!.arn;
      return;
    }
    if (dryRun) {
      log('        → would register a new revision');
      state.taskDefinitionArn = `${svc.names.family}:(new revision)`;
      return;
    }
    const arn = await applyTaskDefinition(aws, plan);
    log(`        → registered ${shortTd(arn)}`);
    rows[rows.length - 1]!.name = shortTd(arn);
    state.taskDefinitionArn = arn;
  },
};

/** The images the new and the running task definitions pin never expire (the repository's lifecycle policy). */
async function protectImagesInUse({ svc, aws, dryRun, log, state }: Pick<DeployContext, 'svc' | 'aws' | 'dryRun' | 'log' | 'state'>, running: LiveTaskDefinition | undefined): Promise<void> {
  const tag = state.image?.tag;
  if (!svc.image.build || !tag || state.lifecyclePolicy === undefined) return;
  const runningImage = running?.doc.containerDefinitions?.find((c) => c.name === svc.names.container)?.image ?? '';
  const digest = /@(sha256:[0-9a-f]{64})$/.exec(runningImage)?.[1];
  const runningTags = digest && digest !== state.image?.digest ? await tagsOfImage(aws, svc.names.repository, digest) : [];
  state.lifecyclePolicy = await protectInUse(aws, svc, state.lifecyclePolicy, [tag, ...runningTags.slice(0, 1)], { dryRun, log });
}
