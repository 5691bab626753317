import { FieldExpr, JsonExpr, PatternNode, Selector, SpaceField, Term, Value } from './ast';
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
  }
}

/** A comparison against one JSON node: false for arrays, objects (D18) and, for numeric operators, non-numbers. */
function comparisonTest(operator: string, value: Value): (v: unknown) => boolean {
  if (operator === '=' || operator === '!=') {
    const eq = equalityTest(value);
    return operator === '=' ? (v) => isValueNode(v) && eq(v) : (v) => isValueNode(v) && !eq(v);
  }
  const num = Number((value as { text: string }).text);
  switch (operator) {
    case '<': return (v) => typeof v === 'number' && v < num;
    case '>': return (v) => typeof v === 'number' && v > num;
    case '<=': return (v) => typeof v === 'number' && v <= num;
    default: return (v) => typeof v === 'number' && v >= num;
  }
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
      if (s.kind === 'key') {
        if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !hasOwn(cur, s.name)) return MISSING;
        cur = (cur as Record<string, unknown>)[s.name];
      } else if (s.kind === 'index') {
        if (!Array.isArray(cur) || s.index >= cur.length) return MISSING;
        cur = cur[s.index];
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
    case 'compare':
      return onSelected(e.selector, comparisonTest(e.operator, e.value));
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

function fieldTest(e: FieldExpr): (text: string) => boolean {
  switch (e.kind) {
    case 'compare': {
      const v = e.value;
      if (v.kind === 'number') {
        const num = Number(v.text);
        const cmp: Record<string, (a: number) => boolean> = {
          '=': (a) => a === num,
          '!=': (a) => a !== num,
          '<': (a) => a < num,
          '>': (a) => a > num,
          '<=': (a) => a <= num,
          '>=': (a) => a >= num,
        };
        const f = cmp[e.operator];
        return (text) => {
          if (NUMERIC_TEXT.test(text)) return f(Number(text));
          if (e.operator === '=') return text === v.text;
          if (e.operator === '!=') return text !== v.text;
          return false;
        };
      }
      const eq: (t: string) => boolean =
        v.kind === 'regex'
          ? regexTest(v.source)
          : v.kind === 'boolean'
            ? (t) => t === String(v.value)
            : globMatcher(v.text);
      return e.operator === '!=' ? (t) => !eq(t) : eq;
    }
    case 'and': {
      const items = e.items.map(fieldTest);
      return (t) => items.every((f) => f(t));
    }
    case 'or': {
      const items = e.items.map(fieldTest);
      return (t) => items.some((f) => f(t));
    }
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
