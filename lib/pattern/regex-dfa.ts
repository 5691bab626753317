/**
 * A lazily built DFA over the Thompson NFA (`regex-compiler.ts`): each DFA state is the set of NFA threads alive
 * after some prefix of the text, built the first time the search needs it and then reused (within one search and
 * across searches with the same regex). Once built, a step is one table lookup per code unit.
 *
 * The cache has a cap (states and stored threads). When a search would exceed it, the DFA stops and reports where,
 * with the threads alive there, so the caller can finish with the NFA simulation (linear time still) or restart
 * with another linear engine; the cache is then emptied so memory stays bounded.
 */
import { Op, Program } from './regex-compiler';
import { charSetHas } from './regex-parser';

/** Most DFA states kept at once. */
export const MAX_DFA_STATES = 4096;
/** Most NFA threads stored over all DFA states (4 bytes each). */
export const MAX_DFA_THREADS = 2 ** 20;

const UNKNOWN = -1;

/**
 * The result of a DFA search: a definite answer, or the point where it stopped (the cache cap was reached, or
 * building states cost more than the caller's budget) with the NFA threads alive there.
 */
export type DfaResult =
  | { readonly done: true; readonly matched: boolean }
  | { readonly done: false; readonly position: number; readonly threads: Int32Array; readonly reason: 'cap' | 'budget' };

export class LazyDfa {
  /** Equivalence class of each code unit below 128; `otherClass` is the class of every code unit from 128 up. */
  private readonly classOf = new Uint8Array(128);
  private readonly otherClass: number = 0;
  private readonly classCount: number;
  /** A member code of each class (for computing transitions), -1 standing for "any code unit >= 128". */
  private readonly representative: number[] = [];

  private states: Int32Array[] = [];
  private matching: boolean[] = [];
  /** Whether a state matches at the end of the text (TEXT_END threads); undefined until asked. */
  private acceptsAtEnd: Array<boolean | undefined> = [];
  private transitions = new Int32Array(0);
  private ids = new Map<string, number>();
  private storedThreads = 0;

  private work = 0;
  private budget = Infinity;

  private readonly marks: Uint32Array;
  private generation = 0;
  private readonly stack: Int32Array;
  private readonly scratch: Int32Array;

  constructor(private readonly prog: Program) {
    const insts = prog.insts;
    this.marks = new Uint32Array(insts.length);
    this.stack = new Int32Array(insts.length * 2 + 4);
    this.scratch = new Int32Array(insts.length);
    // code units that every CHAR instruction treats alike share a class
    const sets = [...new Set(insts.filter((i) => i.op === Op.CHAR).map((i) => i.set!))];
    const byKey = new Map<string, number>();
    const signature = (code: number) => sets.map((s) => (charSetHas(s, code) ? '1' : '0')).join('');
    for (let code = 0; code <= 128; code++) {
      const key = signature(code);
      let cls = byKey.get(key);
      if (cls === undefined) {
        cls = byKey.size;
        byKey.set(key, cls);
        this.representative.push(code === 128 ? -1 : code);
      }
      if (code < 128) this.classOf[code] = cls;
      else this.otherClass = cls;
    }
    this.classCount = byKey.size;
  }

  /** Number of DFA states currently cached (for tests and the benchmark). */
  public get stateCount(): number {
    return this.states.length;
  }

  /**
   * Searches `text`; see DfaResult. `budget` bounds the work spent building new states in this search (in NFA
   * instructions visited), so a regex whose DFA would be large hands over early to an engine that is cheaper for it.
   */
  public search(text: string, budget: number = Infinity): DfaResult {
    const n = text.length;
    this.work = 0;
    this.budget = budget;
    // position 0 is the only one where `^` holds, so its closure is computed for each search
    const initial = this.closure([0], true, n === 0);
    if (initial.matched) return { done: true, matched: true };
    if (n === 0) return { done: true, matched: this.endAccepts(initial.threads, true) };
    let state = this.intern(initial.threads, false);
    if (state === UNKNOWN) return this.giveUp(0, initial.threads, 'cap');
    const classOf = this.classOf;
    const otherClass = this.otherClass;
    const classCount = this.classCount;
    for (let pos = 0; pos < n; pos++) {
      const code = text.charCodeAt(pos);
      const cls = code < 128 ? classOf[code] : otherClass;
      let next = this.transitions[state * classCount + cls];
      if (next === UNKNOWN) {
        if (this.work > this.budget) return this.giveUp(pos, this.states[state], 'budget');
        next = this.step(state, cls);
        if (next === UNKNOWN) return this.giveUp(pos, this.states[state], 'cap');
      }
      if (this.matching[next]) return { done: true, matched: true };
      state = next;
    }
    let accepts = this.acceptsAtEnd[state];
    if (accepts === undefined) {
      accepts = this.endAccepts(this.states[state], false);
      this.acceptsAtEnd[state] = accepts;
    }
    return { done: true, matched: accepts };
  }

