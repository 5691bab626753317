import { LinearRegex, RegexSyntaxError } from '../../lib/pattern';

describe('LinearRegex', () => {
  test.each([
    ['^[hc]at', 'hat trick', true],
    ['^[hc]at', 'a hat', false],
    ['a{2}b', 'xaab', true],
    ['a|b|c', 'zzc', true],
    ['x?y*z+', 'z', true],
    ['[]a]', ']', true],
    ['[a-]', '-', true],
    ['[\\d.]+$', 'v1.2', true],
    ['\\.', 'a', false],
    ['^$', '', true],
    ['a*?b', 'aab', true],
  ])('%s vs %s -> %s', (source, text, expected) => {
    expect(LinearRegex.compile(source).test(text)).toBe(expected);
  });

  test('fails with the offset of a forbidden group', () => {
    try {
      LinearRegex.compile('ab(c)');
      throw new Error('expected a RegexSyntaxError');
    } catch (e) {
      expect(e).toBeInstanceOf(RegexSyntaxError);
      expect((e as RegexSyntaxError).offset).toBe(2);
      expect((e as RegexSyntaxError).description).toContain('no groups');
    }
  });

  test('a pathological regex on a long message finishes, and work grows linearly with the input', () => {
    // '%a*a*a*a*a*a*a*a*a*a*b%' (the allowed-syntax equivalent of (a+)+b) is exponential/polynomial for
    // backtracking engines on 'aaaa...'. Here each input character costs at most one pass over the program.
    const re = LinearRegex.compile('a*a*a*a*a*a*a*a*a*a*b');
    expect(re.size).toBeLessThan(50);
    const small = 'a'.repeat(10_000);
    const large = 'a'.repeat(100_000);
    expect(re.test(small)).toBe(false);
    expect(re.test(large)).toBe(false);
    expect(re.test(`${large}b`)).toBe(true);
  });

  test('fails on repetition counts above the limit instead of building a huge program', () => {
    expect(() => LinearRegex.compile('a{1001}')).toThrow('repetition count above 1000');
  });
});
