import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateFunctionUrlConfigCommand, DeleteFunctionUrlConfigCommand, GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, GetHostedZoneCommand, ListHostedZonesCommand, Route53Client } from '@aws-sdk/client-route-53';
import { AwsError, asArray } from './common.ts';
import { startFakeAws, type FakeAws } from './index.ts';
import { matchRoute } from './protocols/routes.ts';
import { rejection } from './sdk.ts';
import type { Params, ServiceDef } from './service.ts';

// Throw-away REST backends: they prove the codecs through the real SDK, not Lambda or Route 53 behaviour.
function restJsonService(seen: Params[]): ServiceDef {
  return {
    protocol: 'rest-json',
    xmlns: '',
    routes: {
      'GET /2015-03-31/functions/{FunctionName}': 'GetFunction',
      'POST /2021-10-31/functions/{FunctionName}/url': 'CreateFunctionUrlConfig',
      'DELETE /2021-10-31/functions/{FunctionName}/url': 'DeleteFunctionUrlConfig',
    },
    ops: {
      GetFunction: (p) => {
        seen.push(p);
        if (p.FunctionName === 'missing') throw new AwsError('ResourceNotFoundException', `Function not found: ${p.FunctionName}`, 404);
        return { Configuration: { FunctionName: p.FunctionName, Version: p.Qualifier ?? '$LATEST', MemorySize: 128 }, Tags: { a: 'b' } };
      },
      CreateFunctionUrlConfig: (p) => {
        seen.push(p);
        return { $status: 201, FunctionUrl: 'https://abc.lambda-url.us-east-1.on.aws/', FunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${p.FunctionName}`, AuthType: p.AuthType, CreationTime: '2026-12-01T00:00:00Z' };
      },
      DeleteFunctionUrlConfig: (p) => {
        seen.push(p);
        return { $status: 204 };
      },
    },
  };
}

const zone = (id: string, name: string) => ({ Id: `/hostedzone/${id}`, Name: name, CallerReference: 'ref', Config: { PrivateZone: false }, ResourceRecordSetCount: 2 });

function restXmlService(seen: Params[], zones: Array<ReturnType<typeof zone>>): ServiceDef {
  return {
    protocol: 'rest-xml',
    xmlns: 'https://route53.amazonaws.com/doc/2013-04-01/',
    routes: {
      'GET /2013-04-01/hostedzone': 'ListHostedZones',
      'POST /2013-04-01/hostedzone': 'CreateHostedZone',
      'GET /2013-04-01/hostedzone/{Id}': 'GetHostedZone',
      'POST /2013-04-01/hostedzone/{Id}/rrset/': 'ChangeResourceRecordSets',
    },
    ops: {
      ListHostedZones: (p) => {
        seen.push(p);
        return { HostedZones: { HostedZone: zones }, IsTruncated: false, MaxItems: p.maxitems ?? '100' };
      },
      CreateHostedZone: (p) => {
        seen.push(p);
        const z = zone('Z0NEW', String(p.Name));
        return { $status: 201, $headers: { location: `https://route53.amazonaws.com/2013-04-01${z.Id}` }, HostedZone: z, ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date(0) }, DelegationSet: { NameServers: { NameServer: ['ns-1.example', 'ns-2.example'] } } };
      },
      GetHostedZone: (p) => {
        seen.push(p);
        const z = zones.find((x) => x.Id === `/hostedzone/${p.Id}`);
        if (!z) throw new AwsError('NoSuchHostedZone', `No hosted zone found with ID: ${p.Id}`, 404);
        return { HostedZone: z, DelegationSet: { NameServers: { NameServer: ['ns-1.example'] } } };
      },
      ChangeResourceRecordSets: (p) => {
        seen.push(p);
        return { ChangeInfo: { Id: '/change/C2', Status: 'PENDING', SubmittedAt: new Date(0) } };
      },
    },
  };
}

describe('the REST codecs, through the real SDK', () => {
  let fake: FakeAws;
  const seen: Params[] = [];
  const zones = [zone('Z1', 'a.example.')];
  const config = () => ({ region: 'us-east-1', endpoint: fake.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  before(async () => {
    fake = await startFakeAws();
    fake.register('lambda', restJsonService(seen));
    fake.register('route53', restXmlService(seen, zones));
  });
  after(() => fake.stop());

  test('rest-json: path labels (decoded) and query-string values become params, the JSON body is the answer', async () => {
    const lambda = new LambdaClient(config());
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:hello';
    const out = await lambda.send(new GetFunctionCommand({ FunctionName: arn, Qualifier: '3' }));
    assert.deepEqual(seen.at(-1), { FunctionName: arn, Qualifier: '3' });
    assert.equal(out.Configuration?.FunctionName, arn);
    assert.equal(out.Configuration?.Version, '3');
    assert.deepEqual(out.Tags, { a: 'b' });
    assert.equal(fake.requests.at(-1)?.operation, 'GetFunction');
  });

  test('rest-json: body members join the labels, and $status sets 201 and 204', async () => {
    const lambda = new LambdaClient(config());
    const created = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'hello', AuthType: 'NONE' }));
    assert.deepEqual(seen.at(-1), { FunctionName: 'hello', AuthType: 'NONE' });
    assert.equal(created.$metadata.httpStatusCode, 201);
    assert.equal(created.AuthType, 'NONE');
    const deleted = await lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: 'hello' }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
  });

  test('rest-json: an error reaches the SDK as its typed exception with status and message', async () => {
    const err = await rejection(new LambdaClient(config()).send(new GetFunctionCommand({ FunctionName: 'missing' })));
    assert.equal(err.name, 'ResourceNotFoundException');
    assert.equal(err.message, 'Function not found: missing');
    assert.equal(err.$metadata?.httpStatusCode, 404);
  });

  test('rest-xml: an array renders as repeated elements, and the SDK reads one, two or none', async () => {
    const r53 = new Route53Client(config());
    const one = await r53.send(new ListHostedZonesCommand({ MaxItems: 5 }));
    assert.deepEqual(seen.at(-1), { maxitems: '5' });
    assert.deepEqual(one.HostedZones?.map((z) => z.Id), ['/hostedzone/Z1']);
    zones.push(zone('Z2', 'b.example.'));
    const two = await r53.send(new ListHostedZonesCommand({}));
    assert.deepEqual(two.HostedZones?.map((z) => z.Name), ['a.example.', 'b.example.']);
    assert.equal(two.HostedZones?.[1]?.Config?.PrivateZone, false);
    zones.length = 0;
    const none = await r53.send(new ListHostedZonesCommand({}));
    assert.deepEqual(none.HostedZones, []);
    zones.push(zone('Z1', 'a.example.'));
  });

  test('rest-xml: the body root element\'s children are params; repeated ones arrive as an array, single ones as an object', async () => {
    const r53 = new Route53Client(config());
    const rr = (name: string) => ({ Action: 'UPSERT' as const, ResourceRecordSet: { Name: name, Type: 'A' as const, TTL: 60, ResourceRecords: [{ Value: '192.0.2.1' }] } });
    await r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: 'Z1', ChangeBatch: { Changes: [rr('x.a.example.'), rr('y.a.example.')] } }));
    const two = seen.at(-1) ?? {};
    assert.equal(two.Id, 'Z1');
    assert.deepEqual(asArray<Params>(two.ChangeBatch.Changes.Change).map((c) => c.ResourceRecordSet.Name), ['x.a.example.', 'y.a.example.']);
    assert.equal(two.ChangeBatch.Changes.Change[0].ResourceRecordSet.TTL, '60');
    await r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: 'Z1', ChangeBatch: { Changes: [rr('z.a.example.')] } }));
    const one = seen.at(-1) ?? {};
    assert.equal(Array.isArray(one.ChangeBatch.Changes.Change), false);
    assert.deepEqual(asArray<Params>(one.ChangeBatch.Changes.Change).map((c) => c.ResourceRecordSet.Name), ['z.a.example.']);
  });

  test('rest-xml: $status and $headers reach the SDK, and a nested list of strings reads back', async () => {
    const out = await new Route53Client(config()).send(new CreateHostedZoneCommand({ Name: 'new.example.', CallerReference: 'r1' }));
    assert.deepEqual(seen.at(-1), { Name: 'new.example.', CallerReference: 'r1' });
    assert.equal(out.$metadata.httpStatusCode, 201);
    assert.equal(out.Location, 'https://route53.amazonaws.com/2013-04-01/hostedzone/Z0NEW');
    assert.deepEqual(out.DelegationSet?.NameServers, ['ns-1.example', 'ns-2.example']);
    assert.equal(out.ChangeInfo?.SubmittedAt?.getTime(), 0);
  });

  test('rest-xml: an error reaches the SDK as its typed exception', async () => {
    const err = await rejection(new Route53Client(config()).send(new GetHostedZoneCommand({ Id: '/hostedzone/Znope' })));
    assert.equal(err.name, 'NoSuchHostedZone');
    assert.equal(err.message, 'No hosted zone found with ID: Znope');
    assert.equal(err.$metadata?.httpStatusCode, 404);
  });

  test('a path no route matches answers the protocol\'s unknown-operation error', async () => {
    const res = await fetch(`${fake.url}/2015-03-31/nothing-here`, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=test/20261201/us-east-1/lambda/aws4_request' } });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-amzn-errortype'), 'UnknownOperationException');
  });
});

