// A streaming structural scanner over the decompressed bytes of one input. It finds where each record's JSON text
// begins and ends without parsing it, chunk by chunk, in one linear pass with bounded memory:
// - newline-delimited records (NDJSON), CloudWatch Logs export lines (`<ISO timestamp> <record>`), and
//   `{"message": "<record>"}` events;
// - documents holding records in an array: CloudTrail's `{"Records":[...]}`, lookup-events' `{"Events":[...]}`,
//   filter-log-events' `{"events":[...]}`, and a bare array (`--query Events`, `jq .Records`);
// - any number of such documents one after another (concatenated delivery files).
// It checks structure (strings, escapes, brackets, keys, the bytes allowed between tokens), nesting depth and record
// size, and classifies each record by its top-level keys, so that a caller can count and vet records it never parses
// (the search prefilter) with the same verdicts as for the records it parses.
import { ReadLimits } from './problems';

/** What a record's top-level keys say it is. */
export type ItemShape =
  /** a CloudTrail record (has a string eventVersion, eventName or eventSource) */
  | 'record'
  /** a lookup-events event: the record is the string `CloudTrailEvent` */
  | 'lookup-event'
  /** a CloudWatch Logs event: the record is the string `message` */
  | 'log-event'
  /** a JSON object that is none of these */
  | 'not-record'
  /** the scanner cannot tell (a top-level key written with escapes): parse to decide */
  | 'unknown';

/** One record's text, found by the scanner. */
export interface ScannedItem {
  /** The JSON text (a view into the input chunk when the record lies in one chunk). */
  readonly bytes: Buffer;
  /** 1-based line where the record starts. */
  readonly line: number;
  readonly shape: ItemShape;
  /**
   * True when a string in the record uses an escape for an ASCII character (`\/`, `\u0041`, `\u000a`) or a
   * surrogate, so that its raw text and its JSON.stringify text may differ in ASCII characters.
   */
  readonly asciiEscapes: boolean;
  /** The array the record came from (`Records`, `Events`, `events`, `[]` for a bare array), or undefined for a line. */
  readonly container?: string;
  /** Set when the object has a `Records` (`Events`, `events`) key whose value is not an array. */
  readonly recordsNotArray?: string;
}

export interface ScanSink {
  item(item: ScannedItem): void;
  /** A problem; `records` is the number of records it cost (0 when unknown). */
  problem(line: number | undefined, message: string, records: number): void;
}

const OBJ = 1;
const ARR = 2;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LF = 0x0a;

/** Watched top-level keys of a record (and of a document that may turn out to be a wrapper). */
const WATCHED: Record<string, number> = {
  eventVersion: 1,
  eventName: 2,
  eventSource: 3,
  message: 4,
  CloudTrailEvent: 5,
  Records: 6,
  Events: 7,
  events: 8,
};
const WATCHED_BY_BYTES = new Map<string, number>(Object.entries(WATCHED));
const WRAPPER_NAMES = ['', '', '', '', '', '', 'Records', 'Events', 'events'];
const KEY_CAP = 16;
/** Bytes a line prefix (CloudWatch Logs export timestamp) may take before its `{`. */
const PREFIX_CAP = 48;
const EXPORT_PREFIX = /^\d{4}-\d{2}-\d{2}T\S+\s+$/;
/** Give up on a file whose first lines hold no record at all. */
const MAX_LEADING_BAD_LINES = 100;

/** Bytes allowed between tokens: whitespace, structure, and the characters of numbers, true, false, null. */
const BETWEEN = new Uint8Array(256);
for (const c of ' \t\r\n{}[]:,"0123456789-+.eEtrufalsn') BETWEEN[c.charCodeAt(0)] = 1;
/** Bytes that continue a number or a literal. */
const SCALAR = new Uint8Array(256);
for (const c of '0123456789-+.eEtrufalsn') SCALAR[c.charCodeAt(0)] = 1;

export class RecordScanner {
  /** Decompressed bytes seen. */
  public bytes = 0;
  /** Records found (items emitted plus items lost to per-record problems). */
  public records = 0;
  /** True once the scanner gave up on the input (the rest is not read). */
  public stopped = false;

  private line = 1;
  private depth = 0;
  private readonly stack: Uint8Array;
  private inStr = false;
  private esc = 0; // 0: none, 1: after '\', 2..5: hex digits still expected + 1
  private hex = 0;
  private expectKey = false;
  private skipLine = false;
  private started = false; // a non-blank byte was seen
  /** 0 unknown, 1 newline-delimited (one value per line), 2 documents spanning lines */
  private linesMode = 0;
  private topLine = 0; // line where the current top-level value began
  private lastEndLine = 0; // line where the last top-level value ended
  private inScalar = false; // inside a number or true/false/null
  private leadingBad = 0;
  private good = 0;

