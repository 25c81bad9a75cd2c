import type { FunctionUrlHandler, FunctionUrlStructuredResult } from './types.ts';

/**
 * The business logic: a stand-in for your own. The same code answers on Lambda (behind a Function
 * URL) and in the Fargate container (through container/adapter.ts), and says which one it is on.
 */
export const handler: FunctionUrlHandler = async (event) => {
  const path = event.rawPath;
  if (path !== '/') return json(404, { message: `Not found: ${path}` });
  const method = event.requestContext.http.method;
  if (method !== 'GET' && method !== 'HEAD') {
    return { ...json(405, { message: `Method not allowed: ${method}` }), headers: { ...JSON_HEADERS, allow: 'GET, HEAD' } };
  }
  return json(200, { message: `Hello from ${platform()}!` });
};

/** Lambda sets AWS_LAMBDA_FUNCTION_NAME in every function's environment; Fargate never does. */
export function platform(env: NodeJS.ProcessEnv = process.env): 'Lambda' | 'ECS' {
  return env.AWS_LAMBDA_FUNCTION_NAME ? 'Lambda' : 'ECS';
}

const JSON_HEADERS = { 'content-type': 'application/json' };

function json(statusCode: number, body: unknown): FunctionUrlStructuredResult & { headers: Record<string, string> } {
  return { statusCode, headers: { ...JSON_HEADERS }, body: JSON.stringify(body) };
}
