import type { IncomingMessage } from 'node:http';
import { ec2Codec } from './protocols/ec2.ts';
import { jsonCodec } from './protocols/json.ts';
import { queryCodec } from './protocols/query.ts';
import { restJsonCodec } from './protocols/rest-json.ts';
import { restXmlCodec } from './protocols/rest-xml.ts';
import type { Codec, Protocol, WireRequest } from './protocols/types.ts';

export type { Codec, Decoded, Protocol, WireRequest, WireResponse } from './protocols/types.ts';
export { members, nestQuery } from './protocols/query.ts';

/** One codec per wire protocol; a service names its protocol and is only behaviour. */
const CODECS: Record<Protocol, Codec | undefined> = {
  json: jsonCodec,
  query: queryCodec,
  ec2: ec2Codec,
  'rest-json': restJsonCodec,
  'rest-xml': restXmlCodec,
  // smithy-rpc-v2-cbor (CloudWatch): protocols/cbor.ts, routed by `/service/{Service}/operation/{Operation}`.
  cbor: undefined,
};

export const codecFor = (protocol: Protocol): Codec | undefined => CODECS[protocol];

const TARGET_SERVICES: Record<string, string> = {
  AmazonEC2ContainerServiceV20141113: 'ecs',
  AmazonEC2ContainerRegistry_V20150921: 'ecr',
  Logs_20140328: 'logs',
};

/** The service comes from the SigV4 credential scope; signatures are not checked. */
export function serviceOf(req: IncomingMessage): string | undefined {
  const auth = String(req.headers.authorization ?? '');
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth);
  if (scope?.[1]) return scope[1];
  const target = String(req.headers['x-amz-target'] ?? '');
  return TARGET_SERVICES[target.split('.')[0] ?? ''];
}

export function wireRequest(req: IncomingMessage, body: Buffer): WireRequest {
  const url = new URL(req.url ?? '/', 'http://fake-aws');
  return { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body };
}
