/**
 * Parser for the restricted regular-expression syntax CloudWatch Logs accepts inside `%...%`, and its AST.
 *
 * AWS allows no groups, so a regex is an alternation of branches, each a sequence of pieces: one atom (a character
 * set, `^` or `$`) with a repetition count. Compilers to other regex dialects (SQL, EventBridge) read this AST; the
 * engine compiles it to a Thompson NFA (`regex-compiler.ts`) and runs it (`regex-vm.ts`, `regex-dfa.ts`,
 * `regex-counting.ts`).
 */

/** Raised for a regex AWS would reject; `offset` is relative to the regex body. */
export class RegexSyntaxError extends Error {
  constructor(public readonly description: string, public readonly offset: number) {
    super(`${description} at regex offset ${offset}`);
    Object.setPrototypeOf(this, RegexSyntaxError.prototype);
  }
}

/** Largest counted repetition accepted (`{n,m}` with m above this is rejected), as in RE2. */
export const MAX_REPEAT = 1000;

/**
 * A set of UTF-16 code units. Regexes are ASCII-only (AWS rejects multi-byte characters), so members below 128 are
 * listed one by one and every code unit from 128 up is in or out together (`\D`, `\W`, `\S`, `.` and negated
 * classes contain them).
 */
export interface CharSet {
  /** Membership for codes 0-127 (1 = member). */
  readonly ascii: Uint8Array;
  /** Whether codes >= 128 are members. */
  readonly other: boolean;
}

/** A character-set atom: a literal, `.`, an escape such as `\d`, or a bracket class. `text` is as written. */
export interface RegexCharSetAtom {
  readonly kind: 'charSet';
  readonly set: CharSet;
  readonly text: string;
}

/** `^`: holds only at the start of the searched text (no multi-line mode). */
export interface RegexStartAtom {
  readonly kind: 'textStart';
}

/** `$`: holds only at the end of the searched text (no multi-line mode). */
export interface RegexEndAtom {
  readonly kind: 'textEnd';
}

export type RegexAtom = RegexCharSetAtom | RegexStartAtom | RegexEndAtom;

/** An atom repeated `min` to `max` times (`max` is Infinity for `*`, `+`, `{n,}`). Anchors always have 1..1. */
export interface RegexPiece {
  readonly atom: RegexAtom;
  readonly min: number;
  readonly max: number;
  /** Whether a lazy `?` followed the quantifier (it changes nothing for a yes/no search). */
  readonly lazy: boolean;
  /** Offset of the piece in the regex body. */
  readonly offset: number;
}

/** A parsed regex: it matches when any branch matches somewhere in the text (an unanchored search). */
export interface RegexAst {
  readonly source: string;
  readonly branches: ReadonlyArray<readonly RegexPiece[]>;
}

/** Whether `code` is in `set`. */
export function charSetHas(set: CharSet, code: number): boolean {
  return code < 128 ? set.ascii[code] === 1 : set.other;
}

/** Whether two sets have the same members. */
export function sameCharSet(a: CharSet, b: CharSet): boolean {
  if (a === b) return true;
  if (a.other !== b.other) return false;
  for (let k = 0; k < 128; k++) if (a.ascii[k] !== b.ascii[k]) return false;
  return true;
}

function setOf(pred: (code: number) => boolean, other: boolean): CharSet {
  const ascii = new Uint8Array(128);
  for (let c = 0; c < 128; c++) ascii[c] = pred(c) ? 1 : 0;
  return { ascii, other };
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isWord = (c: number) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);

const CLASS_ESCAPES: Record<string, CharSet> = {
  d: setOf(isDigit, false),
  D: setOf((c) => !isDigit(c), true),
  w: setOf(isWord, false),
  W: setOf((c) => !isWord(c), true),
  s: setOf(isSpace, false),
  S: setOf((c) => !isSpace(c), true),
};
/** `.`: every code unit but line feed. */
const DOT = setOf((c) => c !== 10, true);

const FORBIDDEN: Record<string, string> = {
  '(': "'(' is not allowed: CloudWatch Logs regexes have no groups",
  ')': "')' is not allowed: CloudWatch Logs regexes have no groups",
  '!': "'!' is not allowed in a CloudWatch Logs regex",
};

/** Checks the characters AWS forbids before parsing. */
function checkCharacters(source: string): void {
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    const code = source.charCodeAt(i);
    if (FORBIDDEN[ch]) throw new RegexSyntaxError(FORBIDDEN[ch], i);
    if (code > 126) throw new RegexSyntaxError('multi-byte (non-ASCII) characters are not allowed in a regex', i);
    if (code < 32) throw new RegexSyntaxError('control characters are not allowed in a regex', i);
  }
}

/** Parses a regex body (without the `%` delimiters); throws RegexSyntaxError for syntax AWS rejects. */
export function parseRegex(source: string): RegexAst {
  checkCharacters(source);
  return { source, branches: new RegexParser(source).parse() };
}

