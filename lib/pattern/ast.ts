import { SelectorSegment } from './tokens';

/**
 * The typed AST of a CloudWatch Logs filter pattern.
 *
 * Normal form (what the parser produces and the renderer expects): `and`/`or` nodes have at least two
 * items and never an item of their own kind (nested groups of the same operator are flattened);
 * parentheses are not kept, because the canonical rendering parenthesizes every item of a group.
 */
export type PatternNode = MatchAllNode | TermsNode | JsonNode | SpaceDelimitedNode;

export interface MatchAllNode {
  readonly kind: 'matchAll';
}

// ---------------------------------------------------------------- terms

export type TermMode = 'require' | 'exclude' | 'optional';

export interface TextTerm {
  readonly kind: 'text';
  readonly mode: TermMode;
  readonly text: string;
}

export interface RegexTerm {
  readonly kind: 'regex';
  readonly mode: TermMode;
  readonly source: string;
}

export type Term = TextTerm | RegexTerm;

export interface TermsNode {
  readonly kind: 'terms';
  readonly terms: readonly Term[];
}

// ---------------------------------------------------------------- values

/** A string compared exactly; `*` is a wildcard for any run of characters. */
export interface StringValue {
  readonly kind: 'string';
  readonly text: string;
}

/** An unquoted number, e.g. `200`, `-1.5`, `10e-3`. `text` is kept as written. */
export interface NumberValue {
  readonly kind: 'number';
  readonly text: string;
}

/** Unquoted `true` / `false`: matches JSON booleans only. */
export interface BooleanValue {
  readonly kind: 'boolean';
  readonly value: boolean;
}

export interface RegexValue {
  readonly kind: 'regex';
  readonly source: string;
}

export type Value = StringValue | NumberValue | BooleanValue | RegexValue;

export type EqualityOperator = '=' | '!=';
export type NumericOperator = '<' | '>' | '<=' | '>=';
export type ComparisonOperator = EqualityOperator | NumericOperator;

// ---------------------------------------------------------------- JSON

export interface Selector {
  readonly segments: readonly SelectorSegment[];
}

/**
 * `selector = value` or `selector != value`: equality against a string (with `*` wildcards), a number, a boolean or
 * a regex. How each value kind meets each JSON type is decided in `semantics.ts`.
 */
export interface EqualsNode {
  readonly kind: 'equals';
  readonly selector: Selector;
  readonly operator: EqualityOperator;
  readonly value: Value;
}

/** `selector < number` (and `>`, `<=`, `>=`): an ordering, which only a number can take. */
export interface NumericNode {
  readonly kind: 'numeric';
  readonly selector: Selector;
  readonly operator: NumericOperator;
  readonly value: NumberValue;
}

/** Either kind of comparison, for code that treats them alike (e.g. rendering `selector op value`). */
export type ComparisonNode = EqualsNode | NumericNode;

/** `IS NULL`, `IS TRUE`, `IS FALSE`. */
export interface IsNode {
  readonly kind: 'is';
  readonly selector: Selector;
  readonly literal: 'NULL' | 'TRUE' | 'FALSE';
}

export interface NotExistsNode {
  readonly kind: 'notExists';
  readonly selector: Selector;
}

export interface AndNode<T> {
  readonly kind: 'and';
  readonly items: readonly T[];
}

export interface OrNode<T> {
  readonly kind: 'or';
  readonly items: readonly T[];
}

export type JsonExpr = EqualsNode | NumericNode | IsNode | NotExistsNode | AndNode<JsonExpr> | OrNode<JsonExpr>;

export interface JsonNode {
  readonly kind: 'json';
  readonly expr: JsonExpr;
}

// ---------------------------------------------------------------- space-delimited

/** An equality condition on one field, e.g. `= 404`, `!= 4*`, `= %^GET%`. */
export interface FieldEquals {
  readonly kind: 'equals';
  readonly operator: EqualityOperator;
  readonly value: Value;
}

/** A numeric condition on one field, e.g. `> 1000`. */
export interface FieldNumeric {
  readonly kind: 'numeric';
  readonly operator: NumericOperator;
  readonly value: NumberValue;
}

export type FieldExpr = FieldEquals | FieldNumeric | AndNode<FieldExpr> | OrNode<FieldExpr>;

export interface EllipsisField {
  readonly kind: 'ellipsis';
}

export interface NamedField {
  readonly kind: 'field';
  /** Empty for an unnamed position (`[a, , b]`). */
  readonly name: string;
  readonly condition?: FieldExpr;
}

export type SpaceField = EllipsisField | NamedField;

export interface SpaceDelimitedNode {
  readonly kind: 'spaceDelimited';
  readonly fields: readonly SpaceField[];
}
