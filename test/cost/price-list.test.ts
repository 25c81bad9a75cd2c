import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PricingClient } from '@aws-sdk/client-pricing';
import { livePrices } from '../../scripts/cost/live-prices.ts';
import { parseProduct, parsePriceList, usageBase } from '../../scripts/cost/price-list.ts';
import { ToolError } from '../../scripts/lib/errors.ts';
import { startFakeAws, type FakeAws } from '../fake-aws/index.ts';
import { regionProducts } from './price-fixture.ts';

// One entry exactly as GetProducts answers for us-east-1 Lambda requests (a JSON string).
const REQUEST_ENTRY =
  '{"product":{"productFamily":"Serverless","attributes":{"regionCode":"us-east-1","servicecode":"AWSLambda","groupDescription":"Invocation call for a Lambda function","usagetype":"Request","locationType":"AWS Region","location":"US East (N. Virginia)","servicename":"AWS Lambda","operation":"","group":"AWS-Lambda-Requests"},"sku":"GU2ZS9HVP6QTQ7KE"},"serviceCode":"AWSLambda","terms":{"OnDemand":{"GU2ZS9HVP6QTQ7KE.JRTCKXETXF":{"priceDimensions":{"GU2ZS9HVP6QTQ7KE.JRTCKXETXF.6YS6EN2CT7":{"unit":"Requests","endRange":"Inf","description":"AWS Lambda - Total Requests - US East (Northern Virginia)","appliesTo":[],"rateCode":"GU2ZS9HVP6QTQ7KE.JRTCKXETXF.6YS6EN2CT7","beginRange":"0","pricePerUnit":{"USD":"0.0000002000"}}},"sku":"GU2ZS9HVP6QTQ7KE","effectiveDate":"2026-11-01T00:00:00Z","offerTermCode":"JRTCKXETXF","termAttributes":{}}}},"version":"20261120182341","publicationDate":"2026-11-20T18:23:41Z"}';

test('a PriceList entry is a JSON string: its usage type, on-demand price and publication date are read', () => {
  const p = parseProduct(REQUEST_ENTRY);
  assert.equal(p.usage, 'Request');
  assert.equal(p.productFamily, 'Serverless');
  assert.deepEqual(p.tiers, [{ upTo: Infinity, price: 0.0000002 }]);
  assert.equal(p.unit, 'Requests');
  assert.equal(p.publicationDate, '2026-11-20T18:23:41Z');
});

test('tiered price dimensions become bands ordered by beginRange, "Inf" the open end', () => {
  const arm = JSON.parse(JSON.stringify(regionProducts().find((i) => i.product.attributes.usagetype === 'Lambda-GB-Second-ARM')));
  // the API does not promise an order for the dimensions of a term
  const term = Object.values(arm.terms.OnDemand)[0] as { priceDimensions: Record<string, unknown> };
  term.priceDimensions = Object.fromEntries(Object.entries(term.priceDimensions).reverse());
  const p = parseProduct(JSON.stringify(arm));
  assert.deepEqual(p.tiers.map((t) => t.upTo), [7.5e9, 18.75e9, Infinity]);
  assert.equal(p.tiers[0]!.price, Number((0.0000133334 * 1.1).toFixed(10)));
});

test('the region prefix of a usage type is dropped, the rest kept whole', () => {
  assert.equal(usageBase('USE1-Fargate-vCPU-Hours:perCPU'), 'Fargate-vCPU-Hours:perCPU');
  assert.equal(usageBase('EU-Lambda-GB-Second'), 'Lambda-GB-Second');
  assert.equal(usageBase('APS1-PublicIPv4:InUseAddress'), 'PublicIPv4:InUseAddress');
  assert.equal(usageBase('USE1-SpotUsage:Fargate-GB-Hours'), 'SpotUsage:Fargate-GB-Hours');
  assert.equal(usageBase('Lambda-GB-Second-ARM'), 'Lambda-GB-Second-ARM');
  assert.equal(usageBase('LCUUsage'), 'LCUUsage');
});

test('an entry without on-demand terms or prices is a tool failure that says what to do', () => {
  assert.throws(() => parsePriceList([REQUEST_ENTRY, '{"product":{"attributes":{}},"terms":{}}']), (err: unknown) => err instanceof ToolError && /entry 2: it has no terms\.OnDemand/.test(err.message) && /OFFLINE=1/.test(err.message));
  assert.throws(() => parseProduct('not json'), /entry 1: it is not JSON/);
  assert.throws(() => parseProduct(REQUEST_ENTRY.replace('"USD":"0.0000002000"', '"CNY":"1"')), /no USD price/);
});

