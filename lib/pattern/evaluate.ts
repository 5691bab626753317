import { assertNever } from './assert-never';
import { EqualityOperator, FieldExpr, JsonExpr, NumberValue, NumericOperator, PatternNode, Selector, SpaceField, Term, Value } from './ast';
import { LinearRegex } from './regex';
import {
  anySelected,
  booleanValueMatcher,
  COMPARISON_ON_MISSING_FIELD,
  fieldBooleanEquals,
  fieldNumber,
  fieldNumberEquals,
  isJsonEvent,
  isLiteralValue,
  isMatchEverythingTerm,
  isValueNode,
  LAST_FIELD_TAKES_REST,
  MISSING,
  notExistsHolds,
  notExistsHoldsForAll,
  numberValueMatcher,
  numericOperand,
  optionalTermsApply,
  parseJsonEvent,
  regexValueMatcher,
  stringValueMatcher,
  termOccurs,
  wildcardMatcher,
} from './semantics';

/**
 * A pattern compiled into closures, cheap to run many times. Every semantic choice comes from `semantics.ts`.
 *
 * `matchesMessage` is what TestMetricFilter answers for one log event message. `matchesParsed` takes a value
 * the caller has already parsed with JSON.parse (so many patterns can share one parse); term and space-delimited
 * patterns need the raw text, which is taken from `message` or, when absent, from JSON.stringify(value).
 */
export interface CompiledPattern {
  readonly kind: PatternNode['kind'];
  matchesMessage(message: string): boolean;
  matchesParsed(value: unknown, message?: string): boolean;
}

type Resolved = unknown | typeof MISSING;

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

export function compile(node: PatternNode): CompiledPattern {
  switch (node.kind) {
    case 'matchAll':
      return { kind: 'matchAll', matchesMessage: () => true, matchesParsed: () => true };
    case 'terms': {
      const test = compileTerms(node.terms);
      return {
        kind: 'terms',
        matchesMessage: test,
        matchesParsed: (value, message) => test(message ?? JSON.stringify(value)),
      };
    }
    case 'json': {
      const test = compileJson(node.expr);
      return {
        kind: 'json',
        matchesMessage: (message) => {
          const value = parseEvent(message);
          return value !== MISSING && test(value);
        },
        matchesParsed: (value) => isJsonEvent(value) && test(value),
      };
    }
    case 'spaceDelimited': {
      const test = compileSpaceDelimited(node.fields);
      return {
        kind: 'spaceDelimited',
        matchesMessage: test,
        matchesParsed: (value, message) => test(message ?? JSON.stringify(value)),
      };
    }
    default:
      return assertNever(node);
  }
}

/** Parses an event for a JSON pattern: only a JSON object or array qualifies (`json-event-must-be-whole-json`). */
export function parseEvent(message: string): Resolved {
  return parseJsonEvent(message);
}

// ------------------------------------------------------------------ terms

function compileTerms(terms: readonly Term[]): (message: string) => boolean {
  // `blank-quoted-term-matches-everything`
  if (terms.length === 1 && terms[0].kind === 'text' && terms[0].mode === 'require' && isMatchEverythingTerm(terms[0].text)) {
    return () => true;
  }
  const required: Array<(m: string) => boolean> = [];
  const excluded: Array<(m: string) => boolean> = [];
  const optional: Array<(m: string) => boolean> = [];
  for (const t of terms) {
    const test = termTest(t);
    switch (t.mode) {
      case 'require':
        required.push(test);
        break;
      case 'exclude':
        excluded.push(test);
        break;
      case 'optional':
        optional.push(test);
        break;
      default:
        assertNever(t.mode, 'term mode');
    }
  }
  // `optional-terms-ignored-beside-plain-terms`
  if (optionalTermsApply(required.length, excluded.length)) {
    return (m) => optional.some((f) => f(m));
  }
  return (m) => required.every((f) => f(m)) && !excluded.some((f) => f(m));
}

function termTest(t: Term): (message: string) => boolean {
  switch (t.kind) {
    case 'regex':
      return regexTest(t.source);
    case 'text': {
      const text = t.text;
      return (m) => termOccurs(m, text);
    }
    default:
      return assertNever(t, 'term');
  }
}

function regexTest(source: string): (text: string) => boolean {
  const re = LinearRegex.compile(source);
  return (text) => re.test(text);
}

// ------------------------------------------------------------------ values

/** `star-is-wildcard-anywhere` (kept under its old name for existing callers). */
export const globMatcher = wildcardMatcher;