  // line prefix (export timestamp)
  private inPrefix = false;
  private prefix = '';

  // where items start: the depth of the container holding them (0: top-level values), -1: none
  private itemAt = 0;
  private wrapper = ''; // name of the array holding items, '' at top level
  private inWrapper = false;

  // the current item
  private inItem = false;
  private itemDepth = 0;
  private itemLine = 0;
  private itemParts: Buffer[] = [];
  private itemStart = 0; // offset of the item's first byte in the current chunk
  private itemSize = 0; // bytes in itemParts
  private itemTooDeep = false;
  private itemOversize = false;
  private itemEscapes = false;
  private itemUncertain = false;
  private readonly watch = new Uint8Array(9); // per watched key: 0 absent, 1 string value, 2 other value
  private pending = 0; // watched key whose value comes next
  private wrapperNotArray = '';

  // key capture
  private capturing = false;
  private readonly key = new Uint8Array(KEY_CAP);
  private keyLen = 0;
  private keyEscaped = false;

  constructor(private readonly limits: ReadLimits, private readonly sink: ScanSink) {
    this.stack = new Uint8Array(limits.maxDepth + 8);
  }

  /** Scans the next chunk. Returns false when the scanner gave up on the input (stop reading it). */
  public push(chunk: Buffer): boolean {
    if (this.stopped) return false;
    this.bytes += chunk.length;
    if (this.linesMode !== 1 && this.bytes > this.limits.maxFileSize) {
      this.fatal(
        `larger than --max-file-size (${this.limits.maxFileSize} bytes decompressed) and not one record per line; the rest of the file is not read`,
      );
      return false;
    }
    this.itemStart = 0;
    const n = chunk.length;
    const stack = this.stack;
    let i = 0;
    while (i < n) {
      let c = chunk[i];
      if (this.inStr) {
        if (this.esc === 0 && !this.capturing) {
          // fast path through the body of a string, and its end
          while (c !== QUOTE && c !== BACKSLASH && c >= 0x20) {
            if (++i >= n) break;
            c = chunk[i];
          }
          if (i >= n) break;
          if (c === QUOTE) {
            this.inStr = false;
            i++;
            continue;
          }
        }
        this.stringByte(c, chunk, i);
      } else if (this.skipLine) {
        const nl = chunk.indexOf(LF, i);
        if (nl < 0) break;
        this.skipLine = false;
        this.line++;
        i = nl;
      } else if (this.inPrefix) {
        this.prefixByte(c, chunk, i);
      } else if (c === 0x20 || c === 0x09 || c === 0x0d) {
        // a run of blanks (pretty-printed JSON, or padding)
        this.inScalar = false;
        while (i + 1 < n && (chunk[i + 1] === 0x20 || chunk[i + 1] === 0x09 || chunk[i + 1] === 0x0d)) i++;
      } else if (c === 0x3a /* : */ && this.depth > 0 && this.depth <= stack.length && stack[this.depth - 1] === OBJ) {
        this.expectKey = false;
        this.inScalar = false;
      } else if (c === 0x2c /* , */ && this.depth > 0 && this.depth <= stack.length) {
        this.pending = 0;
        this.inScalar = false;
        if (stack[this.depth - 1] === OBJ) this.expectKey = true;
      } else if (c === QUOTE && !this.expectKey && this.pending === 0 && this.depth > this.itemAt && this.inItem) {
        // a string value inside a record (the common case)
        this.inStr = true;
      } else {
        this.structureByte(c, chunk, i);
      }
      if (this.stopped) break;
      i++;
    }
    if (this.inItem && !this.stopped) {
      this.keepItemPart(chunk.subarray(this.itemStart));
    }
    return !this.stopped;
  }

  /** The input ended. */
  public end(): void {
    if (this.stopped) return;
    if (this.inPrefix) {
      this.lineProblem('not a CloudTrail record (expected one JSON record per line)', 1);
      return;
    }
    if (this.inStr || this.depth > 0) {
      if (this.inWrapper || (this.linesMode === 2 && this.topLine !== this.line)) {
        this.sink.problem(
          this.line,
          `truncated: the input ends inside ${this.inWrapper ? `"${this.wrapper}"` : 'a JSON value'} (${this.records} record(s) read before)`,
          0,
        );
      } else {
        this.sink.problem(this.topLine, 'incomplete record at the end of the input (truncated?)', 1);
        this.records++;
      }
      this.reset();
      return;
    }
    if (!this.started) this.sink.problem(undefined, 'empty file', 0);
  }

