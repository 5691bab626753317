import { FilterPatternSyntaxError } from './errors';
import { SelectorSegment, TermPrefix, TermToken, Token, TokenKind } from './tokens';

/** Characters allowed in an unquoted value or word. Anything else must be quoted. */
const WORD_CHAR = /[A-Za-z0-9_.*+-]/;
/** Characters allowed in a `.name` selector segment (AWS: alphanumerics, `-` and `_`). */
const NAME_CHAR = /[A-Za-z0-9_-]/;
const WS = /\s/;

/**
 * Splits a JSON or space-delimited pattern into tokens. A pure function: no module state.
 * Offsets refer to `source` as given (including any leading whitespace).
 */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = source.length;
  const fail = (description: string, position: number): never => {
    throw new FilterPatternSyntaxError(description, position, source);
  };
  const push = (kind: TokenKind, start: number, end: number, value?: string, segments?: SelectorSegment[]) => {
    const text = source.slice(start, end);
    tokens.push({ kind, text, value: value ?? text, start, end, segments });
  };

  while (i < n) {
    const c = source[i];
    if (WS.test(c)) {
      i++;
      continue;
    }
    const start = i;
    switch (c) {
      case '{': push(TokenKind.LBRACE, i, ++i); continue;
      case '}': push(TokenKind.RBRACE, i, ++i); continue;
      case '(': push(TokenKind.LPAREN, i, ++i); continue;
      case ')': push(TokenKind.RPAREN, i, ++i); continue;
      case '[': push(TokenKind.LBRACKET, i, ++i); continue;
      case ']': push(TokenKind.RBRACKET, i, ++i); continue;
      case ',': push(TokenKind.COMMA, i, ++i); continue;
      case '&':
        if (source[i + 1] !== '&') fail("expected '&&'", i);
        i += 2;
        push(TokenKind.AND, start, i);
        continue;
      case '|':
        if (source[i + 1] !== '|') fail("expected '||'", i);
        i += 2;
        push(TokenKind.OR, start, i);
        continue;
      case '=':
        if (source[i + 1] === '=') fail("use '=' instead of '=='", i);
        push(TokenKind.OPERATOR, i, ++i);
        continue;
      case '!':
        if (source[i + 1] !== '=') fail("expected '!='", i);
        i += 2;
        push(TokenKind.OPERATOR, start, i);
        continue;
      case '<':
      case '>':
        i += source[i + 1] === '=' ? 2 : 1;
        push(TokenKind.OPERATOR, start, i);
        continue;
      case '"': {
        const { value, end } = readQuoted(source, i);
        i = end;
        push(TokenKind.STRING, start, end, value);
        continue;
      }
      case '%': {
        const close = source.indexOf('%', i + 1);
        if (close < 0) fail("unterminated regex: expected a closing '%'", i);
        i = close + 1;
        push(TokenKind.REGEX, start, i, source.slice(start + 1, close));
        continue;
      }
      case '$': {
        const { segments, end } = readSelector(source, i);
        i = end;
        push(TokenKind.SELECTOR, start, end, undefined, segments);
        continue;
      }
      default:
        break;
    }
    if (!WORD_CHAR.test(c)) {
      fail(
        `unexpected character '${c}'; quote values that contain characters other than letters, digits, '_', '-', '.', '*' and '+'`,
        i,
      );
    }
    while (i < n && WORD_CHAR.test(source[i])) i++;
    const word = source.slice(start, i);
    push(word === '...' ? TokenKind.ELLIPSIS : TokenKind.WORD, start, i);
  }
  tokens.push({ kind: TokenKind.EOF, text: '', value: '', start: n, end: n });
  return tokens;
}

