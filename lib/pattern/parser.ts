import { assertNever } from './assert-never';
import {
  AndNode,
  ComparisonOperator,
  EqualityOperator,
  FieldExpr,
  JsonExpr,
  NumberValue,
  NumericOperator,
  OrNode,
  PatternNode,
  Selector,
  SpaceField,
  Term,
  TermMode,
  Value,
} from './ast';
import { FilterPatternSyntaxError } from './errors';
import { tokenize, tokenizeTerms } from './lexer';
import { LinearRegex, RegexSyntaxError } from './regex';
import { Token, TokenKind } from './tokens';

/** CloudWatch Logs' limit on `filterPattern` (PutMetricFilter, TestMetricFilter, ...). */
export const MAX_PATTERN_LENGTH = 1024;
/** At most this many `%regex%` per pattern (CloudWatch Logs quota). */
export const MAX_REGEXES = 2;

const NUMBER = /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/;
const FIELD_NAME = /^[A-Za-z0-9_]+$/;

function isNumericOperator(operator: ComparisonOperator): operator is NumericOperator {
  switch (operator) {
    case '<':
    case '>':
    case '<=':
    case '>=':
      return true;
    case '=':
    case '!=':
      return false;
    default:
      return assertNever(operator, 'operator');
  }
}

/** The kind a pattern's first non-blank character selects. */
export type PatternKind = 'matchAll' | 'terms' | 'json' | 'spaceDelimited';

export function patternKindOf(source: string): PatternKind {
  const t = source.trim();
  if (t.length === 0) return 'matchAll';
  if (t[0] === '{') return 'json';
  if (t[0] === '[') return 'spaceDelimited';
  return 'terms';
}

/**
 * Parses a CloudWatch Logs filter pattern into its AST.
 * Throws FilterPatternSyntaxError (with a 0-based position) for anything CloudWatch Logs would reject.
 */
export function parse(source: string): PatternNode {
  if (source.length > MAX_PATTERN_LENGTH) {
    throw new FilterPatternSyntaxError(
      `pattern is ${source.length} characters long; CloudWatch Logs accepts at most ${MAX_PATTERN_LENGTH}`,
      MAX_PATTERN_LENGTH,
      source,
    );
  }
  const regexes = { count: 0 };
  switch (patternKindOf(source)) {
    case 'matchAll':
      return { kind: 'matchAll' };
    case 'terms':
      return parseTerms(source, regexes);
    case 'json':
      return new StructuredParser(source, regexes).json();
    case 'spaceDelimited':
      return new StructuredParser(source, regexes).spaceDelimited();
  }
}

function checkRegex(source: string, body: string, bodyStart: number, regexes: { count: number }): void {
  regexes.count++;
  if (regexes.count > MAX_REGEXES) {
    throw new FilterPatternSyntaxError(
      `a filter pattern may contain at most ${MAX_REGEXES} regular expressions`,
      bodyStart - 1,
      source,
    );
  }
  try {
    LinearRegex.compile(body);
  } catch (e) {
    if (e instanceof RegexSyntaxError) {
      throw new FilterPatternSyntaxError(e.description, bodyStart + e.offset, source);
    }
    throw e;
  }
}

function parseTerms(source: string, regexes: { count: number }): PatternNode {
  const terms: Term[] = [];
  for (const t of tokenizeTerms(source)) {
    const mode: TermMode = t.prefix === '-' ? 'exclude' : t.prefix === '?' ? 'optional' : 'require';
    if (t.kind === 'regex') {
      checkRegex(source, t.value, t.start + t.prefix.length + 1, regexes);
      terms.push({ kind: 'regex', mode, source: t.value });
    } else {
      if (t.value.length === 0) {
        throw new FilterPatternSyntaxError('empty quoted term; use " " to match every event', t.start, source);
      }
      terms.push({ kind: 'text', mode, text: t.value });
    }
  }
  return { kind: 'terms', terms };
}

function group<T extends { kind: string }>(kind: 'and' | 'or', items: T[]): T | AndNode<T> | OrNode<T> {
  if (items.length === 1) return items[0];
  const flat: T[] = [];
  for (const item of items) {
    if (item.kind === kind) flat.push(...(item as unknown as AndNode<T>).items);
    else flat.push(item);
  }
  return { kind, items: flat };
}

