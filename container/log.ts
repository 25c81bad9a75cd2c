/**
 * The server's stdout: one JSON line per request and per lifecycle event.
 *
 *   writeLine(text)   queues a whole line; every line queued in one turn of the event loop goes out
 *                     in one write after it (one syscall per turn, not per request)
 *   flushLog()        writes what is queued now (before process.exit; also on the 'exit' event)
 *   isoTime(ms)       new Date(ms).toISOString(), kept for the millisecond it stands for
 *
 * process.stdout on a pipe (ECS's log drivers read one) does not block the event loop when the reader
 * is slow: node queues what the pipe does not take. On a file it writes synchronously, hence the batching.
 */
let pending = '';
let scheduled = false;

export function writeLine(text: string): void {
  pending += text;
  if (!scheduled) {
    scheduled = true;
    setImmediate(flushLog);
  }
}

export function flushLog(): void {
  scheduled = false;
  if (!pending) return;
  const text = pending;
  pending = '';
  process.stdout.write(text);
}

process.on('exit', flushLog);

let isoMs = Number.NaN;
let isoText = '';
export function isoTime(ms: number): string {
  if (ms !== isoMs) {
    isoText = new Date(ms).toISOString();
    isoMs = ms;
  }
  return isoText;
}
