/**
 * The prices `make cost` multiplies by, in one shape whether they came live from the AWS Price List
 * API or from the bundled table. Units are the ones AWS bills in: dollars per request, per GB-second,
 * per hour, per vCPU-hour, per GB-hour, per LCU-hour, per GB ingested.
 */
export type Arch = 'x86' | 'arm';

/** One band of a tiered rate: `price` applies to usage up to `upTo` (Infinity for the last band). */
export interface Tier {
  upTo: number;
  price: number;
}

export interface PriceTable {
  /** where the prices came from; the report always says so, with `date` */
  source: 'live' | 'bundled';
  /** the region the prices are for */
  region: string;
  /** live: the Price List's newest publication date; bundled: the day the table was checked against the pages */
  date: string;
  /** why the bundled table was used, or which prices a live answer lacked (filled from the table) */
  notes: string[];
  lambda: {
    request: Record<Arch, number>;
    /** on-demand duration, tiered by the month's GB-seconds in the region (per architecture) */
    gbSecond: Record<Arch, Tier[]>;
    /** provisioned concurrency: per GB-second configured, whether used or not */
    provisioned: Record<Arch, number>;
    /** duration of invocations that run on provisioned concurrency */
    provisionedGbSecond: Record<Arch, number>;
  };
  fargate: {
    vcpuHour: Record<Arch, number>;
    gbHour: Record<Arch, number>;
    /** Fargate Spot runs X86_64 Linux tasks only, so there is no Arm Spot price */
    spotVcpuHour?: number;
    spotGbHour?: number;
  };
  /** a public IPv4 address (a task's, or one of an ALB's), per hour */
  ipv4Hour: number;
  alb: { hour: number; lcuHour: number };
  /** CloudWatch Logs ingestion (standard class), per GB */
  logsGb: number;
}

/** The free tier's always-free allowances (only applied with FREE_TIER=1). */
export interface FreeTier {
  lambdaRequests: number;
  lambdaGbSeconds: number;
  logsGb: number;
}

/**
 * Lambda: "The free tier includes one million requests and 400,000 GB-seconds per month" — it does
 * not apply to functions with provisioned concurrency (https://aws.amazon.com/lambda/pricing/, read
 * 2026-12-01). CloudWatch: 5 GB of log data a month (https://aws.amazon.com/cloudwatch/pricing/,
 * free tier section, read 2026-12-01). The 12-month offers (ALB hours, EC2 IPv4 hours) are left out:
 * accounts opened since 2025-07-15 get credits instead.
 */
export const FREE_TIER: FreeTier = { lambdaRequests: 1_000_000, lambdaGbSeconds: 400_000, logsGb: 5 };

/** AWS's pricing pages and calculator price a month as 730 hours. */
export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
