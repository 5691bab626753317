// Candidate parsing of a one-line CloudTrail delivery document `{"Records":[...]}` (the common case of
// delivery-fast-path.ts): one pass over the bytes validates the whole document as JSON, finds where each record
// begins and ends, and picks out a few string fields of each record (eventName, eventTime, userIdentity.type, ...)
// without parsing it. The caller then parses only the records that some detection could match (the candidates) and
// counts the others, handing their picked fields on (a backtest needs every record's eventTime).
//
// Why the answer is the one the whole-document parse gives (delivery-fast-path.ts `parseDelivery`):
// - Acceptance. The pass is a JSON grammar check of the whole document (structure, separators, numbers,
//   true/false/null, strings closed and free of raw control characters, escapes well formed: one of \" \\ \/ \b
//   \f \n \r \t, or \u and four hex digits, which JSON.parse accepts unpaired surrogates included; nothing after
//   the document). So a document is accepted only when JSON.parse of the whole document would succeed. Everything
//   unusual is refused (`false`), and the caller takes the existing path, which then says what is wrong exactly as
//   before: another top-level key than "Records", an entry that is not an object, nesting deeper than --max-depth,
//   a key written with escapes in the head, a bad escape, an oversized document (the caller's eligibility check).
// - Boundaries. A record's text is the bytes from its `{` to its matching `}` in the Records array, both ASCII, so
//   JSON.parse of that slice is the same value as the entry of the parsed document (JSON is context-free, and UTF-8
//   decoding never joins bytes across an ASCII byte).
// - Picked fields. A key or string without escapes is its own text, so a key compares byte for byte and a string
//   field's value is the UTF-8 decoding of its bytes. A picked field is reported only when its value is such a plain
//   string; when it is anything else (a number, null, an object, a string with escapes), when a watched key occurs
//   twice in one object (JSON.parse keeps the last), when a wrapper key (`message`, `CloudTrailEvent`) is there, or
//   when a key that could be watched (at the record's top level, or in a watched parent) is written with escapes,
//   the record is flagged `mustParse` and nothing is inferred from its bytes. Escapes anywhere else (in a value no
//   field watches, in a deeper key) change nothing that is picked: a record whose only escapes are such is flagged
//   `mustParse` and `escapesOnly`, and its picked fields are valid. A watched parent
//   (`userIdentity` of `userIdentity.type`) is reported as an object holding its picked children, or as null when
//   its value is not an object: below a non-object every path is missing, for null as for the value.
// - Escaped ASCII. A record whose text escapes an ASCII character other than `"` and `\` (`\/`, `\u0041`) is
//   flagged `asciiEscape`: its raw text may then lack a literal its value holds (prefilter.ts), so a test that reads
//   the text must not be asked about it. `\"` and `\\` are written the same way by JSON.stringify, and other
//   escapes stand for characters no literal holds.
import { ReadLimits } from './problems';

/** Which fields to pick: paths of one key (`eventName`) or two (`userIdentity.type`). */
export interface FieldPlan {
  readonly paths: ReadonlyArray<readonly string[]>;
  /** Top-level keys whose presence alone makes a record `mustParse` (the wrappers `CloudTrailEvent`, `message`). */
  readonly flagKeys?: readonly string[];
}

const LEAF = 1;
const PARENT = 2;
const FLAG = 3;

interface KeyEntry {
  readonly bytes: Uint8Array;
  readonly kind: number;
  /** LEAF: the field of its value; PARENT: the field marking its presence (and the index of its children). */
  readonly index: number;
  /** PARENT: index into `children`. */
  readonly parent: number;
  /** Bit in the record's (or parent object's) seen mask. */
  bit: number;
  /** Its presence alone makes the record `mustParse`. */
  flag: boolean;
}

/** A picked field: a string value at `path`, or (parent) the presence of an object at `path`. */
export interface PickedField {
  readonly path: readonly string[];
  readonly parent: boolean;
}

