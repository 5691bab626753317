/**
 * The semantic decisions of the filter-pattern language, in one place.
 *
 * AWS documents most of the language (shared/docs/filter-pattern-spec.md cites each source); where it is silent, this
 * project decides (spec section 6). Every decision is a named export below that the evaluator (`evaluate.ts`) calls,
 * so the behaviour and its documentation cannot drift apart. A compiler to another language (EventBridge event
 * patterns, SQL) must reproduce each decision exactly or refuse the pattern, citing the decision's id from
 * `SEMANTIC_DECISIONS`. Each decision is pinned by a test named after its id in test/pattern/semantics.test.ts.
 *
 * Vocabulary: a "value node" is a JSON string, number, boolean or null; a "container" is a JSON array or object.
 */
import { assertNever } from './assert-never';

/** How firmly a decision is grounded. */
export type DecisionBasis =
  /** AWS's documentation states it. */
  | 'documented'
  /** AWS is silent or ambiguous; this project decided (spec section 6) until settled against TestMetricFilter. */
  | 'decided';

export interface SemanticDecision {
  readonly id: SemanticDecisionId;
  readonly basis: DecisionBasis;
  /** The rule, in one sentence. */
  readonly rule: string;
}

export type SemanticDecisionId =
  | 'case-sensitive'
  | 'keywords-upper-case'
  | 'term-is-substring'
  | 'optional-terms-ignored-beside-plain-terms'
  | 'blank-quoted-term-matches-everything'
  | 'regex-is-unanchored-search'
  | 'json-event-must-be-whole-json'
  | 'container-never-compares'
  | 'missing-field-fails-comparison'
  | 'not-equal-needs-the-field'
  | 'not-equal-matches-null'
  | 'star-is-wildcard-anywhere'
  | 'string-literal-vs-json-number'
  | 'number-literal-vs-json-string'
  | 'number-literal-vs-json-number'
  | 'numeric-operators-need-json-numbers'
  | 'boolean-literal-matches-json-boolean-only'
  | 'regex-vs-json-number'
  | 'is-null-only-explicit-null'
  | 'not-exists-only-absent'
  | 'wildcard-selector-is-existential'
  | 'space-last-field-takes-rest'
  | 'space-field-number-comparison';

