import { LogFilterPattern } from '../log-filter-pattern';
import { InputSource, readCloudTrail, ReadProblem } from '../logs';
import { AlarmEpisode, simulateAlarm, SimulatedAlarmSettings } from './alarm-simulation';
import { DetectionSet, NamedPattern } from './detection-set';
import { principalOf, stringField, TopValues, ValueCount } from './top-values';

export interface BacktestDetection extends NamedPattern, SimulatedAlarmSettings {
  readonly title: string;
  readonly severity: string;
}

export interface BacktestDetectionReport {
  readonly id: string;
  readonly title: string;
  readonly severity: string;
  readonly pattern: string;
  readonly periodSeconds: number;
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly matches: number;
  readonly alarmCount: number;
  readonly alarms: AlarmEpisode[];
  /** Total time in ALARM, in seconds. */
  readonly secondsInAlarm: number;
  readonly firstMatch?: string;
  readonly lastMatch?: string;
  readonly topPrincipals: ValueCount[];
  readonly topSourceIps: ValueCount[];
  readonly topEventNames: ValueCount[];
}

/** The `--json` output of `cloudtrail-alarms backtest` (documented in the README; stable). */
export interface BacktestReport {
  readonly files: number;
  readonly records: number;
  /** Records that could not be used (no eventTime, not a record, or lost in a corrupt file when countable). */
  readonly skipped: number;
  readonly from?: string;
  readonly to?: string;
  readonly detections: BacktestDetectionReport[];
  readonly errors: ReadProblem[];
}

export interface BacktestOptions {
  readonly top?: number;
  readonly onFile?: (source: InputSource, records: number) => void;
  /** Where `-` reads from (default: process.stdin). */
  readonly stdin?: NodeJS.ReadableStream;
  /**
   * Worker threads that decompress, parse and evaluate files in parallel (results are identical to one thread).
   * @default - one per CPU core (at most 4) when there are enough files and no standard input; 1 otherwise
   */
  readonly workers?: number;
}

/** Everything a (partial) backtest run accumulates; plain data, so worker threads can send it. */
export interface BacktestState {
  files: number;
  records: number;
  prefiltered: number;
  times: number[][];
  principals: Array<Array<[string, number]>>;
  ips: Array<Array<[string, number]>>;
  names: Array<Array<[string, number]>>;
  minS?: string;
  maxS?: string;
  minT: number;
  maxT: number;
  noTime: Array<[string, number]>;
  errors: ReadProblem[];
}

const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Accumulates matches, time range and problems over records, for one thread. */
export class BacktestAccumulator {
  private readonly set: DetectionSet;
  private readonly times: number[][];
  private readonly principals: TopValues[];
  private readonly ips: TopValues[];
  private readonly names: TopValues[];
  private readonly errors: ReadProblem[] = [];
  private readonly noTime = new Map<string, number>();
  // CloudTrail eventTime is ISO 8601 UTC ("2026-11-02T10:15:30Z"): such strings sort in time order, so the range is
  // kept as strings and Date.parse is only paid for matches (and for other formats)
  private minS: string | undefined;
  private maxS: string | undefined;
  private minT = Number.POSITIVE_INFINITY;
  private maxT = Number.NEGATIVE_INFINITY;

  constructor(detections: readonly NamedPattern[]) {
    this.set = new DetectionSet(detections);
    this.times = detections.map(() => []);
    this.principals = detections.map(() => new TopValues());
    this.ips = detections.map(() => new TopValues());
    this.names = detections.map(() => new TopValues());
  }

  public readonly onRecord = (record: Record<string, unknown>, source: string): void => {
    const et = record.eventTime;
    let t = NaN;
    if (typeof et === 'string' && et.length >= 20 && et.length <= 30 && CANONICAL.test(et)) {
      if (this.minS === undefined || et < this.minS) this.minS = et;
      if (this.maxS === undefined || et > this.maxS) this.maxS = et;
    } else {
      t = typeof et === 'string' ? Date.parse(et) : NaN;
      if (Number.isNaN(t)) {
        this.noTime.set(source, (this.noTime.get(source) ?? 0) + 1);
        return;
      }
      if (t < this.minT) this.minT = t;
      if (t > this.maxT) this.maxT = t;
    }
    const hits = this.set.matching(record);
    if (hits.length === 0) return;
    if (Number.isNaN(t)) t = Date.parse(et as string);
    for (const i of hits) {
      this.times[i].push(t);
      this.principals[i].add(principalOf(record));
      this.ips[i].add(stringField(record, 'sourceIPAddress'));
      this.names[i].add(stringField(record, 'eventName'));
    }
  };

  public readonly onProblem = (p: ReadProblem): void => {
    this.errors.push(p);
  };

