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
    if (!within(r, limits.maxDepth)) return undefined;
  }
  return records as Array<Record<string, unknown>>;
}

const OBJ = 1;
const ARR = 2;

/**
 * Counts the records of an eligible document without parsing it, checking its structure on the way: strings closed
 * and free of raw control characters, brackets balanced and matched, every entry of "Records" an object within the
 * depth limit, nothing after the document. Returns -1 when anything is off (the caller then scans it to say what).
 * Not checked without parsing: the grammar between tokens and the keys of each record (see README).
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
  for (; i < n; i++) {
    let c = buf[i];
    if (c === 0x22) {
      // a string: to its closing quote
      for (i++; i < n; i++) {
        c = buf[i];
        if (c === 0x22) break;
        if (c === 0x5c) i++;
        else if (c < 0x20) return -1;
      }
      if (i >= n) return -1;
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      if (depth === 2) {
        if (c !== 0x7b || !expectEntry) return -1;
        expectEntry = false;
        records++;
      }
      if (depth >= maxDepth) return -1;
      stack[depth++] = c === 0x7b ? OBJ : ARR;
      continue;
    }
    if (c === 0x7d || c === 0x5d) {
      depth--;
      if (stack[depth] !== (c === 0x7d ? OBJ : ARR)) return -1;
      if (depth === 1) break; // the end of "Records"
      continue;
    }
    if (depth === 2) {
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
