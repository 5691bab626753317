import { LinearRegex } from '../../pattern/regex';

/**
 * Rewrites a CloudWatch Logs `%regex%` body into a regex with the same matches under Trino's `regexp_like` (Java
 * pattern syntax) and under RE2 (DuckDB's `regexp_matches`, used by the tests), whatever their defaults differ on.
 *
 * The engine's regex (lib/pattern/regex.ts) has no groups: an alternation of sequences of quantified atoms. Every
 * atom is written out as an explicit character class of `\xHH` escapes, so nothing depends on how a dialect defines
 * `.`, `\s` (Java includes \x0B, RE2 does not), `\w` or `\d`; `^` becomes `\A` and `$` becomes `\z`, because Java's
 * `$` also matches before a final line break. A set with no member (e.g. `\xff`: the engine matches only ASCII
 * code units for `\x`) removes the branch it appears in, or the piece when the piece may repeat zero times.
 *
 * One difference remains, and it is documented: the engine counts UTF-16 code units, Java and RE2 count code
 * points, so a character outside the Basic Multilingual Plane is two `.` for the engine and one for SQL.
 */
export type RegexTranslation = { readonly ok: true; readonly source: string } | { readonly ok: false; readonly neverMatches: true };

interface CharSet {
  readonly ascii: Uint8Array;
  readonly other: boolean;
}

type Atom = { kind: 'set'; set: CharSet } | { kind: 'bol' } | { kind: 'eol' };

interface Piece {
  readonly atom: Atom;
  readonly min: number;
  readonly max: number;
}

function setOf(pred: (c: number) => boolean, other: boolean): CharSet {
  const ascii = new Uint8Array(128);
  for (let c = 0; c < 128; c++) ascii[c] = pred(c) ? 1 : 0;
  return { ascii, other };
}
const isDigit = (c: number) => c >= 48 && c <= 57;
const isWord = (c: number) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);
const CLASSES: Record<string, CharSet> = {
  d: setOf(isDigit, false),
  D: setOf((c) => !isDigit(c), true),
  w: setOf(isWord, false),
  W: setOf((c) => !isWord(c), true),
  s: setOf(isSpace, false),
  S: setOf((c) => !isSpace(c), true),
};
const literal = (code: number): CharSet => setOf((c) => c === code, false);

/** Parses a body the engine has already accepted (same grammar as lib/pattern/regex.ts). */
function parseBranches(src: string): Piece[][] {
  let i = 0;
  const escape = (): CharSet => {
    const c = src[i + 1];
    i += 2;
    if (CLASSES[c]) return CLASSES[c];
    if (c === 'x') {
      const code = parseInt(src.slice(i, i + 2), 16);
      i += 2;
      return literal(code);
    }
    if (c === 'n') return literal(10);
    if (c === 't') return literal(9);
    if (c === 'r') return literal(13);
    return literal(c.charCodeAt(0));
  };
  const single = (set: CharSet): number | undefined => {
    if (set.other) return undefined;
    let found: number | undefined;
    for (let k = 0; k < 128; k++) {
      if (set.ascii[k]) {
        if (found !== undefined) return undefined;
        found = k;
      }
    }
    return found;
  };
  const bracket = (): CharSet => {
    i++;
    let negated = false;
    if (src[i] === '^') {
      negated = true;
      i++;
    }
    const ascii = new Uint8Array(128);
    let other = false;
    let first = true;
    for (;;) {
      const c = src[i];
      if (c === ']' && !first) {
        i++;
        break;
      }
      first = false;
      let lo: number;
      if (c === '\\') {
        const set = escape();
        const one = single(set);
        if (one === undefined) {
          for (let k = 0; k < 128; k++) if (set.ascii[k]) ascii[k] = 1;
          other = other || set.other;
          continue;
        }
        lo = one;
      } else {
        lo = c.charCodeAt(0);
        i++;
      }
      if (src[i] === '-' && src[i + 1] !== ']' && i + 1 < src.length) {
        i++;
        let hi: number;
        if (src[i] === '\\') {
          hi = single(escape())!;
        } else {
          hi = src.charCodeAt(i);
          i++;
        }
        for (let k = lo; k <= hi && k < 128; k++) ascii[k] = 1;
      } else if (lo < 128) {
        ascii[lo] = 1;
      }
    }
    if (!negated) return { ascii, other };
    return { ascii: ascii.map((b) => (b ? 0 : 1)), other: !other };
  };
  const atom = (): Atom => {
    const c = src[i];
    switch (c) {
      case '^': i++; return { kind: 'bol' };
      case '$': i++; return { kind: 'eol' };
      case '.': i++; return { kind: 'set', set: setOf((k) => k !== 10, true) };
      case '[': return { kind: 'set', set: bracket() };
      case '\\': return { kind: 'set', set: escape() };
      default:
        i++;
        return { kind: 'set', set: literal(c.charCodeAt(0)) };
    }
  };
  const branches: Piece[][] = [[]];
  while (i < src.length) {
    if (src[i] === '|') {
      i++;
      branches.push([]);
      continue;
    }
    const a = atom();
    let min = 1;
    let max = 1;
    const q = src[i];
    if (q === '*' || q === '+' || q === '?' || q === '{') {
      if (q === '*') {[min, max] = [0, Infinity];} else if (q === '+') {[min, max] = [1, Infinity];} else if (q === '?') {[min, max] = [0, 1];} else {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i))!;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        i += m[0].length - 1;
      }
      i++;
      if (src[i] === '?') i++; // lazy: same matches
    }
    branches[branches.length - 1].push({ atom: a, min, max });
  }
  return branches;
}

