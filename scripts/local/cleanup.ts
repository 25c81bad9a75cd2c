/**
 * What must not outlive a Ctrl-C: servers in their own process groups, containers, the fake AWS.
 * Each piece registers its undo while it exists; one handler runs them all, then exits 130.
 */
const undo = new Set<() => Promise<unknown>>();
let installed = false;

/** Registers fn to run on SIGINT/SIGTERM; call the returned function once it is no longer needed. */
export function atInterrupt(fn: () => Promise<unknown>): () => void {
  undo.add(fn);
  return () => undo.delete(fn);
}

export function exitCleanlyOnInterrupt(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): void {
  if (installed) return;
  installed = true;
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping what is running…`);
    void Promise.allSettled([...undo].map((fn) => fn())).then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
