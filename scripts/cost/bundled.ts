import type { PriceTable } from './prices.ts';

/**
 * us-east-1 list prices, written by hand and checked on 2026-12-01 against the pages below. The
 * pricing pages render their rate tables client-side, so each figure was also checked against a
 * copy of the Price List data it comes from (named per line). Used when OFFLINE=1 or when the Price
 * List API cannot be reached; the report then says "bundled table of 2026-12-01".
 */
export const BUNDLED_DATE = '2026-12-01';

export function bundledPrices(region: string, notes: string[] = []): PriceTable {
  return {
    source: 'bundled',
    region: 'us-east-1',
    date: BUNDLED_DATE,
    notes: region === 'us-east-1' ? notes : [...notes, `the bundled table holds us-east-1 prices; ${region} may differ`],
    lambda: {
      // https://aws.amazon.com/lambda/pricing/ — $0.20 per 1M requests, both architectures
      // (Price List AWSLambda usagetype Request / Request-ARM = 0.0000002).
      request: { x86: 0.0000002, arm: 0.0000002 },
      // https://aws.amazon.com/lambda/pricing/ and the AWS Compute Blog "Introducing tiered pricing
      // for AWS Lambda" (2022): x86 full price to 6 B GB-s, 10 % off to 15 B, 20 % off above; Arm
      // full price to 7.5 B, 10 % off to 18.75 B, 20 % off above. Prices per band from Price List
      // usagetype Lambda-GB-Second / Lambda-GB-Second-ARM (beginRange/endRange bands).
      gbSecond: {
        x86: [
          { upTo: 6e9, price: 0.0000166667 },
          { upTo: 15e9, price: 0.000015 },
          { upTo: Infinity, price: 0.0000133334 },
        ],
        arm: [
          { upTo: 7.5e9, price: 0.0000133334 },
          { upTo: 18.75e9, price: 0.0000120001 },
          { upTo: Infinity, price: 0.0000106667 },
        ],
      },
      // https://aws.amazon.com/lambda/pricing/ (Provisioned Concurrency section): Price List
      // usagetype Lambda-Provisioned-Concurrency(-ARM) and Lambda-Provisioned-GB-Second(-ARM).
      provisioned: { x86: 0.0000041667, arm: 0.0000033334 },
      provisionedGbSecond: { x86: 0.0000097222, arm: 0.0000077778 },
    },
    fargate: {
      // https://aws.amazon.com/fargate/pricing/ — Linux/X86 $0.04048 per vCPU-hour, $0.004445 per
      // GB-hour; Linux/ARM $0.03238 and $0.00356 (Price List AmazonECS USE1-Fargate-vCPU-Hours:perCPU,
      // USE1-Fargate-GB-Hours, USE1-Fargate-ARM-*).
      vcpuHour: { x86: 0.04048, arm: 0.03238 },
      gbHour: { x86: 0.004445, arm: 0.00356 },
      // Spot prices move with spare capacity; the page promises "up to a 70% discount". The bundled
      // figure is that best case (0.3 × on demand). X86_64 only: "Linux tasks with the ARM64
      // architecture don't support the Fargate Spot capacity provider" (ECS developer guide,
      // fargate-capacity-providers.html).
      spotVcpuHour: 0.04048 * 0.3,
      spotGbHour: 0.004445 * 0.3,
    },
    // https://aws.amazon.com/vpc/pricing/ — $0.005 per in-use public IPv4 address per hour since
    // 2024-02-01 (AWS News Blog "New – AWS Public IPv4 Address Charge + Public IP Insights",
    // 2023-07-28); Price List AmazonVPC usagetype PublicIPv4:InUseAddress.
    ipv4Hour: 0.005,
    // https://aws.amazon.com/elasticloadbalancing/pricing/ — Application Load Balancer $0.0225 per
    // ALB-hour and $0.008 per LCU-hour (Price List AWSELB LoadBalancerUsage / LCUUsage).
    alb: { hour: 0.0225, lcuHour: 0.008 },
    // https://aws.amazon.com/cloudwatch/pricing/ — Logs "Collect (Data Ingestion)" standard class
    // $0.50 per GB; Lambda's own logs are tiered since 2025-05-01 with $0.50 as the first tier.
    logsGb: 0.5,
  };
}
