import { DetectionCounts, EngineDetection, TimeWindow } from '../engine';
import { DetectionSet } from './detection-set';
import { canonicalTimeMs } from './event-time';
import { NONE, principalOf, stringField } from '../tally';

export { principalOf, stringField };

/** Everything counted over some records; plain data (Maps included), so worker threads can post it. */
export interface CounterState {
  readonly periods: Array<Map<number, number>>;
  readonly principals: Array<Map<string, number>>;
  readonly sourceIps: Array<Map<string, number>>;
  readonly eventNames: Array<Map<string, number>>;
  readonly first: number[];
  readonly last: number[];
  /** Range of canonical eventTime strings (they sort in time order, so Date.parse is only paid for matches). */
  minS?: string;
  maxS?: string;
  /** Range of other eventTime forms, epoch ms. */
  minT: number;
  maxT: number;
  /** Records without a valid eventTime, per source. */
  readonly noTime: Map<string, number>;
}

const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
/**
 * What the counts read of a matching record besides the detections' fields: its eventTime, the principal
 * (tally.ts principalOf), the source IP and the event name. A candidate test given these decides matches unparsed.
 */
export const BREAKDOWN_FIELDS: ReadonlyArray<readonly string[]> = [
  ['eventTime'],
  ['eventName'],
  ['sourceIPAddress'],
  ['userIdentity', 'arn'],
  ['userIdentity', 'principalId'],
  ['userIdentity', 'invokedBy'],
  ['userIdentity', 'type'],
];

/** `place`: the record is not matched. */
const SKIP = -Infinity;

function bump<K>(m: Map<K, number>, k: K, n = 1): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

/**
 * Counts, per detection, matches per alarm period (aligned to the epoch, as CloudWatch aligns periods) and the
 * principals, source IPs and event names behind them; and, over all records, the eventTime range and the records
 * without a valid eventTime. Counting only: ranking the values (top N) is the report's job.
 */
export class MatchCounter {
  private readonly set: DetectionSet;
  private readonly periodMs: number[];
  private readonly s: CounterState;

  constructor(private readonly detections: readonly EngineDetection[], private readonly window?: TimeWindow) {
    this.set = new DetectionSet(detections);
    this.periodMs = detections.map((d) => d.periodSeconds * 1000);
    this.s = emptyState(detections.length);
  }

  public readonly onRecord = (record: Record<string, unknown>, source: string): void => {
    const t = this.place(record.eventTime, source);
    if (t === SKIP) return;
    const hits = this.set.matching(record);
    if (hits.length === 0) return;
    this.count(record, hits, t);
  };

  /**
   * A record whose matches the reader's candidate test decided from its picked fields (reader.ts `onDecided`): a
   * record object holding those fields, among them everything the counts read (BREAKDOWN_FIELDS); `hits` are what
   * `set.matching` would answer for the whole record.
   */
  public readonly onDecided = (fields: Record<string, unknown>, hits: readonly number[], source: string): void => {
    const t = this.place(fields.eventTime, source);
    if (t === SKIP || hits.length === 0) return;
    this.count(fields, hits, t);
  };

  /**
   * A record no detection matches, known by its eventTime only (the reader ruled it out unparsed): what onRecord
   * does with a record that matches nothing.
   */
  public readonly onRuledOut = (fields: Record<string, unknown>, source: string): void => {
    this.place(fields.eventTime, source);
  };

  /**
   * Places a record by its eventTime: counts it in the time range, or as without a valid eventTime. Returns SKIP
   * when it is not to be matched (no valid time, or outside the window), else its time in epoch ms, or NaN for a
   * canonical time not parsed yet (Date.parse is paid for matches only).
   */
  private place(et: unknown, source: string): number {
    const s = this.s;
    let t = NaN;
    const canonical = typeof et === 'string' && et.length >= 20 && et.length <= 30 && CANONICAL.test(et);
    if (!canonical || this.window) {
      t = typeof et === 'string' ? Date.parse(et) : NaN;
      if (Number.isNaN(t)) {
        bump(s.noTime, source);
        return SKIP;
      }
      const w = this.window;
      if (w && ((w.fromMs !== undefined && t < w.fromMs) || (w.toMs !== undefined && t >= w.toMs))) return SKIP;
    }
    if (canonical) {
      const e = et as string;
      if (s.minS === undefined || e < s.minS) s.minS = e;
      if (s.maxS === undefined || e > s.maxS) s.maxS = e;
    } else {
      if (t < s.minT) s.minT = t;
      if (t > s.maxT) s.maxT = t;
    }
    return t;
  }

