/**
 * A linear-time matcher for the restricted regular-expression syntax CloudWatch Logs accepts inside `%...%`.
 *
 * AWS allows no groups, so a regex is an alternation of sequences of (possibly quantified) atoms. It is compiled
 * to a Thompson NFA and run as a set-of-states simulation: time is O(message length x program size), whatever
 * the input. No backtracking engine ever sees user input.
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
/** Upper bound on compiled program size, to keep matching cheap. */
const MAX_PROGRAM = 20000;

interface CharSet {
  /** Membership for codes 0-127. */
  readonly ascii: Uint8Array;
  /** Whether codes >= 128 are members. */
  readonly other: boolean;
}

const enum Op {
  CHAR,
  SPLIT,
  JMP,
  BOL,
  EOL,
  MATCH,
}

interface Inst {
  op: Op;
  set?: CharSet;
  x: number;
  y: number;
}

type Atom = { kind: 'set'; set: CharSet } | { kind: 'bol' } | { kind: 'eol' };

interface Piece {
  atom: Atom;
  min: number;
  max: number; // Infinity for unbounded
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

class RegexParser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Piece[][] {
    if (this.src.length === 0) throw new RegexSyntaxError('empty regex', 0);
    const branches: Piece[][] = [[]];
    while (this.i < this.src.length) {
      const c = this.src[this.i];
      if (c === '|') {
        this.i++;
        branches.push([]);
        continue;
      }
      const atom = this.atom();
      const piece: Piece = { atom, min: 1, max: 1 };
      this.quantifier(piece);
      branches[branches.length - 1].push(piece);
    }
    return branches;
  }

  private atom(): Atom {
    const c = this.src[this.i];
    switch (c) {
      case '^': this.i++; return { kind: 'bol' };
      case '$': this.i++; return { kind: 'eol' };
      case '.': this.i++; return { kind: 'set', set: DOT };
      case '[': return { kind: 'set', set: this.bracket() };
      case '\\': return { kind: 'set', set: this.escape(false) };
      case '*':
      case '+':
      case '?':
      case '{':
        throw new RegexSyntaxError(`nothing to repeat before '${c}'`, this.i);
      case ']':
      case '}':
      default:
        this.i++;
        return { kind: 'set', set: literal(c.charCodeAt(0)) };
    }
  }

  private quantifier(piece: Piece): void {
    const c = this.src[this.i];
    if (c !== '*' && c !== '+' && c !== '?' && c !== '{') return;
    if (piece.atom.kind !== 'set') throw new RegexSyntaxError(`nothing to repeat before '${c}'`, this.i);
    if (c === '*') {[piece.min, piece.max] = [0, Infinity];} else if (c === '+') {[piece.min, piece.max] = [1, Infinity];} else if (c === '?') {[piece.min, piece.max] = [0, 1];} else {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) throw new RegexSyntaxError('invalid repetition: expected {n}, {n,} or {n,m}', this.i);
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) {
        throw new RegexSyntaxError(`repetition count above ${MAX_REPEAT}`, this.i);
      }
      if (max < min) throw new RegexSyntaxError('repetition {n,m} with m smaller than n', this.i);
      piece.min = min;
      piece.max = max;
      this.i += m[0].length - 1;
    }
    this.i++;
    if (this.src[this.i] === '?') this.i++; // lazy modifier: no effect on whether a match exists
    const next = this.src[this.i];
    if (next === '*' || next === '+' || next === '?' || next === '{') {
      throw new RegexSyntaxError(`nothing to repeat before '${next}'`, this.i);
    }
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

