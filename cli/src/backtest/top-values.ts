/** A value and how often it occurred. */
export interface ValueCount {
  readonly value: string;
  readonly count: number;
}

/**
 * The `n` most frequent values of a count (ties broken alphabetically, so reports are stable). Ranking only: the
 * counting is done by the engine (`MatchBreakdown`).
 */
export function topValues(counts: ReadonlyMap<string, number>, n: number): ValueCount[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, n)
    .map(([value, count]) => ({ value, count }));
}
