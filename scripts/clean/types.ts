import { KINDS, type Found } from '../resources/types.ts';

/** What a delete acts on and answers lives with the deletes, in the resource modules. */
export { KINDS, type Found, type Kind, type Outcome, type Result } from '../resources/types.ts';

export const byKind = (a: Found, b: Found) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || a.name.localeCompare(b.name);

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
