import type { Protocol } from './wire.ts';

/** Parameters as they arrive off the wire; each operation reads what it needs. */
export type Params = Record<string, any>;

export type Operation = (params: Params) => unknown;

export interface ServiceDef {
  protocol: Protocol;
  xmlns: string;
  ops: Record<string, Operation>;
}