const hex = (c: number) => `\\x${c.toString(16).padStart(2, '0').toUpperCase()}`;
const plain = (c: number) => (isWord(c) && c !== 95 ? String.fromCharCode(c) : hex(c));

function ranges(member: (c: number) => boolean): string {
  let out = '';
  for (let c = 0; c < 128; c++) {
    if (!member(c)) continue;
    let end = c;
    while (end + 1 < 128 && member(end + 1)) end++;
    out += end === c ? hex(c) : end === c + 1 ? hex(c) + hex(end) : `${hex(c)}-${hex(end)}`;
    c = end;
  }
  return out;
}

/** The class for a set, or undefined when it has no member. */
function renderSet(set: CharSet): string | undefined {
  const count = set.ascii.reduce((n, b) => n + b, 0);
  if (!set.other) {
    if (count === 0) return undefined;
    if (count === 1) return plain(set.ascii.indexOf(1));
    return `[${ranges((c) => set.ascii[c] === 1)}]`;
  }
  // every non-ASCII character plus some ASCII: the negation of the ASCII characters left out
  if (count === 128) return '[\\s\\S]';
  return `[^${ranges((c) => set.ascii[c] === 0)}]`;
}

function quantifier(p: Piece): string {
  if (p.min === 1 && p.max === 1) return '';
  if (p.min === 0 && p.max === Infinity) return '*';
  if (p.min === 1 && p.max === Infinity) return '+';
  if (p.min === 0 && p.max === 1) return '?';
  if (p.max === Infinity) return `{${p.min},}`;
  if (p.min === p.max) return `{${p.min}}`;
  return `{${p.min},${p.max}}`;
}

/** Translates a regex body; throws the engine's RegexSyntaxError for a body AWS rejects. */
export function translateRegex(body: string): RegexTranslation {
  LinearRegex.compile(body); // same validation, same messages as the engine
  const out: string[] = [];
  for (const branch of parseBranches(body)) {
    let text = '';
    let dead = false;
    for (const p of branch) {
      if (p.atom.kind === 'bol') {text += '\\A';} else if (p.atom.kind === 'eol') {text += '\\z';} else {
        const cls = renderSet(p.atom.set);
        if (cls === undefined) {
          if (p.min > 0) dead = true;
          continue;
        }
        text += cls + quantifier(p);
      }
    }
    if (!dead) out.push(text);
  }
  if (out.length === 0) return { ok: false, neverMatches: true };
  return { ok: true, source: out.join('|') };
}