describe('live prices through the fake Price List API and the real SDK client', () => {
  let fake: FakeAws;
  const client = () => new PricingClient({ region: 'us-east-1', endpoint: fake.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  before(async () => {
    fake = await startFakeAws();
    fake.pricing.putProducts(...regionProducts(), ...regionProducts('eu-west-1', 'EU-', 'EU-'));
  });
  after(() => fake.stop());

  test('every price comes from the answer for the deploy region, dated by its publication', async () => {
    const t = await livePrices('us-east-1', client());
    assert.equal(t.source, 'live');
    assert.equal(t.date, '2026-11-20');
    assert.deepEqual(t.notes, []);
    assert.equal(t.lambda.request.x86, Number((0.0000002 * 1.1).toFixed(10)));
    assert.deepEqual(t.lambda.gbSecond.x86.map((b) => b.upTo), [6e9, 15e9, Infinity]);
    assert.equal(t.lambda.provisioned.arm, Number((0.0000033334 * 1.1).toFixed(10)));
    assert.equal(t.fargate.vcpuHour.arm, Number((0.03238 * 1.1).toFixed(10)));
    assert.equal(t.fargate.spotVcpuHour, 0.0127);
    assert.equal(t.ipv4Hour, Number((0.005 * 1.1).toFixed(10)));
    assert.equal(t.alb.lcuHour, Number((0.008 * 1.1).toFixed(10)));
    assert.equal(t.logsGb, Number((0.5 * 1.1).toFixed(10)));
    const gets = fake.requests.filter((r) => r.operation === 'GetProducts');
    assert.deepEqual(gets.map((r) => r.params.ServiceCode).sort(), ['AWSELB', 'AWSLambda', 'AmazonCloudWatch', 'AmazonEC2', 'AmazonECS', 'AmazonVPC']);
    assert.ok(gets.every((r) => JSON.stringify(r.params.Filters).includes('"Field":"regionCode","Value":"us-east-1"')));
  });

  test('another region is read with its own prefixes', async () => {
    const t = await livePrices('eu-west-1', client());
    assert.equal(t.region, 'eu-west-1');
    assert.deepEqual(t.notes, []);
    assert.equal(t.fargate.gbHour.x86, Number((0.004445 * 1.1).toFixed(10)));
  });

  test('pages of MaxResults are followed to the end with NextToken', async () => {
    fake.resetRequests();
    fake.pricing.putProducts(...Array.from({ length: 150 }, (_, i) => ({ ...regionProducts('ap-south-1', 'APS3-')[0]!, product: { ...regionProducts('ap-south-1', 'APS3-')[0]!.product, sku: `FILLER${i}` } })));
    await livePrices('ap-south-1', client());
    const lambdaPages = fake.requests.filter((r) => r.operation === 'GetProducts' && r.params.ServiceCode === 'AWSLambda');
    assert.equal(lambdaPages.length, 2);
    assert.equal(lambdaPages[1]!.params.NextToken !== undefined, true);
  });

  test('a price the answer lacks is filled from the bundled table, and the report says which', async () => {
    fake.pricing.putProducts(...regionProducts('ca-central-1', 'CAN1-', 'CAN1-').filter((i) => !i.product.attributes.usagetype!.endsWith('LCUUsage')));
    const t = await livePrices('ca-central-1', client());
    assert.equal(t.source, 'live');
    assert.deepEqual(t.notes, ["the Price List answer for ca-central-1 had no AWSELB LCUUsage — those prices are the bundled us-east-1 table's"]);
    assert.equal(t.alb.lcuHour, 0.008);
    assert.equal(t.alb.hour, Number((0.0225 * 1.1).toFixed(10)));
  });

  test('ALB prices published under the AmazonEC2 offer are found there', async () => {
    const moved = regionProducts('us-west-2', 'USW2-', 'USW2-').map((i) => (i.serviceCode === 'AWSELB' ? { ...i, serviceCode: 'AmazonEC2', product: { ...i.product, attributes: { ...i.product.attributes, servicecode: 'AmazonEC2' } } } : i));
    fake.pricing.putProducts(...moved);
    const t = await livePrices('us-west-2', client());
    assert.deepEqual(t.notes, []);
    assert.equal(t.alb.hour, Number((0.0225 * 1.1).toFixed(10)));
  });

  test('a region the answer has no prices for at all is priced from the bundled table', async () => {
    const t = await livePrices('sa-east-1', client());
    assert.equal(t.source, 'bundled');
    assert.deepEqual(t.notes, ["the Price List API answered no prices for sa-east-1 — prices are the bundled table's", 'the bundled table holds us-east-1 prices; sa-east-1 may differ']);
  });

  test('an API that cannot be reached leaves the bundled table, with the reason', async () => {
    const unreachable = new PricingClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    const t = await livePrices('us-east-1', unreachable);
    assert.equal(t.source, 'bundled');
    assert.equal(t.date, '2026-12-01');
    assert.match(t.notes[0]!, /^the Price List API could not be reached \(.*\) — prices are the bundled table's$/);
  });
});
