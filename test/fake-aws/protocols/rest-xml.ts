import { XMLParser } from 'fast-xml-parser';
import { AwsError, requestId } from '../common.ts';
import type { ServiceDef } from '../service.ts';
import { xmlErrorResponse } from './query.ts';
import { decodeRest, splitResult } from './routes.ts';
import type { Codec, WireRequest, WireResponse } from './types.ts';
import { XML_DECLARATION, escapeXml } from './xml.ts';

// Text stays text (ids such as "0123" must not become numbers); attributes are namespaces only.
const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, ignoreDeclaration: true, removeNSPrefix: true });

/** The children of the body's root element; repeated children are arrays, single ones objects. */
export function xmlBody(text: string): Record<string, unknown> {
  if (!text.trim()) return {};
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text, true) as Record<string, unknown>;
  } catch {
    throw new AwsError('MalformedInput', 'The XML you provided was not well-formed or did not validate against our published schema.');
  }
  const root = Object.values(doc)[0];
  return typeof root === 'object' && root !== null && !Array.isArray(root) ? (root as Record<string, unknown>) : {};
}

/** Objects render as elements; an array under key K as repeated `<K>` elements. */
export function toRestXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'object') return escapeXml(String(value));
  return Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => (Array.isArray(v) ? v : [v]).map((item) => `<${k}>${toRestXml(item)}</${k}>`).join(''))
    .join('');
}

/**
 * restXml (Route 53): the operation from method + path (`ServiceDef.routes`); params are the path
 * labels, the query-string values by wire name and the children of the XML body's root element.
 */
export const restXmlCodec: Codec = {
  decode: (req: WireRequest, def: ServiceDef) => decodeRest(req, def, () => xmlBody(req.body.toString('utf8'))),
  encode(operation: string, result: unknown, def: ServiceDef): WireResponse {
    const { status, headers, body } = splitResult(result);
    const xml = status === 204 ? '' : `${XML_DECLARATION}<${operation}Response xmlns="${def.xmlns}">${toRestXml(body)}</${operation}Response>`;
    return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId(), ...headers }, body: xml };
  },
  error(err: AwsError, def: ServiceDef): WireResponse {
    const id = requestId();
    return { status: err.status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': id }, body: `${XML_DECLARATION}${xmlErrorResponse(err, def.xmlns, id)}` };
  },
  unknownOperation: { code: 'InvalidAction', status: 404 },
  internalError: 'InternalFailure',
  throttling: () => new AwsError('Throttling', 'Rate exceeded', 400),
};
