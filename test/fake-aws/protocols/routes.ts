import type { ServiceDef } from '../service.ts';
import type { WireRequest } from './types.ts';

interface Route {
  method: string;
  regex: RegExp;
  labels: string[];
  /** `?versions` / `?x=y` in the template: query keys the request must carry */
  query: Array<[string, string | undefined]>;
  operation: string;
  literal: number;
  greedy: boolean;
}

export interface RouteMatch {
  operation: string;
  labels: Record<string, string>;
  /** query keys the route itself names, which are not parameters */
  literalQuery: string[];
}

const trimSlash = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);

function compile(key: string, operation: string): Route {
  const [method = '', target = ''] = key.trim().split(/\s+/, 2);
  const [path = '/', qs = ''] = target.split('?', 2);
  const labels: string[] = [];
  let literal = 0;
  let greedy = false;
  const source = trimSlash(path)
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const label = /^\{([^}+]+)(\+?)\}$/.exec(part);
      if (!label) {
        literal += part.length;
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }
      labels.push(label[1] ?? '');
      if (label[2]) greedy = true;
      return label[2] ? '(.+)' : '([^/]+)';
    })
    .join('');
  const query = qs
    .split('&')
    .filter(Boolean)
    .map((kv): [string, string | undefined] => {
      const [k = '', v] = kv.split('=', 2);
      return [k, v];
    });
  return { method: method.toUpperCase(), regex: new RegExp(`^${source}$`), labels, query, operation, literal, greedy };
}

const compiled = new WeakMap<Record<string, string>, Route[]>();

/** Most specific first: more literal text, then fixed labels before greedy ones, then query literals. */
function routesOf(def: ServiceDef): Route[] {
  const table = def.routes ?? {};
  let routes = compiled.get(table);
  if (!routes) {
    routes = Object.entries(table)
      .map(([key, op]) => compile(key, op))
      .sort((a, b) => b.literal - a.literal || Number(a.greedy) - Number(b.greedy) || b.query.length - a.query.length);
    compiled.set(table, routes);
  }
  return routes;
}

/** Finds the REST operation by method and path, as the service's HTTP bindings route it. */
export function matchRoute(def: ServiceDef, req: WireRequest): RouteMatch | undefined {
  const path = trimSlash(req.path);
  for (const route of routesOf(def)) {
    if (route.method !== req.method.toUpperCase()) continue;
    if (!route.query.every(([k, v]) => req.query.has(k) && (v === undefined || req.query.get(k) === v))) continue;
    const m = route.regex.exec(path);
    if (!m) continue;
    const labels: Record<string, string> = {};
    route.labels.forEach((name, i) => {
      labels[name] = decodeURIComponent(m[i + 1] ?? '');
    });
    return { operation: route.operation, labels, literalQuery: route.query.map(([k]) => k) };
  }
  return undefined;
}

/** Query-string values by wire name: one value stays a string, a repeated key becomes an array. */
export function queryParams(query: URLSearchParams, skip: string[] = []): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(query.keys())) {
    if (skip.includes(key)) continue;
    const values = query.getAll(key);
    out[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return out;
}

/** Decodes the parts every REST protocol shares; the body is the codec's own. */
export function decodeRest(req: WireRequest, def: ServiceDef, body: () => Record<string, unknown>) {
  const match = matchRoute(def, req);
  // No route: the operation stays unknown, and the dispatcher answers the codec's unknown-operation error.
  if (!match) return { operation: `${req.method} ${req.path}`, params: {} };
  return { operation: match.operation, params: { ...body(), ...queryParams(req.query, match.literalQuery), ...match.labels } };
}

/** A REST result may carry `$status` (e.g. 201, 204) and `$headers`; the rest is the body. */
export function splitResult(result: unknown): { status: number; headers: Record<string, string>; body: Record<string, unknown> | undefined } {
  if (typeof result !== 'object' || result === null) return { status: 200, headers: {}, body: undefined };
  const { $status, $headers, ...body } = result as Record<string, unknown> & { $status?: number; $headers?: Record<string, string> };
  return { status: $status ?? 200, headers: $headers ?? {}, body };
}
