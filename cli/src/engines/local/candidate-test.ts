// The candidate test of a set of detections (for the reader's candidate parsing, cli/src/logs/delivery-candidates.ts):
// from a few string fields of a record, picked from its bytes, and its raw text, whether some detection may match
// it. A record for which this is false is counted and never parsed.
//
// Why it is exact (never false for a record some detection matches). For each detection d:
// - Its guard G_d is the conjunction of the top-level conjuncts of its JSON pattern whose selectors are all plain
//   key paths of one or two keys (`$.eventName`, `$.userIdentity.type`). The pattern implies G_d (it is G_d and
//   the other conjuncts), and G_d reads nothing but the values at those paths. The reader hands over a record object
//   holding exactly the record's values at those paths, or parses the record instead (delivery-candidates.ts: a
//   value that is not a plain string, a duplicated key, an escape), so G_d on that object is G_d on the record.
//   No key is both a picked field and the parent of one, so the two agree on every path G_d reads.
// - Its literals (prefilter.ts) must occur in the record's raw text; the reader asks only about records whose text
//   escapes no ASCII character but `"` and `\` (delivery-candidates.ts `asciiEscape`). prefilter.ts proves the case
//   of no ASCII escape at all; `\"` and `\\` change nothing in its proof, since JSON.stringify writes those two
//   characters the same way, so inside a string token the raw text and the re-serialised text still hold the same
//   ASCII characters in the same order, and a literal holds neither character.
// - The eventName index (detection-set.ts `indexEventNames`): a detection indexed by names matches only records
//   whose eventName is a string among them, so it is asked only about those.
// A record is ruled out only when, for every detection, its guard is false, or one of its literal clauses is absent.
//
// Deciding without parsing (`decide`, for counts). When a detection's guard is its whole pattern (every conjunct a
// comparison of a plain key path of one or two keys), the guard on the picked fields is the pattern on the record:
// such a detection is decided from the fields alone. A record whose candidate detections (those whose check passes)
// are all decided this way matches exactly those detections, and the others do not match it (a failed check means
// the pattern is false, above); its matches are then counted from its picked fields (with the breakdown fields
// picked as well), and it is never parsed. Any candidate detection that reads more makes the record parsed.
import { JsonExpr, PatternNode, Selector } from 'cdk-cloudtrail-alarms/lib/pattern/ast';
import { compile } from 'cdk-cloudtrail-alarms/lib/pattern/evaluate';
import { CandidateTest } from '../../logs';
import { EngineDetection } from '../engine';
import { indexEventNames } from './detection-set';
import { compilePrefilter, requiredLiterals } from './prefilter';

/** The field a count needs of every record, ruled out or not (match-counter.ts `onRuledOut`). */
export const TIME_FIELDS: ReadonlyArray<readonly string[]> = [['eventTime']];

/** Fields the reader picks for its own use; a guard may not use them as parents. */
const RESERVED_LEAVES = ['eventVersion', 'eventName', 'eventSource', 'CloudTrailEvent', 'message'];
const PICKABLE_KEY = /^[\x20-\x7e]+$/;

function selectorsOf(e: JsonExpr, out: Selector[]): Selector[] {
  switch (e.kind) {
    case 'and':
    case 'or':
      for (const item of e.items) selectorsOf(item, out);
      return out;
    default:
      out.push(e.selector);
      return out;
  }
}

/** The key path of a selector of one or two plain keys, or undefined. */
function keyPath(s: Selector): string[] | undefined {
  if (s.segments.length < 1 || s.segments.length > 2) return undefined;
  const path: string[] = [];
  for (const seg of s.segments) {
    if (seg.kind !== 'key' || !PICKABLE_KEY.test(seg.name) || seg.name.includes('"') || seg.name.includes('\\') || seg.name === '__proto__') return undefined;
    path.push(seg.name);
  }
  return path;
}

function conjuncts(e: JsonExpr): JsonExpr[] {
  return e.kind === 'and' ? e.items.flatMap(conjuncts) : [e];
}

interface Guarded {
  /** Conjuncts usable as a guard, with their paths. */
  readonly parts: Array<{ readonly expr: JsonExpr; readonly paths: string[][] }>;
  /** Whether the guard is the whole pattern (then the literals add nothing). */
  readonly whole: boolean;
}

function guardParts(node: PatternNode): Guarded {
  if (node.kind !== 'json') return { parts: [], whole: false };
  const all = conjuncts(node.expr);
  const parts: Guarded['parts'] = [];
  for (const c of all) {
    const paths = selectorsOf(c, []).map(keyPath);
    if (paths.every((p): p is string[] => p !== undefined)) parts.push({ expr: c, paths });
  }
  return { parts, whole: parts.length === all.length };
}

/**
 * The candidate test of a set of detections, or undefined when some detection has neither a guard nor literals
 * (every record is then a candidate, and candidate parsing would only add work). `extraFields` are picked too
 * (e.g. `eventTime` for a backtest, which needs it of every record). With `decideWith` (the fields a count reads of
 * a matching record besides the detections' own), the test also decides, where it can, which detections a record
 * matches without parsing it (see the file comment); the indexes it answers are those of `detections`.
 */
