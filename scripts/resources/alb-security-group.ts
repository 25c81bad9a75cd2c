import type { LoadBalancerSettings, ResolvedService } from '../manifest/types.ts';
import type { DesiredSecurityGroup, IngressRule } from './security-group.ts';
import { tagsFor } from './types.ts';

/** The load balancer's group: who may reach it (network.allowedCidrs) on 80, and on 443 with a domain. */
export function desiredAlbSecurityGroup(svc: ResolvedService, lb: LoadBalancerSettings, vpcId: string): DesiredSecurityGroup {
  const ports = lb.domain ? [80, 443] : [80];
  const ingress: IngressRule[] = ports.flatMap((port) =>
    [...new Set(svc.network.allowedCidrs)].map((cidr) => ({
      protocol: 'tcp',
      fromPort: port,
      toPort: port,
      source: { kind: cidr.includes(':') ? ('cidrV6' as const) : ('cidr' as const), value: cidr },
      description: `${svc.name} load balancer port ${port}`,
    })),
  );
  return {
    name: lb.names.securityGroup,
    vpcId,
    // EC2 allows only a-z A-Z 0-9 spaces and ._-:/()#,@[]+=&;{}!$* in GroupDescription
    description: `${svc.name} (${svc.environment}) load balancer: ports ${ports.join(', ')} from network.allowedCidrs - managed by lambda2fargate`,
    ingress,
    tags: tagsFor(svc),
  };
}
