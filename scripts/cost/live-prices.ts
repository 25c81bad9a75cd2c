import { GetProductsCommand, PricingClient, type Filter } from '@aws-sdk/client-pricing';
import { bundledPrices } from './bundled.ts';
import { findProduct, parsePriceList, type PricedProduct } from './price-list.ts';
import type { Arch, PriceTable, Tier } from './prices.ts';

/**
 * Live prices for `region` from the Price List Query API. The API has its own endpoints (us-east-1
 * and ap-south-1, AWS Billing user guide "Using the Price List Query API") and answers for every
 * region's products; `regionCode` narrows to the deploy region. Anything the answer lacks is taken
 * from the bundled table and named in `notes`; when the API cannot be reached at all the whole
 * bundled table is used, with the reason.
 */
export async function livePrices(region: string, client: PricingClient = pricingClient(region)): Promise<PriceTable> {
  let answers: Record<ServiceCode, PricedProduct[]>;
  try {
    const codes = Object.keys(SERVICES) as ServiceCode[];
    const lists = await Promise.all(codes.map((code) => products(client, code, region)));
    answers = Object.fromEntries(codes.map((c, i) => [c, lists[i]!])) as Record<ServiceCode, PricedProduct[]>;
  } catch (err) {
    const name = err instanceof Error ? err.name : 'Error';
    if (name === 'ToolError') throw err;
    return bundledPrices(region, [`the Price List API could not be reached (${name}: ${(err as Error).message.split('\n')[0]}) — prices are the bundled table's`]);
  }
  return fromProducts(region, answers);
}

export function pricingClient(region: string): PricingClient {
  return new PricingClient({ region: region.startsWith('ap-') ? 'ap-south-1' : 'us-east-1', maxAttempts: 3 });
}

const SERVICES = {
  AWSLambda: [],
  AmazonECS: [],
  AmazonVPC: [],
  // the ELB offer holds every balancer type; only the Application Load Balancer's rows are wanted.
  // Some regions' ALB rows are published under the AmazonEC2 offer instead, so both are asked.
  AWSELB: [{ Type: 'TERM_MATCH', Field: 'productFamily', Value: 'Load Balancer-Application' }],
  AmazonEC2: [{ Type: 'TERM_MATCH', Field: 'productFamily', Value: 'Load Balancer-Application' }],
  AmazonCloudWatch: [],
} satisfies Record<string, Filter[]>;
type ServiceCode = keyof typeof SERVICES;

async function products(client: PricingClient, code: ServiceCode, region: string): Promise<PricedProduct[]> {
  const out: PricedProduct[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(
      new GetProductsCommand({
        ServiceCode: code,
        FormatVersion: 'aws_v1',
        MaxResults: 100,
        Filters: [{ Type: 'TERM_MATCH', Field: 'regionCode', Value: region }, ...SERVICES[code]],
        NextToken,
      }),
    );
    out.push(...parsePriceList((page.PriceList ?? []) as unknown[]));
    NextToken = page.NextToken || undefined;
  } while (NextToken);
  return out;
}

/** Maps the products onto the table's shape; a price the answer lacks stays the bundled one. */
export function fromProducts(region: string, answers: Record<ServiceCode, PricedProduct[]>): PriceTable {
  const table = bundledPrices('us-east-1');
  const missing: string[] = [];
  let found = 0;
  const dates = Object.values(answers).flat().map((p) => p.publicationDate).filter((d): d is string => !!d).sort();
  const take = (code: ServiceCode, usage: string, set: (tiers: Tier[]) => void, alternative?: ServiceCode) => {
    const p = findProduct(answers[code], usage) ?? (alternative ? findProduct(answers[alternative], usage) : undefined);
    if (p) {
      set(p.tiers);
      found++;
    } else missing.push(`${code} ${usage}`);
  };
  // single-rate usage types have one band; take its price
  const flat = (tiers: Tier[]) => tiers[0]!.price;
  const arches: Array<[Arch, string]> = [['x86', ''], ['arm', '-ARM']];
  for (const [arch, suffix] of arches) {
    take('AWSLambda', `Request${suffix}`, (t) => (table.lambda.request[arch] = flat(t)));
    take('AWSLambda', `Lambda-GB-Second${suffix}`, (t) => (table.lambda.gbSecond[arch] = t));
    take('AWSLambda', `Lambda-Provisioned-Concurrency${suffix}`, (t) => (table.lambda.provisioned[arch] = flat(t)));
    take('AWSLambda', `Lambda-Provisioned-GB-Second${suffix}`, (t) => (table.lambda.provisionedGbSecond[arch] = flat(t)));
  }
  take('AmazonECS', 'Fargate-vCPU-Hours:perCPU', (t) => (table.fargate.vcpuHour.x86 = flat(t)));
  take('AmazonECS', 'Fargate-GB-Hours', (t) => (table.fargate.gbHour.x86 = flat(t)));
  take('AmazonECS', 'Fargate-ARM-vCPU-Hours:perCPU', (t) => (table.fargate.vcpuHour.arm = flat(t)));
  take('AmazonECS', 'Fargate-ARM-GB-Hours', (t) => (table.fargate.gbHour.arm = flat(t)));
  take('AmazonECS', 'SpotUsage:Fargate-vCPU-Hours:perCPU', (t) => (table.fargate.spotVcpuHour = flat(t)));
  take('AmazonECS', 'SpotUsage:Fargate-GB-Hours', (t) => (table.fargate.spotGbHour = flat(t)));
  take('AmazonVPC', 'PublicIPv4:InUseAddress', (t) => (table.ipv4Hour = flat(t)));
  take('AWSELB', 'LoadBalancerUsage', (t) => (table.alb.hour = flat(t)), 'AmazonEC2');
  take('AWSELB', 'LCUUsage', (t) => (table.alb.lcuHour = flat(t)), 'AmazonEC2');
  take('AmazonCloudWatch', 'DataProcessing-Bytes', (t) => (table.logsGb = flat(t)));
  if (found === 0) return bundledPrices(region, [`the Price List API answered no prices for ${region} — prices are the bundled table's`]);
  const notes = missing.length ? [`the Price List answer for ${region} had no ${missing.join(', ')} — those prices are the bundled us-east-1 table's`] : [];
  return { ...table, source: 'live', region, date: (dates[dates.length - 1] ?? new Date().toISOString()).slice(0, 10), notes };
}
