import { callerIdentity } from '../../lib/aws.ts';
import { ensureDocker } from '../../resources/image.ts';
import { acquireLock, lockOptions } from '../../resources/lock.ts';
import { findNetwork } from '../../resources/network.ts';
import type { Step } from '../context.ts';
import { checkLoadBalancerInputs } from '../lb-checks.ts';

export const preflight: Step = {
  id: 'preflight',
  title: 'pre-flight',
  async run({ svc, aws, dryRun, log, state }) {
    state.who = await callerIdentity(aws);
    log(`    AWS: account ${state.who.account}, region ${aws.region} (${state.who.arn})`);
    if (svc.image.build && !dryRun) log(`    Docker: engine ${await ensureDocker()}`);
    const network = await findNetwork(aws, svc);
    state.network = network;
    log(`    network: ${network.isDefault ? 'default VPC ' : 'VPC '}${network.vpcId}, subnets ${network.subnets.map((s) => s.id).join(', ')}`);
    // reads only: a manifest AWS cannot serve exits 2 before the lock, the first write
    const lb = await checkLoadBalancerInputs(aws, svc, network);
    if (lb) {
      state.lbSubnets = lb.subnets;
      state.hostedZone = lb.zone;
      log(`    load balancer: subnets ${lb.subnets.join(', ')}${lb.zone ? `; Route 53 zone ${lb.zone.name} (${lb.zone.id}) for ${svc.loadBalancer?.domain}` : ''}`);
    }
    if (!dryRun) {
      state.lock = await acquireLock(aws, svc, lockOptions(svc, log));
      log(`    deploy lock: ${state.lock.name} (expires ${state.lock.value.expires} if this run dies)`);
    }
    for (const s of network.leftOut ?? []) log(`    ! left out default subnet ${s.id}: its zone ${s.zoneId} has no Fargate in ${aws.region} (AWS Fargate Regions page)`);
  },
};