  // ------------------------------------------------------------------ bytes

  private stringByte(c: number, chunk: Buffer, i: number): void {
    if (this.esc === 1) {
      this.esc = 0;
      if (c === 0x75 /* u */) {
        this.esc = 5;
        this.hex = 0;
      } else if (c === 0x2f /* / */) {
        this.itemEscapes = true;
      } else if (!(c === QUOTE || c === BACKSLASH || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74)) {
        this.error(`invalid escape '\\${String.fromCharCode(c)}' in a string`, chunk, i);
        return;
      }
      if (this.capturing) this.keyEscaped = true;
      return;
    }
    if (this.esc > 1) {
      const v = hexValue(c);
      if (v < 0) {
        this.error('invalid \\u escape in a string', chunk, i);
        return;
      }
      this.hex = this.hex * 16 + v;
      this.esc--;
      if (this.esc === 1) {
        this.esc = 0;
        const h = this.hex;
        if ((h < 0x80 && h !== QUOTE && h !== BACKSLASH) || (h >= 0xd800 && h <= 0xdfff)) this.itemEscapes = true;
      }
      return;
    }
    if (c === QUOTE) {
      this.inStr = false;
      if (this.capturing) this.endKey();
      return;
    }
    if (c === BACKSLASH) {
      this.esc = 1;
      return;
    }
    if (c < 0x20) {
      if (c === LF) {
        this.error('a line ends inside a string', chunk, i);
      } else {
        this.error(`control character 0x${c.toString(16).padStart(2, '0')} inside a string`, chunk, i);
      }
      return;
    }
    if (this.capturing) {
      if (this.keyLen < KEY_CAP) this.key[this.keyLen] = c;
      this.keyLen++;
    }
  }

  private prefixByte(c: number, chunk: Buffer, i: number): void {
    if (c === 0x7b /* { */) {
      this.inPrefix = false;
      if (EXPORT_PREFIX.test(this.prefix)) {
        this.structureByte(c, chunk, i);
      } else {
        this.lineProblem('not a CloudTrail record (expected one JSON record per line)', 1);
      }
      return;
    }
    if (c === LF || this.prefix.length >= PREFIX_CAP) {
      this.inPrefix = false;
      this.lineProblem('not a CloudTrail record (expected one JSON record per line)', 1);
      if (c === LF) {
        // lineProblem skips to the next line; this byte is that line end
        this.skipLine = false;
        this.line++;
      }
      return;
    }
    this.prefix += String.fromCharCode(c);
  }

  private structureByte(c: number, chunk: Buffer, i: number): void {
    if (this.inScalar && SCALAR[c] === 0) this.inScalar = false;
    if (c === 0x20 || c === 0x09 || c === 0x0d) return;
    if (c === LF) {
      if (this.depth > 0 && this.linesMode === 1) {
        this.error('a line ends inside a record', chunk, i);
        return;
      }
      this.line++;
      return;
    }
    if (this.depth === 0) {
      this.topLevelByte(c, chunk, i);
      return;
    }
    if (BETWEEN[c] === 0) {
      this.error(`unexpected ${describeByte(c)}`, chunk, i);
      return;
    }
    const top = this.depth <= this.stack.length ? this.stack[this.depth - 1] : 0;
    switch (c) {
      case 0x7b: // {
      case 0x5b: // [
        if (this.expectKey) {
          this.error('expected a key (a string) in an object', chunk, i);
          return;
        }
        this.valueStart(c, chunk, i);
        this.open(c === 0x7b ? OBJ : ARR);
        return;
      case 0x7d: // }
      case 0x5d: // ]
        if (top !== 0 && top !== (c === 0x7d ? OBJ : ARR)) {
          this.error(`unexpected '${String.fromCharCode(c)}'`, chunk, i);
          return;
        }
        this.pending = 0;
        this.close(chunk, i);
        return;
      case 0x2c: // ,
        this.pending = 0;
        if (top === OBJ) this.expectKey = true;
        return;
      case 0x3a: // :
        if (top !== OBJ) {
          this.error("unexpected ':'", chunk, i);
          return;
        }
        this.expectKey = false;
        return;
      case QUOTE:
        if (this.expectKey) {
          this.expectKey = false;
          this.inStr = true;
          // a top-level key of the item (or of a document that may be a wrapper)
          if (this.inItem && this.depth === this.itemDepth + 1) {
            this.capturing = true;
            this.keyLen = 0;
            this.keyEscaped = false;
          }
          return;
        }
        this.valueStart(c, chunk, i);
        this.inStr = true;
        return;
      default:
        // number, true, false, null: only its first byte starts a value
        if (!this.inScalar) {
          if (this.expectKey) {
            this.error('expected a key (a string) in an object', chunk, i);
            return;
          }
          this.inScalar = true;
          this.valueStart(c, chunk, i);
        }
    }
  }

