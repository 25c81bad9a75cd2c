import { AwsError, asArray } from './common.ts';
import type { Params, ServiceDef } from './service.ts';

/**
 * The Price List Query API (awsJson1.1, target AWSPriceListService). `GetProducts` filters the
 * products a test put by ServiceCode and Filters, pages with MaxResults (1–100, default 100) and
 * NextToken, and answers `PriceList` as a list of JSON strings, as the API does.
 */
export interface PriceListItem {
  product: { productFamily: string; attributes: Record<string, string>; sku: string };
  serviceCode: string;
  terms: { OnDemand: Record<string, { priceDimensions: Record<string, PriceDimension>; sku: string; effectiveDate: string; offerTermCode: string; termAttributes: Record<string, string> }> };
  version: string;
  publicationDate: string;
}

interface PriceDimension {
  unit: string;
  endRange: string;
  description: string;
  appliesTo: string[];
  rateCode: string;
  beginRange: string;
  pricePerUnit: { USD: string };
}

export interface Band {
  begin?: number;
  end?: number;
  usd: string;
}

/** OnDemand offer term code; the rate codes' last part differs per band. */
const ON_DEMAND = 'JRTCKXETXF';
const RATE_CODES = ['6YS6EN2CT7', 'CUKFZ388N3', 'WJR4GT6UK8', 'PGHJ3S3EYE'];

/** One product in the Price List's own shape (see the AWS Billing user guide, "Reading the service price list file"). */
export function priceListItem(opts: {
  serviceCode: string;
  sku: string;
  usagetype: string;
  regionCode?: string;
  productFamily: string;
  unit: string;
  bands: Band[];
  attributes?: Record<string, string>;
  publicationDate?: string;
}): PriceListItem {
  const published = opts.publicationDate ?? '2026-11-20T18:23:41Z';
  const dimensions: Record<string, PriceDimension> = {};
  opts.bands.forEach((b, i) => {
    const rateCode = `${opts.sku}.${ON_DEMAND}.${RATE_CODES[i] ?? `RATE${i}`}`;
    dimensions[rateCode] = {
      unit: opts.unit,
      endRange: b.end === undefined ? 'Inf' : String(b.end),
      description: `${opts.usagetype} ${b.begin ?? 0}+`,
      appliesTo: [],
      rateCode,
      beginRange: String(b.begin ?? 0),
      pricePerUnit: { USD: b.usd },
    };
  });
  return {
    product: {
      productFamily: opts.productFamily,
      attributes: { regionCode: opts.regionCode ?? 'us-east-1', servicecode: opts.serviceCode, usagetype: opts.usagetype, locationType: 'AWS Region', ...opts.attributes },
      sku: opts.sku,
    },
    serviceCode: opts.serviceCode,
    terms: {
      OnDemand: {
        [`${opts.sku}.${ON_DEMAND}`]: { priceDimensions: dimensions, sku: opts.sku, effectiveDate: '2026-11-01T00:00:00Z', offerTermCode: ON_DEMAND, termAttributes: {} },
      },
    },
    version: published.replace(/\D/g, '').slice(0, 14),
    publicationDate: published,
  };
}

export class Pricing {
  readonly products: PriceListItem[] = [];

  putProducts(...items: PriceListItem[]): void {
    this.products.push(...items);
  }

  service(): ServiceDef {
    return {
      protocol: 'json',
      xmlns: '',
      ops: { GetProducts: (p: Params) => this.getProducts(p) },
    };
  }

  private getProducts(p: Params) {
    const filters = asArray<Params>(p.Filters);
    const matching = this.products.filter((item) => item.serviceCode === p.ServiceCode && filters.every((f) => matches(item, f)));
    const size = p.MaxResults === undefined ? 100 : Number(p.MaxResults);
    const offset = p.NextToken === undefined ? 0 : decodeToken(String(p.NextToken));
    const page = matching.slice(offset, offset + size);
    const next = offset + size < matching.length ? Buffer.from(`offset:${offset + size}`).toString('base64') : undefined;
    return { FormatVersion: 'aws_v1', PriceList: page.map((item) => JSON.stringify(item)), ...(next ? { NextToken: next } : {}) };
  }
}

function decodeToken(token: string): number {
  const m = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
  if (!m) throw new AwsError('InvalidNextTokenException', 'The pagination token is invalid. Try again without a pagination token.');
  return Number(m[1]);
}

/** A filter names a product attribute (or productFamily); TERM_MATCH and EQUALS compare whole values. */
function matches(item: PriceListItem, f: Params): boolean {
  const field = String(f.Field);
  const value = String(f.Value);
  const actual = field === 'productFamily' ? item.product.productFamily : field === 'ServiceCode' ? item.serviceCode : item.product.attributes[field];
  switch (f.Type) {
    case 'TERM_MATCH':
    case 'EQUALS':
      return actual === value;
    case 'CONTAINS':
      return actual !== undefined && actual.includes(value);
    case 'ANY_OF':
      return actual !== undefined && value.split(',').includes(actual);
    case 'NONE_OF':
      return actual === undefined || !value.split(',').includes(actual);
    default:
      throw new AwsError('InvalidParameterException', `Invalid filter type: ${String(f.Type)}`);
  }
}
