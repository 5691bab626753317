/** A value and how often it occurred. */
export interface ValueCount {
  readonly value: string;
  readonly count: number;
}

/** Counts values and returns the most frequent ones (ties broken alphabetically, so output is stable). */
export class TopValues {
  private readonly counts = new Map<string, number>();

  public add(value: string | undefined): void {
    const v = value ?? '(none)';
    this.counts.set(v, (this.counts.get(v) ?? 0) + 1);
  }

  public addCount(value: string, count: number): void {
    this.counts.set(value, (this.counts.get(value) ?? 0) + count);
  }

  public entries(): Array<[string, number]> {
    return [...this.counts.entries()];
  }

  public top(n: number): ValueCount[] {
    return [...this.counts.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, n)
      .map(([value, count]) => ({ value, count }));
  }
}

/** The principal of a CloudTrail record: ARN, else principal id, else identity type. */
export function principalOf(record: Record<string, unknown>): string | undefined {
  const ui = record.userIdentity as Record<string, unknown> | undefined;
  if (!ui || typeof ui !== 'object') return undefined;
  for (const k of ['arn', 'principalId', 'invokedBy', 'type']) {
    const v = ui[k];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return undefined;
}

export function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const v = record[key];
  return typeof v === 'string' ? v : undefined;
}
