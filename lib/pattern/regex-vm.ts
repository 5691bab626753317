/**
 * The NFA simulation (Pike VM without captures): a set of threads, one per NFA instruction, advanced one code unit
 * at a time. Time is O(text length x program size) whatever the input; no backtracking engine ever sees user input.
 * It is the reference the faster engines (`regex-dfa.ts`, `regex-counting.ts`) are tested against, and the
 * fallback when the lazy DFA gives up.
 */
import { Op, Program } from './regex-compiler';

export class NfaVm {
  private readonly marks: Uint32Array;
  private generation = 0;
  private readonly stack: Int32Array;

  constructor(private readonly prog: Program) {
    this.marks = new Uint32Array(prog.insts.length);
    this.stack = new Int32Array(prog.insts.length * 2 + 4);
  }

  /**
   * True when the program matches somewhere in `text` (an unanchored search).
   *
   * With `from` and `threads`, the search resumes at position `from` with the given CHAR instructions as the live
   * threads (what the lazy DFA hands over when it gives up); matches that start before `from` are then only found
   * through those threads.
   */
  public search(text: string, from: number = 0, threads?: ArrayLike<number>): boolean {
    const n = text.length;
    const insts = this.prog.insts;
    let clist: number[] = [];
    if (threads) {
      for (let i = 0; i < threads.length; i++) if (insts[threads[i]].op === Op.CHAR) clist.push(threads[i]);
    }
    let nlist: number[] = [];
    for (let pos = from; pos <= n; pos++) {
      this.nextGeneration();
      // re-mark the threads carried over from the previous step so they are not added twice
      const carried = clist;
      clist = [];
      for (const pc of carried) {
        if (this.marks[pc] === this.generation) continue;
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
        const inst = insts[pc];
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
    const insts = this.prog.insts;
    let sp = 0;
    stack[sp++] = pc;
    while (sp > 0) {
      const p = stack[--sp];
      if (this.marks[p] === this.generation) continue;
      this.marks[p] = this.generation;
      const inst = insts[p];
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
        case Op.TEXT_START:
          if (pos === 0) stack[sp++] = inst.x;
          break;
        case Op.TEXT_END:
          if (pos === n) stack[sp++] = inst.x;
          break;
      }
    }
    return false;
  }
}