export function candidateTest(
  detections: ReadonlyArray<Pick<EngineDetection, 'pattern'>>,
  extraFields: ReadonlyArray<readonly string[]> = [],
  decideWith?: ReadonlyArray<readonly string[]>,
): CandidateTest | undefined {
  if (detections.length === 0) return undefined;
  const guarded = detections.map((d) => guardParts(d.pattern._node));
  // a key used as a field of one key cannot also be a parent: those conjuncts are dropped from the guards
  const leaves = new Set<string>(RESERVED_LEAVES);
  for (const p of extraFields) if (p.length === 1) leaves.add(p[0]);
  for (const p of decideWith ?? []) if (p.length === 1) leaves.add(p[0]);
  for (const g of guarded) for (const part of g.parts) for (const p of part.paths) if (p.length === 1) leaves.add(p[0]);
  const fields = new Map<string, string[]>([['eventName', ['eventName']]]);
  for (const p of extraFields) fields.set(p.join('.'), [...p]);
  type Check = (fields: Record<string, unknown>, text: Buffer) => boolean;
  const checks: Check[] = [];
  /** Per detection: its guard is its whole pattern (decided from the picked fields). */
  const exact: boolean[] = [];
  /** Per detection: the paths its guard reads. */
  const guardPaths: string[][][] = [];
  let readsText = false;
  for (let i = 0; i < detections.length; i++) {
    const g = guarded[i];
    const parts = g.parts.filter((part) => part.paths.every((p) => p.length === 1 || !leaves.has(p[0])));
    const whole = g.whole && parts.length === g.parts.length;
    exact.push(whole);
    const guard =
      parts.length === 0 ? undefined : compile({ kind: 'json', expr: parts.length === 1 ? parts[0].expr : { kind: 'and', items: parts.map((p) => p.expr) } });
    for (const part of parts) for (const p of part.paths) fields.set(p.join('.'), p);
    guardPaths.push(parts.flatMap((part) => part.paths));
    const clauses = whole ? undefined : requiredLiterals(detections[i].pattern._node);
    const literals = clauses ? compilePrefilter(clauses) : undefined;
    if (!guard && !literals) return undefined;
    if (literals) readsText = true;
    if (guard && literals) checks.push((f, text) => guard.matchesParsed(f) && literals(text));
    else if (guard) checks.push((f) => guard.matchesParsed(f));
    else checks.push((_f, text) => literals!(text));
  }
  const byName = new Map<string, number[]>();
  const always: number[] = [];
  detections.forEach((d, i) => {
    const names = indexEventNames(d.pattern._node);
    if (!names) {
      always.push(i);
      return;
    }
    for (const n of names) {
      const list = byName.get(n) ?? [];
      list.push(i);
      byName.set(n, list);
    }
  });
  // the fields every record needs: the name, the extra fields and what the detections not indexed by name read; the
  // others only when some detection is indexed by the record's name
  const first = new Map<string, readonly string[]>([['eventName', ['eventName']]]);
  for (const p of extraFields) first.set(p.join('.'), p);
  for (const i of always) for (const p of guardPaths[i]) first.set(p.join('.'), p);
  const staged = first.size < fields.size;
  const test: CandidateTest['test'] = (f, text) => {
    const name = f.eventName;
    const named = typeof name === 'string' ? byName.get(name) : undefined;
    if (named) for (const i of named) if (checks[i](f, text)) return true;
    for (const i of always) if (checks[i](f, text)) return true;
    return false;
  };
  const needsRest = (f: Record<string, unknown>) => typeof f.eventName === 'string' && byName.has(f.eventName);
  // the detail fields may not use a key the guards read as a field of one key as their parent
  const details = (decideWith ?? []).filter((p) => !fields.has(p.join('.')));
  if (decideWith === undefined || !exact.some((x) => x) || details.some((p) => p.length === 2 && leaves.has(p[0]))) {
    return { fields: [...fields.values()], test, readsText, ...(staged ? { firstFields: [...first.values()], needsRest } : {}) };
  }
  const decide: CandidateTest['decide'] = (f, text) => {
    const name = f.eventName;
    const named = typeof name === 'string' ? byName.get(name) : undefined;
    const hits: number[] = [];
    if (named) {
      for (const i of named) {
        if (!checks[i](f, text)) continue;
        if (!exact[i]) return undefined;
        hits.push(i);
      }
    }
    const before = hits.length;
    for (const i of always) {
      if (!checks[i](f, text)) continue;
      if (!exact[i]) return undefined;
      hits.push(i);
    }
    if (before > 0 && hits.length > before) hits.sort((a, b) => a - b);
    return hits;
  };
  return {
    fields: [...fields.values()],
    test,
    readsText,
    ...(staged ? { firstFields: [...first.values()], needsRest } : {}),
    detailFields: details.map((p) => [...p]),
    decide,
  };
}