/** A compiled FieldPlan. */
export class CompiledPlan {
  /** Fields by index; parents come before their children. */
  public readonly fields: readonly PickedField[];
  /** Top-level keys by length. */
  public readonly top: Array<KeyEntry[] | undefined> = [];
  /** Per parent: its child keys by length. */
  public readonly children: Array<Array<KeyEntry[] | undefined>> = [];
  /** Recently decoded values per field (event names, types and sources repeat): bytes and string, by a hash. */
  private readonly interned: Array<Map<number, { bytes: Buffer; text: string }>> = [];
  /** Per field: misses after its cache filled up, and 1 once the cache is not used for it any more. */
  private readonly misses: Uint32Array;
  private readonly uncached: Uint8Array;

  constructor(plan: FieldPlan) {
    const fields: PickedField[] = [];
    const topEntries: KeyEntry[] = [];
    const childEntries: KeyEntry[][] = [];
    const ascii = (k: string) => {
      if (!/^[\x20-\x7e]+$/.test(k) || k.includes('"') || k.includes('\\') || k === '__proto__') {
        throw new Error(`internal: field key ${JSON.stringify(k)} cannot be compared byte for byte`);
      }
      return Buffer.from(k, 'latin1');
    };
    const name = (e: KeyEntry) => Buffer.from(e.bytes).toString('latin1');
    const leaves = new Set(plan.paths.filter((p) => p.length === 1).map((p) => p[0]));
    for (const p of plan.paths) {
      if (p.length === 1) {
        if (topEntries.some((e) => name(e) === p[0])) continue;
        topEntries.push({ bytes: ascii(p[0]), kind: LEAF, index: fields.length, parent: -1, bit: 0, flag: false });
        fields.push({ path: [p[0]], parent: false });
      } else if (p.length === 2) {
        if (leaves.has(p[0])) throw new Error(`internal: ${p[0]} is watched both as a field and as a parent`);
        let entry = topEntries.find((e) => name(e) === p[0]);
        if (entry === undefined) {
          entry = { bytes: ascii(p[0]), kind: PARENT, index: fields.length, parent: childEntries.length, bit: 0, flag: false };
          fields.push({ path: [p[0]], parent: true });
          childEntries.push([]);
          topEntries.push(entry);
        }
        const kids = childEntries[entry.parent];
        if (kids.some((e) => name(e) === p[1])) continue;
        kids.push({ bytes: ascii(p[1]), kind: LEAF, index: fields.length, parent: -1, bit: kids.length, flag: false });
        fields.push({ path: [p[0], p[1]], parent: false });
      } else {
        throw new Error(`internal: field paths have one or two keys, got ${p.join('.')}`);
      }
    }
    for (const k of plan.flagKeys ?? []) {
      const known = topEntries.find((e) => name(e) === k);
      if (known) known.flag = true;
      else topEntries.push({ bytes: ascii(k), kind: FLAG, index: -1, parent: -1, bit: 0, flag: true });
    }
    if (topEntries.length > 30 || childEntries.some((c) => c.length > 30)) throw new Error('internal: too many watched keys');
    topEntries.forEach((e, i) => (e.bit = i));
    for (const e of topEntries) (this.top[e.bytes.length] ??= []).push(e);
    for (const list of childEntries) {
      const byLen: Array<KeyEntry[] | undefined> = [];
      for (const e of list) (byLen[e.bytes.length] ??= []).push(e);
      this.children.push(byLen);
    }
    this.fields = fields;
    this.misses = new Uint32Array(fields.length);
    this.uncached = new Uint8Array(fields.length);
  }

