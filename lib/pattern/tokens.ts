/** Token kinds of the structured (JSON and space-delimited) filter-pattern syntax. */
export enum TokenKind {
  LBRACE = '{',
  RBRACE = '}',
  LPAREN = '(',
  RPAREN = ')',
  LBRACKET = '[',
  RBRACKET = ']',
  COMMA = ',',
  AND = '&&',
  OR = '||',
  /** One of `= != < > <= >=`. */
  OPERATOR = 'operator',
  /** A JSON selector such as `$.userIdentity.type` (segments already split). */
  SELECTOR = 'selector',
  /** A double-quoted string; `value` holds the unescaped text. */
  STRING = 'string',
  /** A `%regex%`; `value` holds the body without the percent signs. */
  REGEX = 'regex',
  /** A bare word: an unquoted value, a keyword (`IS`, `NOT`, ...) or a field name. */
  WORD = 'word',
  /** `...` in a space-delimited pattern. */
  ELLIPSIS = '...',
  EOF = 'end of pattern',
}

/** One step of a JSON selector. */
export type SelectorSegment =
  | { readonly kind: 'key'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'anyIndex' }
  | { readonly kind: 'anyKey' };

export interface Token {
  readonly kind: TokenKind;
  /** The token's text as written in the pattern. */
  readonly text: string;
  /** Decoded value: unescaped string, regex body, operator, word. */
  readonly value: string;
  /** 0-based offset of the first character. */
  readonly start: number;
  /** 0-based offset just past the last character. */
  readonly end: number;
  /** For SELECTOR tokens. */
  readonly segments?: readonly SelectorSegment[];
}

/** Terms in an unstructured pattern. */
export type TermPrefix = '' | '?' | '-';

export interface TermToken {
  readonly prefix: TermPrefix;
  readonly kind: 'bare' | 'quoted' | 'regex';
  /** Decoded text (or regex body). */
  readonly value: string;
  readonly start: number;
  readonly end: number;
}
