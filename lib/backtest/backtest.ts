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
}

/**
 * Runs detections over CloudTrail files and replays each detection's alarm over the records' eventTime.
 */
export async function runBacktest(
  inputs: readonly InputSource[],
  detections: readonly BacktestDetection[],
  options: BacktestOptions = {},
): Promise<BacktestReport> {
  const set = new DetectionSet(detections);
  const top = options.top ?? 5;
  const times: number[][] = detections.map(() => []);
  const principals = detections.map(() => new TopValues());
  const ips = detections.map(() => new TopValues());
  const names = detections.map(() => new TopValues());
  const errors: ReadProblem[] = [];
  let skipped = 0;
  let minT = Number.POSITIVE_INFINITY;
  let maxT = Number.NEGATIVE_INFINITY;
  const noTime = new Map<string, number>();

  const summary = await readCloudTrail(inputs, {
    onRecord: (record, source) => {
      const t = typeof record.eventTime === 'string' ? Date.parse(record.eventTime) : NaN;
      if (Number.isNaN(t)) {
        noTime.set(source, (noTime.get(source) ?? 0) + 1);
        return;
      }
      if (t < minT) minT = t;
      if (t > maxT) maxT = t;
      for (const i of set.matching(record)) {
        times[i].push(t);
        principals[i].add(principalOf(record));
        ips[i].add(stringField(record, 'sourceIPAddress'));
        names[i].add(stringField(record, 'eventName'));
      }
    },
    onProblem: (p) => {
      errors.push(p);
      skipped += p.records;
    },
    onFile: options.onFile,
    stdin: options.stdin,
  });
  for (const [path, count] of noTime) {
    errors.push({ path, message: `${count} record(s) without a valid eventTime`, records: count });
    skipped += count;
  }

  const reports = detections.map((d, i): BacktestDetectionReport => {
    const ts = times[i];
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
      topPrincipals: principals[i].top(top),
      topSourceIps: ips[i].top(top),
      topEventNames: names[i].top(top),
    };
  });

  return {
    files: summary.files,
    records: summary.records,
    skipped,
    from: Number.isFinite(minT) ? new Date(minT).toISOString() : undefined,
    to: Number.isFinite(maxT) ? new Date(maxT).toISOString() : undefined,
    detections: reports,
    errors,
  };
}