  /**
   * The picked fields of record `k` of a scan, as a record object holding only them (absent fields are absent).
   * Only the fields of `wanted` (indexes into `fields`; default all) are decoded. With `into` (an earlier pick of the
   * same record), the fields are added to it; a parent it holds already is kept with its children.
   */
  public pick(buf: Buffer, scan: DeliveryScan, k: number, wanted?: readonly number[], into?: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = into ?? {};
    const F = this.fields.length;
    const n = wanted ? wanted.length : F;
    for (let w = 0; w < n; w++) {
      const f = wanted ? wanted[w] : w;
      const s = scan.fieldStart[k * F + f];
      if (s < 0) continue;
      const field = this.fields[f];
      const e = scan.fieldEnd[k * F + f];
      if (field.parent) {
        // an object holds its picked children; any other value reads as missing below it, as null does
        if (!Object.prototype.hasOwnProperty.call(out, field.path[0])) out[field.path[0]] = e === OBJECT ? {} : null;
      } else if (field.path.length === 1) {
        out[field.path[0]] = this.decode(buf, s, e, f);
      } else {
        (out[field.path[0]] as Record<string, unknown>)[field.path[1]] = this.decode(buf, s, e, f);
      }
    }
    return out;
  }

  /** Field `f` holds a plain string in record `k`. */
  public has(scan: DeliveryScan, k: number, f: number): boolean {
    return scan.fieldStart[k * this.fields.length + f] >= 0 && scan.fieldEnd[k * this.fields.length + f] >= 0;
  }

  /** Index of the field at `path`, or -1. */
  public indexOf(path: readonly string[]): number {
    return this.fields.findIndex((f) => !f.parent && f.path.length === path.length && f.path.every((p, i) => p === path[i]));
  }

  /** The UTF-8 string of buf[s, e), from the field's cache when the same bytes were decoded before. */
  private decode(buf: Buffer, s: number, e: number, f: number): string {
    const len = e - s;
    if (len > 40 || this.uncached[f] === 1) return buf.toString('utf8', s, e);
    let h = len;
    for (let i = s; i < e; i++) h = Math.imul(h, 31) + buf[i] | 0; // eslint-disable-line no-bitwise
    const cache = (this.interned[f] ??= new Map());
    const hit = cache.get(h);
    if (hit !== undefined && hit.bytes.length === len) {
      let i = 0;
      while (i < len && hit.bytes[i] === buf[s + i]) i++;
      if (i === len) return hit.text;
    }
    const text = buf.toString('utf8', s, e);
    if (cache.size < CACHE_SIZE) {
      cache.set(h, { bytes: Buffer.from(buf.subarray(s, e)), text });
    } else if (++this.misses[f] > CACHE_SIZE) {
      // a field whose values rarely repeat (eventTime): the cache is full and keeps missing, so it is not asked again
      this.uncached[f] = 1;
    }
    return text;
  }
}

/** Decoded values kept per field. */
const CACHE_SIZE = 4096;

/** What a scan found: per record its span, whether it must be parsed, and the spans of its picked fields. */
export class DeliveryScan {
  public records = 0;
  public starts = new Int32Array(1024);
  public ends = new Int32Array(1024);
  /** 1: the record must be parsed (see the file comment). */
  public mustParse = new Uint8Array(1024);
  /** 1: the record is flagged mustParse for escapes only, in strings no field watches; its picks are valid. */
  public escapesOnly = new Uint8Array(1024);
  /** 1: the record's text escapes an ASCII character other than `"` and `\` (see the file comment). */
  public asciiEscape = new Uint8Array(1024);
  /** Per record, per field: value start and end (the string's bytes without quotes), -1 when absent. */
  public fieldStart: Int32Array;
  public fieldEnd: Int32Array;

  constructor(public readonly fieldCount: number) {
    this.fieldStart = new Int32Array(1024 * Math.max(1, fieldCount));
    this.fieldEnd = new Int32Array(1024 * Math.max(1, fieldCount));
  }