class StructuredParser {
  private readonly tokens: Token[];
  private pos = 0;

  constructor(private readonly source: string, private readonly regexes: { count: number }) {
    this.tokens = tokenize(source);
  }

  // ------------------------------------------------------------------ JSON

  json(): PatternNode {
    this.expect(TokenKind.LBRACE, "'{'");
    if (this.peek().kind === TokenKind.RBRACE) this.fail('expected a condition', this.peek());
    const expr = this.orExpr();
    this.expect(TokenKind.RBRACE, "'&&', '||' or '}'");
    this.expectEnd("'}'");
    return { kind: 'json', expr };
  }

  private orExpr(): JsonExpr {
    const items = [this.andExpr()];
    while (this.peek().kind === TokenKind.OR) {
      this.pos++;
      items.push(this.andExpr());
    }
    return group('or', items) as JsonExpr;
  }

  private andExpr(): JsonExpr {
    const items = [this.primary()];
    while (this.peek().kind === TokenKind.AND) {
      this.pos++;
      items.push(this.primary());
    }
    return group('and', items) as JsonExpr;
  }

  private primary(): JsonExpr {
    const t = this.peek();
    if (t.kind === TokenKind.LPAREN) {
      this.pos++;
      const inner = this.orExpr();
      this.expect(TokenKind.RPAREN, "')'");
      return inner;
    }
    if (t.kind !== TokenKind.SELECTOR) this.fail("expected a selector such as $.eventName or '('", t);
    this.pos++;
    const selector: Selector = { segments: t.segments! };
    const next = this.peek();
    if (next.kind === TokenKind.OPERATOR) {
      this.pos++;
      const operator = next.value as ComparisonOperator;
      if (isNumericOperator(operator)) return { kind: 'numeric', selector, operator, value: this.numberValue(operator) };
      return { kind: 'equals', selector, operator, value: this.equalityValue(operator) };
    }
    if (next.kind === TokenKind.WORD) {
      const word = next.value;
      if (word === 'IS') {
        this.pos++;
        const lit = this.peek();
        if (lit.kind === TokenKind.WORD && lit.value === 'NOT') {
          this.fail("'IS NOT' is not supported; use '!=' or 'NOT EXISTS'", lit);
        }
        if (lit.kind !== TokenKind.WORD || !['NULL', 'TRUE', 'FALSE'].includes(lit.value)) {
          this.fail("expected NULL, TRUE or FALSE after 'IS'", lit);
        }
        this.pos++;
        return { kind: 'is', selector, literal: lit.value as 'NULL' | 'TRUE' | 'FALSE' };
      }
      if (word === 'NOT') {
        this.pos++;
        const ex = this.peek();
        if (ex.kind !== TokenKind.WORD || ex.value !== 'EXISTS') this.fail("expected 'EXISTS' after 'NOT'", ex);
        this.pos++;
        return { kind: 'notExists', selector };
      }
      if (word === 'EXISTS') this.fail("'EXISTS' is not supported; write 'NOT EXISTS' or '= \"*\"'", next);
      const upper = word.toUpperCase();
      if (upper === 'IS' || upper === 'NOT' || upper === 'EXISTS') {
        this.fail(`keywords are upper case: write '${upper}' instead of '${word}'`, next);
      }
    }
    return this.fail("expected an operator (=, !=, <, >, <=, >=), 'IS' or 'NOT EXISTS'", next);
  }

  /** The value after `=` or `!=`: a quoted string, a regex, a number, `true`/`false` or a bare string. */
  private equalityValue(operator: EqualityOperator): Value {
    const t = this.peek();
    switch (t.kind) {
      case TokenKind.STRING:
        this.pos++;
        return { kind: 'string', text: t.value };
      case TokenKind.REGEX:
        checkRegex(this.source, t.value, t.start + 1, this.regexes);
        this.pos++;
        return { kind: 'regex', source: t.value };
      case TokenKind.WORD:
        this.pos++;
        if (NUMBER.test(t.value)) return { kind: 'number', text: t.value };
        if (t.value === 'true' || t.value === 'false') return { kind: 'boolean', value: t.value === 'true' };
        return { kind: 'string', text: t.value };
      default:
        return this.fail(`expected a value after '${operator}'`, t);
    }
  }