/** Every decision, by id. The `rule` texts are the documentation compilers cite. */
export const SEMANTIC_DECISIONS: Readonly<Record<SemanticDecisionId, SemanticDecision>> = {
  'case-sensitive': {
    id: 'case-sensitive',
    basis: 'documented',
    rule: 'Terms, string values and property names compare case-sensitively.',
  },
  'keywords-upper-case': {
    id: 'keywords-upper-case',
    basis: 'decided',
    rule: 'IS, NOT, EXISTS, NULL, TRUE and FALSE are recognised in upper case only; other spellings are syntax errors.',
  },
  'term-is-substring': {
    id: 'term-is-substring',
    basis: 'documented',
    rule: 'A term (bare or quoted) matches when it occurs anywhere in the message as a contiguous substring; plain terms AND together, -terms exclude.',
  },
  'optional-terms-ignored-beside-plain-terms': {
    id: 'optional-terms-ignored-beside-plain-terms',
    basis: 'decided',
    rule: 'With only ?terms, at least one must occur; once a plain or -term is present, the ?terms are ignored.',
  },
  'blank-quoted-term-matches-everything': {
    id: 'blank-quoted-term-matches-everything',
    basis: 'documented',
    rule: 'A pattern that is one whitespace-only quoted term (" ") matches every event, with or without a space in it.',
  },
  'regex-is-unanchored-search': {
    id: 'regex-is-unanchored-search',
    basis: 'documented',
    rule: '%regex% is searched for anywhere in the text (a term: the message; a value: the value), unless ^ or $ anchor it.',
  },
  'json-event-must-be-whole-json': {
    id: 'json-event-must-be-whole-json',
    basis: 'decided',
    rule: 'A JSON pattern matches only a message that is, as a whole, a JSON object or array; text before the JSON, or invalid JSON, never matches (not even NOT EXISTS).',
  },
  'container-never-compares': {
    id: 'container-never-compares',
    basis: 'documented',
    rule: 'A selector that resolves to an array or object fails every comparison (=, !=, <, ...), whatever the value.',
  },
  'missing-field-fails-comparison': {
    id: 'missing-field-fails-comparison',
    basis: 'documented',
    rule: 'A comparison (=, <, >, <=, >=), IS NULL, IS TRUE and IS FALSE on a missing property is false.',
  },
  'not-equal-needs-the-field': {
    id: 'not-equal-needs-the-field',
    basis: 'decided',
    rule: '!= on a missing property is false: "absent or different" must be written ($.f NOT EXISTS) || ($.f != "x").',
  },
  'not-equal-matches-null': {
    id: 'not-equal-matches-null',
    basis: 'decided',
    rule: 'null is a value node: != "x" (or != 1, != true) matches a property set to null, and = "*" does not.',
  },
  'star-is-wildcard-anywhere': {
    id: 'star-is-wildcard-anywhere',
    basis: 'decided',
    rule: 'In a string value (quoted or bare), every * matches any run of characters, including the empty one, at the start, the end or in the middle; everything else is literal.',
  },
  'string-literal-vs-json-number': {
    id: 'string-literal-vs-json-number',
    basis: 'decided',
    rule: 'A string value (with its wildcards) matches a JSON number when it matches the number\'s canonical text (String(n): 1.0 is "1", 1e21 is "1e+21").',
  },
  'number-literal-vs-json-string': {
    id: 'number-literal-vs-json-string',
    basis: 'decided',
    rule: 'An unquoted number matches a JSON string only when the string\'s characters equal the literal as written (123456789012 = "123456789012", but 1.0 != "1").',
  },
  'number-literal-vs-json-number': {
    id: 'number-literal-vs-json-number',
    basis: 'documented',
    rule: 'An unquoted number matches a JSON number by numeric value (IEEE-754 doubles): 400 = 4e2 = 400.0.',
  },
  'numeric-operators-need-json-numbers': {
    id: 'numeric-operators-need-json-numbers',
    basis: 'decided',
    rule: '<, >, <= and >= take an unquoted number and hold only for JSON numbers; a numeric string ("250" > 100) is false.',
  },
  'boolean-literal-matches-json-boolean-only': {
    id: 'boolean-literal-matches-json-boolean-only',
    basis: 'decided',
    rule: '= true / = false and IS TRUE / IS FALSE match JSON booleans only, never the strings "true"/"false"; a quoted "true" never matches a boolean.',
  },
  'regex-vs-json-number': {
    id: 'regex-vs-json-number',
    basis: 'decided',
    rule: 'A %regex% value tests JSON strings and the canonical text of JSON numbers; never booleans or null.',
  },
  'is-null-only-explicit-null': {
    id: 'is-null-only-explicit-null',
    basis: 'documented',
    rule: 'IS NULL holds only for a property present with the JSON value null.',
  },
  'not-exists-only-absent': {
    id: 'not-exists-only-absent',
    basis: 'documented',
    rule: 'NOT EXISTS holds only when the property is absent (a property set to null exists); with a wildcard selector, when it selects nothing.',
  },
  'wildcard-selector-is-existential': {
    id: 'wildcard-selector-is-existential',
    basis: 'documented',
    rule: 'A selector with [*] or .* selects every element/field value; a condition holds when it holds for at least one selected node (so != on [*] holds when any element differs).',
  },
  'space-last-field-takes-rest': {
    id: 'space-last-field-takes-rest',
    basis: 'decided',
    rule: 'In a space-delimited pattern without "...", a line with more words than fields gives the rest of the line (from the last field\'s first word) to the last field; fewer words never match.',
  },
  'space-field-number-comparison': {
    id: 'space-field-number-comparison',
    basis: 'decided',
    rule: 'A space-delimited field compares to an unquoted number numerically when the field text is a number, and as text otherwise; <, >, <=, >= need a numeric field; = true compares the text "true".',
  },
};

// ---------------------------------------------------------------- text and keywords

/** `keywords-upper-case`: the keywords of JSON conditions, exactly as they must be written. */
export const KEYWORDS = ['IS', 'NOT', 'EXISTS', 'NULL', 'TRUE', 'FALSE'] as const;

/** `term-is-substring`, `case-sensitive`: whether one term occurs in a message. */
export function termOccurs(message: string, term: string): boolean {
  return message.includes(term);
}

/** `blank-quoted-term-matches-everything`: whether a lone required quoted term is the match-everything idiom. */
export function isMatchEverythingTerm(text: string): boolean {
  return text.trim() === '';
}

/**
 * `optional-terms-ignored-beside-plain-terms`: whether the `?` terms take part, given how many plain and `-`
 * terms the pattern has.
 */
export function optionalTermsApply(requiredCount: number, excludedCount: number): boolean {
  return requiredCount === 0 && excludedCount === 0;
}

// ---------------------------------------------------------------- JSON events

/** The result of reading a message as a JSON event, or of resolving a selector, when there is nothing. */
export const MISSING: unique symbol = Symbol('missing');

/** `json-event-must-be-whole-json`: the parsed event for a JSON pattern, or MISSING when the message is not one. */
export function parseJsonEvent(message: string): unknown {
  const t = message.trimStart();
  if (t[0] !== '{' && t[0] !== '[') return MISSING;
  try {
    const v: unknown = JSON.parse(message);
    return v !== null && typeof v === 'object' ? v : MISSING;
  } catch {
    return MISSING;
  }
}

/** `json-event-must-be-whole-json`: whether an already parsed value can be a JSON event. */
export function isJsonEvent(value: unknown): boolean {
  return value !== null && typeof value === 'object';
}