  /** Room for record `k`. */
  public ensure(k: number): void {
    if (k < this.starts.length) return;
    const grow = <T extends Int32Array | Uint8Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    const n = this.starts.length * 2;
    this.starts = grow(this.starts, n);
    this.ends = grow(this.ends, n);
    this.mustParse = grow(this.mustParse, n);
    this.asciiEscape = grow(this.asciiEscape, n);
    this.escapesOnly = grow(this.escapesOnly, n);
    this.fieldStart = grow(this.fieldStart, n * Math.max(1, this.fieldCount));
    this.fieldEnd = grow(this.fieldEnd, n * Math.max(1, this.fieldCount));
  }
}

/** fieldEnd of a parent: its value is an object, or something else. */
const OBJECT = -1;
const NOT_OBJECT = -2;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OBJ = 1;
const ARR = 2;

// what comes next outside strings
const E_VALUE = 0; // a value: after ':', or after ',' in an array
const E_VALUE_OR_END = 1; // after '['
const E_KEY_OR_END = 2; // after '{'
const E_KEY = 3; // after ',' in an object
const E_COLON = 4; // after a key
const E_NEXT = 5; // after a value: ',' or the end of the container

const RECORDS_KEY = Buffer.from('"Records"', 'latin1');
/** Bytes that continue a string: not a quote, a backslash or a control character. */
const IN_STRING = new Uint8Array(256).fill(1);
for (let c = 0; c < 0x20; c++) IN_STRING[c] = 0;
IN_STRING[QUOTE] = 0;
IN_STRING[BACKSLASH] = 0;

/** The characters after a backslash that JSON accepts, besides `u`: " \\ / b f n r t. */
const ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') ESCAPE[c.charCodeAt(0)] = 1;