/** Reads a double-quoted string starting at `start`; `\"` and `\\` are escapes, other backslashes are literal. */
export function readQuoted(source: string, start: number): { value: string; end: number } {
  let i = start + 1;
  let value = '';
  while (i < source.length) {
    const c = source[i];
    if (c === '\\' && (source[i + 1] === '"' || source[i + 1] === '\\')) {
      value += source[i + 1];
      i += 2;
      continue;
    }
    if (c === '"') return { value, end: i + 1 };
    value += c;
    i++;
  }
  throw new FilterPatternSyntaxError("unterminated string: expected a closing '\"'", start, source);
}

function readSelector(source: string, start: number): { segments: SelectorSegment[]; end: number } {
  const segments: SelectorSegment[] = [];
  let i = start + 1;
  const fail = (description: string, position: number): never => {
    throw new FilterPatternSyntaxError(description, position, source);
  };
  for (;;) {
    const c = source[i];
    if (c === '.') {
      if (source[i + 1] === '*') {
        segments.push({ kind: 'anyKey' });
        i += 2;
        continue;
      }
      if (source[i + 1] === '[') {
        i++;
        continue; // `.['name']` is the same as `['name']`
      }
      let j = i + 1;
      while (j < source.length && NAME_CHAR.test(source[j])) j++;
      if (j === i + 1) {
        fail("expected a property name after '.'; write names with other characters as ['name']", i + 1);
      }
      segments.push({ kind: 'key', name: source.slice(i + 1, j) });
      i = j;
      continue;
    }
    if (c === '[') {
      if (source[i + 1] === '*' && source[i + 2] === ']') {
        segments.push({ kind: 'anyIndex' });
        i += 3;
        continue;
      }
      if (source[i + 1] === "'") {
        const close = source.indexOf("']", i + 2);
        if (close < 0) fail("unterminated property name: expected \"']\"", i);
        const name = source.slice(i + 2, close);
        if (name.length === 0) fail('empty property name', i);
        segments.push({ kind: 'key', name });
        i = close + 2;
        continue;
      }
      let j = i + 1;
      while (j < source.length && source[j] >= '0' && source[j] <= '9') j++;
      if (j === i + 1) fail("expected an array index, '*' or a quoted property name after '['", i + 1);
      if (source[j] !== ']') fail("expected ']'", j);
      segments.push({ kind: 'index', index: Number(source.slice(i + 1, j)) });
      i = j + 1;
      continue;
    }
    break;
  }
  if (segments.length === 0) fail("expected a property after '$' (for example $.eventName)", start + 1);
  return { segments, end: i };
}

/** Splits an unstructured (term) pattern into terms. */
export function tokenizeTerms(source: string): TermToken[] {
  const terms: TermToken[] = [];
  let i = 0;
  const n = source.length;
  while (i < n) {
    if (WS.test(source[i])) {
      i++;
      continue;
    }
    const start = i;
    let prefix: TermPrefix = '';
    if (source[i] === '?' || source[i] === '-') {
      prefix = source[i] as TermPrefix;
      i++;
      if (i >= n || WS.test(source[i])) {
        throw new FilterPatternSyntaxError(`expected a term after '${prefix}'`, i, source);
      }
    }
    if (source[i] === '"') {
      const { value, end } = readQuoted(source, i);
      terms.push({ prefix, kind: 'quoted', value, start, end });
      i = end;
    } else if (source[i] === '%') {
      const close = source.indexOf('%', i + 1);
      if (close < 0) throw new FilterPatternSyntaxError("unterminated regex: expected a closing '%'", i, source);
      terms.push({ prefix, kind: 'regex', value: source.slice(i + 1, close), start, end: close + 1 });
      i = close + 1;
    } else {
      const wordStart = i;
      while (i < n && !WS.test(source[i])) {
        if (source[i] === '"') {
          throw new FilterPatternSyntaxError("unexpected '\"' inside a term; quote the whole term", i, source);
        }
        i++;
      }
      terms.push({ prefix, kind: 'bare', value: source.slice(wordStart, i), start, end: i });
    }
    if (i < n && !WS.test(source[i])) {
      throw new FilterPatternSyntaxError('expected whitespace between terms', i, source);
    }
  }
  return terms;
}
