import { InputSource, readCloudTrail, ReadProblem } from '../logs';
import { DetectionSet, NamedPattern } from './detection-set';

export interface SearchOptions {
  /** Only records with eventTime at or after this (epoch ms). */
  readonly fromMs?: number;
  /** Only records with eventTime before this (epoch ms). */
  readonly toMs?: number;
  readonly onFile?: (source: InputSource, records: number) => void;
  /** Where `-` reads from (default: process.stdin). */
  readonly stdin?: NodeJS.ReadableStream;
  /**
   * Worker threads (output order is kept).
   * @default - one per CPU core (at most 4) when there are enough files and no standard input; 1 otherwise
   */
  readonly workers?: number;
}

export interface SearchSummary {
  readonly files: number;
  readonly records: number;
  readonly matches: number;
  readonly skipped: number;
  /** Records ruled out by the literal prefilter without being parsed. */
  readonly prefiltered: number;
  readonly errors: ReadProblem[];
}

/**
 * Where a record falls for --from/--to: `in` the window, `out` of it, or `no-time` when a window is set but the
 * record has no valid eventTime (it cannot be placed, so it is counted). Without a window every record is `in`.
 */
export function timeWindow(record: Record<string, unknown>, w: { fromMs?: number; toMs?: number }): 'in' | 'out' | 'no-time' {
  if (w.fromMs === undefined && w.toMs === undefined) return 'in';
  const t = typeof record.eventTime === 'string' ? Date.parse(record.eventTime) : NaN;
  if (Number.isNaN(t)) return 'no-time';
  return (w.fromMs !== undefined && t < w.fromMs) || (w.toMs !== undefined && t >= w.toMs) ? 'out' : 'in';
}

/**
 * Streams the records that match any of the patterns to `onMatch`, with the ids of the patterns that matched.
 * Files that cannot contain a match (literal prefilter) are not parsed.
 */
export async function runSearch(
  inputs: readonly InputSource[],
  patterns: readonly NamedPattern[],
  onMatch: (record: Record<string, unknown>, ids: string[], source: string) => void,
  options: SearchOptions = {},
): Promise<SearchSummary> {
  const set = new DetectionSet(patterns);
  const errors: ReadProblem[] = [];
  let skipped = 0;
  let matches = 0;
  const noTime = new Map<string, number>();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const parallel = require('./parallel') as typeof import('./parallel');
  const workers = inputs.some((i) => i.path === '-') ? 1 : options.workers ?? parallel.defaultWorkers(inputs);
  let summary: { files: number; records: number; prefiltered: number };
  if (workers > 1) {
    summary = await parallel.searchInWorkers(inputs, patterns, workers, { fromMs: options.fromMs, toMs: options.toMs }, {
      onMatch: (record, ids, source) => {
        matches++;
        onMatch(record, ids, source);
      },
      onProblem: (p) => {
        errors.push(p);
        skipped += p.records;
      },
      onNoTime: (source, count) => noTime.set(source, (noTime.get(source) ?? 0) + count),
      onFile: options.onFile,
    });
  } else {
    summary = await readCloudTrail(inputs, {
      prefilter: set.prefilter,
      onRecord: (record, source) => {
        const place = timeWindow(record, options);
        if (place === 'no-time') noTime.set(source, (noTime.get(source) ?? 0) + 1);
        if (place !== 'in') return;
        const hits = set.matching(record);
        if (hits.length > 0) {
          matches++;
          onMatch(record, hits.map((i) => patterns[i].id), source);
        }
      },
      onProblem: (p) => {
        errors.push(p);
        skipped += p.records;
      },
      onFile: options.onFile,
      stdin: options.stdin,
    });
  }
  for (const [path, count] of noTime) {
    errors.push({ path, message: `${count} record(s) without a valid eventTime`, records: count });
    skipped += count;
  }
  return { files: summary.files, records: summary.records, matches, skipped, prefiltered: summary.prefiltered, errors };
}
