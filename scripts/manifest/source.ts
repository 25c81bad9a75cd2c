import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Document, Node, Pair, YAMLError } from 'yaml';
import { formatPath } from './problems.ts';
import type { Path, Problem } from './problems.ts';

/** A parsed manifest that can say where any field of it was written. */
export interface Source {
  /** as the caller named it (used in messages) */
  file: string;
  /** absolute */
  abs: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** the plain value (aliases and merge keys applied); undefined for an empty file */
  value: unknown;
}

export interface Position {
  line: number;
  col: number;
}

export type ReadResult = { source: Source; problems: Problem[] } | { source?: undefined; problems: Problem[] };

/** Reads and parses one YAML manifest; syntax errors come back as problems, all of them. */
export async function readSource(file: string): Promise<ReadResult> {
  const abs = resolve(file);
  let text: string;
  try {
    if ((await stat(abs)).isDirectory()) return { problems: [{ file, path: '', message: 'is a directory, not a manifest file — point MANIFEST at a .yml file' }] };
    text = await readFile(abs, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String((err as Error).message);
    return { problems: [{ file, path: '', message: `cannot read the manifest: ${why} — check the path (MANIFEST=…, relative to ${process.cwd()})` }] };
  }

  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false, merge: true });
  const at = (offset: number): Position => lineCounter.linePos(offset);
  const list = Array.isArray(docs) ? docs : [];
  const doc = list[0];
  if (!doc || isEmpty(doc.contents)) {
    // Nothing but comments or whitespace (parseAllDocuments gives an empty stream for those).
    return { problems: [{ file, line: 1, col: 1, path: '', message: 'the file is empty — a manifest needs at least its required fields (see manifests/schema/)' }] };
  }
  const source: Source = { file, abs, doc, lineCounter, value: undefined };
  const problems: Problem[] = [];
  const lines = new Set<number>();
  for (const e of [...doc.errors, ...doc.warnings]) {
    const p = yamlProblem(source, e, at);
    // One broken line often yields several parser errors; the first one says it.
    if (lines.has(p.line) && e.code !== 'DUPLICATE_KEY') continue;
    lines.add(p.line);
    problems.push(p);
  }
  // A trailing `---` with nothing after it is harmless; a second document with content is not.
  for (const extra of list.slice(1).filter((d) => !isEmpty(d.contents))) {
    const pos = at(extra.range[0]);
    problems.push({ file, ...pos, path: '', message: 'a second YAML document (after ---) — a manifest is one document; remove the --- line and what follows or move it to its own file' });
  }
  if (problems.length === 0) {
    try {
      source.value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      problems.push({ file, line: 1, col: 1, path: '', message: `cannot read the YAML: ${(err as Error).message}` });
    }
  }
  return { source, problems };
}

function isEmpty(node: unknown): boolean {
  return node === null || (isScalar(node) && node.value === null && !node.tag);
}

function yamlProblem(source: Source, e: YAMLError, at: (offset: number) => Position): Problem & Position {
  const pos = at(e.pos[0]);
  // In a file that does not parse, the field around a syntax error is a guess; a duplicate key's
  // or an unknown tag's (the file parsed) is not.
  const path = e.code === 'DUPLICATE_KEY' || e.name === 'YAMLWarning' ? formatPath(pathAtOffset(source.doc, e.pos[0])) : '';
  const firstLine = (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+.*$/, '');
  const message = yamlMessages[e.code]?.(source, e) ?? `YAML syntax: ${firstLine} — check the indentation, quotes and brackets on this line and the one before`;
  return { file: source.file, ...pos, path, message };
}

