/**
 * Where a server's CPU time goes, from a V8 .cpuprofile (node --cpu-prof): each sample is charged to
 * the innermost frame of its stack that belongs to a named part (the socket write, the log line,
 * the event mapping, express, …), else to node's own HTTP code; idle time is left out.
 */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

/** [part, frame pattern]: the pattern matches `<function name> <url>` of a frame. */
const PARTS: Array<[string, RegExp]> = [
  ['garbage collection', /^\(garbage collector\) /],
  ['socket write (syscall)', /^(writev|writeBuffer|writeUtf8String|writeLatin1String) $/],
  ['request log line', /^(writeLogLine|writeLine|flushLog|isoTime|requestLogText|logRequest|logLine|writeRequestLine) |^emitCloseNT /],
  ['request id', /^(randomUUID|newRequestId|getBufferedUUID) /],
  ['body read', /^(readBody|bodyLength|createAsyncIterator) /],
  ['event mapping', /^(toEvent|buildEvent|clfTime|adapterRequest|parseQuery|hostWithoutPort) /],
  ['response mapping', /^(toResponse|plainResult|throughJson) /],
  ['handler', /\/lambda\/handler\.[mc]?[jt]s$/],
  ['invoke', /^(invoke|invokeAs) .*container\/adapter/],
  ['response write', /^(send|writeHead|json) .*(container\/http|express\/lib\/response)|^(end|writeHead|setHeader|_storeHeader) node:_http/],
  ['adapter glue', /container\/(http|server|adapter)\.[mc]?[jt]s$/],
  ['express', /node_modules\/(express|router|path-to-regexp|send|etag|fresh|content-type|mime-types|mime-db|parseurl|finalhandler|on-finished)\//],
];
const NODE_HTTP = 'node: HTTP parsing, streams, timers';
const OTHER = 'other';

export interface Split {
  /** busy (non-idle) sampled milliseconds */
  busyMs: number;
  /** part → share of busy time, largest first */
  parts: Array<[string, number]>;
}

/** Only samples from `fromMs` milliseconds into the profile on count (the warm-up and start-up are left out). */
export function splitProfile(profile: CpuProfile, fromMs = 0): Split {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const part = new Map<number, string>();
  const partOf = (id: number): string => {
    const cached = part.get(id);
    if (cached) return cached;
    const leaf = byId.get(id)!.callFrame.functionName;
    let found = leaf === '(idle)' ? 'idle' : leaf === '(program)' ? OTHER : undefined;
    let node = false;
    for (let at: number | undefined = id; at !== undefined && !found; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      const frame = `${f.functionName} ${f.url}`;
      found = PARTS.find(([, re]) => re.test(frame))?.[0];
      node ||= f.url.startsWith('node:');
    }
    const result = found ?? (node ? NODE_HTTP : OTHER);
    part.set(id, result);
    return result;
  };
  const time = new Map<string, number>();
  let t = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (t < fromMs * 1000) continue;
    const name = partOf(profile.samples[i]!);
    time.set(name, (time.get(name) ?? 0) + delta);
  }
  time.delete('idle');
  const busy = [...time.values()].reduce((a, b) => a + b, 0);
  return {
    busyMs: busy / 1000,
    parts: [...time.entries()].map(([k, v]): [string, number] => [k, busy ? v / busy : 0]).sort((a, b) => b[1] - a[1]),
  };
}
