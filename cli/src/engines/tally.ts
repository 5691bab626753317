// What every engine counts for `count`, per detection: matches per period, the first and last matching eventTime,
// and the principals, source IPs and event names behind them. Free of I/O; the engines feed it rows (Athena),
// records (CloudWatch Logs) or merged worker states (local).
import { DetectionCounts } from './engine';

/** The breakdown key of a record without the value. */
export const NONE = '(none)';

/** The principal of a CloudTrail record: ARN, else principal id, invokedBy, identity type. */
export function principalOf(record: Record<string, unknown>): string | undefined {
  const ui = record.userIdentity as Record<string, unknown> | undefined;
  if (!ui || typeof ui !== 'object') return undefined;
  for (const k of ['arn', 'principalId', 'invokedBy', 'type']) {
    const v = ui[k];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return undefined;
}

/** A string field of a record, or undefined when it is missing or not a string. */
export function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const v = record[key];
  return typeof v === 'string' ? v : undefined;
}

function bump(m: Map<string, number>, k: string | undefined, n: number): void {
  const key = k ?? NONE;
  m.set(key, (m.get(key) ?? 0) + n);
}

/** One detection's count. */
export class DetectionTally {
  private readonly periods = new Map<number, number>();
  private matches = 0;
  private first: number | undefined;
  private last: number | undefined;
  private readonly principals = new Map<string, number>();
  private readonly sourceIps = new Map<string, number>();
  private readonly eventNames = new Map<string, number>();

  /** `n` matches in the period starting at `periodStartMs`, matching eventTimes from `firstMs` to `lastMs`. */
  public add(
    periodStartMs: number,
    n: number,
    firstMs: number | undefined,
    lastMs: number | undefined,
    by: { readonly principal?: string; readonly sourceIp?: string; readonly eventName?: string },
  ): void {
    if (n === 0) return;
    this.matches += n;
    this.periods.set(periodStartMs, (this.periods.get(periodStartMs) ?? 0) + n);
    if (firstMs !== undefined && (this.first === undefined || firstMs < this.first)) this.first = firstMs;
    if (lastMs !== undefined && (this.last === undefined || lastMs > this.last)) this.last = lastMs;
    bump(this.principals, by.principal, n);
    bump(this.sourceIps, by.sourceIp, n);
    bump(this.eventNames, by.eventName, n);
  }

  /** One matching record. */
  public addRecord(record: Record<string, unknown>, timeMs: number, periodMs: number): void {
    this.add(Math.floor(timeMs / periodMs) * periodMs, 1, timeMs, timeMs, {
      principal: principalOf(record),
      sourceIp: stringField(record, 'sourceIPAddress'),
      eventName: stringField(record, 'eventName'),
    });
  }

  /**
   * The counts, with the periods re-bucketed into periods of `periodMs` when given (from a finer base period; both
   * aligned to the epoch).
   */
  public counts(id: string, periodMs?: number): DetectionCounts {
    let periods = this.periods;
    if (periodMs !== undefined) {
      periods = new Map<number, number>();
      for (const [p, c] of this.periods) {
        const start = Math.floor(p / periodMs) * periodMs;
        periods.set(start, (periods.get(start) ?? 0) + c);
      }
    }
    return {
      id,
      periods,
      matches: this.matches,
      firstMatchMs: this.first,
      lastMatchMs: this.last,
      breakdown: { principals: this.principals, sourceIps: this.sourceIps, eventNames: this.eventNames },
    };
  }
}
