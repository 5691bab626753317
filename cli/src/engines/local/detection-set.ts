import { requiredEventNames } from 'cdk-cloudtrail-alarms/lib/pattern/literals';
import { EngineDetection } from '../engine';
import { compilePrefilter, setLiterals } from './prefilter';

/** The event names a detection can only match (the index of `DetectionSet`; see `requiredEventNames`). */
export const indexEventNames = requiredEventNames;

/**
 * Many detections evaluated against one parsed record at a time, without waste: detections that can only match
 * certain event names are indexed by name (one Map lookup instead of one evaluation each), the others are evaluated
 * on every record. Also holds the byte prefilter of the whole set (see prefilter.ts).
 */
export class DetectionSet {
  /** A test on a record's raw JSON text: false means no detection can match it. Undefined when none is derivable. */
  public readonly prefilter: ((text: Buffer) => boolean) | undefined;
  private readonly byEventName = new Map<string, number[]>();
  private readonly indexed: number[] = [];
  private readonly always: number[] = [];

  constructor(public readonly detections: readonly Pick<EngineDetection, 'id' | 'pattern'>[]) {
    detections.forEach((d, i) => {
      const names = indexEventNames(d.pattern._node);
      if (!names) {
        this.always.push(i);
        return;
      }
      this.indexed.push(i);
      for (const n of names) {
        const list = this.byEventName.get(n) ?? [];
        list.push(i);
        this.byEventName.set(n, list);
      }
    });
    const clauses = setLiterals(detections.map((d) => d.pattern._node));
    this.prefilter = clauses ? compilePrefilter(clauses) : undefined;
  }

  /** Indexes (in detection order) of the detections that match the record. */
  public matching(record: Record<string, unknown>): number[] {
    const name = record.eventName;
    // an eventName that is not a string (a number compares by its text) cannot be looked up: try every indexed one
    const candidates = typeof name === 'string' ? this.byEventName.get(name) : name === undefined ? undefined : this.indexed;
    const out: number[] = [];
    if (candidates) {
      for (const i of candidates) if (this.detections[i].pattern.matchesEvent(record)) out.push(i);
    }
    for (const i of this.always) if (this.detections[i].pattern.matchesEvent(record)) out.push(i);
    if (out.length > 1 && candidates && this.always.length > 0) out.sort((a, b) => a - b);
    return out;
  }
}