  private topLevelByte(c: number, chunk: Buffer, i: number): void {
    const first = !this.started;
    this.started = true;
    if (c === 0x7b || c === 0x5b) {
      this.topLine = this.line;
      this.wrapper = '';
      this.inWrapper = false;
      if (c === 0x5b) {
        // a bare array of records (lookup-events --query Events, jq .Records)
        this.itemAt = 1;
        this.wrapper = '[]';
        this.inWrapper = true;
        this.open(ARR);
        return;
      }
      this.itemAt = 0;
      this.valueStart(c, chunk, i);
      this.open(OBJ);
      return;
    }
    if (first && !(c >= 0x30 && c <= 0x39)) {
      this.fatal(`not CloudTrail JSON: the input starts with ${describeByte(c)}, expected '{' or '['`);
      return;
    }
    if (c >= 0x30 && c <= 0x39 && this.prefixAllowed()) {
      this.inPrefix = true;
      this.prefix = String.fromCharCode(c);
      this.topLine = this.line;
      return;
    }
    this.topLine = this.line;
    this.lineProblem('not a CloudTrail record (expected one JSON record per line)', 1);
  }

  /** An export timestamp may only start a line: no value may have ended on this line. */
  private prefixAllowed(): boolean {
    return this.lastEndLine !== this.line;
  }

  private valueStart(c: number, chunk: Buffer, i: number): void {
    if (this.pending !== 0) {
      const w = this.pending;
      this.pending = 0;
      this.watch[w] = c === QUOTE ? 1 : 2;
      const recordKeys = this.watch[1] !== 0 || this.watch[2] !== 0 || this.watch[3] !== 0;
      if (w >= 6 && this.itemAt === 0 && this.depth === 1 && !recordKeys) {
        if (c === 0x5b) {
          // the top-level object is a document holding records: its array's elements are the items
          this.inItem = false;
          this.itemParts = [];
          this.itemSize = 0;
          this.wrapper = WRAPPER_NAMES[w];
          this.inWrapper = true;
          this.itemAt = 2;
          return;
        }
        this.wrapperNotArray = WRAPPER_NAMES[w];
      }
    }
    if (this.inItem || this.depth !== this.itemAt) return;
    if (c !== 0x7b) {
      // an element of a record array that is not an object
      this.sink.problem(this.line, `an entry of ${this.wrapper === '[]' ? 'the array' : `"${this.wrapper}"`} is not a JSON object`, 1);
      this.records++;
      return;
    }
    this.inItem = true;
    this.itemDepth = this.depth;
    this.itemLine = this.line;
    this.itemParts = [];
    this.itemStart = i;
    this.itemSize = 0;
    this.itemTooDeep = false;
    this.itemOversize = false;
    this.itemEscapes = false;
    this.itemUncertain = false;
    this.watch.fill(0);
    this.wrapperNotArray = '';
    void chunk;
  }

  private open(type: number): void {
    if (this.depth < this.stack.length) this.stack[this.depth] = type;
    this.depth++;
    this.expectKey = type === OBJ;
    if (this.inItem && this.depth - this.itemDepth > this.limits.maxDepth) this.itemTooDeep = true;
  }

  private close(chunk: Buffer, i: number): void {
    this.depth--;
    const parent = this.depth > 0 && this.depth <= this.stack.length ? this.stack[this.depth - 1] : 0;
    this.expectKey = false;
    void parent;
    if (this.inItem && this.depth === this.itemDepth) this.endItem(chunk, i + 1);
    if (this.inWrapper && this.itemAt === 2 && this.depth === 1) {
      // the records array of a document closed; the rest of the document is not records
      this.itemAt = -1;
    }
    if (this.depth === 0) {
      if (this.linesMode === 0) this.linesMode = this.topLine === this.line ? 1 : 2;
      this.lastEndLine = this.line;
      this.inWrapper = false;
      this.itemAt = 0;
      this.wrapper = '';
    }
  }

