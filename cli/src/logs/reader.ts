import { describeReadError, openInput, OpenedInput, WholeFileOpener } from './decompress';
import { CompiledPlan, DeliveryScan, PickedField, scanDelivery } from './delivery-candidates';
import { countDeliveryRecords, fastPathEligible, parseDelivery } from './delivery-fast-path';
import { InputSource } from './inputs';
import { DEFAULT_LIMITS, ReadLimits, ReadProblem } from './problems';
import { RecordScanner, ScannedItem } from './record-scanner';

/** Where a record was read. */
export interface RecordSource {
  readonly source: string;
  /** 1-based line its text starts on. */
  readonly line: number;
}

export interface ReaderCallbacks {
  /**
   * Given the raw JSON text of one record (as it is in the file, not wrapped in a string), returns false when no
   * detection can match it: the record is then counted as read and ruled out, but not parsed. Only asked about
   * records whose text can be compared byte for byte (no ASCII escapes).
   */
  readonly prefilter?: (text: Buffer) => boolean;
  /**
   * Candidate parsing (delivery-candidates.ts): in a one-line delivery document, a record is parsed only when it
   * may match; the others are counted (as ruled out) and their picked fields handed to `onRuledOut`.
   */
  readonly candidates?: CandidateTest;
  /**
   * A record the candidate test ruled out, as a record object holding only its picked fields (with staging, those
   * decoded: the first fields at least).
   */
  readonly onRuledOut?: (fields: Record<string, unknown>, where: RecordSource) => void;
  /**
   * A record whose matches the candidate test decided from its picked fields (`CandidateTest.decide`), delivered
   * unparsed: a record object holding only its picked fields (detail fields included), and the test's answer.
   */
  readonly onDecided?: (fields: Record<string, unknown>, hits: readonly number[], where: RecordSource) => void;
  /** One CloudTrail record. */
  readonly onRecord: (record: Record<string, unknown>, where: RecordSource) => void;
  /** A file finished. */
  readonly onFile?: (source: InputSource, summary: FileSummary) => void;
  readonly onProblem: (problem: ReadProblem) => void;
  /**
   * Called after each chunk of input (about 1 MiB) is handled; the reader waits for the promise, so a slow consumer
   * of `onRecord` slows the reading down instead of letting records pile up.
   */
  readonly afterChunk?: () => Promise<void> | void;
  /** Stop early (e.g. the output pipe closed): checked between chunks. */
  readonly stopped?: () => boolean;
  /** Where `-` reads from (default: process.stdin). */
  readonly stdin?: NodeJS.ReadableStream;
  readonly limits?: Partial<ReadLimits>;
}

/** Which records to parse, decided from a few of their fields and their raw text. */
export interface CandidateTest {
  /**
   * The fields to pick from each record: paths of one key (`eventName`) or two (`userIdentity.type`). A key may
   * not be both a field and the parent of one.
   */
  readonly fields: ReadonlyArray<readonly string[]>;
  /**
   * Whether the record may match, given a record object holding only its picked fields whose values are plain
   * strings (a field whose value is anything else, or is written with escapes, makes the reader parse the record
   * instead of asking) and the record's raw JSON text (which then escapes no ASCII character but `"` and `\`, the
   * case prefilter.ts proves). False: the record is counted as ruled out, not parsed.
   */
  readonly test: (fields: Record<string, unknown>, text: Buffer) => boolean;
  /**
   * Optional, asked about a record `test` passed (with `fields` now holding `detailFields` as well): what it matches
   * (indexes in the caller's numbering, handed to `onDecided`) when its picked fields decide that exactly; undefined
   * when the record must be parsed.
   */
  readonly decide?: (fields: Record<string, unknown>, text: Buffer) => readonly number[] | undefined;
  /**
   * Optional staging: only these of `fields` are decoded first, and the others only when `needsRest` is true of
   * them; when it is false, `test` reads no other field.
   */
  readonly firstFields?: ReadonlyArray<readonly string[]>;
  readonly needsRest?: (first: Record<string, unknown>) => boolean;
  /** False when neither `test` nor `decide` reads `text` (it is then empty). */
  readonly readsText?: boolean;
  /** Fields picked, besides `fields`, for `decide` and `onDecided` only (the same rules as `fields`). */
  readonly detailFields?: ReadonlyArray<readonly string[]>;
}

