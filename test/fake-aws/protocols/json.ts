import { AwsError, requestId } from '../common.ts';
import type { Params } from '../service.ts';
import type { Codec, Decoded, WireRequest, WireResponse } from './types.ts';

/** awsJson1.0 and 1.1 differ only in the content type; the answer uses the request's. */
const contentType = (req: WireRequest) => (String(req.headers['content-type'] ?? '').includes('1.0') ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1');

/** Parses a JSON body into a params object, failing as AWS does on anything else. */
export function jsonBody(text: string): Params {
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AwsError('SerializationException', 'Start of structure or map found where not expected.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AwsError('SerializationException', 'Start of structure or map found where not expected.');
  return value as Params;
}

/** awsJson: `X-Amz-Target: Prefix.Operation`, the input as the JSON body. */
export const jsonCodec: Codec = {
  decode(req: WireRequest): Decoded {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    return { operation, params: jsonBody(req.body.toString('utf8')) };
  },
  encode(_operation: string, result: unknown, _def, req: WireRequest): WireResponse {
    return { status: 200, headers: { 'content-type': contentType(req), 'x-amzn-requestid': requestId() }, body: JSON.stringify(result ?? {}) };
  },
  error(err: AwsError, _def, req: WireRequest): WireResponse {
    return {
      status: err.status,
      headers: { 'content-type': contentType(req), 'x-amzn-requestid': requestId(), 'x-amzn-errortype': err.code },
      body: JSON.stringify({ __type: err.code, message: err.message }),
    };
  },
  unknownOperation: { code: 'UnknownOperationException', status: 400 },
  internalError: 'ServerException',
  throttling: () => new AwsError('ThrottlingException', 'Rate exceeded', 400),
};
