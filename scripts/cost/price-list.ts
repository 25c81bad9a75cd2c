import { ToolError, message } from '../lib/errors.ts';
import type { Tier } from './prices.ts';

/**
 * Reading `pricing:GetProducts` answers. `PriceList` is a list of JSON strings, one product each:
 * `{ product: { productFamily, attributes: { usagetype, regionCode, … }, sku }, terms: { OnDemand:
 * { "<sku>.<offerTermCode>": { priceDimensions: { "<rateCode>": { unit, beginRange, endRange,
 * pricePerUnit: { USD } } }, effectiveDate } } }, publicationDate }` (AWS Billing user guide,
 * "Reading the service price list file", term and price-dimension definitions; API reference
 * GetProducts).
 */
export interface PricedProduct {
  sku: string;
  productFamily?: string;
  attributes: Record<string, string>;
  /** usagetype without its region prefix ("USE1-Fargate-GB-Hours" → "Fargate-GB-Hours") */
  usage: string;
  /** the on-demand price dimensions as bands, lowest first */
  tiers: Tier[];
  unit: string;
  publicationDate?: string;
}

interface RawDimension {
  unit?: unknown;
  beginRange?: unknown;
  endRange?: unknown;
  pricePerUnit?: { USD?: unknown };
}

/**
 * Usage types carry a region code prefix ("USE1-", "EUC1-", "EU-", "APS1-"); us-east-1's oldest
 * services have none. Upper-case letters and digits then a dash, nothing else, is the prefix.
 */
export function usageBase(usagetype: string): string {
  return usagetype.replace(/^[A-Z]{2,5}[0-9]?-/, '');
}

/** One PriceList entry: a JSON string (the SDK may hand it over already parsed). */
export function parseProduct(entry: unknown, index = 0): PricedProduct {
  let item: unknown = entry;
  // a string, or the SDK's JSON-string wrapper object, whose toString() is the JSON
  if (typeof entry === 'string' || (entry !== null && typeof entry === 'object' && !('product' in entry))) {
    try {
      item = JSON.parse(String(entry));
    } catch {
      throw bad(index, 'it is not JSON');
    }
  }
  const it = item as { product?: { sku?: unknown; productFamily?: unknown; attributes?: unknown }; terms?: { OnDemand?: unknown }; publicationDate?: unknown };
  const attributes = it.product?.attributes;
  if (!it.product || !attributes || typeof attributes !== 'object') throw bad(index, 'it has no product.attributes');
  const attrs = Object.fromEntries(Object.entries(attributes as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  const onDemand = it.terms?.OnDemand;
  if (!onDemand || typeof onDemand !== 'object') throw bad(index, 'it has no terms.OnDemand');
  const term = Object.values(onDemand as Record<string, { priceDimensions?: Record<string, RawDimension> }>)[0];
  const dims = Object.values(term?.priceDimensions ?? {});
  if (!dims.length) throw bad(index, 'its on-demand term has no priceDimensions');
  const bands = dims
    .map((d) => ({ begin: Number(d.beginRange ?? 0), end: d.endRange === undefined || d.endRange === 'Inf' ? Infinity : Number(d.endRange), price: Number(d.pricePerUnit?.USD), unit: String(d.unit ?? '') }))
    .sort((a, b) => a.begin - b.begin);
  for (const b of bands) if (!Number.isFinite(b.price) || Number.isNaN(b.begin) || Number.isNaN(b.end)) throw bad(index, 'a price dimension has no USD price or range');
  return {
    sku: String(it.product.sku ?? ''),
    productFamily: it.product.productFamily === undefined ? undefined : String(it.product.productFamily),
    attributes: attrs,
    usage: usageBase(attrs.usagetype ?? ''),
    tiers: bands.map((b) => ({ upTo: b.end, price: b.price })),
    unit: bands[0]!.unit,
    publicationDate: typeof it.publicationDate === 'string' ? it.publicationDate : undefined,
  };
}

export function parsePriceList(entries: unknown[]): PricedProduct[] {
  return entries.map((e, i) => parseProduct(e, i));
}

/** The product for a usage type (region prefix ignored), optionally narrowed by attributes. */
export function findProduct(products: PricedProduct[], usage: string, where: (p: PricedProduct) => boolean = () => true): PricedProduct | undefined {
  return products.find((p) => p.usage === usage && where(p));
}

function bad(index: number, why: string): ToolError {
  return new ToolError(message(`Price List answer, entry ${index + 1}`, why, 'the Price List API changed its format: run with OFFLINE=1 to use the bundled prices and report this'));
}