/** The fields the reader itself needs to vet a record it does not parse (see looksLikeCloudTrail). */
const VET_FIELDS: ReadonlyArray<readonly string[]> = [['eventVersion'], ['eventName'], ['eventSource']];
/** Top-level keys of a record that wraps another (handled by the parse): such records are always parsed. */
const WRAPPER_KEYS = ['CloudTrailEvent', 'message'];

/** What one file gave. */
export interface FileSummary {
  /** Records read: delivered to onRecord plus ruled out. */
  readonly records: number;
  /** Records the prefilter ruled out (counted, not parsed). */
  readonly ruledOut: number;
  /** Decompressed bytes scanned. */
  readonly bytes: number;
}

export interface ReadSummary {
  readonly files: number;
  readonly records: number;
  /** Records counted without being parsed, because the prefilter ruled them out. */
  readonly prefiltered: number;
  /** Files in which every record was ruled out. */
  readonly filesRuledOut: number;
  readonly bytes: number;
}

/**
 * Reads CloudTrail records from files and standard input, streaming (memory does not grow with a file's size):
 * - CloudTrail's S3 delivery documents `{"Records":[...]}`, plain or gzipped, one or several in a file;
 * - newline-delimited records (one record per line), plain or gzipped, CloudWatch Logs exports (`<timestamp> <record>`
 *   per line) and `aws logs filter-log-events` output (`{"events":[{"message": ...}]}`, or `{"message": ...}` lines);
 * - `aws cloudtrail lookup-events` output (`{"Events":[{"CloudTrailEvent": "<record>", "EventTime": ...}]}`, or the
 *   bare array `--query Events` prints), where `EventTime` fills a missing `eventTime`.
 * Every problem is reported with its path (and line) and the run goes on with the next record or file.
 */
export async function readCloudTrail(inputs: readonly InputSource[], cb: ReaderCallbacks): Promise<ReadSummary> {
  const limits: ReadLimits = { ...DEFAULT_LIMITS, ...cb.limits };
  const total = { files: 0, records: 0, prefiltered: 0, filesRuledOut: 0, bytes: 0 };
  // small local files are opened when their turn comes, into reused memory; other inputs while the one before is read
  const opener = new WholeFileOpener();
  const open = (src: InputSource) => {
    if (opener.handles(src)) return undefined;
    const p = openInput(src, cb.stdin);
    // the next file loads while this one is scanned: keep its failure for when it is used
    p.catch(() => undefined);
    return p;
  };
  const candidates = cb.candidates ? compileCandidates(cb.candidates) : undefined;
  let next = inputs.length > 0 ? open(inputs[0]) : undefined;
  for (let i = 0; i < inputs.length; i++) {
    if (cb.stopped?.()) break;
    const src = inputs[i];
    const current = next ?? (() => opener.open(src));
    next = i + 1 < inputs.length ? open(inputs[i + 1]) : undefined;
    const file = await readOne(src, current, cb, limits, candidates);
    total.files++;
    total.records += file.records;
    total.prefiltered += file.ruledOut;
    total.bytes += file.bytes;
    if (file.records > 0 && file.ruledOut === file.records) total.filesRuledOut++;
    cb.onFile?.(src, file);
  }
  return total;
}

interface Candidates {
  readonly plan: CompiledPlan;
  /** Reused from file to file. */
  readonly scan: DeliveryScan;
  /** The fields decoded for the test (indexes into plan.fields): first those of every record... */
  readonly wanted: readonly number[];
  /** ...then, when the test's needsRest says so, these (empty without staging). */
  readonly rest: readonly number[];
  /** The fields of VET_FIELDS. */
  readonly vet: readonly number[];
  /** The detail fields not among `wanted`, decoded for `decide` (empty without it). */
  readonly detail: readonly number[];
}

