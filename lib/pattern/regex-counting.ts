/**
 * A run-length search for group-free regexes: one pass over the text per piece, whatever the repetition counts.
 *
 * Without groups, a branch is a sequence of pieces `C{m,M}` (a character set repeated), `^` and `$`. Let E_i be the
 * set of text positions p where pieces 1..i can match a substring ending at p (E_0 is every position: the search is
 * unanchored); the branch matches when E_k is not empty. The E_i are bitsets over positions 0..n, so a piece with a
 * small count costs a few word operations per 32 positions:
 * - C{m,M} with M small: A_0 = E_{i-1}, A_j = (A_{j-1} << 1) & C_mask, E_i = A_m | ... | A_M;
 * - C{m,} with m small: A_m as above, then every position reachable from A_m through a run of C (one multi-word
 *   addition: with S = (A_m << 1) & C_mask, A_m | S | (((C_mask + S) ^ C_mask) & C_mask));
 * - large counts (`[a-z]{1,1000}`): one scalar pass, E_i(p) when some q in [p - min(M, R(p)), p - m] is in E_{i-1},
 *   R(p) being the length of the run of C ending at p, which keeping the last member of E_{i-1} makes one comparison.
 * The NFA carries up to 1000 threads per character for `[a-z]{1,1000}`; this costs one pass.
 */
/* eslint-disable no-bitwise */
// bitsets over text positions: bitwise operators are the point of this module
import { assertNever } from './assert-never';
import { CharSet, RegexAst, RegexPiece, sameCharSet } from './regex-parser';

type Step =
  | {
    readonly kind: 'set';
    readonly set: CharSet;
    /** Membership by code unit, index 128 standing for every code unit from 128 up. */
    readonly table: Uint8Array;
    readonly min: number;
    readonly max: number;
  }
  | { readonly kind: 'textStart' }
  | { readonly kind: 'textEnd' };

/**
 * Merges adjacent pieces over the same set (C{a,b}C{c,d} is C{a+c,b+d}); pieces over equal sets share one table
 * (`tables`, keyed by membership), so a search builds one position mask per distinct set.
 */
function stepsOf(pieces: readonly RegexPiece[], tables: Map<string, Uint8Array>): Step[] {
  const steps: Step[] = [];
  for (const p of pieces) {
    const atom = p.atom;
    switch (atom.kind) {
      case 'charSet': {
        const last = steps[steps.length - 1];
        if (last && last.kind === 'set' && sameCharSet(last.set, atom.set)) {
          steps[steps.length - 1] = { ...last, min: last.min + p.min, max: last.max + p.max };
        } else {
          const key = `${atom.set.ascii.join('')}${atom.set.other ? 1 : 0}`;
          let table = tables.get(key);
          if (!table) {
            table = new Uint8Array(129);
            table.set(atom.set.ascii);
            table[128] = atom.set.other ? 1 : 0;
            tables.set(key, table);
          }
          steps.push({ kind: 'set', set: atom.set, table, min: p.min, max: p.max });
        }
        break;
      }
      case 'textStart':
      case 'textEnd':
        steps.push({ kind: atom.kind });
        break;
      default:
        assertNever(atom, 'regex atom');
    }
  }
  return steps;
}

/** Counts up to this many shifts are done on bitsets; larger ones take the scalar pass. */
const BITSET_SHIFTS = 32;

export class CountingSearch {
  private readonly branches: Step[][];
  /** The searched text's code units, 128 standing for any from 128 up. */
  private codes = new Uint8Array(0);
  private words = 0;
  private bufs: Uint32Array[] = [];
  private masks = new Map<Uint8Array, Uint32Array>();

  constructor(ast: RegexAst) {
    const tables = new Map<string, Uint8Array>();
    this.branches = ast.branches.map((b) => stepsOf(b, tables));
  }

  /** Whether some piece has a count too large for bitsets (`[a-z]{1,1000}`): a DFA over such a regex is large. */
  public get hasLargeCounts(): boolean {
    return this.branches.some((steps) =>
      steps.some((s) => s.kind === 'set' && (s.max === Infinity ? s.min : s.max) > BITSET_SHIFTS),
    );
  }

  /** Number of steps over all branches: a search costs at most about this many passes over the text. */
  public get passes(): number {
    return this.branches.reduce((sum, s) => sum + Math.max(1, s.length), 0);
  }

  /**
   * The work of a search of a text of length n, in units of one scalar step (a pass over the text costs n): a mask
   * per distinct set, a scalar pass per large count, and about two word operations per shift per 32 positions.
   */
  public cost(n: number): number {
    const words = (n >>> 5) + 1;
    const tables = new Set<Uint8Array>();
    let cost = n;
    for (const steps of this.branches) {
      for (const step of steps) {
        if (step.kind !== 'set') {
          cost += words;
          continue;
        }
        const shifts = step.max === Infinity ? step.min : step.max;
        if (shifts > BITSET_SHIFTS) {
          cost += n;
        } else {
          if (!tables.has(step.table)) cost += n;
          tables.add(step.table);
          cost += 2 * words * (shifts + (step.max === Infinity ? 2 : 1));
        }
      }
    }
    return cost;
  }