  private endKey(): void {
    this.capturing = false;
    if (this.keyEscaped) {
      this.itemUncertain = true;
      this.pending = 0;
      return;
    }
    if (this.keyLen > KEY_CAP) return;
    let s = '';
    for (let k = 0; k < this.keyLen; k++) s += String.fromCharCode(this.key[k]);
    this.pending = WATCHED_BY_BYTES.get(s) ?? 0;
  }

  private keepItemPart(part: Buffer): void {
    if (this.itemOversize) return;
    this.itemSize += part.length;
    if (this.itemSize > this.limits.maxRecordSize) {
      this.itemOversize = true;
      this.itemParts = [];
      return;
    }
    if (part.length > 0) this.itemParts.push(part);
  }

  private endItem(chunk: Buffer, end: number): void {
    this.inItem = false;
    this.records++;
    const tail = chunk.subarray(this.itemStart, end);
    const size = this.itemSize + tail.length;
    const line = this.itemLine;
    const parts = this.itemParts;
    this.itemParts = [];
    if (this.itemOversize || size > this.limits.maxRecordSize) {
      this.sink.problem(line, `record larger than --max-record-size (${this.limits.maxRecordSize} bytes); not read`, 1);
      return;
    }
    if (this.itemTooDeep) {
      this.sink.problem(line, `record nested deeper than --max-depth (${this.limits.maxDepth}); not read`, 1);
      return;
    }
    const bytes = parts.length === 0 ? tail : Buffer.concat([...parts, tail], size);
    this.good++;
    this.sink.item({
      bytes,
      line,
      shape: this.shape(),
      asciiEscapes: this.itemEscapes,
      container: this.wrapper === '' ? undefined : this.wrapper,
      recordsNotArray: this.wrapperNotArray === '' ? undefined : this.wrapperNotArray,
    });
  }

  private shape(): ItemShape {
    if (this.itemUncertain) return 'unknown';
    const w = this.watch;
    if (w[5] === 1) return 'lookup-event';
    if (w[4] === 1 && w[1] === 0) return 'log-event';
    if (w[1] === 1 || w[2] === 1 || w[3] === 1) return 'record';
    return 'not-record';
  }

  // ------------------------------------------------------------------ problems

  /** A structural error at chunk[i]. */
  private error(what: string, chunk: Buffer, i: number): void {
    void chunk;
    void i;
    const lineOfValue = this.inItem ? this.itemLine : this.topLine;
    const oneLine = this.linesMode === 1 || (this.linesMode === 0 && lineOfValue === this.line && !this.inWrapper);
    if (oneLine && !this.inWrapper) {
      const endsLine = what === 'a line ends inside a string' || what === 'a line ends inside a record';
      this.linesMode = 1;
      this.records++;
      this.sink.problem(lineOfValue, `not a CloudTrail record (${what})`, 1);
      this.leadingBad++;
      this.reset();
      if (endsLine) {
        // the newline at chunk[i] ends this line: continue on the next one
        this.line++;
      } else {
        this.skipLine = true;
      }
      this.checkLeading();
      return;
    }
    this.sink.problem(
      this.line,
      `not valid JSON (${what} at line ${this.line}${this.inWrapper ? `, inside "${this.wrapper}"` : ''}); the rest of the file is not read (${this.records} record(s) read before)`,
      0,
    );
    this.stopped = true;
    this.reset();
  }

  private lineProblem(message: string, records: number): void {
    this.records += records;
    this.sink.problem(this.topLine || this.line, message, records);
    this.leadingBad++;
    this.linesMode = 1;
    this.reset();
    this.skipLine = true;
    this.checkLeading();
  }

  private checkLeading(): void {
    if (this.good === 0 && this.leadingBad >= MAX_LEADING_BAD_LINES) {
      this.fatal(`not CloudTrail: none of the first ${MAX_LEADING_BAD_LINES} lines is a record; the rest of the file is not read`);
    }
  }

  private fatal(message: string): void {
    this.sink.problem(undefined, message, 0);
    this.stopped = true;
    this.reset();
  }

  private reset(): void {
    this.depth = 0;
    this.inStr = false;
    this.esc = 0;
    this.expectKey = false;
    this.inItem = false;
    this.itemParts = [];
    this.capturing = false;
    this.pending = 0;
    this.itemAt = 0;
    this.wrapper = '';
    this.inWrapper = false;
    this.inPrefix = false;
    this.inScalar = false;
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

function describeByte(c: number): string {
  if (c >= 0x21 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}