function compileCandidates(t: CandidateTest): Candidates {
  const details = t.decide ? t.detailFields ?? [] : [];
  const plan = new CompiledPlan({ paths: [...VET_FIELDS, ...t.fields, ...details], flagKeys: WRAPPER_KEYS });
  // decoded for the test: the test's own fields and their parents
  const asked = (paths: ReadonlyArray<readonly string[]>) => (f: PickedField) =>
    paths.some((p) => p[0] === f.path[0] && (f.parent || (p.length === f.path.length && p[1] === f.path[1])));
  const all = plan.fields.flatMap((f, i) => (asked(t.fields)(f) ? [i] : []));
  const wanted = t.firstFields && t.needsRest ? plan.fields.flatMap((f, i) => (asked(t.firstFields!)(f) ? [i] : [])) : all;
  const rest = all.filter((i) => !wanted.includes(i));
  const detail = plan.fields.flatMap((f, i) => (asked(details)(f) && !all.includes(i) ? [i] : []));
  return { plan, scan: new DeliveryScan(plan.fields.length), wanted, rest, vet: VET_FIELDS.map((p) => plan.indexOf(p)), detail };
}

async function readOne(
  src: InputSource,
  opening: Promise<OpenedInput> | (() => OpenedInput),
  cb: ReaderCallbacks,
  limits: ReadLimits,
  candidates: Candidates | undefined,
): Promise<FileSummary> {
  const records = new RecordHandler(src.path, cb);
  const scanner = new RecordScanner(limits, {
    item: (item) => records.item(item),
    problem: (line, message, n) =>
      cb.onProblem(line === undefined ? { path: src.path, message, records: n } : { path: src.path, line, message, records: n }),
  });
  const summary = () => ({ records: records.delivered + records.ruledOut, ruledOut: records.ruledOut, bytes: scanner.bytes });
  let opened: OpenedInput;
  try {
    opened = typeof opening === 'function' ? opening() : await opening;
  } catch (e) {
    cb.onProblem({ path: src.path, message: describeReadError(e), records: 0 });
    return summary();
  }
  if ('whole' in opened) {
    const buf = opened.whole;
    if (fastPathEligible(buf, limits)) {
      if (candidates) {
        const done = readCandidates(buf, src.path, cb, limits, candidates);
        if (done) {
          await cb.afterChunk?.();
          return done;
        }
      }
      // the common case, without the scanner: the same answer, or undefined/-1 when the scanner must say what is wrong
      if (cb.prefilter && !cb.prefilter(buf)) {
        const n = countDeliveryRecords(buf, limits);
        if (n >= 0) {
          records.ruledOut += n;
          return { records: n, ruledOut: n, bytes: buf.length };
        }
      } else {
        const recs = parseDelivery(buf, limits);
        if (recs) {
          for (const rec of recs) records.deliverParsed(rec, { source: src.path, line: 1 });
          await cb.afterChunk?.();
          return { records: recs.length, ruledOut: 0, bytes: buf.length };
        }
      }
    }
    scanner.push(buf);
    scanner.end();
    await cb.afterChunk?.();
    return summary();
  }
  const it = opened.chunks[Symbol.asyncIterator]();
  try {
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      const more = scanner.push(r.value);
      await cb.afterChunk?.();
      if (!more || cb.stopped?.()) {
        await it.return?.();
        return summary();
      }
    }
  } catch (e) {
    cb.onProblem({ path: src.path, message: `${describeReadError(e)}; ${scanner.records} record(s) read before`, records: 0 });
    return summary();
  }
  scanner.end();
  return summary();
}

/**
 * Candidate parsing of an eligible document (delivery-candidates.ts): the records that may match are parsed, the
 * others counted. Returns undefined, having delivered nothing, when the document is not one the scan vouches for or
 * any record is one the whole-document fast path would refuse; the caller then reads it as before.
 */