  public search(text: string): boolean {
    const n = text.length;
    const words = (n >>> 5) + 1;
    if (this.codes.length < n || this.words !== words) {
      this.codes = new Uint8Array(n);
      this.words = words;
      this.bufs = [0, 1, 2, 3].map(() => new Uint32Array(words));
    }
    const codes = this.codes;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      codes[i] = c < 128 ? c : 128;
    }
    this.masks.clear();
    try {
      for (const steps of this.branches) if (this.branch(steps, n)) return true;
      return false;
    } finally {
      this.masks.clear();
    }
  }

  /** Bit p (p >= 1) is set when the code unit before position p is in the set. */
  private maskOf(table: Uint8Array, n: number): Uint32Array {
    let mask = this.masks.get(table);
    if (mask) return mask;
    mask = new Uint32Array(this.words);
    const codes = this.codes;
    for (let p = 1; p <= n; p++) if (table[codes[p - 1]] === 1) mask[p >>> 5] |= 1 << (p & 31);
    this.masks.set(table, mask);
    return mask;
  }

  private branch(steps: readonly Step[], n: number): boolean {
    const words = this.words;
    let [prev, cur, a, t] = this.bufs;
    // E_0: every position 0..n
    prev.fill(0xffffffff);
    prev[words - 1] = lowBits((n & 31) + 1);
    for (const step of steps) {
      let any: boolean;
      switch (step.kind) {
        case 'textStart': {
          const at = (prev[0] & 1) !== 0;
          cur.fill(0);
          if (at) cur[0] = 1;
          any = at;
          break;
        }
        case 'textEnd': {
          const at = (prev[n >>> 5] & (1 << (n & 31))) !== 0;
          cur.fill(0);
          if (at) cur[n >>> 5] = 1 << (n & 31);
          any = at;
          break;
        }
        case 'set': {
          const shifts = step.max === Infinity ? step.min : step.max;
          if (shifts > BITSET_SHIFTS) {
            any = this.scalarPass(step, prev, cur, n);
            break;
          }
          const mask = this.maskOf(step.table, n);
          // a = E_{i-1} shifted through `shifts` members of the set; cur collects A_min..A_max
          a.set(prev);
          if (step.min === 0) cur.set(a);
          else cur.fill(0);
          for (let j = 1; j <= shifts; j++) {
            let carry = 0;
            let nonZero = 0;
            for (let w = 0; w < words; w++) {
              const v = a[w];
              const shifted = ((v << 1) | carry) & mask[w];
              carry = v >>> 31;
              a[w] = shifted;
              nonZero |= shifted;
              if (j >= step.min) cur[w] |= shifted;
            }
            if (nonZero === 0) break;
          }
          if (step.max === Infinity) {
            // everything reachable from A_min through a run of members: ((mask + ((A << 1) & mask)) ^ mask) & mask
            let shiftCarry = 0;
            let addCarry = 0;
            for (let w = 0; w < words; w++) {
              const v = a[w];
              const seeds = ((v << 1) | shiftCarry) & mask[w];
              shiftCarry = v >>> 31;
              const sum = mask[w] + seeds + addCarry;
              addCarry = sum > 0xffffffff ? 1 : 0;
              // a seed the carry runs through keeps its bit in the sum, so the seeds are added back
              t[w] = (((sum >>> 0) ^ mask[w]) & mask[w]) | seeds | v;
            }
            const swap = cur;
            cur = t;
            t = swap;
          }
          any = false;
          for (let w = 0; w < words; w++) {
            if (cur[w] !== 0) {
              any = true;
              break;
            }
          }
          break;
        }
        default:
          assertNever(step, 'regex step');
      }
      if (!any) return false;
      const swap = prev;
      prev = cur;
      cur = swap;
    }
    return true;
  }

  /** A piece with a large count: E(p) when some q in [p - min(max, run(p)), p - min] is in prev. */
  private scalarPass(step: Extract<Step, { kind: 'set' }>, prev: Uint32Array, cur: Uint32Array, n: number): boolean {
    const codes = this.codes;
    const table = step.table;
    const min = step.min;
    const max = step.max === Infinity ? n + 1 : step.max;
    cur.fill(0);
    let run = 0;
    let lastPrev = -1;
    let any = false;
    for (let p = 0; p <= n; p++) {
      if (p > 0) run = table[codes[p - 1]] === 1 ? run + 1 : 0;
      const x = p - min;
      if (x >= 0 && (prev[x >>> 5] & (1 << (x & 31))) !== 0) lastPrev = x;
      if (run >= min && lastPrev >= p - (run < max ? run : max)) {
        cur[p >>> 5] |= 1 << (p & 31);
        any = true;
      }
    }
    return any;
  }
}

/** A word with the lowest `count` bits set (count 1..32). */
function lowBits(count: number): number {
  return count >= 32 ? 0xffffffff : (1 << count) - 1;
}
