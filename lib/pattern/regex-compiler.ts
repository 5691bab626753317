/**
 * Compiles a regex AST (`regex-parser.ts`) to a Thompson NFA: a program of CHAR / SPLIT / JMP / assertion
 * instructions that `regex-vm.ts` simulates and `regex-dfa.ts` determinises lazily.
 */
import { assertNever } from './assert-never';
import { CharSet, RegexAst, RegexAtom, RegexPiece, RegexSyntaxError } from './regex-parser';

/** Upper bound on compiled program size, to keep matching cheap. */
export const MAX_PROGRAM = 20000;

/** Instruction codes (plain numbers, so every module that runs programs compares them cheaply). */
export const Op = {
  /** Consume one code unit in `set`, continue at `x`. */
  CHAR: 0,
  /** Continue at both `x` and `y`. */
  SPLIT: 1,
  /** Continue at `x`. */
  JMP: 2,
  /** Continue at `x` only at the start of the text. */
  TEXT_START: 3,
  /** Continue at `x` only at the end of the text. */
  TEXT_END: 4,
  /** The regex matched. */
  MATCH: 5,
} as const;
export type Op = (typeof Op)[keyof typeof Op];

export interface Inst {
  op: Op;
  set?: CharSet;
  x: number;
  y: number;
}

/** A compiled NFA; execution starts at instruction 0. */
export interface Program {
  readonly insts: readonly Inst[];
}

/** Compiles a parsed regex; throws RegexSyntaxError when the program would exceed MAX_PROGRAM instructions. */
export function compileRegex(ast: RegexAst): Program {
  const prog: Inst[] = [];
  const emit = (inst: Inst): number => {
    if (prog.length >= MAX_PROGRAM) throw new RegexSyntaxError('regex is too large', 0);
    prog.push(inst);
    return prog.length - 1;
  };
  const emitAtom = (atom: RegexAtom) => {
    switch (atom.kind) {
      case 'charSet':
        emit({ op: Op.CHAR, set: atom.set, x: prog.length + 1, y: -1 });
        break;
      case 'textStart':
        emit({ op: Op.TEXT_START, x: prog.length + 1, y: -1 });
        break;
      case 'textEnd':
        emit({ op: Op.TEXT_END, x: prog.length + 1, y: -1 });
        break;
      default:
        assertNever(atom, 'regex atom');
    }
  };
  const emitPiece = (p: RegexPiece) => {
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
  const branches = ast.branches;
  // alternation: split b1, next; b1...; jmp end; next: split b2, ...
  const jumps: number[] = [];
  for (let b = 0; b < branches.length; b++) {
    if (b < branches.length - 1) {
      const split = emit({ op: Op.SPLIT, x: -1, y: -1 });
      prog[split].x = prog.length;
      branches[b].forEach(emitPiece);
      jumps.push(emit({ op: Op.JMP, x: -1, y: -1 }));
      prog[split].y = prog.length;
    } else {
      branches[b].forEach(emitPiece);
    }
  }
  const match = emit({ op: Op.MATCH, x: -1, y: -1 });
  for (const j of jumps) prog[j].x = match;
  return { insts: prog };
}
