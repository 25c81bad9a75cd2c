/**
 * AWS's models write `pattern` in Java's regex dialect, matched against the whole value. This turns
 * one into a JS RegExp (`u` flag, so `\p{L}` works) or says why it cannot.
 */
export type Compiled = { re: RegExp } | { error: string };

const POSIX: Record<string, string> = {
  Alnum: 'a-zA-Z0-9',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Upper: 'A-Z',
  Lower: 'a-z',
  XDigit: '0-9a-fA-F',
  Punct: '!-\\/:-@\\[-`{-~',
  Space: ' \\t\\n\\x0B\\f\\r',
  Blank: ' \\t',
  ASCII: '\\x00-\\x7F',
  Graph: '!-~',
  Print: ' -~',
  Cntrl: '\\x00-\\x1F\\x7F',
};

// Characters a `u`-mode RegExp lets you escape outside a class (`-` too, inside one).
const SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));

function translate(java: string): { source: string; flags: string } {
  let src = java;
  let flags = 'u';
  const inline = /^\(\?([imsx]+)\)/.exec(src);
  if (inline) {
    if (inline[1]?.includes('i')) flags += 'i';
    if (inline[1]?.includes('s')) flags += 's';
    src = src.slice(inline[0].length);
  }
  let out = '';
  let inClass = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i] ?? '';
    if (c === '\\') {
      const n = src[i + 1] ?? '';
      if (n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const lit = src.slice(i + 2, end < 0 ? undefined : end);
        out += lit.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end < 0 ? src.length : end + 1;
        continue;
      }
      if ((n === 'p' || n === 'P') && src[i + 2] === '{') {
        const close = src.indexOf('}', i + 3);
        const name = src.slice(i + 3, close).replace(/^Is/, '');
        const posix = POSIX[name];
        if (posix) {
          if (n === 'P' && inClass) throw new Error(`\\P{${name}} inside a class`);
          out += inClass ? posix : `[${n === 'P' ? '^' : ''}${posix}]`;
        } else out += `\\${n}{${name}}`;
        i = close;
        continue;
      }
      if (n === 'A') out += '^';
      else if (n === 'Z' || n === 'z') out += '$';
      else if (/[a-zA-Z0-9]/.test(n) || SYNTAX.has(n) || (n === '-' && inClass)) out += `\\${n}`;
      else out += n === '-' ? '\\-' : n; // an identity escape JS's `u` mode refuses: the character itself
      i++;
      continue;
    }
    if (c === '[') {
      if (inClass && src[i - 1] !== '\\') throw new Error('a nested character class');
      inClass++;
    } else if (c === ']' && inClass) inClass--;
    else if (c === '&' && src[i + 1] === '&' && inClass) throw new Error('a class intersection (&&)');
    else if ((c === '+' || c === '?') && !inClass && (/[*+?]/.test(src[i - 1] ?? '') || /\{\d+(,\d*)?\}$/.test(src.slice(0, i))) && src[i - 2] !== '\\') {
      // possessive (`*+`) quantifier: same match for a whole-value test; lazy `*?` is kept.
      if (c === '+') continue;
    }
    out += c;
  }
  return { source: out, flags };
}

const cache = new Map<string, Compiled>();

export function compileJavaPattern(java: string): Compiled {
  const hit = cache.get(java);
  if (hit) return hit;
  let result: Compiled;
  try {
    const { source, flags } = translate(java);
    result = { re: new RegExp(`^(?:${source})$`, flags) };
  } catch (err) {
    // Not guessed: the rule is skipped and the reason reported (see `uncompiled` in model.ts).
    result = { error: (err as Error).message };
  }
  cache.set(java, result);
  return result;
}
