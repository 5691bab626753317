import { TimeWindow } from '../engine';

/** A record's eventTime in epoch ms, or NaN when it is missing or not a date. */
export function eventTimeMs(record: Record<string, unknown>): number {
  const et = record.eventTime;
  return typeof et === 'string' ? Date.parse(et) : NaN;
}

/**
 * Where a record falls for a window: `in`, `out`, or `no-time` when a window is set and the record has no valid
 * eventTime (it cannot be placed). Without a window every record is `in`.
 */
export function placeInWindow(record: Record<string, unknown>, w: TimeWindow | undefined): 'in' | 'out' | 'no-time' {
  if (w === undefined || (w.fromMs === undefined && w.toMs === undefined)) return 'in';
  const t = eventTimeMs(record);
  if (Number.isNaN(t)) return 'no-time';
  return (w.fromMs !== undefined && t < w.fromMs) || (w.toMs !== undefined && t >= w.toMs) ? 'out' : 'in';
}
