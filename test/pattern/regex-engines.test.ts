/* eslint-disable no-bitwise */
// bitsets over text positions and 32-bit random numbers: bitwise operators are the point here
import fc from 'fast-check';
import { LinearRegex, parseRegex } from '../../lib/pattern/regex';
import { compileRegex } from '../../lib/pattern/regex-compiler';
import { CountingSearch } from '../../lib/pattern/regex-counting';
import { LazyDfa, MAX_DFA_STATES } from '../../lib/pattern/regex-dfa';
import { NfaVm } from '../../lib/pattern/regex-vm';

// regexes in AWS's syntax over a small alphabet, so that random texts hit them often
const atom = fc.constantFrom('a', 'b', 'c', '.', '[ab]', '[^a]', '[a-c]', '\\d', '\\w', '\\s', '\\W', '[b\\d]', '\\x61', '\\n');
const quantifier = fc.constantFrom('', '', '', '?', '*', '+', '{2}', '{0,3}', '{1,}', '{2,5}', '*?', '{3,40}');
const piece = fc.tuple(atom, quantifier).map(([a, q]) => a + q);
const branch = fc
  .tuple(fc.boolean(), fc.array(piece, { minLength: 0, maxLength: 6 }), fc.boolean())
  .map(([start, pieces, end]) => `${start ? '^' : ''}${pieces.join('')}${end ? '$' : ''}`);
const regex = fc.array(branch, { minLength: 1, maxLength: 3 }).map((bs) => bs.join('|')).filter((s) => s.length > 0);
const text = fc.stringOf(fc.constantFrom('a', 'b', 'c', '1', ' ', '\n', '-', '\u00e9'), { maxLength: 130 });

/** JavaScript's backtracking RegExp as an independent oracle, on texts where the two dialects agree. */
function jsOracle(source: string): RegExp {
  return new RegExp(source.replace(/\\x61/g, 'a'));
}

describe('regex engines agree with the NFA simulation', () => {
  test('lazy DFA, run-length search, the combined test and JavaScript RegExp (property)', () => {
    fc.assert(
      fc.property(regex, fc.array(text, { minLength: 1, maxLength: 8 }), (source, texts) => {
        const ast = parseRegex(source);
        const prog = compileRegex(ast);
        const nfa = new NfaVm(prog);
        const dfa = new LazyDfa(prog);
        const counting = new CountingSearch(ast);
        const combined = LinearRegex.compile(source);
        const js = jsOracle(source);
        for (const t of texts) {
          const expected = nfa.search(t);
          const d = dfa.search(t);
          expect({ source, t, dfa: d.done ? d.matched : 'gave up' }).toEqual({ source, t, dfa: expected });
          expect({ source, t, counting: counting.search(t) }).toEqual({ source, t, counting: expected });
          expect({ source, t, combined: combined.test(t) }).toEqual({ source, t, combined: expected });
          // JS differs on \s/\W/\S/. for non-ASCII and on . for \r, which these texts avoid except for é
          if (!/[\u0080-\uffff]/.test(t)) expect({ source, t, js: js.test(t) }).toEqual({ source, t, js: expected });
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('on long texts the combined test agrees with the NFA simulation (property)', () => {
    fc.assert(
      fc.property(regex, fc.array(fc.constantFrom('a', 'b', 'c', '1', ' '), { minLength: 5000, maxLength: 6000 }), (source, chars) => {
        const t = chars.join('');
        const re = LinearRegex.compile(source);
        expect({ source, combined: re.test(t) }).toEqual({ source, combined: re.testWithNfa(t) });
      }),
      { numRuns: 150 },
    );
    // 150 texts of 5-6 KB through the NFA simulation: seconds on a loaded machine, more than jest's default 5 s
  }, 60_000);

  test('the NFA resumes exactly where the DFA hands over when its budget runs out (property)', () => {
    fc.assert(
      fc.property(regex, text, fc.nat(200), (source, t, budget) => {
        const prog = compileRegex(parseRegex(source));
        const nfa = new NfaVm(prog);
        const dfa = new LazyDfa(prog);
        const r = dfa.search(t, budget);
        const answer = r.done ? r.matched : nfa.search(t, r.position, r.threads);
        expect({ source, t, answer }).toEqual({ source, t, answer: nfa.search(t) });
      }),
      { numRuns: 3000 },
    );
  });

  test('a DFA that would exceed its state cap hands over to the NFA with the right answer and empties its cache', () => {
    // [ab]*a[ab]{12}: the DFA must remember the last 13 characters, 2^13 states > MAX_DFA_STATES
    const source = '[ab]*a[ab]{12}c';
    const prog = compileRegex(parseRegex(source));
    const dfa = new LazyDfa(prog);
    const nfa = new NfaVm(prog);
    let s = 7;
    let t = '';
    for (let i = 0; i < 40000; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      t += s & 0x10000 ? 'a' : 'b';
    }
    const withMatch = `${t.slice(0, 30000)}a${'b'.repeat(12)}c${t.slice(30000)}`;
    for (const input of [t, withMatch]) {
      const r = dfa.search(input);
      expect(r.done).toBe(false);
      if (!r.done) {
        expect(r.reason).toBe('cap');
        expect(nfa.search(input, r.position, r.threads)).toBe(nfa.search(input));
      }
      expect(dfa.stateCount).toBeLessThan(MAX_DFA_STATES);
    }
    expect(nfa.search(withMatch)).toBe(true);
    expect(LinearRegex.compile(source).test(withMatch)).toBe(true);
    expect(LinearRegex.compile(source).test(t)).toBe(false);
  });

  test('the run-length search merges adjacent pieces over the same set and costs one pass per piece', () => {
    expect(new CountingSearch(parseRegex('[a-z]{1,1000}[a-z]{1,1000}[a-z]{1,1000}[a-z]{1,1000}b')).passes).toBe(2);
    expect(new CountingSearch(parseRegex('a{2}b|c')).passes).toBe(3);
    const s = new CountingSearch(parseRegex('[a-z]{1,1000}[a-z]{1,1000}[a-z]{1,1000}[a-z]{1,1000}b'));
    expect(s.search('aaab')).toBe(false);
    expect(s.search('aaaab')).toBe(true);
    expect(s.search(`${'a'.repeat(100_000)}`)).toBe(false);
    expect(s.search(`${'a'.repeat(100_000)}b`)).toBe(true);
  });

  test('a regex with large counted repetitions goes to the run-length search on long texts, to the DFA on short ones', () => {
    const re = LinearRegex.compile('[a-z]{1,1000}[a-z]{1,1000}[a-z]{1,1000}[a-z]{1,1000}b');
    const letters = 'a'.repeat(100_000);
    expect(re.test(letters)).toBe(false);
    expect(re.lastEngine).toBe('counting');
    expect(re.test(`${letters}b`)).toBe(true);
    expect(re.test('xx aaaab')).toBe(true);
    expect(re.lastEngine).toBe('dfa');
    expect(re.test('aaab')).toBe(false);
  });

  test('a simple regex stays on the DFA', () => {
    const re = LinearRegex.compile('AUTHORIZED');
    expect(re.test(`${'x'.repeat(10_000)}UNAUTHORIZED`)).toBe(true);
    expect(re.lastEngine).toBe('dfa');
  });
});
