import { applyRecords, findRecords, ownerRecordName, ownerValues, planRecords } from '../../resources/dns.ts';
import type { DesiredRecord } from '../../resources/dns.ts';
import { need, type Step } from '../context.ts';

export const dns: Step = {
  id: 'dns',
  title: 'DNS records',
  runs: ({ svc }) => !!svc.loadBalancer?.domain && !svc.loadBalancer.certificate,
  async run({ svc, aws, dryRun, show, state }) {
    const domain = need(svc.loadBalancer?.domain, 'the domain');
    const zone = need(state.hostedZone, 'the hosted zone');
    const balancer = need(state.loadBalancer, 'the load balancer');
    const desired: DesiredRecord[] = [
      // the ownership record first: a clean that finds the alias also finds the proof it is ours
      { name: ownerRecordName(domain), type: 'TXT', values: ownerValues(svc) },
      { name: domain, type: 'A', alias: { dnsName: balancer.dnsName, hostedZoneId: balancer.hostedZoneId } },
    ];
    const plan = planRecords(domain, zone, await findRecords(aws, zone, desired), desired);
    show(plan, [`A ${domain} → alias ${balancer.dnsName}`, `TXT ${ownerRecordName(domain)} (which lambda2fargate service wrote these)`]);
    if (!dryRun) await applyRecords(aws, plan);
  },
};
