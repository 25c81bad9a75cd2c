/** Turns the servers' JSON log lines into one short line per request for the terminal. */
export function formatLogLine(line: string): string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof v !== 'object' || v === null) return line;
  const o = v as Record<string, unknown>;
  if (typeof o.method === 'string' && typeof o.status === 'number') {
    const ms = typeof o.durationMs === 'number' ? ` ${o.durationMs.toFixed(1)} ms` : '';
    return `${o.method} ${String(o.path ?? '')} → ${o.status}${ms}`;
  }
  if (typeof o.message === 'string') {
    const extra = ['url', 'signal', 'error'].filter((k) => typeof o[k] === 'string').map((k) => String(o[k]));
    return [o.level === 'error' ? 'error:' : '', o.message, ...extra].filter(Boolean).join(' ');
  }
  return line;
}