function compileProgram(branches: Piece[][]): Inst[] {
  const prog: Inst[] = [];
  const emit = (inst: Inst): number => {
    if (prog.length >= MAX_PROGRAM) throw new RegexSyntaxError('regex is too large', 0);
    prog.push(inst);
    return prog.length - 1;
  };
  const emitAtom = (atom: Atom) => {
    if (atom.kind === 'set') emit({ op: Op.CHAR, set: atom.set, x: prog.length + 1, y: -1 });
    else emit({ op: atom.kind === 'bol' ? Op.BOL : Op.EOL, x: prog.length + 1, y: -1 });
  };
  const emitPiece = (p: Piece) => {
    for (let k = 0; k < p.min; k++) emitAtom(p.atom);
    if (p.max === Infinity) {
      // L: split L1, L2; L1: atom; jmp L; L2:
      const split = emit({ op: Op.SPLIT, x: -1, y: -1 });
      prog[split].x = prog.length;
      emitAtom(p.atom);
      emit({ op: Op.JMP, x: split, y: -1 });
      prog[split].y = prog.length;
    } else {
      const splits: number[] = [];
      for (let k = p.min; k < p.max; k++) {
        const split = emit({ op: Op.SPLIT, x: -1, y: -1 });
        prog[split].x = prog.length;
        splits.push(split);
        emitAtom(p.atom);
      }
      for (const s of splits) prog[s].y = prog.length;
    }
  };
  const emitBranch = (pieces: Piece[]) => pieces.forEach(emitPiece);

  // alternation: split b1, next; b1...; jmp end; next: split b2, ...
  const jumps: number[] = [];
  for (let b = 0; b < branches.length; b++) {
    if (b < branches.length - 1) {
      const split = emit({ op: Op.SPLIT, x: -1, y: -1 });
      prog[split].x = prog.length;
      emitBranch(branches[b]);
      jumps.push(emit({ op: Op.JMP, x: -1, y: -1 }));
      prog[split].y = prog.length;
    } else {
      emitBranch(branches[b]);
    }
  }
  const match = emit({ op: Op.MATCH, x: -1, y: -1 });
  for (const j of jumps) prog[j].x = match;
  return prog;
}

/** A compiled regex: `test` answers whether the regex matches anywhere in the text, in linear time. */
export class LinearRegex {
  /** Parses and compiles; throws RegexSyntaxError for syntax AWS rejects. */
  public static compile(source: string): LinearRegex {
    checkCharacters(source);
    const branches = new RegexParser(source).parse();
    return new LinearRegex(source, compileProgram(branches));
  }

  private readonly marks: Uint32Array;
  private generation = 0;
  private readonly stack: Int32Array;

  private constructor(public readonly source: string, private readonly prog: Inst[]) {
    this.marks = new Uint32Array(prog.length);
    this.stack = new Int32Array(prog.length * 2 + 4);
  }

  /** Number of NFA instructions (for tests and the benchmark). */
  public get size(): number {
    return this.prog.length;
  }

  /** True when the regex matches somewhere in `text` (unanchored search unless `^`/`$` are used). */
  public test(text: string): boolean {
    const n = text.length;
    let clist: number[] = [];
    let nlist: number[] = [];
    for (let pos = 0; pos <= n; pos++) {
      this.nextGeneration();
      // re-mark the threads carried over from the previous step so they are not added twice
      const carried = clist;
      clist = [];
      for (const pc of carried) {
        this.marks[pc] = this.generation;
        clist.push(pc);
      }
      // unanchored search: a new thread starts at every position
      if (this.addThread(clist, 0, pos, n)) return true;
      if (pos === n) break;
      const code = text.charCodeAt(pos);
      this.nextGeneration();
      nlist = [];
      for (const pc of clist) {
        const inst = this.prog[pc];
        const set = inst.set!;
        const hit = code < 128 ? set.ascii[code] === 1 : set.other;
        if (hit && this.addThread(nlist, inst.x, pos + 1, n)) return true;
      }
      clist = nlist;
    }
    return false;
  }

  private nextGeneration(): void {
    this.generation++;
    if (this.generation === 0xffffffff) {
      this.marks.fill(0);
      this.generation = 1;
    }
  }

  /** Adds pc and its epsilon closure to list; returns true when MATCH is reached. */
  private addThread(list: number[], pc: number, pos: number, n: number): boolean {
    const stack = this.stack;
    let sp = 0;
    stack[sp++] = pc;
    while (sp > 0) {
      const p = stack[--sp];
      if (this.marks[p] === this.generation) continue;
      this.marks[p] = this.generation;
      const inst = this.prog[p];
      switch (inst.op) {
        case Op.MATCH:
          return true;
        case Op.CHAR:
          list.push(p);
          break;
        case Op.JMP:
          stack[sp++] = inst.x;
          break;
        case Op.SPLIT:
          stack[sp++] = inst.y;
          stack[sp++] = inst.x;
          break;
        case Op.BOL:
          if (pos === 0) stack[sp++] = inst.x;
          break;
        case Op.EOL:
          if (pos === n) stack[sp++] = inst.x;
          break;
      }
    }
    return false;
  }
}
