import { priceListItem, type PriceListItem } from '../fake-aws/pricing.ts';

/**
 * A Price List answer for one region, product by product as GetProducts returns them: usage types
 * as the offer files name them (region prefix "USE1-" except where us-east-1's have none), tiered
 * Lambda duration as beginRange/endRange bands. Prices here are deliberately not the bundled
 * table's (×1.1), so a test can tell a live answer from the bundled fallback.
 */
const x = (usd: number) => (usd * 1.1).toFixed(10);

export function regionProducts(regionCode = 'us-east-1', prefix = 'USE1-', lambdaPrefix = ''): PriceListItem[] {
  const lambda = (sku: string, usagetype: string, unit: string, bands: Array<{ begin?: number; end?: number; usd: string }>) =>
    priceListItem({ serviceCode: 'AWSLambda', sku, usagetype: `${lambdaPrefix}${usagetype}`, regionCode, productFamily: 'Serverless', unit, bands, attributes: { group: 'AWS-Lambda', location: 'US East (N. Virginia)' } });
  return [
    lambda('GU2ZS9HVP6QTQ7KE', 'Request', 'Requests', [{ usd: x(0.0000002) }]),
    lambda('K7BX6567RJ67A2KE', 'Request-ARM', 'Requests', [{ usd: x(0.0000002) }]),
    lambda('TG3M4CAGBA3NYQBH', 'Lambda-GB-Second', 'Lambda-GB-Second', [
      { begin: 0, end: 6e9, usd: x(0.0000166667) },
      { begin: 6e9, end: 15e9, usd: x(0.000015) },
      { begin: 15e9, usd: x(0.0000133334) },
    ]),
    lambda('JRTCKXETXFARM000', 'Lambda-GB-Second-ARM', 'Lambda-GB-Second', [
      { begin: 0, end: 7.5e9, usd: x(0.0000133334) },
      { begin: 7.5e9, end: 18.75e9, usd: x(0.0000120001) },
      { begin: 18.75e9, usd: x(0.0000106667) },
    ]),
    lambda('BMKCD2ZCEYKTYYCB', 'Lambda-Provisioned-Concurrency', 'Lambda-GB-Second', [{ usd: x(0.0000041667) }]),
    lambda('BMKCD2ZCEYKTYARM', 'Lambda-Provisioned-Concurrency-ARM', 'Lambda-GB-Second', [{ usd: x(0.0000033334) }]),
    lambda('ZZF88MXYPS4DGSEZ', 'Lambda-Provisioned-GB-Second', 'Lambda-GB-Second', [{ usd: x(0.0000097222) }]),
    lambda('ZZF88MXYPS4DGARM', 'Lambda-Provisioned-GB-Second-ARM', 'Lambda-GB-Second', [{ usd: x(0.0000077778) }]),
    // another Lambda product in the same offer that must not be mistaken for the duration rate
    lambda('EDGE0000000000GB', 'Lambda-Edge-GB-Second', 'Lambda-GB-Second', [{ usd: '0.0000500100' }]),
    priceListItem({ serviceCode: 'AmazonECS', sku: 'PT22UKNZNU9D3XSN', usagetype: `${prefix}Fargate-GB-Hours`, regionCode, productFamily: 'Compute', unit: 'hours', bands: [{ usd: x(0.004445) }] }),
    priceListItem({ serviceCode: 'AmazonECS', sku: '3JPC5EER47BUUFC6', usagetype: `${prefix}Fargate-vCPU-Hours:perCPU`, regionCode, productFamily: 'Compute', unit: 'hours', bands: [{ usd: x(0.04048) }] }),
    priceListItem({ serviceCode: 'AmazonECS', sku: 'ARMGB00000000000', usagetype: `${prefix}Fargate-ARM-GB-Hours`, regionCode, productFamily: 'Compute', unit: 'hours', bands: [{ usd: x(0.00356) }] }),
    priceListItem({ serviceCode: 'AmazonECS', sku: 'ARMCPU0000000000', usagetype: `${prefix}Fargate-ARM-vCPU-Hours:perCPU`, regionCode, productFamily: 'Compute', unit: 'hours', bands: [{ usd: x(0.03238) }] }),
    priceListItem({ serviceCode: 'AmazonECS', sku: 'SPOTCPU000000000', usagetype: `${prefix}SpotUsage:Fargate-vCPU-Hours:perCPU`, regionCode, productFamily: 'Compute', unit: 'hours', bands: [{ usd: '0.0127000000' }] }),
    priceListItem({ serviceCode: 'AmazonECS', sku: 'SPOTGB0000000000', usagetype: `${prefix}SpotUsage:Fargate-GB-Hours`, regionCode, productFamily: 'Compute', unit: 'hours', bands: [{ usd: '0.0013900000' }] }),
    priceListItem({ serviceCode: 'AmazonVPC', sku: 'IPV4INUSE0000000', usagetype: `${prefix}PublicIPv4:InUseAddress`, regionCode, productFamily: 'VPC Public IPv4 Address', unit: 'Hrs', bands: [{ usd: x(0.005) }] }),
    priceListItem({ serviceCode: 'AmazonVPC', sku: 'IPV4IDLE00000000', usagetype: `${prefix}PublicIPv4:IdleAddress`, regionCode, productFamily: 'VPC Public IPv4 Address', unit: 'Hrs', bands: [{ usd: '0.0050000000' }] }),
    priceListItem({ serviceCode: 'AWSELB', sku: 'ALBHOURS00000000', usagetype: `${prefix}LoadBalancerUsage`, regionCode, productFamily: 'Load Balancer-Application', unit: 'Hrs', bands: [{ usd: x(0.0225) }], attributes: { operation: 'LoadBalancing:Application' } }),
    priceListItem({ serviceCode: 'AWSELB', sku: 'ALBLCU0000000000', usagetype: `${prefix}LCUUsage`, regionCode, productFamily: 'Load Balancer-Application', unit: 'LCU-Hrs', bands: [{ usd: x(0.008) }], attributes: { operation: 'LoadBalancing:Application' } }),
    priceListItem({ serviceCode: 'AWSELB', sku: 'NLBHOURS00000000', usagetype: `${prefix}LoadBalancerUsage`, regionCode, productFamily: 'Load Balancer-Network', unit: 'Hrs', bands: [{ usd: '0.0225000000' }], attributes: { operation: 'LoadBalancing:Network' } }),
    priceListItem({ serviceCode: 'AmazonCloudWatch', sku: 'LOGSINGEST000000', usagetype: `${prefix}DataProcessing-Bytes`, regionCode, productFamily: 'Data Payload', unit: 'GB', bands: [{ usd: x(0.5) }] }),
  ];
}