/** The value of four hex digits at buf[i], or -1. */
function hex4(buf: Buffer, i: number): number {
  let v = 0;
  for (let k = i; k < i + 4; k++) {
    const c = buf[k];
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
    else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
    else return -1;
    v = v * 16 + d;
  }
  return v;
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipWs(buf: Buffer, i: number): number {
  while (i < buf.length && isWs(buf[i])) i++;
  return i;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** The entry among `list` whose key is buf[s, e), or undefined. */
function lookup(list: KeyEntry[] | undefined, buf: Buffer, s: number, e: number): KeyEntry | undefined {
  if (list === undefined) return undefined;
  for (let k = 0; k < list.length; k++) {
    const b = list[k].bytes;
    let j = 0;
    while (j < b.length && b[j] === buf[s + j]) j++;
    if (j === b.length) return list[k];
    void e;
  }
  return undefined;
}

/* eslint-disable no-bitwise */ // the seen masks of watched keys
/**
 * Scans a delivery document (see the file comment). Returns false when it is not one the scan can vouch for: the
 * caller then reads it the way it did before. `out` is reset and filled.
 */
export function scanDelivery(buf: Buffer, limits: Pick<ReadLimits, 'maxDepth'>, plan: CompiledPlan, out: DeliveryScan): boolean {
  const n = buf.length;
  const F = plan.fields.length;
  out.records = 0;
  // head: { "Records" : [
  let i = skipWs(buf, 0);
  if (buf[i] !== 0x7b) return false;
  i = skipWs(buf, i + 1);
  if (i + RECORDS_KEY.length > n || buf.compare(RECORDS_KEY, 0, RECORDS_KEY.length, i, i + RECORDS_KEY.length) !== 0) return false;
  i = skipWs(buf, i + RECORDS_KEY.length);
  if (buf[i] !== 0x3a) return false;
  i = skipWs(buf, i + 1);
  if (buf[i] !== 0x5b) return false;
  i++;

  const maxDepth = limits.maxDepth + 2;
  const stack = new Uint8Array(maxDepth + 1);
  stack[0] = OBJ;
  stack[1] = ARR;
  let depth = 2;
  let expect = E_VALUE_OR_END;
  const top = plan.top;
  const children = plan.children;

  // the current record
  let rec = -1;
  let base = 0; // rec * F
  let topSeen = 0;
  let childSeen = 0;
  let parent = -1; // index into children while inside a watched parent object (at depth 4)
  let pending: KeyEntry | undefined; // the watched key whose value comes next
  let backslash = false; // the current record has an escape
  let closed = false;

  while (i < n) {
    const c = buf[i];
    if (c === QUOTE) {
      // a string: a key or a value
      const start = i + 1;
      let j = start;
      let escaped = false;
      for (;;) {
        // the body of the string: one table lookup per byte (past the end, the lookup is undefined and stops too)
        while (IN_STRING[buf[j]] === 1) j++;
        if (j >= n) return false;
        const d = buf[j];
        if (d === QUOTE) break;
        if (d !== BACKSLASH) return false; // a raw control character
        escaped = true;
        backslash = true;
        const e = buf[j + 1];
        if (e === 0x75) {
          // \uXXXX
          const code = hex4(buf, j + 2);
          if (code < 0) return false;
          if (code < 0x80 && code !== QUOTE && code !== BACKSLASH) out.asciiEscape[rec] = 1;
          j += 6;
        } else if (ESCAPE[e] === 1) {
          if (e === 0x2f) out.asciiEscape[rec] = 1; // \/
          j += 2;
        } else {
          return false; // not an escape JSON.parse accepts
        }
      }
      if (expect === E_KEY || expect === E_KEY_OR_END) {
        // an escaped key that could be watched: compared decoded only by JSON.parse
        if (escaped && (depth === 3 || (depth === 4 && parent >= 0))) out.mustParse[rec] = 1;
        if (depth === 3) {
          const len = j - start;
          const entry = len < top.length ? lookup(top[len], buf, start, j) : undefined;
          if (entry !== undefined) {
            const bit = 1 << entry.bit;
            if ((topSeen & bit) !== 0 || entry.flag) out.mustParse[rec] = 1;
            topSeen |= bit;
            pending = entry;
          }
        } else if (depth === 4 && parent >= 0) {
          const list = children[parent];
          const len = j - start;
          const entry = len < list.length ? lookup(list[len], buf, start, j) : undefined;
          if (entry !== undefined) {
            const bit = 1 << entry.bit;
            if ((childSeen & bit) !== 0) out.mustParse[rec] = 1;
            childSeen |= bit;
            pending = entry;
          }
        }
        expect = E_COLON;
      } else if (expect === E_VALUE || expect === E_VALUE_OR_END) {
        if (depth === 2) return false; // an entry of Records that is not an object
        if (pending !== undefined) {
          if (pending.kind === LEAF) {
            if (escaped) out.mustParse[rec] = 1; // a watched string written with escapes
            out.fieldStart[base + pending.index] = start;
            out.fieldEnd[base + pending.index] = j;
          } else if (pending.kind === PARENT) {
            out.fieldStart[base + pending.index] = start;
            out.fieldEnd[base + pending.index] = NOT_OBJECT;
          }
          pending = undefined;
        }
        expect = E_NEXT;
      } else {
        return false;
      }
      i = j + 1;
      continue;
    }
    if (c === 0x2c) {
      // ,
      if (expect !== E_NEXT) return false;
      expect = stack[depth - 1] === OBJ ? E_KEY : E_VALUE;
      i++;
      continue;
    }
    if (c === 0x3a) {
      // :
      if (expect !== E_COLON) return false;
      expect = E_VALUE;
      i++;
      continue;
    }
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      i++;
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      // { [
      if (expect !== E_VALUE && expect !== E_VALUE_OR_END) return false;
      if (depth === 2) {
        if (c !== 0x7b) return false;
        rec = out.records;
        out.ensure(rec);
        base = rec * F;
        for (let f = 0; f < F; f++) {
          out.fieldStart[base + f] = -1;
          out.fieldEnd[base + f] = -1;
        }
        out.starts[rec] = i;
        out.mustParse[rec] = 0;
        out.asciiEscape[rec] = 0;
        out.escapesOnly[rec] = 0;
        backslash = false;
        topSeen = 0;
        parent = -1;
        pending = undefined;
      } else if (pending !== undefined) {
        if (pending.kind === PARENT) {
          out.fieldStart[base + pending.index] = i;
          if (c === 0x7b) {
            parent = pending.parent;
            childSeen = 0;
            out.fieldEnd[base + pending.index] = OBJECT;
          } else {
            out.fieldEnd[base + pending.index] = NOT_OBJECT;
          }
        } else if (pending.kind === LEAF) {
          out.mustParse[rec] = 1; // a container where a string is watched
        }
        pending = undefined;
      }
      if (depth >= maxDepth) return false;
      stack[depth++] = c === 0x7b ? OBJ : ARR;
      expect = c === 0x7b ? E_KEY_OR_END : E_VALUE_OR_END;
      i++;
      continue;
    }
    if (c === 0x7d || c === 0x5d) {
      // } ]
      const type = c === 0x7d ? OBJ : ARR;
      if (stack[depth - 1] !== type) return false;
      if (expect !== E_NEXT && expect !== (type === OBJ ? E_KEY_OR_END : E_VALUE_OR_END)) return false;
      depth--;
      if (depth === 3) {
        parent = -1;
      } else if (depth === 2) {
        out.ends[rec] = i + 1;
        if (backslash && out.mustParse[rec] === 0) {
          out.mustParse[rec] = 1;
          out.escapesOnly[rec] = 1;
        }
        out.records++;
      } else if (depth === 1) {
        closed = true;
        i++;
        break;
      }
      expect = E_NEXT;
      i++;
      continue;
    }
    // a number, true, false, null
    if (expect !== E_VALUE && expect !== E_VALUE_OR_END) return false;
    if (depth === 2) return false;
    if (pending !== undefined) {
      if (pending.kind === PARENT) {
        out.fieldStart[base + pending.index] = i;
        out.fieldEnd[base + pending.index] = NOT_OBJECT;
      } else if (pending.kind === LEAF) {
        out.mustParse[rec] = 1; // a number, true, false or null where a string is watched
      }
      pending = undefined;
    }
    if (c === 0x74) {
      if (buf[i + 1] !== 0x72 || buf[i + 2] !== 0x75 || buf[i + 3] !== 0x65) return false;
      i += 4;
    } else if (c === 0x66) {
      if (buf[i + 1] !== 0x61 || buf[i + 2] !== 0x6c || buf[i + 3] !== 0x73 || buf[i + 4] !== 0x65) return false;
      i += 5;
    } else if (c === 0x6e) {
      if (buf[i + 1] !== 0x75 || buf[i + 2] !== 0x6c || buf[i + 3] !== 0x6c) return false;
      i += 4;
    } else {
      // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
      let j = i;
      if (buf[j] === 0x2d) j++;
      if (buf[j] === 0x30) {
        j++;
      } else if (buf[j] >= 0x31 && buf[j] <= 0x39) {
        j++;
        while (j < n && isDigit(buf[j])) j++;
      } else {
        return false;
      }
      if (buf[j] === 0x2e) {
        j++;
        if (!isDigit(buf[j])) return false;
        while (j < n && isDigit(buf[j])) j++;
      }
      if (buf[j] === 0x65 || buf[j] === 0x45) {
        j++;
        if (buf[j] === 0x2b || buf[j] === 0x2d) j++;
        if (!isDigit(buf[j])) return false;
        while (j < n && isDigit(buf[j])) j++;
      }
      i = j;
    }
    // the byte after a number or literal must end it: the next iteration accepts only whitespace, ',', '}' or ']'
    expect = E_NEXT;
  }
  if (!closed) return false;
  // then `}` and nothing but whitespace
  i = skipWs(buf, i);
  if (buf[i] !== 0x7d) return false;
  return skipWs(buf, i + 1) === n;
}
/* eslint-enable no-bitwise */
