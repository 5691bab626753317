import { FilterPatternSyntaxError, tokenize, TokenKind, tokenizeTerms } from '../../lib/pattern';

describe('tokenize (JSON and space-delimited patterns)', () => {
  test('splits a JSON pattern into tokens with 0-based offsets', () => {
    const tokens = tokenize('{ ($.eventName = "ConsoleLogin") && ($.x != 1) }');
    expect(tokens.map((t) => t.kind)).toEqual([
      TokenKind.LBRACE, TokenKind.LPAREN, TokenKind.SELECTOR, TokenKind.OPERATOR, TokenKind.STRING, TokenKind.RPAREN,
      TokenKind.AND, TokenKind.LPAREN, TokenKind.SELECTOR, TokenKind.OPERATOR, TokenKind.WORD, TokenKind.RPAREN,
      TokenKind.RBRACE, TokenKind.EOF,
    ]);
    expect(tokens[2]).toMatchObject({ text: '$.eventName', start: 3, end: 14 });
    expect(tokens[4]).toMatchObject({ value: 'ConsoleLogin', start: 17 });
  });

  test('splits selectors into segments', () => {
    const [sel] = tokenize("$.a.b[3][*].*['x.y']");
    expect(sel.segments).toEqual([
      { kind: 'key', name: 'a' },
      { kind: 'key', name: 'b' },
      { kind: 'index', index: 3 },
      { kind: 'anyIndex' },
      { kind: 'anyKey' },
      { kind: 'key', name: 'x.y' },
    ]);
  });

  test('reads all six operators, && and ||', () => {
    const ops = tokenize('= != < > <= >= && ||').slice(0, -1).map((t) => t.text);
    expect(ops).toEqual(['=', '!=', '<', '>', '<=', '>=', '&&', '||']);
  });

  test('unescapes \\" and \\\\ inside strings and keeps other backslashes', () => {
    const [s] = tokenize('"a\\"b\\\\c\\d"');
    expect(s.value).toBe('a"b\\c\\d');
  });

  test('reads regex bodies without the percent signs', () => {
    const [r] = tokenize('%ab[0-9]+%');
    expect(r).toMatchObject({ kind: TokenKind.REGEX, value: 'ab[0-9]+', start: 0, end: 10 });
  });

  test('reads ... as an ellipsis and dotted words as one word', () => {
    expect(tokenize('... s3.amazonaws.com *.8xlarge').slice(0, -1).map((t) => [t.kind, t.text])).toEqual([
      [TokenKind.ELLIPSIS, '...'],
      [TokenKind.WORD, 's3.amazonaws.com'],
      [TokenKind.WORD, '*.8xlarge'],
    ]);
  });

  test('fails on an unterminated string with the position of its opening quote', () => {
    expect(() => tokenize('{ $.a = "abc }')).toThrow(/unterminated string.*at position 8/);
  });

  test('fails on a character that must be quoted, naming it', () => {
    expect(() => tokenize('x@y')).toThrow("unexpected character '@'");
    try {
      tokenize('ab#');
    } catch (e) {
      expect(e).toBeInstanceOf(FilterPatternSyntaxError);
      expect((e as FilterPatternSyntaxError).position).toBe(2);
    }
  });
});

describe('tokenizeTerms (unstructured patterns)', () => {
  test('reads prefixes, quoted phrases, bare terms and regexes', () => {
    expect(tokenizeTerms('ERROR -"BAD REQUEST" ?WARN %a+%').map((t) => [t.prefix, t.kind, t.value])).toEqual([
      ['', 'bare', 'ERROR'],
      ['-', 'quoted', 'BAD REQUEST'],
      ['?', 'bare', 'WARN'],
      ['', 'regex', 'a+'],
    ]);
  });

  test('fails on a prefix with no term', () => {
    expect(() => tokenizeTerms('? x')).toThrow("expected a term after '?' at position 1");
  });
});
