import { AlarmEpisode, simulateAlarmFromPeriods, SimulatedAlarmSettings } from './alarm-simulation';
import { topValues, ValueCount } from './top-values';
import { Engine, EngineDetection, EngineProblem, TimeWindow } from '../engines/engine';

/** A detection to backtest: what the engine runs, and the alarm to replay. */
export interface BacktestDetection extends EngineDetection, SimulatedAlarmSettings {
  readonly title: string;
  readonly severity: string;
  /** Why only the matches are counted (the metric has no alarm): the alarm settings are then not replayed. */
  readonly countsOnly?: string;
  /** How the replayed pattern differs from what is deployed (for example a deploy-time value as a wildcard). */
  readonly note?: string;
}

export interface BacktestDetectionReport {
  readonly id: string;
  readonly title: string;
  readonly severity: string;
  readonly pattern: string;
  /** The alarm's period; for a detection counted only, the period its matches are counted in. */
  readonly periodSeconds: number;
  /** False when only the matches are counted (no alarm on the metric): threshold and the rest are then absent. */
  readonly alarmReplayed: boolean;
  readonly threshold?: number;
  readonly evaluationPeriods?: number;
  readonly datapointsToAlarm?: number;
  /** Why the alarm is not replayed, or how the replay differs from what is deployed. */
  readonly note?: string;
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

/** The `--json` output of `cloudtrail-alarms backtest` (documented in docs/cli.md; stable). */
export interface BacktestReport {
  readonly files: number;
  readonly records: number;
  /** Records that could not be used (no eventTime, not a record, over a limit, lost in a broken file when countable). */
  readonly skipped: number;
  /** Files deliberately not read (digest and Insights files, other objects), with the reason. Not problems. */
  readonly ignored: ReadonlyArray<{ readonly path: string; readonly reason: string }>;
  readonly from?: string;
  readonly to?: string;
  readonly detections: BacktestDetectionReport[];
  /** Detections of a `--from-stack` template that were not replayed, with the reason. */
  readonly notReplayed?: ReadonlyArray<{ readonly id: string; readonly reason: string }>;
  /** Metric filters of a `--from-stack` template that are not CloudTrail detections (by logical id), with the reason. */
  readonly notDetections?: ReadonlyArray<{ readonly id: string; readonly reason: string }>;
  readonly errors: readonly EngineProblem[];
}

export interface BacktestOptions {
  /** How many principals, source IPs and event names to list per detection. @default 5 */
  readonly top?: number;
  readonly window?: TimeWindow;
}

/**
 * Runs detections on an engine and replays each detection's alarm over the per-period counts: how often it would have
 * gone into ALARM, when, for how long, and who was behind the matches.
 */
export async function runBacktest(engine: Engine, detections: readonly BacktestDetection[], options: BacktestOptions = {}): Promise<BacktestReport> {
  const top = options.top ?? 5;
  const { detections: counts, stats } = await engine.count({ detections, window: options.window });
  const reports = detections.map((d, i): BacktestDetectionReport => {
    const c = counts[i];
    const replayed = d.countsOnly === undefined;
    const alarms = replayed ? simulateAlarmFromPeriods(c.periods, d) : [];
    const note = [d.countsOnly, d.note].filter((n) => n !== undefined).join('; ');
    return {
      id: d.id,
      title: d.title,
      severity: d.severity,
      pattern: d.pattern.logPatternString,
      periodSeconds: d.periodSeconds,
      alarmReplayed: replayed,
      ...(replayed
        ? { threshold: d.threshold, evaluationPeriods: d.evaluationPeriods, datapointsToAlarm: d.datapointsToAlarm ?? d.evaluationPeriods }
        : {}),
      ...(note ? { note } : {}),
      matches: c.matches,
      alarmCount: alarms.length,
      alarms,
      secondsInAlarm: alarms.reduce((s, a) => s + (Date.parse(a.end) - Date.parse(a.start)) / 1000, 0),
      firstMatch: c.firstMatchMs !== undefined ? new Date(c.firstMatchMs).toISOString() : undefined,
      lastMatch: c.lastMatchMs !== undefined ? new Date(c.lastMatchMs).toISOString() : undefined,
      topPrincipals: topValues(c.breakdown.principals, top),
      topSourceIps: topValues(c.breakdown.sourceIps, top),
      topEventNames: topValues(c.breakdown.eventNames, top),
    };
  });
  return {
    files: stats.sources,
    records: stats.records,
    skipped: stats.problems.reduce((s, p) => s + p.records, 0),
    ignored: stats.ignored,
    from: stats.earliestEventMs !== undefined ? new Date(stats.earliestEventMs).toISOString() : undefined,
    to: stats.latestEventMs !== undefined ? new Date(stats.latestEventMs).toISOString() : undefined,
    detections: reports,
    errors: stats.problems,
  };
}

type Noted = ReadonlyArray<{ readonly id: string; readonly reason: string }>;

/** The report with what a `--from-stack` template holds that was not replayed (each list only when not empty). */
export function withNotReplayed(report: BacktestReport, selection: { readonly notReplayed: Noted; readonly notDetections: Noted }): BacktestReport {
  const list = (l: Noted) => l.map((n) => ({ id: n.id, reason: n.reason }));
  return {
    ...report,
    ...(selection.notReplayed.length > 0 ? { notReplayed: list(selection.notReplayed) } : {}),
    ...(selection.notDetections.length > 0 ? { notDetections: list(selection.notDetections) } : {}),
  };
}
