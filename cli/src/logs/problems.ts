/** A problem with part of the input; the run goes on and counts it. (Same shape as `EngineProblem`.) */
export interface ReadProblem {
  /** The file, or `-` for standard input. */
  readonly path: string;
  /** 1-based line where the problem is (for a record: the line its text starts on). */
  readonly line?: number;
  readonly message: string;
  /** Records lost to this problem (0 when they cannot be counted, e.g. the rest of a corrupt gzip stream). */
  readonly records: number;
}

/** Limits that keep one hostile or broken file from exhausting memory; each has a CLI flag. */
export interface ReadLimits {
  /**
   * Largest decompressed size of a file that is not newline-delimited (a delivery document, lookup-events output).
   * Beyond it the rest of the file is reported and not read. Newline-delimited files have no size limit.
   * @default 1 GiB (`--max-file-size`)
   */
  readonly maxFileSize: number;
  /** Largest record, in bytes of JSON text. @default 8 MiB (`--max-record-size`) */
  readonly maxRecordSize: number;
  /** Deepest nesting of objects and arrays in one record (the record itself is depth 1). @default 100 (`--max-depth`) */
  readonly maxDepth: number;
}

export const DEFAULT_LIMITS: ReadLimits = {
  maxFileSize: 1024 * 1024 * 1024,
  maxRecordSize: 8 * 1024 * 1024,
  maxDepth: 100,
};
