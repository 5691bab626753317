/**
 * A linear-time matcher for the restricted regular-expression syntax CloudWatch Logs accepts inside `%...%`.
 *
 * The stages: `regex-parser.ts` (syntax, AST), `regex-compiler.ts` (AST to Thompson NFA), and three engines, each
 * linear in the text: a lazily built DFA (`regex-dfa.ts`, one table lookup per code unit once warm), the run-length
 * search (`regex-counting.ts`, one pass per piece, whatever the repetition counts) and the NFA simulation
 * (`regex-vm.ts`, the reference). `test` runs the DFA; when its cache cap is reached it finishes with whichever of
 * the other two costs less from there. No backtracking engine ever sees user input.
 */
import { compileRegex, Program } from './regex-compiler';
import { CountingSearch } from './regex-counting';
import { LazyDfa } from './regex-dfa';
import { parseRegex, RegexAst } from './regex-parser';
import { NfaVm } from './regex-vm';

export { RegexSyntaxError, MAX_REPEAT, parseRegex } from './regex-parser';
export type { CharSet, RegexAst, RegexAtom, RegexPiece } from './regex-parser';
export { MAX_PROGRAM } from './regex-compiler';

/** After this many searches in which the DFA ran out of cache, searches skip the DFA. */
const DFA_GIVE_UPS_TOLERATED = 1;
/**
 * Work the DFA may spend building states (NFA instructions visited), relative to the run-length search's cost for
 * the same text; a visit costs several scalar steps.
 */
const DFA_BUDGET_FACTOR = 0.05;
/** The DFA may always visit this many NFA instructions per search, so short texts warm its cache for the next. */
const MIN_DFA_BUDGET = 50_000;
/** Texts up to this length always start on the DFA, whose states then serve the following texts. */
const SHORT_TEXT = 4096;
/** A step of one NFA thread costs about this many steps of one run-length pass (measured with bench/regex.ts). */
const NFA_THREAD_COST = 8;

/** Which engine answered a search (for tests and the benchmark). */
export type RegexEngine = 'dfa' | 'nfa' | 'counting';

/** A compiled regex: `test` answers whether the regex matches anywhere in the text, in linear time. */
export class LinearRegex {
  /** Parses and compiles; throws RegexSyntaxError for syntax AWS rejects. */
  public static compile(source: string): LinearRegex {
    const ast = parseRegex(source);
    return new LinearRegex(source, ast, compileRegex(ast));
  }

  private readonly dfa: LazyDfa;
  private readonly nfa: NfaVm;
  private readonly counting: CountingSearch;
  private dfaGiveUps = 0;
  private readonly largeCounts: boolean;
  /** The engine that answered the last `test`. */
  public lastEngine: RegexEngine = 'dfa';

  private constructor(public readonly source: string, public readonly ast: RegexAst, private readonly prog: Program) {
    this.dfa = new LazyDfa(prog);
    this.nfa = new NfaVm(prog);
    this.counting = new CountingSearch(ast);
    this.largeCounts = this.counting.hasLargeCounts;
  }

  /** Number of NFA instructions (for tests and the benchmark). */
  public get size(): number {
    return this.prog.insts.length;
  }

  /** True when the regex matches somewhere in `text` (unanchored search unless `^`/`$` are used). */
  public test(text: string): boolean {
    // a large counted repetition makes the DFA large and costs the run-length search one pass: skip the DFA
    if (this.dfaGiveUps >= DFA_GIVE_UPS_TOLERATED || (this.largeCounts && text.length > SHORT_TEXT)) {
      return this.fallback(text, 0, undefined);
    }
    // building DFA states may cost at most a fraction of what the run-length search would cost for the whole text
    const r = this.dfa.search(text, Math.max(MIN_DFA_BUDGET, this.counting.cost(text.length) * DFA_BUDGET_FACTOR));
    if (r.done) {
      this.lastEngine = 'dfa';
      return r.matched;
    }
    this.dfaGiveUps++;
    return this.fallback(text, r.position, r.threads);
  }

  /** The NFA simulation alone (the reference the other engines are tested against). */
  public testWithNfa(text: string): boolean {
    return this.nfa.search(text);
  }

  /** The run-length search alone. */
  public testWithCounting(text: string): boolean {
    return this.counting.search(text);
  }

  /** The lazy DFA alone, finishing with the NFA if its cache fills up. */
  public testWithDfa(text: string): boolean {
    const r = this.dfa.search(text);
    return r.done ? r.matched : this.nfa.search(text, r.position, r.threads);
  }

  /**
   * Finishes a search the DFA could not: the run-length search costs `counting.cost(n)`, the NFA about (live threads
   * x the rest of the text x NFA_THREAD_COST); the cheaper one runs.
   */
  private fallback(text: string, position: number, threads: Int32Array | undefined): boolean {
    const remaining = text.length - position;
    const live = threads ? Math.max(threads.length, 1) : this.size;
    if (this.counting.cost(text.length) <= NFA_THREAD_COST * live * (remaining + 1)) {
      this.lastEngine = 'counting';
      return this.counting.search(text);
    }
    this.lastEngine = 'nfa';
    return threads ? this.nfa.search(text, position, threads) : this.nfa.search(text);
  }
}
