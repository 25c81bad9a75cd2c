import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ChangeResourceRecordSetsCommand,
  ChangeTagsForResourceCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  ListTagsForResourceCommand,
  type Change,
} from '@aws-sdk/client-route-53';
import { startFakeAws, type FakeAws } from './index.ts';
import { activeAlb } from './lb-fixture.ts';
import { rejection, sdkClients, waitFor } from './sdk.ts';

describe('fake Route 53 through the real SDK (rest-xml)', () => {
  let fake: FakeAws;
  let aws: ReturnType<typeof sdkClients>;
  let zoneId = '';
  const change = (...changes: Change[]) => aws.route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes } }));
  const cname = (action: Change['Action'], name: string, value: string): Change => ({ Action: action, ResourceRecordSet: { Name: name, Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: value }] } });
  const records = async () => (await aws.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }))).ResourceRecordSets ?? [];

  before(async () => {
    fake = await startFakeAws({ route53SyncMs: 200, lbProvisioningMs: 50 });
    aws = sdkClients(fake);
    zoneId = fake.route53.createZone('example.com', { owner: 'dns-team' }).id;
    fake.route53.createZone('other.org');
  });
  after(() => fake.stop());

  test('ListHostedZonesByName lists zones in Route 53 order from the name given; GetHostedZone answers one or NoSuchHostedZone', async () => {
    const out = await aws.route53.send(new ListHostedZonesByNameCommand({ DNSName: 'example.com' }));
    assert.deepEqual(out.HostedZones?.map((z) => z.Name), ['example.com.', 'other.org.'], 'from example.com on: com. sorts before org.');
    assert.equal(out.HostedZones?.[0]?.Id, `/hostedzone/${zoneId}`);
    assert.equal(out.HostedZones?.[0]?.Config?.PrivateZone, false);
    assert.equal(out.IsTruncated, false);
    const zone = await aws.route53.send(new GetHostedZoneCommand({ Id: zoneId }));
    assert.equal(zone.HostedZone?.Name, 'example.com.');
    assert.equal(zone.DelegationSet?.NameServers?.length, 4);
    const missing = await rejection(aws.route53.send(new GetHostedZoneCommand({ Id: 'ZNOSUCHZONE1' })));
    assert.equal(missing.name, 'NoSuchHostedZone');
    assert.equal(missing.message, 'No hosted zone found with ID: ZNOSUCHZONE1');
    assert.equal(missing.$metadata?.httpStatusCode, 404);
  });

  test('a change is PENDING, then INSYNC; the new record is listed beside the zone SOA and NS', async () => {
    const out = await change(cname('CREATE', '_abc.api.example.com', '_def.acm-validations.aws.'));
    assert.equal(out.ChangeInfo?.Status, 'PENDING');
    assert.match(out.ChangeInfo?.Id ?? '', /^\/change\/C[0-9A-F]+$/);
    await waitFor('in sync', async () => (await aws.route53.send(new GetChangeCommand({ Id: out.ChangeInfo?.Id }))).ChangeInfo?.Status === 'INSYNC');
    const list = await records();
    assert.deepEqual(list.map((r) => `${r.Name} ${r.Type}`), ['example.com. NS', 'example.com. SOA', '_abc.api.example.com. CNAME']);
    assert.deepEqual(list[2]?.ResourceRecords, [{ Value: '_def.acm-validations.aws.' }]);
    assert.equal(list[2]?.TTL, 300);
    assert.deepEqual((await fake.snapshot()).dnsRecords, ['_abc.api.example.com. CNAME']);
    const none = await rejection(aws.route53.send(new GetChangeCommand({ Id: 'CNOSUCHCHANGE' })));
    assert.equal(none.name, 'NoSuchChange');
  });

  test('CREATE of an existing record and DELETE of a missing or different one fail the whole batch with AWS messages', async () => {
    const exists = await rejection(change(cname('CREATE', '_abc.api.example.com', '_def.acm-validations.aws.')));
    assert.equal(exists.name, 'InvalidChangeBatch');
    assert.equal(exists.message, "[Tried to create resource record set [name='_abc.api.example.com.', type='CNAME'] but it already exists]");
    const missing = await rejection(change(cname('UPSERT', 'www.example.com', 'a.example.com'), cname('DELETE', 'nope.example.com', 'x.example.com')));
    assert.equal(missing.message, "[Tried to delete resource record set [name='nope.example.com.', type='CNAME'] but it was not found]");
    assert.ok(!(await records()).some((r) => r.Name === 'www.example.com.'), 'nothing of a failed batch is applied');
    const different = await rejection(change(cname('DELETE', '_abc.api.example.com', '_other.acm-validations.aws.')));
    assert.equal(different.message, "[Tried to delete resource record set [name='_abc.api.example.com.', type='CNAME'] but the values provided do not match the current values]");
    const outside = await rejection(change(cname('CREATE', 'x.other.org', 'y.other.org')));
    assert.equal(outside.message, '[RRSet with DNS name x.other.org. is not permitted in zone example.com.]');
    await change(cname('DELETE', '_abc.api.example.com', '_def.acm-validations.aws.'));
    assert.deepEqual((await fake.snapshot()).dnsRecords, []);
  });

  test('an alias record must target an existing load balancer in the ALB hosted zone; UPSERT replaces it', async () => {
    const alias = (dns: string): Change => ({ Action: 'UPSERT', ResourceRecordSet: { Name: 'api.example.com', Type: 'A', AliasTarget: { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: dns, EvaluateTargetHealth: true } } });
    const nowhere = await rejection(change(alias('gone-123.us-east-1.elb.amazonaws.com')));
    assert.equal(nowhere.name, 'InvalidChangeBatch');
    assert.match(nowhere.message, /alias target name does not lie within the target zone/);
    const alb = await activeAlb(aws, 'dns');
    await change(alias(`dualstack.${alb.dnsName}`));
    await change(alias(alb.dnsName));
    const a = (await records()).filter((r) => r.Type === 'A');
    assert.equal(a.length, 1);
    assert.equal(a[0]?.AliasTarget?.DNSName, `${alb.dnsName}.`);
    assert.equal(a[0]?.AliasTarget?.EvaluateTargetHealth, true);
    assert.equal(a[0]?.ResourceRecords, undefined);
  });

  test('a standalone fake makes a zone over its control endpoint', async () => {
    const res = await fetch(`${fake.url}/_fake/route53/zones`, { method: 'POST', body: JSON.stringify({ name: 'standalone.net' }) });
    const { id } = (await res.json()) as { id: string };
    const zone = await aws.route53.send(new GetHostedZoneCommand({ Id: id }));
    assert.equal(zone.HostedZone?.Name, 'standalone.net.');
  });

  test('tags of a hosted zone are listed and changed', async () => {
    await aws.route53.send(new ChangeTagsForResourceCommand({ ResourceType: 'hostedzone', ResourceId: zoneId, AddTags: [{ Key: 'env', Value: 'test' }], RemoveTagKeys: ['owner'] }));
    const out = await aws.route53.send(new ListTagsForResourceCommand({ ResourceType: 'hostedzone', ResourceId: zoneId }));
    assert.deepEqual(out.ResourceTagSet?.Tags, [{ Key: 'env', Value: 'test' }]);
    const missing = await rejection(aws.route53.send(new ListTagsForResourceCommand({ ResourceType: 'hostedzone', ResourceId: 'ZNOSUCHZONE1' })));
    assert.equal(missing.name, 'NoSuchHostedZone');
  });
});