describe('REST routing', () => {
  const def: ServiceDef = {
    protocol: 'rest-json',
    xmlns: '',
    ops: {},
    routes: {
      'GET /things/{Key+}': 'GetThing',
      'GET /things/{Id}/policy': 'GetThingPolicy',
      'GET /things/{Id}?versions': 'ListThingVersions',
      'PUT /things/{Id}': 'PutThing',
    },
  };
  const route = (method: string, url: string) => {
    const u = new URL(url, 'http://x');
    return matchRoute(def, { method, path: u.pathname, query: u.searchParams, headers: {}, body: Buffer.alloc(0) });
  };

  test('a more specific template wins over a greedy label', () => {
    assert.deepEqual(route('GET', '/things/a1/policy'), { operation: 'GetThingPolicy', labels: { Id: 'a1' }, literalQuery: [] });
  });

  test('a greedy label takes the rest of the path, slashes included', () => {
    assert.equal(route('GET', '/things/a/b/c')?.labels.Key, 'a/b/c');
  });

  test('a literal query key in the template selects its operation, and the method must match', () => {
    assert.equal(route('GET', '/things/a1?versions')?.operation, 'ListThingVersions');
    assert.equal(route('PUT', '/things/a1/')?.operation, 'PutThing');
    assert.equal(route('DELETE', '/things/a1'), undefined);
  });
});
