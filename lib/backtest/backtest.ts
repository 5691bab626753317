import { AlarmEpisode, simulateAlarmFromPeriods, SimulatedAlarmSettings } from './alarm-simulation';
import { topValues, ValueCount } from './top-values';
import { Engine, EngineDetection, EngineProblem, TimeWindow } from '../engines/engine';

/** A detection to backtest: what the engine runs, and the alarm to replay. */
export interface BacktestDetection extends EngineDetection, SimulatedAlarmSettings {
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
  /** Records that could not be used (no eventTime, not a record, over a limit, lost in a broken file when countable). */
  readonly skipped: number;
  /** Files deliberately not read (digest and Insights files, other objects), with the reason. Not problems. */
  readonly ignored: ReadonlyArray<{ readonly path: string; readonly reason: string }>;
  readonly from?: string;
  readonly to?: string;
  readonly detections: BacktestDetectionReport[];
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
    const alarms = simulateAlarmFromPeriods(c.periods, d);
    return {
      id: d.id,
      title: d.title,
      severity: d.severity,
      pattern: d.pattern.logPatternString,
      periodSeconds: d.periodSeconds,
      threshold: d.threshold,
      evaluationPeriods: d.evaluationPeriods,
      datapointsToAlarm: d.datapointsToAlarm ?? d.evaluationPeriods,
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
