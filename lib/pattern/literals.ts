import { assertNever } from './assert-never';
import { JsonExpr, PatternNode } from './ast';

/**
 * Cheap prefilters derived from a pattern: sets of literal strings at least one of which must occur in the raw
 * event text for the pattern to match. Used to skip JSON.parse of text that cannot match.
 *
 * Only literals made of characters JSON never has to escape ([A-Za-z0-9_.:/@ -]) are used, so the raw text holds them
 * verbatim, unless the producer escaped plain ASCII letters as \u00XX (CloudTrail does not).
 */
const SAFE = /^[A-Za-z0-9_.:/@ -]+$/;
const MIN_LITERAL = 3;

/**
 * A prefilter in conjunctive normal form: every clause must have at least one of its literals in the text.
 * `undefined` means "no prefilter possible" (the pattern can match text without any particular literal).
 */
export type LiteralSet = ReadonlyArray<readonly string[]> | undefined;

export function requiredLiterals(node: PatternNode): LiteralSet {
  switch (node.kind) {
    case 'json':
      return jsonLiterals(node.expr);
    case 'terms': {
      // every required plain term must occur
      const required = node.terms.filter((t) => t.kind === 'text' && t.mode === 'require' && SAFE.test(t.text) && t.text.length >= MIN_LITERAL);
      if (required.length === 0) return undefined;
      return required.map((t) => [(t as { text: string }).text]);
    }
    case 'matchAll':
    case 'spaceDelimited':
      return undefined;
    default:
      return assertNever(node);
  }
}

function valueLiteral(text: string): string | undefined {
  // for wildcard values, the longest literal run between '*' must occur
  // digit-only runs are skipped: a JSON number may be written differently (4.0e2) from its text (400)
  const parts = text.split('*').filter((p) => p.length >= MIN_LITERAL && SAFE.test(p) && !/^[0-9.eE+-]+$/.test(p));
  if (parts.length === 0) return undefined;
  return parts.reduce((a, b) => (a.length >= b.length ? a : b));
}

function jsonLiterals(e: JsonExpr): LiteralSet {
  switch (e.kind) {
    case 'equals':
      if (e.operator !== '=') return undefined;
      if (e.value.kind === 'string') {
        const lit = valueLiteral(e.value.text);
        return lit ? [[lit]] : undefined;
      }
      return undefined;
    case 'numeric':
    case 'is':
    case 'notExists':
      return undefined;
    case 'and': {
      // every child's clauses are necessary
      const clauses: Array<readonly string[]> = [];
      for (const item of e.items) {
        const s = jsonLiterals(item);
        if (s) clauses.push(...s);
      }
      return clauses.length > 0 ? clauses : undefined;
    }
    case 'or': {
      // one necessary clause per branch (its most selective), united into a single clause
      const out = new Set<string>();
      for (const item of e.items) {
        const s = jsonLiterals(item);
        if (!s) return undefined;
        mostSelectiveClause(s).forEach((l) => out.add(l));
      }
      return [[...out]];
    }
    default:
      return assertNever(e);
  }
}

/** The clause most likely to rule text out: few, long literals. */
export function mostSelectiveClause(clauses: ReadonlyArray<readonly string[]>): readonly string[] {
  return clauses.reduce((a, b) => (score(a) >= score(b) ? a : b));
}

function score(s: readonly string[]): number {
  return Math.min(...s.map((l) => l.length)) / s.length;
}

/**
 * The event names a JSON pattern requires: if the pattern can only match records whose `eventName` is one of the
 * returned names (exact, no wildcard), they are returned; otherwise undefined.
 */
export function requiredEventNames(node: PatternNode): readonly string[] | undefined {
  if (node.kind !== 'json') return undefined;
  return eventNames(node.expr);
}

function eventNames(e: JsonExpr): readonly string[] | undefined {
  switch (e.kind) {
    case 'equals': {
      const segs = e.selector.segments;
      const isEventName = segs.length === 1 && segs[0].kind === 'key' && segs[0].name === 'eventName';
      if (isEventName && e.operator === '=' && e.value.kind === 'string' && !e.value.text.includes('*')) return [e.value.text];
      return undefined;
    }
    case 'and': {
      for (const item of e.items) {
        const s = eventNames(item);
        if (s) return s;
      }
      return undefined;
    }
    case 'or': {
      const out = new Set<string>();
      for (const item of e.items) {
        const s = eventNames(item);
        if (!s) return undefined;
        s.forEach((n) => out.add(n));
      }
      return [...out];
    }
    case 'numeric':
    case 'is':
    case 'notExists':
      return undefined;
    default:
      return assertNever(e);
  }
}
