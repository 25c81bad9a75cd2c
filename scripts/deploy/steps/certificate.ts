import { applyCertificate, desiredCertificate, findCertificate, planCertificate, waitForCertificate } from '../../resources/certificate.ts';
import type { LiveCertificate } from '../../resources/certificate.ts';
import { applyRecords, findRecords, planRecords } from '../../resources/dns.ts';
import type { DesiredRecord } from '../../resources/dns.ts';
import { need, type DeployContext, type Step } from '../context.ts';

const validationRecord = (c: LiveCertificate): DesiredRecord[] => (c.validation ? [{ name: c.validation.name, type: 'CNAME', values: [c.validation.value] }] : []);

/** Shows and writes the validation CNAME in the domain's zone. */
async function validate(ctx: DeployContext, cert: LiveCertificate): Promise<void> {
  const zone = need(ctx.state.hostedZone, 'the hosted zone');
  const desired = validationRecord(cert);
  if (!desired.length) return;
  const plan = planRecords('certificate validation', zone, await findRecords(ctx.aws, zone, desired), desired);
  ctx.show(plan, desired.map((r) => `CNAME ${r.name} → ${r.values?.join(' ')}`));
  if (!ctx.dryRun) await applyRecords(ctx.aws, plan);
}

export const certificate: Step = {
  id: 'certificate',
  title: 'certificate',
  runs: ({ svc }) => !!svc.loadBalancer?.domain,
  async run(ctx) {
    const { svc, aws, dryRun, log, show, state } = ctx;
    const lb = need(svc.loadBalancer, 'the load balancer settings');
    const domain = need(lb.domain, 'the domain');
    if (lb.certificate) {
      log(`    = using the given certificate ${lb.certificate} (ISSUED, covers ${domain}; checked in the pre-flight)`);
      state.certificateArn = lb.certificate;
      return;
    }
    const plan = planCertificate(await findCertificate(aws, svc, domain), desiredCertificate(svc, domain));
    show(plan, [`public certificate for ${domain}, DNS validation in the Route 53 zone ${need(state.hostedZone, 'the hosted zone').name}`]);
    if (dryRun) {
      state.certificateArn = plan.live?.arn ?? '(new certificate)';
      if (plan.live) await validate(ctx, plan.live);
      return;
    }
    const arn = await applyCertificate(aws, plan);
    state.certificateArn = arn;
    if (plan.live?.status === 'ISSUED') {
      await validate(ctx, plan.live);
      return;
    }
    // ACM adds the record to write a few seconds after the request, and issues once it resolves
    const pending = plan.live?.validation ? plan.live : await waitForCertificate(aws, arn, (c) => !!c.validation || c.status === 'ISSUED', 'given a validation record', log);
    await validate(ctx, pending);
    if (pending.status !== 'ISSUED') await waitForCertificate(aws, arn, (c) => c.status === 'ISSUED', 'ISSUED', log);
  },
};
