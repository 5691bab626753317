// The literals that must occur in a record's raw JSON text for a pattern to match it: the local engine's byte
// prefilter (cli/src/engines/local/prefilter.ts) rules out records without them, and the audit names filters that hold
// them as near misses.
//
// Why it is exact (never rules out a record a detection matches), for a record's raw text R with no escape of an
// ASCII character (the reader does not ask about other records) and S = JSON.stringify(JSON.parse(R)):
// - A literal L is made of the characters [A-Za-z0-9_.:/@ -] only. None of them is ever escaped, and S has no
//   whitespace outside strings, so an occurrence of L in S lies inside one token of S: L holds none of the separators
//   `" { } [ ] ,`, and a `:` inside L is preceded by a character of L, which the structural colon never is (it follows
//   `"`): L may not start with `:`.
// - Inside a string token, S and R hold the same ASCII characters in the same order (only escapes differ, and R has
//   none for ASCII; non-ASCII characters are not in L). So L occurs in R.
// - Number tokens are the only tokens whose text S may change (1e2 -> 100, 1e400 -> null); String(number) can also
//   be "Infinity". L is refused when it could lie inside such text: only number characters [0-9.e+-], or a substring
//   of "null" or "-Infinity".
// - JSON patterns compare values, not text: a string-equality value must equal (glob) the string value, or
//   String(number) for a number value; each `*`-free run of the value is such a substring, with the same refusal.
import { assertNever } from './assert-never';
import { JsonExpr, PatternNode, Term } from './ast';

/** CNF: every clause must have one of its literals in the text. `undefined`: no literal is required. */
export type LiteralClauses = ReadonlyArray<readonly string[]>;

const LITERAL = /^[A-Za-z0-9_.:/@ -]+$/;
const NUMBER_CHARS = /^[0-9.e+-]+$/;
/** Shorter literals rule out almost nothing and cost a search each. */
const MIN_LITERAL = 3;

/** Whether `text` is a usable literal (see the file comment). */
export function isExactLiteral(text: string): boolean {
  return (
    text.length >= MIN_LITERAL &&
    LITERAL.test(text) &&
    !text.startsWith(':') &&
    !NUMBER_CHARS.test(text) &&
    !'null'.includes(text) &&
    !'-Infinity'.includes(text)
  );
}

/** The literal clauses of one pattern, or undefined when it can match a record without any particular literal. */
export function requiredLiterals(node: PatternNode): LiteralClauses | undefined {
  switch (node.kind) {
    case 'matchAll':
    case 'spaceDelimited':
      return undefined;
    case 'terms':
      return termLiterals(node.terms);
    case 'json':
      return jsonLiterals(node.expr);
    default:
      return assertNever(node);
  }
}

function termLiterals(terms: readonly Term[]): LiteralClauses | undefined {
  const required = terms.filter((t) => t.mode === 'require');
  const excluded = terms.filter((t) => t.mode === 'exclude');
  // a whitespace-only quoted term alone matches every event
  if (required.length === 1 && excluded.length === 0 && required[0].kind === 'text' && required[0].text.trim() === '') return undefined;
  if (required.length > 0 || excluded.length > 0) {
    // `?` terms are ignored next to plain or excluded terms; every plain term must occur
    const clauses = required.filter((t) => t.kind === 'text' && isExactLiteral(t.text)).map((t) => [(t as { text: string }).text]);
    return clauses.length > 0 ? clauses : undefined;
  }
  // only `?` terms: one of them must occur
  const optional = terms.filter((t) => t.mode === 'optional');
  if (optional.length === 0 || optional.some((t) => t.kind !== 'text' || !isExactLiteral(t.text))) return undefined;
  return [optional.map((t) => (t as { text: string }).text)];
}

function valueLiteral(text: string): string | undefined {
  const parts = text.split('*').filter(isExactLiteral);
  if (parts.length === 0) return undefined;
  return parts.reduce((a, b) => (a.length >= b.length ? a : b));
}

function jsonLiterals(e: JsonExpr): LiteralClauses | undefined {
  switch (e.kind) {
    case 'equals': {
      if (e.operator !== '=' || e.value.kind !== 'string') return undefined;
      const lit = valueLiteral(e.value.text);
      return lit === undefined ? undefined : [[lit]];
    }
    case 'numeric':
    case 'is':
    case 'notExists':
      return undefined;
    case 'and': {
      const clauses: Array<readonly string[]> = [];
      for (const item of e.items) {
        const s = jsonLiterals(item);
        if (s) clauses.push(...s);
      }
      return clauses.length > 0 ? clauses : undefined;
    }
    case 'or': {
      const union = new Set<string>();
      for (const item of e.items) {
        const s = jsonLiterals(item);
        if (!s) return undefined;
        for (const l of mostSelective(s)) union.add(l);
      }
      return [[...union]];
    }
    default:
      return assertNever(e);
  }
}

/** The clause most likely to rule text out: few, long literals. */
export function mostSelective(clauses: LiteralClauses): readonly string[] {
  const score = (c: readonly string[]) => Math.min(...c.map((l) => l.length)) / c.length;
  return clauses.reduce((a, b) => (score(a) >= score(b) ? a : b));
}

/**
 * The prefilter of a set of detections: a record may match some detection only if it holds, for one detection, one
 * literal of each of its clauses. Reduced to one clause per detection (its most selective) united, or undefined when
 * some detection needs no literal.
 */
export function setLiterals(patterns: readonly PatternNode[]): LiteralClauses | undefined {
  const per = patterns.map(requiredLiterals);
  if (per.length === 0 || per.some((p) => p === undefined)) return undefined;
  if (per.length === 1) return per[0];
  const union = new Set<string>();
  for (const p of per) for (const l of mostSelective(p!)) union.add(l);
  return [[...union]];
}
