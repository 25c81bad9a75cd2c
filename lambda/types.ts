/**
 * The Lambda Function URL contract (payload format 2.0), small enough to keep here instead of
 * depending on @types/aws-lambda. The container adapter builds these same events, so both
 * platforms run the handler against one shape.
 */
export interface FunctionUrlEvent {
  version: '2.0';
  /** always "$default" for Function URLs */
  routeKey: string;
  rawPath: string;
  /** without the leading "?"; "" when there is none */
  rawQueryString: string;
  cookies?: string[];
  /** lower-case names; repeated headers joined with "," */
  headers: Record<string, string>;
  /** repeated parameters joined with "," */
  queryStringParameters?: Record<string, string>;
  requestContext: FunctionUrlRequestContext;
  body?: string;
  isBase64Encoded: boolean;
}

export interface FunctionUrlRequestContext {
  accountId: string;
  apiId: string;
  domainName: string;
  domainPrefix: string;
  http: {
    method: string;
    path: string;
    protocol: string;
    sourceIp: string;
    userAgent: string;
  };
  requestId: string;
  routeKey: string;
  stage: string;
  /** e.g. "12/Mar/2020:19:03:58 +0000" */
  time: string;
  /** milliseconds since the epoch */
  timeEpoch: number;
}

export interface FunctionUrlStructuredResult {
  statusCode?: number;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  cookies?: string[];
}

/**
 * What a handler may return. Lambda reads a result without `statusCode` as 200 with the value
 * JSON-encoded as the body (and a string as the body itself).
 */
export type FunctionUrlResult = string | FunctionUrlStructuredResult | object;

/** The subset of the Lambda context object the handler may use; the container supplies these. */
export interface FunctionUrlContext {
  functionName?: string;
  awsRequestId?: string;
  getRemainingTimeInMillis?: () => number;
}

export type FunctionUrlHandler = (event: FunctionUrlEvent, context?: FunctionUrlContext) => Promise<FunctionUrlResult>;
