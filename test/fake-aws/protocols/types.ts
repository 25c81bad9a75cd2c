import type { IncomingHttpHeaders } from 'node:http';
import type { AwsError } from '../common.ts';
import type { Params, ServiceDef } from '../service.ts';

/**
 * How a service speaks: awsJson1.0/1.1 (ECS, ECR, Logs), awsQuery (IAM, STS, CloudFormation),
 * ec2Query, restJson1 (Lambda), restXml (Route 53), smithy-rpc-v2-cbor (CloudWatch).
 */
export type Protocol = 'json' | 'query' | 'ec2' | 'rest-json' | 'rest-xml' | 'cbor';

/** A request as it came off the socket, before any protocol reads it. */
export interface WireRequest {
  method: string;
  /** the path without the query string, still percent-encoded */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface Decoded {
  operation: string;
  params: Params;
}

/** One wire protocol: how to read a request and write its answer or error. Services know none of it. */
export interface Codec {
  decode(req: WireRequest, def: ServiceDef): Decoded;
  encode(operation: string, result: unknown, def: ServiceDef, req: WireRequest): WireResponse;
  error(err: AwsError, def: ServiceDef, req: WireRequest): WireResponse;
  /** the code this protocol's services answer for an operation they do not have */
  unknownOperation: { code: string; status: number };
  /** the code for an internal failure of the fake itself */
  internalError: string;
  /** the throttling error this protocol family uses (the SDKs retry each of them) */
  throttling(): AwsError;
}
