import { applyCluster, desiredCluster, findCluster, planCluster } from '../../resources/cluster.ts';
import { applyTaskDefinition, desiredTaskDefinition, findTaskDefinition, planTaskDefinition } from '../../resources/task-definition.ts';
import { shortTd } from '../../resources/wait.ts';
import { need, type Step } from '../context.ts';

export const taskDefinition: Step = {
  id: 'task-definition',
  title: 'cluster and task definition',
  async run({ svc, aws, dryRun, log, show, rows, state }) {
    const image = need(state.image, 'the image');
    const clusterPlan = planCluster(await findCluster(aws, svc), desiredCluster(svc));
    show(clusterPlan);
    if (!dryRun) await applyCluster(aws, clusterPlan, log);
    const live = await findTaskDefinition(aws, svc);
    let imageForPlan = image.image;
    const liveImage = live?.doc.containerDefinitions?.find((c) => c.name === svc.names.container)?.image;
    if (image.action === 'would build' && !image.tag && liveImage) {
      // the tag of a dirty tree comes from the built image: plan as if its content did not change
      imageForPlan = liveImage;
      log('    (the image is rebuilt from the working tree at deploy time; a new revision follows only if its content changed)');
    }
    const desired = desiredTaskDefinition(svc, { image: imageForPlan, executionRoleArn: need(state.executionRoleArn, 'the execution role'), region: aws.region });
    const plan = planTaskDefinition(live, desired);
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
