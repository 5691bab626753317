import { LogFilterPattern } from '../log-filter-pattern';
import { mostSelectiveClause, requiredEventNames, requiredLiterals } from '../pattern';

export interface NamedPattern {
  readonly id: string;
  readonly pattern: LogFilterPattern;
}

/**
 * Many detections evaluated against one parsed record at a time, without waste: detections that can only match
 * certain event names are indexed by event name (one Map lookup instead of one evaluation each), the others are
 * evaluated on every record. Also derives a text prefilter: literals at least one of which must occur in a file
 * for any detection to match it.
 */
export class DetectionSet {
  private readonly byEventName = new Map<string, number[]>();
  private readonly always: number[] = [];
  private readonly clauses: ReadonlyArray<readonly string[]> | undefined;

  constructor(public readonly detections: readonly NamedPattern[]) {
    detections.forEach((d, i) => {
      const names = requiredEventNames(d.pattern._node);
      if (names) {
        for (const n of names) {
          const list = this.byEventName.get(n) ?? [];
          list.push(i);
          this.byEventName.set(n, list);
        }
      } else {
        this.always.push(i);
      }
    });
    // a file can be skipped when no detection's prefilter passes on it
    const perDetection = detections.map((d) => requiredLiterals(d.pattern._node));
    this.clauses = undefined;
    if (detections.length === 1 && perDetection[0]) {
      this.clauses = perDetection[0];
    } else if (detections.length > 1 && perDetection.every((p) => p !== undefined)) {
      // any detection may match: one clause, the union of each detection's most selective clause
      const union = new Set<string>();
      for (const p of perDetection) {
        mostSelectiveClause(p!).forEach((l) => union.add(l));
      }
      this.clauses = [[...union]];
    }
  }

  /** Indexes of the detections that match the record. */
  public matching(record: Record<string, unknown>): number[] {
    const out: number[] = [];
    const name = record.eventName;
    const candidates = typeof name === 'string' ? this.byEventName.get(name) : undefined;
    if (candidates) {
      for (const i of candidates) if (this.detections[i].pattern.matchesEvent(record)) out.push(i);
    }
    for (const i of this.always) if (this.detections[i].pattern.matchesEvent(record)) out.push(i);
    if (candidates && this.always.length > 0 && out.length > 1) out.sort((a, b) => a - b);
    return out;
  }

  /** A cheap test on raw text: false means no detection can match anything in it. Undefined when not derivable. */
  public get prefilter(): ((data: Buffer | string) => boolean) | undefined {
    const clauses = this.clauses;
    if (!clauses) return undefined;
    return (data) => clauses.every((clause) => clause.some((l) => data.includes(l)));
  }
}
