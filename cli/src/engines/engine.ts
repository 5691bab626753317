// The contract between where detections run (engines/local, engines/athena, engines/cloudwatch-logs) and what is done
// with their answers (backtest/: the alarm simulation and its reports; the search command's output).
//
// An engine is given detections and a time window and answers in one of two ways:
// - `count`: per detection, how many records matched in each alarm period (plus value breakdowns for the reports);
// - `search`: the matching records themselves, in a stable order, as an async iterable (so a slow consumer slows the
//   engine down instead of filling memory).
// Both end with `EngineStats`: what was scanned and every problem met. Engines never format output and never decide
// exit statuses; consumers never know where the data came from.
import { LogFilterPattern } from 'cdk-cloudtrail-alarms/lib/filters/log-filter-pattern';

/** One detection as an engine runs it. */
export interface EngineDetection {
  /** Stable id, echoed in answers (a catalogue `DetectionId`, or `pattern` for an ad-hoc --pattern). */
  readonly id: string;
  /**
   * The filter pattern. `pattern.logPatternString` is the exact text CloudWatch Logs receives, `pattern._node` the
   * AST that compilers (targets/) translate; engines that evaluate locally use `pattern.matchesEvent`.
   */
  readonly pattern: LogFilterPattern;
  /**
   * The alarm period in seconds. `count` buckets matches into periods of this length aligned to the Unix epoch, as
   * CloudWatch aligns metric periods. Not used by `search`.
   */
  readonly periodSeconds: number;
}

/**
 * Which records to consider, by their `eventTime`: from `fromMs` (inclusive) to `toMs` (exclusive), epoch
 * milliseconds. An open end is unbounded. With a window set, a record whose `eventTime` is missing or not a date
 * cannot be placed: `search` reports it as a problem when it would otherwise have matched.
 */
export interface TimeWindow {
  readonly fromMs?: number;
  readonly toMs?: number;
}

/** What to run. */
export interface EngineQuery {
  readonly detections: readonly EngineDetection[];
  readonly window?: TimeWindow;
}

/** Where a record came from, precise enough for a person to find it again. */
export interface RecordLocation {
  /** A file path, an `s3://bucket/key` URI, a `log-group/log-stream` name, or `-` for standard input. */
  readonly source: string;
  /** 1-based line in the source, where the engine knows it. */
  readonly line?: number;
}

/**
 * A problem with part of the data. The run goes on; the consumer reports it (a problem means data was lost, so the
 * CLI exits 4). Files deliberately not read (CloudTrail digest and Insights files, other objects) are not problems:
 * they are counted in `EngineStats.ignored`.
 */
export interface EngineProblem {
  /** The source, as in `RecordLocation.source`. */
  readonly path: string;
  /** 1-based line, where known. */
  readonly line?: number;
  /** What is wrong, in words a user can act on. */
  readonly message: string;
  /** Records lost to this problem (0 when they cannot be counted, e.g. in a corrupt gzip stream). */
  readonly records: number;
}

/** What a run scanned, and what went wrong. All counts are exact. */
export interface EngineStats {
  /** Records read: parsed, plus those ruled out without parsing (`recordsRuledOut`). */
  readonly records: number;
  /** Bytes scanned (decompressed bytes for local files; Athena's DataScannedInBytes). */
  readonly bytesScanned: number;
  /** Sources read (files, S3 objects, log streams). */
  readonly sources: number;
  /** Records counted but never parsed, because a prefilter proved no detection could match them. */
  readonly recordsRuledOut: number;
  /** Sources in which every record was ruled out unparsed. */
  readonly sourcesRuledOut: number;
  /** Sources deliberately not read, by reason (e.g. `CloudTrail digest file`). Not problems. */
  readonly ignored: ReadonlyArray<{ readonly path: string; readonly reason: string }>;
  /** Every problem, in input order. */
  readonly problems: readonly EngineProblem[];
  /** Earliest and latest valid `eventTime` of all records read (not only matches), epoch ms. */
  readonly earliestEventMs?: number;
  readonly latestEventMs?: number;
}

/** Value breakdowns of one detection's matches, for the reports (all values and their counts, not only the top). */
export interface MatchBreakdown {
  /** `userIdentity.arn`, else `principalId`, `invokedBy`, `type`; `(none)` when absent. */
  readonly principals: ReadonlyMap<string, number>;
  /** `sourceIPAddress`; `(none)` when absent. */
  readonly sourceIps: ReadonlyMap<string, number>;
  /** `eventName`; `(none)` when absent. */
  readonly eventNames: ReadonlyMap<string, number>;
}

/** `count`'s answer for one detection. */
export interface DetectionCounts {
  readonly id: string;
  /** Matches per period: period start (epoch ms, a multiple of `periodSeconds * 1000`) to count. No zero entries. */
  readonly periods: ReadonlyMap<number, number>;
  /** Total matches (the sum of `periods`). */
  readonly matches: number;
  /** Earliest and latest matching `eventTime`, epoch ms. */
  readonly firstMatchMs?: number;
  readonly lastMatchMs?: number;
  readonly breakdown: MatchBreakdown;
}

/** `count`'s answer. `detections` is in query order. */
export interface CountResult {
  readonly detections: readonly DetectionCounts[];
  readonly stats: EngineStats;
}

/** One matching record with the ids (in query order) of the detections that matched it. */
export interface MatchedRecord {
  readonly record: Record<string, unknown>;
  readonly detectionIds: readonly string[];
  readonly location: RecordLocation;
}

/**
 * `search`'s answer: iterate `records` (in a stable order: the same input gives the same order), then await `stats`.
 * Breaking out of the iteration stops the engine and releases its resources; `stats` then covers what was read.
 */
export interface SearchRun {
  readonly records: AsyncIterable<MatchedRecord>;
  stats(): Promise<EngineStats>;
}

/** Where detections run. Implemented by the local engine (files), Athena and CloudWatch Logs. */
export interface Engine {
  /** Short name for messages and `--engine` (e.g. `local`, `athena`, `cloudwatch-logs`). */
  readonly name: string;
  /**
   * Counts matches per detection and period over the window. Records without a valid `eventTime` cannot be placed
   * in a period: they are reported as one problem per source ("N record(s) without a valid eventTime").
   */
  count(query: EngineQuery): Promise<CountResult>;
  /** Streams the matching records. */
  search(query: EngineQuery): SearchRun;
}