  public state(summary: { files: number; records: number; prefiltered: number }): BacktestState {
    return {
      ...summary,
      times: this.times,
      principals: this.principals.map((t) => t.entries()),
      ips: this.ips.map((t) => t.entries()),
      names: this.names.map((t) => t.entries()),
      minS: this.minS,
      maxS: this.maxS,
      minT: this.minT,
      maxT: this.maxT,
      noTime: [...this.noTime.entries()],
      errors: this.errors,
    };
  }
}

/** Runs detections over CloudTrail files and replays each detection's alarm over the records' eventTime. */
export async function runBacktest(
  inputs: readonly InputSource[],
  detections: readonly BacktestDetection[],
  options: BacktestOptions = {},
): Promise<BacktestReport> {
  // loaded only when used: worker_threads stays out of library users' single-threaded runs
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const parallel = require('./parallel') as typeof import('./parallel');
  const workers = inputs.some((i) => i.path === '-') ? 1 : options.workers ?? parallel.defaultWorkers(inputs);
  if (workers > 1) {
    const { runInWorkers } = parallel;
    const states = await runInWorkers(inputs, detections, workers, options.onFile);
    return finishBacktest(detections, states, options.top ?? 5);
  }
  const acc = new BacktestAccumulator(detections);
  const summary = await readCloudTrail(inputs, {
    onRecord: acc.onRecord,
    onProblem: acc.onProblem,
    onFile: options.onFile,
    stdin: options.stdin,
  });
  return finishBacktest(detections, [acc.state(summary)], options.top ?? 5);
}

/** Merges partial states (in input order) into the report. */
export function finishBacktest(detections: readonly BacktestDetection[], states: readonly BacktestState[], top: number): BacktestReport {
  const errors: ReadProblem[] = [];
  const noTime = new Map<string, number>();
  let files = 0;
  let records = 0;
  let minS: string | undefined;
  let maxS: string | undefined;
  let minT = Number.POSITIVE_INFINITY;
  let maxT = Number.NEGATIVE_INFINITY;
  for (const s of states) {
    files += s.files;
    records += s.records;
    errors.push(...s.errors);
    for (const [p, c] of s.noTime) noTime.set(p, (noTime.get(p) ?? 0) + c);
    if (s.minS !== undefined && (minS === undefined || s.minS < minS)) minS = s.minS;
    if (s.maxS !== undefined && (maxS === undefined || s.maxS > maxS)) maxS = s.maxS;
    minT = Math.min(minT, s.minT);
    maxT = Math.max(maxT, s.maxT);
  }
  for (const [path, count] of noTime) {
    errors.push({ path, message: `${count} record(s) without a valid eventTime`, records: count });
  }
  const skipped = errors.reduce((sum, e) => sum + e.records, 0);
  const merge = (pick: (s: BacktestState) => Array<Array<[string, number]>>, i: number) => {
    const t = new TopValues();
    for (const s of states) for (const [v, c] of pick(s)[i]) t.addCount(v, c);
    return t.top(top);
  };

  const reports = detections.map((d, i): BacktestDetectionReport => {
    const ts: number[] = [];
    for (const s of states) for (const t of s.times[i]) ts.push(t);
    const alarms = simulateAlarm(ts, d);
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (const t of ts) {
      if (t < first) first = t;
      if (t > last) last = t;
    }
    return {
      id: d.id,
      title: d.title,
      severity: d.severity,
      pattern: d.pattern.logPatternString,
      periodSeconds: d.periodSeconds,
      threshold: d.threshold,
      evaluationPeriods: d.evaluationPeriods,
      datapointsToAlarm: d.datapointsToAlarm ?? d.evaluationPeriods,
      matches: ts.length,
      alarmCount: alarms.length,
      alarms,
      secondsInAlarm: alarms.reduce((s, a) => s + (Date.parse(a.end) - Date.parse(a.start)) / 1000, 0),
      firstMatch: ts.length ? new Date(first).toISOString() : undefined,
      lastMatch: ts.length ? new Date(last).toISOString() : undefined,
      topPrincipals: merge((s) => s.principals, i),
      topSourceIps: merge((s) => s.ips, i),
      topEventNames: merge((s) => s.names, i),
    };
  });

  return {
    files,
    records,
    skipped,
    from: rangeEnd(minS, minT, Math.min),
    to: rangeEnd(maxS, maxT, Math.max),
    detections: reports,
    errors,
  };
}

function rangeEnd(s: string | undefined, t: number, pick: (a: number, b: number) => number): string | undefined {
  const fromString = s !== undefined ? Date.parse(s) : NaN;
  const candidates = [fromString, t].filter((x) => Number.isFinite(x));
  if (candidates.length === 0) return undefined;
  return new Date(candidates.reduce((a, b) => pick(a, b))).toISOString();
}

/** Rebuilds detections from plain data (inside a worker thread). */
export function detectionsFromData(data: ReadonlyArray<{ id: string; pattern: string }>): NamedPattern[] {
  return data.map((d) => ({ id: d.id, pattern: LogFilterPattern.parse(d.pattern) }));
}
