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
// - Its literals (prefilter.ts) must occur in the record's raw text; the reader asks only about records without
//   any backslash, the case prefilter.ts proves.
// - The eventName index (detection-set.ts `indexEventNames`): a detection indexed by names matches only records
//   whose eventName is a string among them, so it is asked only about those.
// A record is ruled out only when, for every detection, its guard is false, or one of its literal clauses is absent.
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
 * (e.g. `eventTime` for a backtest, which needs it of every record).
 */
export function candidateTest(
  detections: ReadonlyArray<Pick<EngineDetection, 'pattern'>>,
  extraFields: ReadonlyArray<readonly string[]> = [],
): CandidateTest | undefined {
  if (detections.length === 0) return undefined;
  const guarded = detections.map((d) => guardParts(d.pattern._node));
  // a key used as a field of one key cannot also be a parent: those conjuncts are dropped from the guards
  const leaves = new Set<string>(RESERVED_LEAVES);
  for (const p of extraFields) if (p.length === 1) leaves.add(p[0]);
  for (const g of guarded) for (const part of g.parts) for (const p of part.paths) if (p.length === 1) leaves.add(p[0]);
  const fields = new Map<string, string[]>([['eventName', ['eventName']]]);
  for (const p of extraFields) fields.set(p.join('.'), [...p]);
  type Check = (fields: Record<string, unknown>, text: Buffer) => boolean;
  const checks: Check[] = [];
  for (let i = 0; i < detections.length; i++) {
    const g = guarded[i];
    const parts = g.parts.filter((part) => part.paths.every((p) => p.length === 1 || !leaves.has(p[0])));
    const whole = g.whole && parts.length === g.parts.length;
    const guard =
      parts.length === 0 ? undefined : compile({ kind: 'json', expr: parts.length === 1 ? parts[0].expr : { kind: 'and', items: parts.map((p) => p.expr) } });
    for (const part of parts) for (const p of part.paths) fields.set(p.join('.'), p);
    const clauses = whole ? undefined : requiredLiterals(detections[i].pattern._node);
    const literals = clauses ? compilePrefilter(clauses) : undefined;
    if (!guard && !literals) return undefined;
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
  return {
    fields: [...fields.values()],
    test: (f, text) => {
      const name = f.eventName;
      const named = typeof name === 'string' ? byName.get(name) : undefined;
      if (named) for (const i of named) if (checks[i](f, text)) return true;
      for (const i of always) if (checks[i](f, text)) return true;
      return false;
    },
  };
}