  /** The value after `<`, `>`, `<=` or `>=`: an unquoted number, nothing else. */
  private numberValue(operator: NumericOperator): NumberValue {
    const t = this.peek();
    switch (t.kind) {
      case TokenKind.STRING:
      case TokenKind.REGEX:
        return this.fail(`expected a number after '${operator}'`, t);
      case TokenKind.WORD:
        if (!NUMBER.test(t.value)) this.fail(`expected a number after '${operator}'`, t);
        this.pos++;
        return { kind: 'number', text: t.value };
      default:
        return this.fail(`expected a value after '${operator}'`, t);
    }
  }

  // ------------------------------------------------------------------ space-delimited

  spaceDelimited(): PatternNode {
    this.expect(TokenKind.LBRACKET, "'['");
    const fields: SpaceField[] = [];
    for (;;) {
      fields.push(this.field());
      const t = this.peek();
      if (t.kind === TokenKind.COMMA) {
        this.pos++;
        continue;
      }
      if (t.kind === TokenKind.RBRACKET) {
        this.pos++;
        break;
      }
      this.fail("expected ',' or ']'", t);
    }
    this.expectEnd("']'");
    return { kind: 'spaceDelimited', fields };
  }

  private field(): SpaceField {
    const t = this.peek();
    if (t.kind === TokenKind.ELLIPSIS) {
      this.pos++;
      return { kind: 'ellipsis' };
    }
    if (t.kind === TokenKind.COMMA || t.kind === TokenKind.RBRACKET) return { kind: 'field', name: '' };
    const name = this.fieldName();
    if (this.peek().kind !== TokenKind.OPERATOR) return { kind: 'field', name };
    const condition = this.fieldOr(name);
    return { kind: 'field', name, condition };
  }

  private fieldName(): string {
    const t = this.peek();
    if (t.kind !== TokenKind.WORD || !FIELD_NAME.test(t.value)) {
      this.fail("expected a field name (letters, digits and '_'), '...' or ','", t);
    }
    this.pos++;
    return t.value;
  }

  private fieldOr(name: string): FieldExpr {
    const items = [this.fieldAnd(name, true)];
    while (this.peek().kind === TokenKind.OR) {
      this.pos++;
      items.push(this.fieldAnd(name, false));
    }
    return group('or', items) as FieldExpr;
  }

  private fieldAnd(name: string, first: boolean): FieldExpr {
    const items = [this.fieldComparison(name, first)];
    while (this.peek().kind === TokenKind.AND) {
      this.pos++;
      items.push(this.fieldComparison(name, false));
    }
    return group('and', items) as FieldExpr;
  }

  private fieldComparison(name: string, nameAlreadyRead: boolean): FieldExpr {
    if (!nameAlreadyRead) {
      const t = this.peek();
      const other = this.fieldName();
      if (other !== name) {
        this.fail(
          `conditions in one field must all test that field: expected '${name}', got '${other}' (put conditions on other fields in their own position)`,
          t,
        );
      }
    }
    const op = this.peek();
    if (op.kind !== TokenKind.OPERATOR) this.fail('expected an operator (=, !=, <, >, <=, >=)', op);
    this.pos++;
    const operator = op.value as ComparisonOperator;
    if (isNumericOperator(operator)) return { kind: 'numeric', operator, value: this.numberValue(operator) };
    return { kind: 'equals', operator, value: this.equalityValue(operator) };
  }

  // ------------------------------------------------------------------ helpers

  private peek(): Token {
    return this.tokens[this.pos];
  }

  private expect(kind: TokenKind, what: string): Token {
    const t = this.peek();
    if (t.kind !== kind) this.fail(`expected ${what}`, t);
    this.pos++;
    return t;
  }

  private expectEnd(closer: string): void {
    const t = this.peek();
    if (t.kind !== TokenKind.EOF) this.fail(`unexpected '${t.text}' after the closing ${closer}`, t);
  }

  private fail(description: string, t: Token): never {
    const got = t.kind === TokenKind.EOF ? 'the end of the pattern' : `'${t.text}'`;
    throw new FilterPatternSyntaxError(`${description}, got ${got}`, t.start, this.source);
  }
}
