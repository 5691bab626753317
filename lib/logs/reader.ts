import * as fs from 'fs';
import { Readable } from 'stream';
import { promisify } from 'util';
import * as zlib from 'zlib';
import { InputSource } from './inputs';

/** A problem with part of the input; the run goes on and counts it. */
export interface ReadProblem {
  readonly path: string;
  /** 1-based line for NDJSON inputs. */
  readonly line?: number;
  readonly message: string;
  /** Records lost to this problem (0 when unknown, e.g. a corrupt gzip). */
  readonly records: number;
}

export interface ReaderCallbacks {
  /**
   * Called with the decompressed text of a whole-file input before it is parsed. Return false to skip parsing
   * because nothing in it can match (the records are still counted, from a cheap count of "eventVersion").
   */
  readonly prefilter?: (data: Buffer | string) => boolean;
  /** One CloudTrail record. */
  readonly onRecord: (record: Record<string, unknown>, source: string) => void;
  /** A file finished: records read from it, bytes read. */
  readonly onFile?: (source: InputSource, records: number) => void;
  readonly onProblem: (problem: ReadProblem) => void;
  /** Where `-` reads from (default: process.stdin). */
  readonly stdin?: NodeJS.ReadableStream;
}

export interface ReadSummary {
  readonly files: number;
  readonly records: number;
  /** Records counted without being parsed, because the prefilter ruled the file out. */
  readonly prefiltered: number;
}

// the callback API reads a file of known size in one call; fs.promises.readFile reads in chunks and is slower here
const readFileAsync = promisify(fs.readFile);
/** The start of a whole-document input: CloudTrail's `{"Records":[...]}` or filter-log-events' `{"events":[...]}`. */
const DELIVERY_HEAD = /^\s*\{\s*"(Records|events)"\s*:/;
const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
/** Files up to this size are read whole (delivery format needs it); bigger NDJSON files are streamed. */
const WHOLE_FILE_LIMIT = 256 * 1024 * 1024;

/**
 * Reads CloudTrail records from files and standard input:
 * - CloudTrail's S3 delivery format `{"Records":[...]}`, plain or gzipped;
 * - newline-delimited records (one record object per line), plain or gzipped, including CloudWatch Logs exports
 *   (`<timestamp> <record>` per line) and `aws logs filter-log-events` output (`{"events":[{"message": ...}]}`, or one
 *   `{"message": ...}` event per line).
 * Memory stays bounded by the largest whole file: files are processed one at a time, the next one is read and
 * decompressed (on the thread pool) while the current one is parsed.
 */
export async function readCloudTrail(inputs: readonly InputSource[], cb: ReaderCallbacks): Promise<ReadSummary> {
  let records = 0;
  let prefiltered = 0;
  let files = 0;
  const load = (src: InputSource) => (src.path === '-' || src.size > WHOLE_FILE_LIMIT ? undefined : loadWhole(src.path));
  let next = inputs.length > 0 ? load(inputs[0]) : undefined;
  for (let i = 0; i < inputs.length; i++) {
    const src = inputs[i];
    const current = next;
    next = i + 1 < inputs.length ? load(inputs[i + 1]) : undefined;
    // avoid unhandled rejections of the prefetch while this file is processed
    next?.catch(() => undefined);
    files++;
    let n = 0;
    if (current === undefined) {
      n = await streamLines(src, cb);
    } else {
      let data: Buffer;
      try {
        data = await current;
      } catch (e) {
        cb.onProblem({ path: src.path, message: describeReadError(e), records: 0 });
        cb.onFile?.(src, 0);
        continue;
      }
      // rule a delivery file out on its bytes, before decoding it to a string
      if (cb.prefilter && isDeliveryDocument(data) && !cb.prefilter(data)) {
        const count = countOccurrences(data, '"eventVersion"');
        records += count;
        prefiltered += count;
        cb.onFile?.(src, count);
        continue;
      }
      const r = parseWholeText(data.toString('utf8'), src.path, cb);
      n = r.records;
      prefiltered += r.prefiltered;
    }
    records += n;
    cb.onFile?.(src, n);
  }
  return { files, records, prefiltered };
}

async function loadWhole(file: string): Promise<Buffer> {
  const buf = await readFileAsync(file);
  if (buf.length >= 2 && buf[0] === GZIP_MAGIC_0 && buf[1] === GZIP_MAGIC_1) {
    return new Promise<Buffer>((resolve, reject) => zlib.gunzip(buf, (err, res) => (err ? reject(err) : resolve(res))));
  }
  if (/\.gz$/i.test(file)) throw new Error('not a gzip file (no gzip header) although the name ends in .gz');
  return buf;
}

function isDeliveryDocument(data: Buffer): boolean {
  return DELIVERY_HEAD.test(data.subarray(0, 64).toString('latin1'));
}

function describeReadError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'Z_BUF_ERROR' || err.code === 'Z_DATA_ERROR') return `corrupt or truncated gzip data (${err.message})`;
  return err.message ?? String(e);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Handles a whole decompressed file: delivery format, filter-log-events output, or NDJSON. */
