import { AwsError, requestId } from '../common.ts';
import type { ServiceDef } from '../service.ts';
import { jsonBody } from './json.ts';
import { decodeRest, splitResult } from './routes.ts';
import type { Codec, WireRequest, WireResponse } from './types.ts';

/**
 * restJson1 (Lambda): the operation from method + path (`ServiceDef.routes`); params are the path
 * labels, the query-string values by wire name and the JSON body's members.
 */
export const restJsonCodec: Codec = {
  decode: (req: WireRequest, def: ServiceDef) => decodeRest(req, def, () => jsonBody(req.body.toString('utf8'))),
  encode(_operation: string, result: unknown): WireResponse {
    const { status, headers, body } = splitResult(result);
    const text = status === 204 ? '' : JSON.stringify(body ?? {});
    return { status, headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId(), ...headers }, body: text };
  },
  error(err: AwsError): WireResponse {
    return {
      status: err.status,
      headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId(), 'x-amzn-errortype': err.code },
      body: JSON.stringify({ message: err.message, Message: err.message, Type: err.status >= 500 ? 'Service' : 'User' }),
    };
  },
  unknownOperation: { code: 'UnknownOperationException', status: 404 },
  internalError: 'ServiceException',
  throttling: () => new AwsError('TooManyRequestsException', 'Rate exceeded', 429),
};
