import type { Protocol } from './wire.ts';

/** Parameters as they arrive off the wire; each operation reads what it needs. */
export type Params = Record<string, any>;

/** Who sent the request: the access key id of its SigV4 signature. */
export interface RequestContext {
  accessKeyId?: string;
}

export type Operation = (params: Params, ctx?: RequestContext) => unknown;

export interface ServiceDef {
  protocol: Protocol;
  xmlns: string;
  ops: Record<string, Operation>;
  /**
   * REST protocols only: `'METHOD /path/{Label}'` (greedy `{Key+}`, literal `?query` keys allowed)
   * → operation name. The most specific template wins.
   */
  routes?: Record<string, string>;
}
