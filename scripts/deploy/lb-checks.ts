import { DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import type { Subnet } from '@aws-sdk/client-ec2';
import type { Aws } from '../lib/aws.ts';
import { isAwsError } from '../lib/errors.ts';
import { ManifestError } from '../manifest/problems.ts';
import type { FieldAt, ResolvedService } from '../manifest/types.ts';
import { certificateNames, certificateProblem, describeCertificate } from '../resources/certificate.ts';
import { findHostedZone } from '../resources/dns.ts';
import type { HostedZone } from '../resources/dns.ts';
import type { Network } from '../resources/network.ts';

/**
 * The load-balanced mode's checks that need AWS reads, run in the pre-flight step — before any
 * write — so a manifest AWS cannot serve still exits 2 with the field's file:line:col: the
 * load balancer's subnets span two zones, a given certificate exists and covers the domain, a
 * domain without one has a public hosted zone to validate in.
 */
export interface LoadBalancerInputs {
  subnets: string[];
  zone?: HostedZone;
}

const problemAt = (at: FieldAt | undefined, svc: ResolvedService, path: string, message: string) =>
  new ManifestError([{ ...(at ?? { file: svc.file, path }), message }]);

export async function checkLoadBalancerInputs(aws: Aws, svc: ResolvedService, network: Network): Promise<LoadBalancerInputs | undefined> {
  const lb = svc.loadBalancer;
  if (!lb) return undefined;
  const subnets = lb.subnets ? await describeSubnets(aws, svc, lb.subnets) : network.subnets;
  const zones = new Set(subnets.map((s) => s.availabilityZone).filter(Boolean));
  // CreateLoadBalancer: "You must specify subnets from at least two Availability Zones."
  if (zones.size < 2) {
    const at = lb.at.subnets;
    throw problemAt(at, svc, at ? 'loadBalancer.subnets' : 'network.subnets', `an Application Load Balancer needs public subnets in at least two Availability Zones; ${subnets.map((s) => `${s.id} (${s.availabilityZone ?? '?'})`).join(', ')} ${zones.size === 1 ? 'are all in one' : 'name no zone'} — list subnets of two zones${at ? '' : ' in loadBalancer.subnets'}`);
  }
  if (!lb.domain) return { subnets: subnets.map((s) => s.id) };
  if (lb.certificate) {
    const cert = await describeCertificate(aws, lb.certificate);
    const problem = certificateProblem(cert, cert ? await certificateNames(aws, lb.certificate) : [], lb.domain);
    if (problem) throw problemAt(lb.at.certificate, svc, 'loadBalancer.certificate', problem);
    return { subnets: subnets.map((s) => s.id) };
  }
  const zone = await findHostedZone(aws, lb.domain);
  if (!zone) {
    throw problemAt(lb.at.domain, svc, 'loadBalancer.domain', `no Route 53 public hosted zone for ${lb.domain} (nor a parent of it) in this account — create the zone (and delegate the domain to it), or set loadBalancer.certificate to an issued ACM certificate and point the name at the load balancer yourself`);
  }
  return { subnets: subnets.map((s) => s.id), zone };
}

async function describeSubnets(aws: Aws, svc: ResolvedService, ids: string[]): Promise<Network['subnets']> {
  let found: Subnet[];
  try {
    found = (await aws.ec2.send(new DescribeSubnetsCommand({ SubnetIds: ids }))).Subnets ?? [];
  } catch (err) {
    if (isAwsError(err, 'InvalidSubnetID.NotFound')) found = [];
    else throw err;
  }
  const missing = ids.filter((id) => !found.some((s) => s.SubnetId === id));
  if (missing.length) throw problemAt(svc.loadBalancer?.at.subnets, svc, 'loadBalancer.subnets', `subnets ${missing.join(', ')} not found in this account and region — list public subnets of the service's VPC`);
  return ids.map((id) => ({ id, availabilityZone: found.find((s) => s.SubnetId === id)?.AvailabilityZone }));
}