const yamlMessages: Partial<Record<YAMLError['code'], (source: Source, e: YAMLError) => string>> = {
  DUPLICATE_KEY: (source, e) => {
    const first = firstKeyBefore(source, e.pos[0]);
    return first ? `duplicate key — "${first.key}" is already set at line ${first.line}; keep one of them` : 'duplicate key — keep one of them';
  },
  TAB_AS_INDENT: () => 'YAML syntax: a tab used for indentation — YAML indents with spaces',
  TAG_RESOLVE_FAILED: (_s, e) => `YAML: ${e.message.split('\n')[0]} — manifests take plain values, no custom tags`,
  BAD_ALIAS: (_s, e) => `YAML syntax: ${e.message.split('\n')[0]}`,
};

/** The key at `offset` and where the same key was first written in its map. */
function firstKeyBefore(source: Source, offset: number): { key: string; line: number } | undefined {
  const path = pathAtOffset(source.doc, offset);
  const key = path[path.length - 1];
  const parent = nodeAt(source.doc, path.slice(0, -1))?.value;
  if (key === undefined || !isMap(parent)) return undefined;
  for (const pair of parent.items) {
    const k = keyOf(pair);
    const start = (pair.key as Node | null)?.range?.[0];
    if (k === String(key) && start !== undefined && start < offset) return { key: k, line: source.lineCounter.linePos(start).line };
  }
  return undefined;
}

function keyOf(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function resolveAlias(doc: Document.Parsed, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

/** The field path of the deepest node that holds `offset`. */
export function pathAtOffset(doc: Document.Parsed, offset: number): Path {
  const path: Array<string | number> = [];
  let node: unknown = doc.contents;
  for (;;) {
    if (isMap(node)) {
      // The span from key to value end also holds what sits between them (`:`, a tag, an anchor).
      const pair = node.items.find((p) => within(p.key, p.value, offset));
      if (!pair) return path;
      path.push(keyOf(pair));
      if (!contains(pair.value, offset)) return path;
      node = pair.value;
    } else if (isSeq(node)) {
      const i = node.items.findIndex((n) => contains(n, offset));
      if (i < 0) return path;
      path.push(i);
      node = node.items[i];
    } else return path;
  }
}

function within(from: unknown, to: unknown, offset: number): boolean {
  const start = (from as Node | null)?.range?.[0];
  const end = ((to ?? from) as Node | null)?.range?.[1];
  return start !== undefined && end !== undefined && start <= offset && offset < Math.max(end, start + 1);
}

function contains(node: unknown, offset: number): boolean {
  const r = (node as Node | null)?.range;
  return !!r && r[0] <= offset && offset < Math.max(r[1], r[0] + 1);
}

/** The key and value nodes written at `path`, following aliases; undefined when the path is not in the file. */
export function nodeAt(doc: Document.Parsed, path: Path): { key?: Node; value?: Node } | undefined {
  let found: { key?: Node; value?: Node } = { value: doc.contents ?? undefined };
  for (const seg of path) {
    const node = resolveAlias(doc, found.value);
    if (isMap(node)) {
      const pair = node.items.find((p) => keyOf(p) === String(seg));
      if (!pair) return undefined;
      found = { key: pair.key as Node, value: (pair.value as Node | null) ?? undefined };
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) return undefined;
      found = { value: item };
    } else return undefined;
  }
  return found;
}

/**
 * Where `path` was written: its value (or its key with `on: 'key'`). A path not in the file (a
 * missing field, or one that came through a merge key) falls back to the nearest parent written.
 */
export function locate(source: Source, path: Path, on: 'key' | 'value' = 'value'): Position {
  for (let n = path.length; n >= 0; n--) {
    const found = nodeAt(source.doc, path.slice(0, n));
    if (!found) continue;
    // A missing child is reported at its parent's key, where the reader looks for the block.
    const prefer = n < path.length || on === 'key' ? [found.key, found.value] : [found.value, found.key];
    for (const node of prefer) {
      const start = node?.range?.[0];
      if (start !== undefined && !(isScalar(node) && node.value === null && node === found.value && found.key)) {
        return source.lineCounter.linePos(start);
      }
    }
  }
  return { line: 1, col: 1 };
}