/** Equality of a literal against a JSON value node (the `=` of a condition). */
function equalityTest(value: Value): (v: unknown) => boolean {
  switch (value.kind) {
    case 'string':
      return stringValueMatcher(value.text);
    case 'number':
      return numberValueMatcher(value.text);
    case 'boolean':
      return booleanValueMatcher(value.value);
    case 'regex':
      return regexValueMatcher(regexTest(value.source));
    default:
      return assertNever(value, 'value');
  }
}

/** `=` / `!=` against one JSON node: false for arrays and objects, whichever the operator (`container-never-compares`). */
function equalsTest(operator: EqualityOperator, value: Value): (v: unknown) => boolean {
  const eq = equalityTest(value);
  switch (operator) {
    case '=':
      return (v) => isValueNode(v) && eq(v);
    case '!=':
      return (v) => isValueNode(v) && !eq(v);
    default:
      return assertNever(operator, 'operator');
  }
}

/** `<`, `>`, `<=`, `>=` on two numbers. */
function numericPredicate(operator: NumericOperator, value: NumberValue): (a: number) => boolean {
  const num = Number(value.text);
  switch (operator) {
    case '<':
      return (a) => a < num;
    case '>':
      return (a) => a > num;
    case '<=':
      return (a) => a <= num;
    case '>=':
      return (a) => a >= num;
    default:
      return assertNever(operator, 'operator');
  }
}

/** A numeric comparison against one JSON node: only JSON numbers can satisfy it (`numeric-operators-need-json-numbers`). */
function numericTest(operator: NumericOperator, value: NumberValue): (v: unknown) => boolean {
  const cmp = numericPredicate(operator, value);
  return (v) => {
    const n = numericOperand(v);
    return n !== undefined && cmp(n);
  };
}

// ------------------------------------------------------------------ JSON

type Resolver = (root: unknown) => Resolved;
type MultiResolver = (root: unknown) => unknown[];

function hasWildcard(selector: Selector): boolean {
  return selector.segments.some((s) => s.kind === 'anyIndex' || s.kind === 'anyKey');
}

function singleResolver(selector: Selector): Resolver {
  const segs = selector.segments;
  return (root) => {
    let cur: unknown = root;
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i];
      switch (s.kind) {
        case 'key':
          if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !hasOwn(cur, s.name)) return MISSING;
          cur = (cur as Record<string, unknown>)[s.name];
          break;
        case 'index':
          if (!Array.isArray(cur) || s.index >= cur.length) return MISSING;
          cur = cur[s.index];
          break;
        case 'anyIndex':
        case 'anyKey':
          throw new Error('internal: a wildcard selector needs multiResolver');
        default:
          assertNever(s, 'selector segment');
      }
    }
    return cur;
  };
}

function multiResolver(selector: Selector): MultiResolver {
  const segs = selector.segments;
  return (root) => {
    let nodes: unknown[] = [root];
    for (const s of segs) {
      const next: unknown[] = [];
      for (const cur of nodes) {
        switch (s.kind) {
          case 'key':
            if (cur !== null && typeof cur === 'object' && !Array.isArray(cur) && hasOwn(cur, s.name)) {
              next.push((cur as Record<string, unknown>)[s.name]);
            }
            break;
          case 'index':
            if (Array.isArray(cur) && s.index < cur.length) next.push(cur[s.index]);
            break;
          case 'anyIndex':
            if (Array.isArray(cur)) next.push(...cur);
            break;
          case 'anyKey':
            if (cur !== null && typeof cur === 'object' && !Array.isArray(cur)) next.push(...Object.values(cur));
            break;
          default:
            assertNever(s, 'selector segment');
        }
      }
      nodes = next;
    }
    return nodes;
  };
}

/** Builds a test on the nodes a selector selects: existential over wildcards, false when missing. */
function onSelected(selector: Selector, test: (v: unknown) => boolean): (root: unknown) => boolean {
  if (!hasWildcard(selector)) {
    const resolve = singleResolver(selector);
    // `missing-field-fails-comparison`, `not-equal-needs-the-field`
    return (root) => {
      const v = resolve(root);
      return v === MISSING ? COMPARISON_ON_MISSING_FIELD : test(v);
    };
  }
  // `wildcard-selector-is-existential`
  const resolveAll = multiResolver(selector);
  return (root) => anySelected(resolveAll(root), test);
}

