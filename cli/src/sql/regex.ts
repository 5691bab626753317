import { LinearRegex } from 'cdk-cloudtrail-alarms/lib/pattern/regex';
import { CharSet, parseRegex, RegexPiece } from 'cdk-cloudtrail-alarms/lib/pattern/regex-parser';

/**
 * Rewrites a CloudWatch Logs `%regex%` body into a regex with the same matches under Trino's `regexp_like` (Java
 * pattern syntax) and under RE2 (DuckDB's `regexp_matches`, used by the tests), whatever their defaults differ on.
 *
 * The engine's regex (lib/pattern/regex.ts, parsed by lib/pattern/regex-parser.ts, whose AST this reads) has no
 * groups: an alternation of sequences of quantified atoms. Every atom is written out as an explicit character class of `\xHH` escapes, so nothing depends on how a dialect defines
 * `.`, `\s` (Java includes \x0B, RE2 does not), `\w` or `\d`; `^` becomes `\A` and `$` becomes `\z`, because Java's
 * `$` also matches before a final line break. A set with no member (e.g. `\xff`: the engine matches only ASCII
 * code units for `\x`) removes the branch it appears in, or the piece when the piece may repeat zero times.
 *
 * One difference remains, and it is documented: the engine counts UTF-16 code units, Java and RE2 count code
 * points, so a character outside the Basic Multilingual Plane is two `.` for the engine and one for SQL.
 */
export type RegexTranslation = { readonly ok: true; readonly source: string } | { readonly ok: false; readonly neverMatches: true };

const isWord = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

const hex = (c: number) => `\\x${c.toString(16).padStart(2, '0').toUpperCase()}`;
const plain = (c: number) => (isWord(c) && c !== 95 ? String.fromCharCode(c) : hex(c));

function ranges(member: (c: number) => boolean): string {
  let out = '';
  for (let c = 0; c < 128; c++) {
    if (!member(c)) continue;
    let end = c;
    while (end + 1 < 128 && member(end + 1)) end++;
    out += end === c ? hex(c) : end === c + 1 ? hex(c) + hex(end) : `${hex(c)}-${hex(end)}`;
    c = end;
  }
  return out;
}

/** The class for a set, or undefined when it has no member. */
function renderSet(set: CharSet): string | undefined {
  const count = set.ascii.reduce((n, b) => n + b, 0);
  if (!set.other) {
    if (count === 0) return undefined;
    if (count === 1) return plain(set.ascii.indexOf(1));
    return `[${ranges((c) => set.ascii[c] === 1)}]`;
  }
  // every non-ASCII character plus some ASCII: the negation of the ASCII characters left out
  if (count === 128) return '[\\s\\S]';
  return `[^${ranges((c) => set.ascii[c] === 0)}]`;
}

function quantifier(p: RegexPiece): string {
  if (p.min === 1 && p.max === 1) return '';
  if (p.min === 0 && p.max === Infinity) return '*';
  if (p.min === 1 && p.max === Infinity) return '+';
  if (p.min === 0 && p.max === 1) return '?';
  if (p.max === Infinity) return `{${p.min},}`;
  if (p.min === p.max) return `{${p.min}}`;
  return `{${p.min},${p.max}}`;
}

/** Translates a regex body; throws the engine's RegexSyntaxError for a body AWS rejects. */
export function translateRegex(body: string): RegexTranslation {
  LinearRegex.compile(body); // same validation, same messages as the engine
  const out: string[] = [];
  // the engine's own parse: the same atoms and sets the engine matches with
  for (const branch of parseRegex(body).branches) {
    let text = '';
    let dead = false;
    for (const p of branch) {
      if (p.atom.kind === 'textStart') {text += '\\A';} else if (p.atom.kind === 'textEnd') {text += '\\z';} else {
        const cls = renderSet(p.atom.set);
        if (cls === undefined) {
          if (p.min > 0) dead = true;
          continue;
        }
        text += cls + quantifier(p);
      }
    }
    if (!dead) out.push(text);
  }
  if (out.length === 0) return { ok: false, neverMatches: true };
  return { ok: true, source: out.join('|') };
}