  private giveUp(position: number, threads: Int32Array, reason: 'cap' | 'budget'): DfaResult {
    const handOver = threads.slice();
    // a full cache is emptied so memory stays bounded; states built within the budget stay for the next search
    if (reason === 'cap') this.reset();
    return { done: false, position, threads: handOver, reason };
  }

  /** Empties the cache. */
  public reset(): void {
    this.states = [];
    this.matching = [];
    this.acceptsAtEnd = [];
    this.transitions = new Int32Array(0);
    this.ids = new Map();
    this.storedThreads = 0;
  }

  /** Computes (and caches) the transition of `state` on class `cls`; UNKNOWN when the cache is full. */
  private step(state: number, cls: number): number {
    const insts = this.prog.insts;
    const threads = this.states[state];
    const rep = this.representative[cls];
    const seeds: number[] = [];
    for (let i = 0; i < threads.length; i++) {
      const inst = insts[threads[i]];
      if (inst.op !== Op.CHAR) continue; // a pending TEXT_END thread dies when a code unit follows
      const set = inst.set!;
      if (rep === -1 ? set.other : set.ascii[rep] === 1) seeds.push(inst.x);
    }
    // a new thread starts at every position (unanchored search)
    seeds.push(0);
    const { threads: nextThreads, matched } = this.closure(seeds, false, false);
    const id = this.intern(nextThreads, matched);
    if (id !== UNKNOWN) this.transitions[state * this.classCount + cls] = id;
    return id;
  }

  /** The id of the state with these threads, creating it; UNKNOWN when the cache is full. */
  private intern(threads: Int32Array, matched: boolean): number {
    const key = matched ? 'M' : threads.join(',');
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    if (this.states.length >= MAX_DFA_STATES || this.storedThreads + threads.length > MAX_DFA_THREADS) return UNKNOWN;
    const id = this.states.length;
    this.states.push(threads);
    this.matching.push(matched);
    this.acceptsAtEnd.push(undefined);
    this.storedThreads += threads.length;
    this.ids.set(key, id);
    const needed = (id + 1) * this.classCount;
    if (this.transitions.length < needed) {
      const grown = new Int32Array(Math.max(needed, this.transitions.length * 2, 64 * this.classCount)).fill(UNKNOWN);
      grown.set(this.transitions);
      this.transitions = grown;
    }
    return id;
  }

  /** Whether a state's pending TEXT_END threads reach MATCH at the end of the text. */
  private endAccepts(threads: Int32Array, atStart: boolean): boolean {
    const insts = this.prog.insts;
    const seeds: number[] = [];
    for (let i = 0; i < threads.length; i++) if (insts[threads[i]].op === Op.TEXT_END) seeds.push(threads[i]);
    if (seeds.length === 0) return false;
    return this.closure(seeds, atStart, true).matched;
  }

  /**
   * The epsilon closure of `seeds`: the CHAR and (unless at the end) TEXT_END threads it reaches, sorted, and
   * whether it reaches MATCH. TEXT_START passes only `atStart`; TEXT_END passes only `atEnd`.
   */
  private closure(seeds: readonly number[], atStart: boolean, atEnd: boolean): { threads: Int32Array; matched: boolean } {
    const insts = this.prog.insts;
    this.generation++;
    if (this.generation === 0xffffffff) {
      this.marks.fill(0);
      this.generation = 1;
    }
    const gen = this.generation;
    const marks = this.marks;
    const stack = this.stack;
    const out = this.scratch;
    let count = 0;
    let visited = 0;
    let matched = false;
    for (let s = seeds.length - 1; s >= 0; s--) {
      let sp = 0;
      stack[sp++] = seeds[s];
      while (sp > 0) {
        const p = stack[--sp];
        if (marks[p] === gen) continue;
        marks[p] = gen;
        visited++;
        const inst = insts[p];
        switch (inst.op) {
          case Op.MATCH:
            matched = true;
            break;
          case Op.CHAR:
            out[count++] = p;
            break;
          case Op.JMP:
            stack[sp++] = inst.x;
            break;
          case Op.SPLIT:
            stack[sp++] = inst.y;
            stack[sp++] = inst.x;
            break;
          case Op.TEXT_START:
            if (atStart) stack[sp++] = inst.x;
            break;
          case Op.TEXT_END:
            if (atEnd) stack[sp++] = inst.x;
            else out[count++] = p; // pending: holds only if the text ends here
            break;
        }
      }
    }
    const threads = out.slice(0, count).sort();
    this.work += visited + count;
    return { threads, matched };
  }
}