function compileJson(e: JsonExpr): (root: unknown) => boolean {
  switch (e.kind) {
    case 'equals':
      return onSelected(e.selector, equalsTest(e.operator, e.value));
    case 'numeric':
      return onSelected(e.selector, numericTest(e.operator, e.value));
    case 'is': {
      const want = isLiteralValue(e.literal);
      return onSelected(e.selector, (v) => v === want);
    }
    case 'notExists': {
      if (!hasWildcard(e.selector)) {
        const resolve = singleResolver(e.selector);
        return (root) => notExistsHolds(resolve(root));
      }
      const resolveAll = multiResolver(e.selector);
      return (root) => notExistsHoldsForAll(resolveAll(root));
    }
    case 'and': {
      const items = e.items.map(compileJson);
      return (root) => {
        for (let i = 0; i < items.length; i++) if (!items[i](root)) return false;
        return true;
      };
    }
    case 'or': {
      const items = e.items.map(compileJson);
      return (root) => {
        for (let i = 0; i < items.length; i++) if (items[i](root)) return true;
        return false;
      };
    }
    default:
      return assertNever(e);
  }
}

// ------------------------------------------------------------------ space-delimited

interface SplitField {
  readonly text: string;
  readonly start: number;
}

/** Splits a log line on whitespace; `[...]` and `"..."` runs are one field each, delimiters dropped. */
export function splitFields(message: string): SplitField[] {
  const out: SplitField[] = [];
  const n = message.length;
  let i = 0;
  while (i < n) {
    const c = message[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    const start = i;
    if (c === '"' || c === '[') {
      const close = message.indexOf(c === '"' ? '"' : ']', i + 1);
      if (close >= 0) {
        out.push({ text: message.slice(i + 1, close), start });
        i = close + 1;
        continue;
      }
    }
    while (i < n && !/\s/.test(message[i])) i++;
    out.push({ text: message.slice(start, i), start });
  }
  return out;
}

/** Equality of a field's text with a literal (the `=` of a space-delimited condition). */
function fieldEqualityTest(v: Value): (text: string) => boolean {
  switch (v.kind) {
    case 'number':
      return fieldNumberEquals(v.text);
    case 'string':
      return wildcardMatcher(v.text);
    case 'regex':
      return regexTest(v.source);
    case 'boolean':
      return fieldBooleanEquals(v.value);
    default:
      return assertNever(v, 'value');
  }
}

function fieldTest(e: FieldExpr): (text: string) => boolean {
  switch (e.kind) {
    case 'equals': {
      const eq = fieldEqualityTest(e.value);
      const operator = e.operator;
      switch (operator) {
        case '=':
          return eq;
        case '!=':
          return (t) => !eq(t);
        default:
          return assertNever(operator, 'operator');
      }
    }
    case 'numeric': {
      const cmp = numericPredicate(e.operator, e.value);
      return (text) => {
        const n = fieldNumber(text);
        return n !== undefined && cmp(n);
      };
    }
    case 'and': {
      const items = e.items.map(fieldTest);
      return (t) => items.every((f) => f(t));
    }
    case 'or': {
      const items = e.items.map(fieldTest);
      return (t) => items.some((f) => f(t));
    }
    default:
      return assertNever(e);
  }
}

function compileSpaceDelimited(fields: readonly SpaceField[]): (message: string) => boolean {
  const tests = fields.map((f) => (f.kind === 'field' && f.condition ? fieldTest(f.condition) : undefined));
  const hasEllipsis = fields.some((f) => f.kind === 'ellipsis');
  return (message) => {
    const words = splitFields(message);
    if (!hasEllipsis) {
      if (words.length < fields.length) return false;
      for (let i = 0; i < fields.length; i++) {
        const test = tests[i];
        if (!test) continue;
        // `space-last-field-takes-rest`
        const text =
          LAST_FIELD_TAKES_REST && i === fields.length - 1 && words.length > fields.length
            ? message.slice(words[i].start).trimEnd()
            : words[i].text;
        if (!test(text)) return false;
      }
      return true;
    }
    // with '...': match fields to words, each '...' taking zero or more words (memoized search, O(F x W))
    const memo = new Map<number, boolean>();
    const width = words.length + 1;
    const go = (fi: number, wi: number): boolean => {
      if (fi === fields.length) return wi === words.length;
      const key = fi * width + wi;
      const cached = memo.get(key);
      if (cached !== undefined) return cached;
      let ok: boolean;
      if (fields[fi].kind === 'ellipsis') {
        ok = false;
        for (let w = wi; w <= words.length && !ok; w++) ok = go(fi + 1, w);
      } else {
        const test = tests[fi];
        ok = wi < words.length && (!test || test(words[wi].text)) && go(fi + 1, wi + 1);
      }
      memo.set(key, ok);
      return ok;
    };
    return go(0, 0);
  };
}
