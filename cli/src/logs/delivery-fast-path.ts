// The fast path for the common case: a CloudTrail delivery document `{"Records":[...]}` on one line, small enough to
// be held whole. It gives exactly what the record scanner would give (same records, same counts); whenever anything
// is unusual (a problem to report, another shape) it answers `undefined` and the caller uses the scanner, which
// reports each problem precisely.
import { ReadLimits } from './problems';

const HEAD = /^\s*\{\s*"Records"\s*:\s*\[/;
const LF = 0x0a;

/** Whether the buffer can take the fast path: a one-line `{"Records":[` document no bigger than one record may be. */
export function fastPathEligible(buf: Buffer, limits: ReadLimits): boolean {
  if (buf.length > limits.maxRecordSize || buf.length > limits.maxFileSize) return false;
  if (!HEAD.test(buf.subarray(0, 64).toString('latin1'))) return false;
  const nl = buf.indexOf(LF);
  return nl < 0 || buf.subarray(nl).every((c) => c === LF || c === 0x0d || c === 0x20 || c === 0x09);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Whether a value nests no deeper than `left` levels (an object or array is one level). */
function within(v: unknown, left: number): boolean {
  if (v === null || typeof v !== 'object') return true;
  if (left === 0) return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!within(v[i], left - 1)) return false;
    return true;
  }
  for (const k in v) if (!within((v as Record<string, unknown>)[k], left - 1)) return false;
  return true;
}

/**
 * Parses an eligible document whole. Returns its records when every entry is a CloudTrail record within the depth
 * limit and the document holds nothing else; undefined otherwise.
 */
export function parseDelivery(buf: Buffer, limits: ReadLimits): Array<Record<string, unknown>> | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(buf.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(doc) || !Array.isArray(doc.Records)) return undefined;
  for (const k in doc) if (k !== 'Records') return undefined;
  const records = doc.Records as unknown[];
  for (const r of records) {
    if (!isObject(r)) return undefined;
    if (typeof r.eventVersion !== 'string' && typeof r.eventName !== 'string' && typeof r.eventSource !== 'string') return undefined;
    // events wrapping a record in a string are unwrapped by the scanner
    if (typeof r.CloudTrailEvent === 'string' || (typeof r.message === 'string' && r.eventVersion === undefined)) return undefined;
    if (!within(r, limits.maxDepth)) return undefined;
  }
  return records as Array<Record<string, unknown>>;
}

const OBJ = 1;
const ARR = 2;

/** Top-level keys of a record that decide how the scanner treats it (see record-scanner.ts). */
const KEY_IDS = new Map<string, number>([
  ['eventVersion', 1],
  ['eventName', 2],
  ['eventSource', 3],
  ['message', 4],
  ['CloudTrailEvent', 5],
]);

function hex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/**
 * Counts the records of an eligible document without parsing it, checking on the way what the scanner checks:
 * strings closed and free of raw control characters, brackets balanced and matched, every entry of "Records" an
 * object within the depth limit with a string eventVersion, eventName or eventSource, nothing after the document.
 * Returns -1 when anything is off or unusual (the caller then scans it, which says what): a problem, a record that
 * wraps another (`message`, `CloudTrailEvent`), an escaped top-level key, or an escape of an ASCII character (such
 * records are never ruled out by the byte prefilter).
 * Not checked without parsing: the grammar between tokens (see docs/cli.md).
 */
export function countDeliveryRecords(buf: Buffer, limits: ReadLimits): number {
  const m = HEAD.exec(buf.subarray(0, 64).toString('latin1'));
  if (!m) return -1;
  const n = buf.length;
  const maxDepth = limits.maxDepth + 2;
  const stack = new Uint8Array(maxDepth + 1);
  stack[0] = OBJ;
  stack[1] = ARR;
  let depth = 2;
  let records = 0;
  let i = m[0].length;
  let expectEntry = true;
  // the current record's top-level keys: 0 absent, 1 string value, 2 other value
  const seen = new Uint8Array(6);
  let expectKey = false;
  let pending = 0;
  for (; i < n; i++) {
    let c = buf[i];
    if (c === 0x22) {
      const start = i + 1;
      let escaped = false;
      for (i++; i < n; i++) {
        c = buf[i];
        if (c === 0x22) break;
        if (c === 0x5c) {
          escaped = true;
          const e = buf[i + 1];
          if (e === 0x2f) return -1;
          if (e === 0x75) {
            const code = ((hex(buf[i + 2]) * 16 + hex(buf[i + 3])) * 16 + hex(buf[i + 4])) * 16 + hex(buf[i + 5]);
            if (Number.isNaN(code) || code < 0) return -1;
            if ((code < 0x80 && code !== 0x22 && code !== 0x5c) || (code >= 0xd800 && code <= 0xdfff)) return -1;
            i += 5;
          } else {
            i++;
          }
        } else if (c < 0x20) {
          return -1;
        }
      }
      if (i >= n) return -1;
      if (depth === 3) {
        if (expectKey) {
          if (escaped) return -1;
          expectKey = false;
          pending = i - start <= 15 ? KEY_IDS.get(buf.toString('latin1', start, i)) ?? 0 : 0;
          if (pending >= 4) return -1;
        } else if (pending !== 0) {
          seen[pending] = 1;
          pending = 0;
        }
      }
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      if (depth === 2) {
        if (c !== 0x7b || !expectEntry) return -1;
        expectEntry = false;
        records++;
        seen.fill(0);
        pending = 0;
      } else if (depth === 3 && pending !== 0) {
        seen[pending] = 2;
        pending = 0;
      }
      if (depth >= maxDepth) return -1;
      stack[depth++] = c === 0x7b ? OBJ : ARR;
      if (depth === 3) expectKey = true;
      continue;
    }
    if (c === 0x7d || c === 0x5d) {
      depth--;
      if (stack[depth] !== (c === 0x7d ? OBJ : ARR)) return -1;
      // a record without a string eventVersion, eventName or eventSource: the scanner reports it
      if (depth === 2 && seen[1] !== 1 && seen[2] !== 1 && seen[3] !== 1) return -1;
      if (depth === 1) break; // the end of "Records"
      continue;
    }
    if (depth === 3) {
      const blank = c === 0x20 || c === 0x09 || c === 0x0d || c === LF;
      if (c === 0x2c) {
        expectKey = true;
      } else if (c === 0x3a) {
        expectKey = false;
      } else if (pending !== 0 && !blank) {
        seen[pending] = 2;
        pending = 0;
      }
    } else if (depth === 2) {
      if (c === 0x2c) {
        if (expectEntry) return -1;
        expectEntry = true;
      } else if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== LF) {
        return -1; // a scalar entry, or garbage
      }
    }
  }
  if (depth !== 1 || (expectEntry && records > 0)) return -1;
  // then only `}` and whitespace
  let closed = false;
  for (i++; i < n; i++) {
    const c = buf[i];
    if (c === 0x7d && !closed) closed = true;
    else if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== LF) return -1;
  }
  return closed ? records : -1;
}