class RegexParser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): RegexPiece[][] {
    if (this.src.length === 0) throw new RegexSyntaxError('empty regex', 0);
    const branches: RegexPiece[][] = [[]];
    while (this.i < this.src.length) {
      const c = this.src[this.i];
      if (c === '|') {
        this.i++;
        branches.push([]);
        continue;
      }
      const offset = this.i;
      const atom = this.atom();
      branches[branches.length - 1].push(this.quantified(atom, offset));
    }
    return branches;
  }

  private atom(): RegexAtom {
    const start = this.i;
    const c = this.src[this.i];
    switch (c) {
      case '^':
        this.i++;
        return { kind: 'textStart' };
      case '$':
        this.i++;
        return { kind: 'textEnd' };
      case '.':
        this.i++;
        return { kind: 'charSet', set: DOT, text: '.' };
      case '[': {
        const set = this.bracket();
        return { kind: 'charSet', set, text: this.src.slice(start, this.i) };
      }
      case '\\': {
        const set = this.escape(false);
        return { kind: 'charSet', set, text: this.src.slice(start, this.i) };
      }
      case '*':
      case '+':
      case '?':
      case '{':
        throw new RegexSyntaxError(`nothing to repeat before '${c}'`, this.i);
      default:
        // includes a lone ']' or '}', which are literals
        this.i++;
        return { kind: 'charSet', set: literal(c.charCodeAt(0)), text: c };
    }
  }

  private quantified(atom: RegexAtom, offset: number): RegexPiece {
    const c = this.src[this.i];
    if (c !== '*' && c !== '+' && c !== '?' && c !== '{') return { atom, min: 1, max: 1, lazy: false, offset };
    if (atom.kind !== 'charSet') throw new RegexSyntaxError(`nothing to repeat before '${c}'`, this.i);
    let min: number;
    let max: number;
    if (c === '*') {
      [min, max] = [0, Infinity];
    } else if (c === '+') {
      [min, max] = [1, Infinity];
    } else if (c === '?') {
      [min, max] = [0, 1];
    } else {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) throw new RegexSyntaxError('invalid repetition: expected {n}, {n,} or {n,m}', this.i);
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) {
        throw new RegexSyntaxError(`repetition count above ${MAX_REPEAT}`, this.i);
      }
      if (max < min) throw new RegexSyntaxError('repetition {n,m} with m smaller than n', this.i);
      this.i += m[0].length - 1;
    }
    this.i++;
    let lazy = false;
    if (this.src[this.i] === '?') {
      lazy = true; // no effect on whether a match exists
      this.i++;
    }
    const next = this.src[this.i];
    if (next === '*' || next === '+' || next === '?' || next === '{') {
      throw new RegexSyntaxError(`nothing to repeat before '${next}'`, this.i);
    }
    return { atom, min, max, lazy, offset };
  }

  private escape(inBracket: boolean): CharSet {
    const at = this.i;
    const c = this.src[this.i + 1];
    if (c === undefined) throw new RegexSyntaxError("trailing '\\'", at);
    this.i += 2;
    if (CLASS_ESCAPES[c]) return CLASS_ESCAPES[c];
    if (c === 'x') {
      const hex = this.src.slice(this.i, this.i + 2);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new RegexSyntaxError('\\x needs two hex digits', at);
      this.i += 2;
      return literal(parseInt(hex, 16));
    }
    if (c === 'n') return literal(10);
    if (c === 't') return literal(9);
    if (c === 'r') return literal(13);
    if (/[A-Za-z0-9]/.test(c)) {
      throw new RegexSyntaxError(`unsupported escape '\\${c}'${inBracket ? ' in a character class' : ''}`, at);
    }
    return literal(c.charCodeAt(0));
  }

  private bracket(): CharSet {
    const open = this.i;
    this.i++;
    let negated = false;
    if (this.src[this.i] === '^') {
      negated = true;
      this.i++;
    }
    const ascii = new Uint8Array(128);
    let other = false;
    let first = true;
    for (;;) {
      if (this.i >= this.src.length) throw new RegexSyntaxError("unterminated character class: expected ']'", open);
      const c = this.src[this.i];
      if (c === ']' && !first) {
        this.i++;
        break;
      }
      first = false;
      let lo: number;
      if (c === '\\') {
        const set = this.escape(true);
        const single = singleCode(set);
        if (single === undefined) {
          for (let k = 0; k < 128; k++) if (set.ascii[k]) ascii[k] = 1;
          other = other || set.other;
          continue;
        }
        lo = single;
      } else {
        lo = c.charCodeAt(0);
        this.i++;
      }
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && this.i + 1 < this.src.length) {
        const rangeAt = this.i;
        this.i++;
        let hi: number;
        if (this.src[this.i] === '\\') {
          const single = singleCode(this.escape(true));
          if (single === undefined) throw new RegexSyntaxError('invalid range end in character class', rangeAt);
          hi = single;
        } else {
          hi = this.src.charCodeAt(this.i);
          this.i++;
        }
        if (hi < lo) throw new RegexSyntaxError('invalid range in character class (end before start)', rangeAt);
        for (let k = lo; k <= hi && k < 128; k++) ascii[k] = 1;
      } else {
        ascii[lo] = 1;
      }
    }
    if (!negated) return { ascii, other };
    const inv = new Uint8Array(128);
    for (let k = 0; k < 128; k++) inv[k] = ascii[k] ? 0 : 1;
    return { ascii: inv, other: !other };
  }
}

function literal(code: number): CharSet {
  const ascii = new Uint8Array(128);
  if (code < 128) ascii[code] = 1;
  return { ascii, other: false };
}

function singleCode(set: CharSet): number | undefined {
  if (set.other) return undefined;
  let found: number | undefined;
  for (let k = 0; k < 128; k++) {
    if (set.ascii[k]) {
      if (found !== undefined) return undefined;
      found = k;
    }
  }
  return found;
}