/** `container-never-compares`, `not-equal-matches-null`: whether a selected JSON node can be compared at all. */
export function isValueNode(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/**
 * `missing-field-fails-comparison`, `not-equal-needs-the-field`: the answer of a comparison (any operator, `IS ...`
 * included) when its selector resolves to nothing.
 */
export const COMPARISON_ON_MISSING_FIELD = false;

/** `not-exists-only-absent`: NOT EXISTS over what a selector resolved (a single selector). */
export function notExistsHolds(resolved: unknown): boolean {
  return resolved === MISSING;
}

/** `not-exists-only-absent` with `wildcard-selector-is-existential`: NOT EXISTS over a wildcard selector's nodes. */
export function notExistsHoldsForAll(selected: readonly unknown[]): boolean {
  return selected.length === 0;
}

/** `wildcard-selector-is-existential`: a condition over the nodes a wildcard selector selects. */
export function anySelected(selected: readonly unknown[], test: (v: unknown) => boolean): boolean {
  return selected.some(test);
}

/** `is-null-only-explicit-null`, `boolean-literal-matches-json-boolean-only`: the JSON value `IS <literal>` wants. */
export function isLiteralValue(literal: 'NULL' | 'TRUE' | 'FALSE'): null | boolean {
  switch (literal) {
    case 'NULL':
      return null;
    case 'TRUE':
      return true;
    case 'FALSE':
      return false;
    default:
      return assertNever(literal, 'IS literal');
  }
}

// ---------------------------------------------------------------- values

/**
 * `star-is-wildcard-anywhere`: a matcher for a string value, with `*` as "any run of characters" anywhere and
 * everything else literal and case-sensitive.
 */
export function wildcardMatcher(pattern: string): (text: string) => boolean {
  if (!pattern.includes('*')) return (text) => text === pattern;
  const parts = pattern.split('*');
  const first = parts[0];
  const last = parts[parts.length - 1];
  const middle = parts.slice(1, -1).filter((p) => p.length > 0);
  const minLength = first.length + last.length;
  if (middle.length === 0) {
    return (text) => text.length >= minLength && text.startsWith(first) && text.endsWith(last);
  }
  return (text) => {
    if (text.length < minLength || !text.startsWith(first) || !text.endsWith(last)) return false;
    let at = first.length;
    const stop = text.length - last.length;
    for (const p of middle) {
      const found = text.indexOf(p, at);
      if (found < 0 || found + p.length > stop) return false;
      at = found + p.length;
    }
    return true;
  };
}

/** `string-literal-vs-json-number`, `regex-vs-json-number`: the text a JSON number is compared as. */
export function jsonNumberText(n: number): string {
  return String(n);
}

/** `string-literal-vs-json-number`: a string value (wildcards included) against a JSON value node. */
export function stringValueMatcher(text: string): (v: unknown) => boolean {
  const glob = wildcardMatcher(text);
  return (v) => (typeof v === 'string' ? glob(v) : typeof v === 'number' ? glob(jsonNumberText(v)) : false);
}

/** `number-literal-vs-json-number`, `number-literal-vs-json-string`: an unquoted number against a JSON value node. */
export function numberValueMatcher(text: string): (v: unknown) => boolean {
  const num = Number(text);
  return (v) => (typeof v === 'number' ? v === num : typeof v === 'string' ? v === text : false);
}

/** `boolean-literal-matches-json-boolean-only`: `= true` / `= false` against a JSON value node. */
export function booleanValueMatcher(value: boolean): (v: unknown) => boolean {
  return (v) => v === value;
}

/** `regex-vs-json-number`: a regex value against a JSON value node, given the regex's search function. */
export function regexValueMatcher(search: (text: string) => boolean): (v: unknown) => boolean {
  return (v) => (typeof v === 'string' ? search(v) : typeof v === 'number' ? search(jsonNumberText(v)) : false);
}

/** `numeric-operators-need-json-numbers`: the number a numeric operator compares, or undefined when there is none. */
export function numericOperand(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

// ---------------------------------------------------------------- space-delimited

/** `space-last-field-takes-rest`: with more words than fields (and no `...`), the last field takes the rest. */
export const LAST_FIELD_TAKES_REST = true;

const NUMERIC_TEXT = /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/** `space-field-number-comparison`: the number a field's text stands for, or undefined when it is not a number. */
export function fieldNumber(text: string): number | undefined {
  return NUMERIC_TEXT.test(text) ? Number(text) : undefined;
}

/** `space-field-number-comparison`: `= <number>` on a field's text. */
export function fieldNumberEquals(literal: string): (text: string) => boolean {
  const num = Number(literal);
  return (text) => {
    const n = fieldNumber(text);
    return n !== undefined ? n === num : text === literal;
  };
}

/** `space-field-number-comparison`: `= true` / `= false` on a field's text. */
export function fieldBooleanEquals(value: boolean): (text: string) => boolean {
  const want = String(value);
  return (text) => text === want;
}