  private count(record: Record<string, unknown>, hits: readonly number[], t: number): void {
    const ms = Number.isNaN(t) ? canonicalTimeMs(record.eventTime as string) : t;
    const s = this.s;
    for (const i of hits) {
      const p = this.periodMs[i];
      bump(s.periods[i], Math.floor(ms / p) * p);
      bump(s.principals[i], principalOf(record) ?? NONE);
      bump(s.sourceIps[i], stringField(record, 'sourceIPAddress') ?? NONE);
      bump(s.eventNames[i], stringField(record, 'eventName') ?? NONE);
      if (ms < s.first[i]) s.first[i] = ms;
      if (ms > s.last[i]) s.last[i] = ms;
    }
  }

  public state(): CounterState {
    return this.s;
  }

  /** Used by tests and workers: the detections counted. */
  public get size(): number {
    return this.detections.length;
  }
}

function emptyState(n: number): CounterState {
  const maps = <K>() => Array.from({ length: n }, () => new Map<K, number>());
  return {
    periods: maps<number>(),
    principals: maps<string>(),
    sourceIps: maps<string>(),
    eventNames: maps<string>(),
    first: new Array<number>(n).fill(Number.POSITIVE_INFINITY),
    last: new Array<number>(n).fill(Number.NEGATIVE_INFINITY),
    minT: Number.POSITIVE_INFINITY,
    maxT: Number.NEGATIVE_INFINITY,
    noTime: new Map(),
  };
}

/** Merges states (of worker threads) into one. */
export function mergeCounts(states: readonly CounterState[], detections: number): CounterState {
  const out = emptyState(detections);
  for (const s of states) {
    for (let i = 0; i < detections; i++) {
      for (const [k, v] of s.periods[i]) bump(out.periods[i], k, v);
      for (const [k, v] of s.principals[i]) bump(out.principals[i], k, v);
      for (const [k, v] of s.sourceIps[i]) bump(out.sourceIps[i], k, v);
      for (const [k, v] of s.eventNames[i]) bump(out.eventNames[i], k, v);
      out.first[i] = Math.min(out.first[i], s.first[i]);
      out.last[i] = Math.max(out.last[i], s.last[i]);
    }
    if (s.minS !== undefined && (out.minS === undefined || s.minS < out.minS)) out.minS = s.minS;
    if (s.maxS !== undefined && (out.maxS === undefined || s.maxS > out.maxS)) out.maxS = s.maxS;
    out.minT = Math.min(out.minT, s.minT);
    out.maxT = Math.max(out.maxT, s.maxT);
    for (const [k, v] of s.noTime) bump(out.noTime, k, v);
  }
  return out;
}

/** The per-detection answer of `Engine.count`. */
export function detectionCounts(detections: readonly EngineDetection[], s: CounterState): DetectionCounts[] {
  return detections.map((d, i) => {
    let matches = 0;
    for (const v of s.periods[i].values()) matches += v;
    return {
      id: d.id,
      periods: s.periods[i],
      matches,
      firstMatchMs: matches > 0 ? s.first[i] : undefined,
      lastMatchMs: matches > 0 ? s.last[i] : undefined,
      breakdown: { principals: s.principals[i], sourceIps: s.sourceIps[i], eventNames: s.eventNames[i] },
    };
  });
}

/** Earliest and latest valid eventTime of all records. */
export function eventTimeRange(s: CounterState): { earliestEventMs?: number; latestEventMs?: number } {
  const lo = [s.minS !== undefined ? Date.parse(s.minS) : NaN, s.minT].filter((x) => Number.isFinite(x));
  const hi = [s.maxS !== undefined ? Date.parse(s.maxS) : NaN, s.maxT].filter((x) => Number.isFinite(x));
  return {
    earliestEventMs: lo.length > 0 ? Math.min(...lo) : undefined,
    latestEventMs: hi.length > 0 ? Math.max(...hi) : undefined,
  };
}