function parseWholeText(text: string, path: string, cb: ReaderCallbacks): { records: number; prefiltered: number } {
  const start = firstNonBlank(text);
  if (start < 0) {
    cb.onProblem({ path, message: 'empty file', records: 0 });
    return { records: 0, prefiltered: 0 };
  }
  const looksWhole = DELIVERY_HEAD.test(text.slice(start, start + 64));
  if (looksWhole) {
    if (cb.prefilter && !cb.prefilter(text)) {
      const count = countOccurrences(text, '"eventVersion"');
      return { records: count, prefiltered: count };
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      cb.onProblem({ path, message: `not valid JSON (${(e as Error).message})`, records: 0 });
      return { records: 0, prefiltered: 0 };
    }
    return { records: fromDocument(doc, path, cb), prefiltered: 0 };
  }
  // NDJSON (one record, export line or event per line)
  let n = 0;
  let lineNo = 0;
  let pos = 0;
  while (pos <= text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    lineNo++;
    const line = text.slice(pos, nl);
    pos = nl + 1;
    if (line.trim().length === 0) continue;
    n += handleLine(line, path, lineNo, cb);
  }
  return { records: n, prefiltered: 0 };
}

function fromDocument(doc: unknown, path: string, cb: ReaderCallbacks): number {
  if (isRecord(doc) && Array.isArray(doc.Records)) {
    let n = 0;
    for (const r of doc.Records) {
      if (isRecord(r)) {
        cb.onRecord(r, path);
        n++;
      } else {
        cb.onProblem({ path, message: 'an entry of "Records" is not a JSON object', records: 1 });
      }
    }
    return n;
  }
  if (isRecord(doc) && Array.isArray(doc.events)) {
    let n = 0;
    doc.events.forEach((ev: unknown, i: number) => {
      const rec = isRecord(ev) && typeof ev.message === 'string' ? tryParse(ev.message) : undefined;
      if (rec) {
        cb.onRecord(rec, path);
        n++;
      } else {
        cb.onProblem({ path, message: `events[${i}].message is not a CloudTrail record`, records: 1 });
      }
    });
    return n;
  }
  cb.onProblem({ path, message: 'not CloudTrail JSON: expected {"Records":[...]} or one record per line', records: 0 });
  return 0;
}

function looksLikeCloudTrail(rec: Record<string, unknown>): boolean {
  return typeof rec.eventVersion === 'string' || typeof rec.eventName === 'string' || typeof rec.eventSource === 'string';
}

