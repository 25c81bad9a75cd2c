import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddTagsToCertificateCommand,
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
  RemoveTagsFromCertificateCommand,
  RequestCertificateCommand,
} from '@aws-sdk/client-acm';
import { ChangeResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { CreateListenerCommand, DeleteListenerCommand, RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { startFakeAws, type FakeAws } from './index.ts';
import { activeAlb, getVia, groupAdmitting, targetGroup, testTarget, type Alb, type TestTarget } from './lb-fixture.ts';
import { rejection, sdkClients, waitFor } from './sdk.ts';

describe('fake ACM through the real SDK, and HTTPS listeners serving its certificates', () => {
  let fake: FakeAws;
  let aws: ReturnType<typeof sdkClients>;
  let zoneId = '';
  let certArn = '';
  let alb: Alb;
  let httpsListener = '';
  let app: TestTarget | undefined;
  const describeCert = async (arn = certArn) => (await aws.acm.send(new DescribeCertificateCommand({ CertificateArn: arn }))).Certificate;

  before(async () => {
    fake = await startFakeAws({ acmValidationRecordMs: 1000, acmIssueMs: 150, route53SyncMs: 100, lbProvisioningMs: 100, lbSecondMs: 10 });
    aws = sdkClients(fake);
    zoneId = fake.route53.createZone('example.com').id;
  });
  after(async () => {
    await app?.close();
    await fake.stop();
  });

  test('a DNS-validated certificate is PENDING_VALIDATION; its validation CNAME appears a moment later', async () => {
    const out = await aws.acm.send(
      new RequestCertificateCommand({ DomainName: 'api.example.com', SubjectAlternativeNames: ['www.example.com'], ValidationMethod: 'DNS', IdempotencyToken: 'l2fapi', Tags: [{ Key: 'managed-by', Value: 'lambda2fargate' }] }),
    );
    certArn = out.CertificateArn ?? '';
    assert.match(certArn, /^arn:aws:acm:us-east-1:123456789012:certificate\/[0-9a-f-]{36}$/);
    const again = await aws.acm.send(new RequestCertificateCommand({ DomainName: 'api.example.com', SubjectAlternativeNames: ['www.example.com'], ValidationMethod: 'DNS', IdempotencyToken: 'l2fapi' }));
    assert.equal(again.CertificateArn, certArn, 'the same idempotency token answers the same certificate');
    const first = await describeCert();
    assert.equal(first?.Status, 'PENDING_VALIDATION');
    assert.deepEqual(first?.SubjectAlternativeNames, ['api.example.com', 'www.example.com']);
    assert.ok(first?.DomainValidationOptions?.every((d) => d.ResourceRecord === undefined && d.ValidationStatus === 'PENDING_VALIDATION'), 'no record yet');
    await waitFor('records', async () => (await describeCert())?.DomainValidationOptions?.every((d) => d.ResourceRecord));
    const dvo = (await describeCert())?.DomainValidationOptions?.[0];
    assert.equal(dvo?.ValidationMethod, 'DNS');
    assert.equal(dvo?.ResourceRecord?.Type, 'CNAME');
    assert.match(dvo?.ResourceRecord?.Name ?? '', /^_[0-9a-f]{32}\.api\.example\.com\.$/);
    assert.match(dvo?.ResourceRecord?.Value ?? '', /^_[0-9a-f]{32}\.[0-9a-f]{10}\.acm-validations\.aws\.$/);
  });

  test('the certificate is ISSUED only once every validation CNAME is in the hosted zone', async () => {
    const dvos = (await describeCert())?.DomainValidationOptions ?? [];
    const upsert = (i: number) => ({
      Action: 'UPSERT' as const,
      ResourceRecordSet: { Name: dvos[i]?.ResourceRecord?.Name, Type: 'CNAME' as const, TTL: 300, ResourceRecords: [{ Value: dvos[i]?.ResourceRecord?.Value }] },
    });
    await aws.route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: [upsert(0)] } }));
    await new Promise((r) => setTimeout(r, 500));
    const half = await describeCert();
    assert.equal(half?.Status, 'PENDING_VALIDATION', 'one of two names validated is not enough');
    assert.deepEqual(half?.DomainValidationOptions?.map((d) => d.ValidationStatus), ['SUCCESS', 'PENDING_VALIDATION']);
    await aws.route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: [upsert(1)] } }));
    await waitFor('issued', async () => (await describeCert())?.Status === 'ISSUED');
    const issued = await describeCert();
    assert.ok(issued?.IssuedAt instanceof Date);
    assert.equal(issued?.Type, 'AMAZON_ISSUED');
    const listed = await aws.acm.send(new ListCertificatesCommand({ CertificateStatuses: ['ISSUED'] }));
    assert.deepEqual(listed.CertificateSummaryList?.map((c) => c.CertificateArn), [certArn]);
    const pending = await aws.acm.send(new ListCertificatesCommand({ CertificateStatuses: ['PENDING_VALIDATION'] }));
    assert.deepEqual(pending.CertificateSummaryList, []);
  });

  test('an HTTPS listener serves the certificate for the domain its alias record points at the load balancer', async () => {
    alb = await activeAlb(aws, 'tls');
    const group = await groupAdmitting(aws, 'tls-svc', 8080, { groupId: alb.groupId });
    app = await testTarget(fake, group, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ proto: req.headers['x-forwarded-proto'], port: req.headers['x-forwarded-port'], host: req.headers.host }));
    });
    const tg = await targetGroup(aws, 'tls', fake.ec2.defaultVpc.vpcId);
    await aws.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: app.ip, Port: app.port }] }));
    const created = await aws.elbv2.send(
      new CreateListenerCommand({ LoadBalancerArn: alb.arn, Protocol: 'HTTPS', Port: 443, SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06', Certificates: [{ CertificateArn: certArn }], DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] }),
    );
    httpsListener = created.Listeners?.[0]?.ListenerArn ?? '';
    assert.equal(created.Listeners?.[0]?.SslPolicy, 'ELBSecurityPolicy-TLS13-1-2-2021-06');
    const unresolved = await getVia(fake, 'https://api.example.com/').catch((e: Error) => e);
    assert.ok(unresolved instanceof Error, 'without the alias record the name reaches no load balancer');
    await aws.route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: { Name: 'api.example.com', Type: 'A', AliasTarget: { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: `dualstack.${alb.dnsName}`, EvaluateTargetHealth: true } } }] },
      }),
    );
    await waitFor('target healthy and the record in sync', async () => {
      const r = await getVia(fake, 'https://api.example.com/').catch(() => undefined);
      return r?.status === 200;
    });
    const r = await getVia(fake, 'https://api.example.com/hello');
    assert.deepEqual(JSON.parse(r.body), { proto: 'https', port: '443', host: 'api.example.com' });
    assert.deepEqual((await describeCert())?.InUseBy, [alb.arn]);
  });

  test('a certificate in use cannot be deleted; once its listener is gone it can', async () => {
    const busy = await rejection(aws.acm.send(new DeleteCertificateCommand({ CertificateArn: certArn })));
    assert.equal(busy.name, 'ResourceInUseException');
    assert.equal(busy.message, `Certificate ${certArn} in account 123456789012 is in use.`);
    await aws.elbv2.send(new DeleteListenerCommand({ ListenerArn: httpsListener }));
    await aws.acm.send(new DeleteCertificateCommand({ CertificateArn: certArn }));
    const gone = await rejection(describeCert());
    assert.equal(gone.name, 'ResourceNotFoundException');
    fake.expectInvalid({ service: 'acm', operation: 'DescribeCertificate', count: 1 });
    const bad = await rejection(describeCert('not-an-arn'));
    assert.equal(bad.name, 'ValidationException', 'the ARN breaks the model: AWS answers before looking');
  });

  test('tags are added, listed and removed', async () => {
    const out = await aws.acm.send(new RequestCertificateCommand({ DomainName: 'tags.example.com', ValidationMethod: 'DNS', Tags: [{ Key: 'a', Value: '1' }] }));
    const arn = out.CertificateArn ?? '';
    await aws.acm.send(new AddTagsToCertificateCommand({ CertificateArn: arn, Tags: [{ Key: 'b', Value: '2' }] }));
    await aws.acm.send(new RemoveTagsFromCertificateCommand({ CertificateArn: arn, Tags: [{ Key: 'a' }] }));
    const tags = await aws.acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn }));
    assert.deepEqual(tags.Tags, [{ Key: 'b', Value: '2' }]);
    assert.deepEqual((await fake.snapshot()).certificates.map((c) => c.split(' ')[0]), ['tags.example.com']);
  });
});