function readCandidates(buf: Buffer, path: string, cb: ReaderCallbacks, limits: ReadLimits, c: Candidates): FileSummary | undefined {
  const { plan, scan } = c;
  if (!scanDelivery(buf, limits, plan, scan)) return undefined;
  const test = cb.candidates!.test;
  // (the whole-document prefilter is not asked: three literal searches over the document cost more than the
  // candidate test of every record, which is exact on its own)
  const readsText = cb.candidates!.readsText !== false;
  const needsRest = cb.candidates!.needsRest;
  const n = scan.records;
  // decide and parse everything first: a refusal must come before anything is delivered
  const parsed: Array<Record<string, unknown> | undefined> = new Array(n);
  const picked: Array<Record<string, unknown> | undefined> = new Array(n);
  const decided: Array<readonly number[] | undefined> = new Array(n);
  const decide = cb.onDecided ? cb.candidates!.decide : undefined;
  let ruledOut = 0;
  for (let k = 0; k < n; k++) {
    const start = scan.starts[k];
    const end = scan.ends[k];
    // a record with escapes only where no field watches is asked too, unless the test reads a text that escapes an
    // ASCII character (the scan's file comment)
    if (scan.mustParse[k] === 0 || (scan.escapesOnly[k] === 1 && (!readsText || scan.asciiEscape[k] === 0))) {
      // looksLikeCloudTrail, from the picked spans: a plain string eventVersion, eventName or eventSource (any other
      // value would have made the record mustParse)
      if (!plan.has(scan, k, c.vet[0]) && !plan.has(scan, k, c.vet[1]) && !plan.has(scan, k, c.vet[2])) return undefined;
      const fields = plan.pick(buf, scan, k, c.wanted);
      if (c.rest.length > 0 && needsRest!(fields)) plan.pick(buf, scan, k, c.rest, fields);
      const text = readsText ? buf.subarray(start, end) : NO_TEXT;
      if (!test(fields, text)) {
        picked[k] = fields;
        ruledOut++;
        continue;
      }
      if (decide) {
        const hits = decide(plan.pick(buf, scan, k, c.detail, fields), text);
        if (hits !== undefined) {
          picked[k] = fields;
          decided[k] = hits;
          continue;
        }
      }
    }
    let rec: unknown;
    try {
      rec = JSON.parse(buf.toString('utf8', start, end));
    } catch {
      return undefined;
    }
    if (!isObject(rec) || !looksLikeCloudTrail(rec)) return undefined;
    if (typeof rec.CloudTrailEvent === 'string' || (typeof rec.message === 'string' && rec.eventVersion === undefined)) return undefined;
    parsed[k] = rec;
  }
  const where = { source: path, line: 1 };
  for (let k = 0; k < n; k++) {
    const rec = parsed[k];
    if (rec !== undefined) {
      cb.onRecord(rec, where);
      continue;
    }
    const fields = picked[k];
    if (fields === undefined) continue;
    const hits = decided[k];
    if (hits !== undefined) cb.onDecided!(fields, hits, where);
    else cb.onRuledOut?.(fields, where);
  }
  return { records: n, ruledOut, bytes: buf.length };
}

/** The text handed to a candidate test that reads none. */
const NO_TEXT = Buffer.alloc(0);

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function looksLikeCloudTrail(rec: Record<string, unknown>): boolean {
  return typeof rec.eventVersion === 'string' || typeof rec.eventName === 'string' || typeof rec.eventSource === 'string';
}

/** Turns scanned records into CloudTrail records: prefilter, parse, unwrap events, vet. */
class RecordHandler {
  public delivered = 0;
  public ruledOut = 0;

  constructor(private readonly path: string, private readonly cb: ReaderCallbacks) {}

