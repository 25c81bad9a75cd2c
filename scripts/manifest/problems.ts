import { UserError } from '../lib/errors.ts';

/** One thing wrong with a manifest, where it was written and what is allowed instead. */
export interface Problem {
  /** the file as the caller named it */
  file: string;
  /** 1-based; absent when the file could not be read at all */
  line?: number;
  col?: number;
  /** the field, e.g. `environments.prod.cpu`; empty for the file as a whole */
  path: string;
  message: string;
}

export function formatProblem(p: Problem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.col ?? 1}`;
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0) || a.path.localeCompare(b.path));
}

/** Every problem in a manifest at once, one per line; exits 2 through runMain. */
export class ManifestError extends UserError {
  override name = 'ManifestError';
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    const sorted = sortProblems(problems);
    super(sorted.map(formatProblem).join('\n'));
    this.problems = sorted;
  }
}

export type Path = ReadonlyArray<string | number>;

/** `network.allowedCidrs[1]`, `tags["app.example/team"]` */
export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