function tryParse(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return isRecord(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** One NDJSON line: a record, a `{"message": "<record>"}` event, or `<timestamp> <record>` (CloudWatch Logs export). */
function handleLine(line: string, path: string, lineNo: number, cb: ReaderCallbacks): number {
  let rec: Record<string, unknown> | undefined;
  const brace = line.indexOf('{');
  if (brace === 0 || (brace > 0 && line.slice(0, brace).trim() === '')) {
    rec = tryParse(line);
    if (rec && typeof rec.message === 'string' && rec.eventVersion === undefined) rec = tryParse(rec.message);
  } else if (brace > 0 && /^\d{4}-\d{2}-\d{2}T[^\s]+\s+$/.test(line.slice(0, brace))) {
    rec = tryParse(line.slice(brace));
  }
  if (!rec) {
    cb.onProblem({ path, line: lineNo, message: 'not a CloudTrail record (expected one JSON record per line)', records: 1 });
    return 0;
  }
  if (Array.isArray(rec.Records)) return fromDocument(rec, path, cb);
  if (!looksLikeCloudTrail(rec)) {
    cb.onProblem({ path, line: lineNo, message: 'not a CloudTrail record (no eventVersion, eventName or eventSource)', records: 1 });
    return 0;
  }
  cb.onRecord(rec, path);
  return 1;
}

async function streamLines(src: InputSource, cb: ReaderCallbacks): Promise<number> {
  let input: Readable = src.path === '-' ? ((cb.stdin ?? process.stdin) as Readable) : fs.createReadStream(src.path);
  if (src.path !== '-' && /\.gz$/i.test(src.path)) input = input.pipe(zlib.createGunzip());
  return streamFrom(input, src.path, cb);
}

/** Streams NDJSON (or a whole small document) from a readable. Exposed for standard input in tests. */
export async function streamFrom(input: NodeJS.ReadableStream, path: string, cb: ReaderCallbacks): Promise<number> {
  // sniff the first bytes: gzip or a whole JSON document must be read whole
  const chunks: Buffer[] = [];
  let total = 0;
  let mode: 'unknown' | 'whole' | 'lines' = 'unknown';
  let n = 0;
  let lineNo = 0;
  let carry = '';
  const feedLines = (text: string, final: boolean) => {
    const data = carry + text;
    const lines = data.split('\n');
    carry = final ? '' : lines.pop()!;
    for (const line of lines) {
      lineNo++;
      if (line.trim().length > 0) n += handleLine(line, path, lineNo, cb);
    }
  };
  try {
    for await (const chunk of input) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      if (mode === 'unknown') {
        chunks.push(buf);
        total += buf.length;
        const head = Buffer.concat(chunks);
        if (head.length >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1) {mode = 'whole';} else if (total >= 64 || head.includes(0x0a)) {
          const text = head.toString('utf8');
          mode = DELIVERY_HEAD.test(text) ? 'whole' : 'lines';
          if (mode === 'lines') {
            chunks.length = 0;
            feedLines(text, false);
          }
        }
        continue;
      }
      if (mode === 'whole') chunks.push(buf);
      else feedLines(buf.toString('utf8'), false);
    }
  } catch (e) {
    cb.onProblem({ path, message: describeReadError(e), records: 0 });
    return n;
  }
  if (mode === 'lines') {
    feedLines('', true);
    return n;
  }
  let buf = Buffer.concat(chunks);
  if (buf.length >= 2 && buf[0] === GZIP_MAGIC_0 && buf[1] === GZIP_MAGIC_1) {
    try {
      buf = zlib.gunzipSync(buf);
    } catch (e) {
      cb.onProblem({ path, message: describeReadError(e), records: 0 });
      return 0;
    }
  }
  return parseWholeText(buf.toString('utf8'), path, cb).records;
}

function firstNonBlank(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
  }
  return -1;
}

function countOccurrences(text: string | Buffer, needle: string): number {
  let n = 0;
  let at = text.indexOf(needle);
  while (at >= 0) {
    n++;
    at = text.indexOf(needle, at + needle.length);
  }
  return n;
}

