import type { Service } from '@aws-sdk/client-ecs';
import type { Aws } from '../lib/aws.ts';
import { loadBalancerNames } from '../manifest/load-balancer.ts';
import type { ResolvedService } from '../manifest/types.ts';
import { stableUrl } from '../resources/lb-endpoint.ts';
import { describeLoadBalancer } from '../resources/load-balancer.ts';
import { countTargets, targetHealth } from '../resources/target-group.ts';
import type { TargetState } from '../resources/target-group.ts';

export interface LoadBalancerStatus {
  name: string;
  dnsName: string;
  state: string;
  /** the one URL of the service */
  url: string;
  /** `2 healthy, 1 draining` */
  summary: string;
  targets: TargetState[];
}

/** The load balancer in front of a service that has one (as ECS says), with its targets' health. */
export async function loadBalancerStatus(aws: Aws, svc: ResolvedService, service: Service): Promise<LoadBalancerStatus | undefined> {
  const tgArn = service.loadBalancers?.[0]?.targetGroupArn;
  if (!tgArn) return undefined;
  const name = svc.loadBalancer?.names.loadBalancer ?? loadBalancerNames(svc.name, svc.environment).loadBalancer;
  const [lb, targets] = await Promise.all([describeLoadBalancer(aws, name), targetHealth(aws, tgArn)]);
  return {
    name,
    dnsName: lb?.DNSName ?? '',
    state: lb?.State?.Code ?? 'not found',
    url: stableUrl(svc, lb?.DNSName ?? name),
    summary: countTargets(targets),
    targets,
  };
}
