import { AwsError, requestId } from '../common.ts';
import type { ServiceDef } from '../service.ts';
import { decodeForm, toXml } from './query.ts';
import type { Codec, WireResponse } from './types.ts';
import { XML_DECLARATION, escapeXml } from './xml.ts';

/** ec2Query: form-encoded like awsQuery; answers carry `requestId` directly and lists as `<item>`. */
export const ec2Codec: Codec = {
  decode: decodeForm,
  encode(operation: string, result: unknown, def: ServiceDef): WireResponse {
    const id = requestId();
    const body = `${XML_DECLARATION}<${operation}Response xmlns="${def.xmlns}"><requestId>${id}</requestId>${toXml(result, 'item')}</${operation}Response>`;
    return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': id }, body };
  },
  error(err: AwsError): WireResponse {
    const body = `${XML_DECLARATION}<Response><Errors><Error><Code>${err.code}</Code><Message>${escapeXml(err.message)}</Message></Error></Errors><RequestID>${requestId()}</RequestID></Response>`;
    return { status: err.status, headers: { 'content-type': 'text/xml;charset=UTF-8' }, body };
  },
  unknownOperation: { code: 'InvalidAction', status: 400 },
  internalError: 'InternalError',
  throttling: () => new AwsError('RequestLimitExceeded', 'Request limit exceeded.', 503),
};
