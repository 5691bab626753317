import { AlarmStateChange } from './alarm-event';

/** The time range to look up the events behind an alarm state change, on the log events' timestamps. */
export interface LookupWindow {
  /** Epoch ms, inclusive. */
  readonly startMs: number;
  /** Epoch ms, exclusive. */
  readonly endMs: number;
  /** The periods the alarm evaluated, before the margin (epoch ms). */
  readonly evaluatedStartMs: number;
  readonly evaluatedEndMs: number;
  /** What the window was derived from. */
  readonly basis: 'evaluated-datapoints' | 'reason-datapoints' | 'trigger';
}

/** Default period when a notification does not say (the construct's default alarm period). */
export const DEFAULT_PERIOD_SECONDS = 300;

/**
 * Derives the lookup window from the alarm's evaluated datapoints.
 *
 * A datapoint is stamped with the start of its period and covers `[t, t + period)`. The evaluated datapoints come from
 * `reasonData.evaluatedDatapoints` (Lambda alarm action), or from the times in `NewStateReason` (SNS message); when
 * neither is there, the window is the `evaluationPeriods` periods before the state change. The window then grows by
 * `marginMs` on both sides: a log event's timestamp is CloudTrail's delivery time (minutes after `eventTime`), and
 * whether a metric filter stamps its datapoint with that timestamp is not documented, so a small margin keeps the
 * events the filter counted inside the window. The end never passes `nowMs`.
 */
export function deriveWindow(change: AlarmStateChange, marginMs: number, nowMs: number): LookupWindow {
  const period = (change.periodSeconds ?? DEFAULT_PERIOD_SECONDS) * 1000;
  let basis: LookupWindow['basis'];
  let start: number;
  let end: number;
  const points = change.evaluatedDatapoints ?? change.reasonDatapoints;
  if (points && points.length > 0) {
    basis = change.evaluatedDatapoints ? 'evaluated-datapoints' : 'reason-datapoints';
    start = Math.min(...points);
    end = Math.max(...points) + period;
  } else {
    basis = 'trigger';
    end = change.stateChangeTime;
    start = end - period * Math.max(1, change.evaluationPeriods ?? 1);
  }
  const endWithMargin = Math.min(end + marginMs, Math.max(nowMs, start));
  return { startMs: start - marginMs, endMs: endWithMargin, evaluatedStartMs: start, evaluatedEndMs: end, basis };
}
