/** Settings of a CloudWatch alarm on a metric-filter metric (statistic Sum, missing data not breaching). */
export interface SimulatedAlarmSettings {
  readonly periodSeconds: number;
  readonly threshold: number;
  readonly evaluationPeriods: number;
  /** Defaults to evaluationPeriods. */
  readonly datapointsToAlarm?: number;
  /** CloudWatch comparison operator name; default GreaterThanOrEqualToThreshold. */
  readonly comparisonOperator?: string;
}

/** One stretch of time in ALARM. */
export interface AlarmEpisode {
  /** Start of the period whose datapoint put the alarm into ALARM (ISO 8601). */
  readonly start: string;
  /** End of the last period evaluated in ALARM, i.e. when it would have returned to OK (ISO 8601). */
  readonly end: string;
  /** Largest per-period sum of matches during the episode. */
  readonly peak: number;
}

function breaches(value: number, threshold: number, op: string): boolean {
  switch (op) {
    case 'GreaterThanThreshold': return value > threshold;
    case 'LessThanThreshold': return value < threshold;
    case 'LessThanOrEqualToThreshold': return value <= threshold;
    default: return value >= threshold;
  }
}

/**
 * Replays an alarm over match timestamps (epoch milliseconds, any order): sums them per period (aligned to the epoch,
 * as CloudWatch aligns periods), then `simulateAlarmFromPeriods`.
 */
export function simulateAlarm(timesMs: readonly number[], s: SimulatedAlarmSettings): AlarmEpisode[] {
  const periodMs = s.periodSeconds * 1000;
  const sums = new Map<number, number>();
  for (const t of timesMs) {
    const p = Math.floor(t / periodMs) * periodMs;
    sums.set(p, (sums.get(p) ?? 0) + 1);
  }
  return simulateAlarmFromPeriods(sums, s);
}

/**
 * Replays an alarm over per-period sums (period start in epoch ms, a multiple of the period, to the sum of matches;
 * what `Engine.count` returns). At the end of every period the alarm looks at the last `evaluationPeriods` periods,
 * where a period with no matches has no datapoint and counts as not breaching, and is in ALARM when at least
 * `datapointsToAlarm` of them breach.
 */
export function simulateAlarmFromPeriods(periodSums: ReadonlyMap<number, number>, s: SimulatedAlarmSettings): AlarmEpisode[] {
  if (periodSums.size === 0) return [];
  const periodMs = s.periodSeconds * 1000;
  const e = s.evaluationPeriods;
  const m = s.datapointsToAlarm ?? e;
  const op = s.comparisonOperator ?? 'GreaterThanOrEqualToThreshold';
  // period numbers since the epoch
  const sums = new Map<number, number>();
  for (const [start, v] of periodSums) sums.set(Math.floor(start / periodMs), v);
  // the state can only change at periods within `e` periods after a datapoint
  const points = new Set<number>();
  for (const p of sums.keys()) for (let k = 0; k <= e; k++) points.add(p + k);
  const ordered = [...points].sort((a, b) => a - b);
  const episodes: AlarmEpisode[] = [];
  let open: { start: number; peak: number } | undefined;
  let last = Number.NEGATIVE_INFINITY;
  for (const p of ordered) {
    // a gap means the periods between had empty windows: OK
    if (open && p > last + 1) {
      episodes.push({ start: iso(open.start * periodMs), end: iso((last + 1) * periodMs), peak: open.peak });
      open = undefined;
    }
    let breaching = 0;
    let windowPeak = 0;
    for (let k = p - e + 1; k <= p; k++) {
      const v = sums.get(k);
      if (v !== undefined && breaches(v, s.threshold, op)) breaching++;
      if (v !== undefined) windowPeak = Math.max(windowPeak, v);
    }
    const alarm = breaching >= m;
    if (alarm && !open) open = { start: p, peak: sums.get(p) ?? windowPeak };
    if (alarm && open) open.peak = Math.max(open.peak, sums.get(p) ?? 0);
    if (!alarm && open) {
      episodes.push({ start: iso(open.start * periodMs), end: iso(p * periodMs), peak: open.peak });
      open = undefined;
    }
    last = p;
  }
  if (open) episodes.push({ start: iso(open.start * periodMs), end: iso((last + 1) * periodMs), peak: open.peak });
  return episodes;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
