// The messages between the local engine and its worker threads. Both sides import these types, so a message that
// one side sends and the other does not expect is a compile error, not a cast.
import { FileSummary, InputSource, ReadLimits, ReadProblem, ReadSummary } from '../../logs';
import { TimeWindow } from '../engine';
import { CounterState } from './match-counter';

/** A detection as it crosses to a worker: the pattern travels as text and is parsed again there. */
export interface WireDetection {
  readonly id: string;
  readonly pattern: string;
  readonly periodSeconds: number;
}

/** What a worker is given (as `workerData`). */
export interface WorkerJob {
  readonly mode: 'count' | 'search';
  /** This worker's share of the inputs, in input order. */
  readonly files: readonly InputSource[];
  readonly detections: readonly WireDetection[];
  readonly window?: TimeWindow;
  readonly limits?: Partial<ReadLimits>;
}

/** One matching record found by a search worker. */
export interface WireMatch {
  readonly record: Record<string, unknown>;
  /** Indexes into the job's detections. */
  readonly hits: readonly number[];
  readonly line: number;
}

/** Worker to parent. `file` is the index into the job's `files`. */
export type WorkerMessage =
  /** search: a batch of matches of one file, in file order; each batch uses one credit */
  | { readonly type: 'matches'; readonly file: number; readonly matches: readonly WireMatch[] }
  /** a file is finished: its summary and problems (search: and its matches without a valid eventTime) */
  | { readonly type: 'file'; readonly file: number; readonly summary: FileSummary; readonly problems: readonly ReadProblem[]; readonly noTime: number }
  /** all files are finished (count: with the counts) */
  | { readonly type: 'done'; readonly summary: ReadSummary; readonly state?: CounterState }
  | { readonly type: 'failed'; readonly message: string };

/** Parent to worker. */
export type ParentMessage =
  /** search: the parent consumed batches; the worker may send that many more */
  | { readonly type: 'credit'; readonly batches: number }
  /** stop reading (the consumer went away) */
  | { readonly type: 'stop' };

/** Batches of matches a search worker may send before the parent consumes them (bounds memory). */
export const INITIAL_CREDIT = 4;
/** A search worker sends its matches when it has this many (or at the end of each chunk and file). */
export const BATCH_SIZE = 256;