  public item(item: ScannedItem): void {
    const where = { source: this.path, line: item.line };
    switch (item.shape) {
      case 'record': {
        if (this.cb.prefilter && !item.asciiEscapes && !this.cb.prefilter(item.bytes)) {
          this.ruledOut++;
          return;
        }
        const rec = this.parse(item);
        if (rec !== undefined) this.deliver(rec, where);
        return;
      }
      case 'not-record':
        this.problem(item, notRecordMessage(item));
        return;
      case 'lookup-event':
      case 'log-event':
      case 'unknown': {
        const value = this.parse(item);
        if (value === undefined) return;
        const rec = this.unwrap(value, item);
        if (rec !== undefined) this.deliver(rec, where);
        return;
      }
    }
  }

  public deliverParsed(rec: Record<string, unknown>, where: RecordSource): void {
    this.deliver(rec, where);
  }

  private deliver(rec: Record<string, unknown>, where: RecordSource): void {
    this.delivered++;
    this.cb.onRecord(rec, where);
  }

  private parse(item: ScannedItem): Record<string, unknown> | undefined {
    let v: unknown;
    try {
      v = JSON.parse(item.bytes.toString('utf8'));
    } catch (e) {
      this.problem(item, `not a CloudTrail record (not valid JSON: ${(e as Error).message})`);
      return undefined;
    }
    if (!isObject(v)) {
      this.problem(item, 'not a CloudTrail record (not a JSON object)');
      return undefined;
    }
    return v;
  }

  /** A lookup-events event, a CloudWatch Logs event, or a record whose keys the scanner could not read. */
  private unwrap(value: Record<string, unknown>, item: ScannedItem): Record<string, unknown> | undefined {
    if (typeof value.CloudTrailEvent === 'string') {
      const rec = this.parseInner(value.CloudTrailEvent, item, 'CloudTrailEvent');
      if (rec === undefined) return undefined;
      if (rec.eventTime === undefined && value.EventTime !== undefined) {
        const t = eventTimeFrom(value.EventTime);
        if (t !== undefined) rec.eventTime = t;
      }
      return rec;
    }
    if (typeof value.message === 'string' && value.eventVersion === undefined) {
      return this.parseInner(value.message, item, 'message');
    }
    if (looksLikeCloudTrail(value)) return value;
    this.problem(item, notRecordMessage(item));
    return undefined;
  }

  private parseInner(text: string, item: ScannedItem, field: string): Record<string, unknown> | undefined {
    const depth = nestingDepth(text);
    const limit = this.cb.limits?.maxDepth ?? DEFAULT_LIMITS.maxDepth;
    if (depth > limit) {
      this.problem(item, `record in "${field}" nested deeper than --max-depth (${limit}); not read`);
      return undefined;
    }
    let rec: unknown;
    try {
      rec = JSON.parse(text);
    } catch (e) {
      this.problem(item, `"${field}" is not a CloudTrail record (not valid JSON: ${(e as Error).message})`);
      return undefined;
    }
    if (!isObject(rec) || !looksLikeCloudTrail(rec)) {
      this.problem(item, `"${field}" is not a CloudTrail record (no eventVersion, eventName or eventSource)`);
      return undefined;
    }
    return rec;
  }

  private problem(item: ScannedItem, message: string): void {
    this.cb.onProblem({ path: this.path, line: item.line, message, records: 1 });
  }
}

function notRecordMessage(item: ScannedItem): string {
  if (item.recordsNotArray) return `not CloudTrail JSON: "${item.recordsNotArray}" is not an array`;
  const what = item.container === undefined ? 'not a CloudTrail record' : `an entry of ${item.container === '[]' ? 'the array' : `"${item.container}"`} is not a CloudTrail record`;
  return `${what} (no eventVersion, eventName or eventSource)`;
}

/** lookup-events' EventTime: epoch seconds (CLI v1, the API's JSON) or an ISO 8601 string (CLI v2). */
function eventTimeFrom(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) {
    const d = new Date(v * 1000);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString().replace('.000Z', 'Z');
  }
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return v;
  return undefined;
}

/** Deepest nesting of objects and arrays in JSON text (strings skipped). */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inStr) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inStr = false;
      continue;
    }
    if (c === 0x22) {inStr = true;} else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) {depth--;}
  }
  return max;
}
