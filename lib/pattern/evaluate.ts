import { assertNever } from './assert-never';
import { EqualityOperator, FieldExpr, JsonExpr, NumberValue, NumericOperator, PatternNode, Selector, SpaceField, Term, Value } from './ast';
import { LinearRegex } from './regex';

/**
 * A pattern compiled into closures, cheap to run many times.
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

const MISSING = Symbol('missing');
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
        matchesParsed: (value) => value !== null && typeof value === 'object' && test(value),
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

/** Parses an event for a JSON pattern: only a JSON object or array qualifies (decision: no text prefix). */
export function parseEvent(message: string): Resolved {
  const t = message.trimStart();
  if (t[0] !== '{' && t[0] !== '[') return MISSING;
  try {
    const v: unknown = JSON.parse(message);
    return v !== null && typeof v === 'object' ? v : MISSING;
  } catch {
    return MISSING;
  }
}

// ------------------------------------------------------------------ terms

function compileTerms(terms: readonly Term[]): (message: string) => boolean {
  // `" "` alone (or any whitespace-only quoted term) matches every event (documented idiom)
  if (terms.length === 1 && terms[0].kind === 'text' && terms[0].text.trim() === '' && terms[0].mode === 'require') {
    return () => true;
  }
  const required: Array<(m: string) => boolean> = [];
  const excluded: Array<(m: string) => boolean> = [];
  const optional: Array<(m: string) => boolean> = [];
  for (const t of terms) {
    const test = t.kind === 'regex' ? regexTest(t.source) : (m: string) => m.includes(t.text);
    (t.mode === 'require' ? required : t.mode === 'exclude' ? excluded : optional).push(test);
  }
  // decision: when plain or excluded terms are present, `?` terms are ignored
  if (required.length === 0 && excluded.length === 0) {
    return (m) => optional.some((f) => f(m));
  }
  return (m) => required.every((f) => f(m)) && !excluded.some((f) => f(m));
}

function regexTest(source: string): (text: string) => boolean {
  const re = LinearRegex.compile(source);
  return (text) => re.test(text);
}

// ------------------------------------------------------------------ values

/** Glob with `*` as "any run of characters" (anywhere in the value); everything else literal and case-sensitive. */
export function globMatcher(pattern: string): (text: string) => boolean {
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

function isValueNode(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** Equality of a literal against a JSON value node (the `=` of a condition). */
function equalityTest(value: Value): (v: unknown) => boolean {
  switch (value.kind) {
    case 'string': {
      const glob = globMatcher(value.text);
      // decision: a JSON number equals a string when its JSON text matches it
      return (v) => (typeof v === 'string' ? glob(v) : typeof v === 'number' ? glob(String(v)) : false);
    }
    case 'number': {
      const num = Number(value.text);
      // decision: unquoted digits against a JSON string compare as text (CloudTrail account ids are strings)
      return (v) => (typeof v === 'number' ? v === num : typeof v === 'string' ? v === value.text : false);
    }
    case 'boolean':
      return (v) => v === value.value;
    case 'regex': {
      const re = LinearRegex.compile(value.source);
      return (v) => (typeof v === 'string' ? re.test(v) : typeof v === 'number' ? re.test(String(v)) : false);
    }
    default:
      return assertNever(value, 'value');
  }
}

/** `=` / `!=` against one JSON node: false for arrays and objects (D18), whichever the operator. */
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

/** A numeric comparison against one JSON node: only JSON numbers can satisfy it. */
function numericTest(operator: NumericOperator, value: NumberValue): (v: unknown) => boolean {
  const cmp = numericPredicate(operator, value);
  return (v) => typeof v === 'number' && cmp(v);
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
    return (root) => {
      const v = resolve(root);
      return v !== MISSING && test(v);
    };
  }
  const resolveAll = multiResolver(selector);
  return (root) => resolveAll(root).some(test);
}

function compileJson(e: JsonExpr): (root: unknown) => boolean {
  switch (e.kind) {
    case 'equals':
      return onSelected(e.selector, equalsTest(e.operator, e.value));
    case 'numeric':
      return onSelected(e.selector, numericTest(e.operator, e.value));
    case 'is': {
      const want = e.literal === 'NULL' ? null : e.literal === 'TRUE';
      return onSelected(e.selector, (v) => v === want);
    }
    case 'notExists': {
      if (!hasWildcard(e.selector)) {
        const resolve = singleResolver(e.selector);
        return (root) => resolve(root) === MISSING;
      }
      const resolveAll = multiResolver(e.selector);
      return (root) => resolveAll(root).length === 0;
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

const NUMERIC_TEXT = /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/** Equality of a field's text with a literal (the `=` of a space-delimited condition). */
function fieldEqualityTest(v: Value): (text: string) => boolean {
  switch (v.kind) {
    case 'number': {
      // a numeric field compares as a number (`404` = `4.04e2`), any other text literally
      const num = Number(v.text);
      return (text) => (NUMERIC_TEXT.test(text) ? Number(text) === num : text === v.text);
    }
    case 'string':
      return globMatcher(v.text);
    case 'regex':
      return regexTest(v.source);
    case 'boolean':
      return (t) => t === String(v.value);
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
      return (text) => NUMERIC_TEXT.test(text) && cmp(Number(text));
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
        // decision: with more words than fields, the last field takes the rest of the line
        const text =
          i === fields.length - 1 && words.length > fields.length
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
