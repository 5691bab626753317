import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { WholeInflater } from '../../src/logs/whole-inflate';

const CORPUS = path.join(__dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'cloudtrail', 'aws-docs-examples.jsonl');

/** A delivery document of `n` records, as CloudTrail writes it (varied, so that it compresses like real files). */
function delivery(n: number, seed = 1): Buffer {
  const records = Array.from({ length: n }, (_, i) => ({
    eventVersion: '1.09',
    eventTime: `2026-10-01T00:${String(i % 60).padStart(2, '0')}:00Z`,
    eventName: ['DescribeInstances', 'PutObject', 'AssumeRole'][(i * seed) % 3],
    requestID: `req-${(i * 2654435761 * seed) % 4294967296}`,
    userAgent: 'aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 "quoted" and \\ back',
  }));
  return Buffer.from(JSON.stringify({ Records: records }));
}

/** Bytes as their length and SHA-256 (jest compares big buffers byte by byte, slowly). */
function digest(b: Uint8Array): string {
  return `${b.length} bytes, sha256 ${createHash('sha256').update(b).digest('hex')}`;
}

/** What zlib.gunzipSync gives, or 'fails'. */
function reference(raw: Buffer): string {
  try {
    return digest(zlib.gunzipSync(raw));
  } catch {
    return 'fails';
  }
}

function ours(inflater: WholeInflater, raw: Buffer): string {
  const out = inflater.inflate(raw);
  return out === undefined ? 'fails' : digest(out);
}

describe('WholeInflater', () => {
  test('is available on this node', () => {
    expect(WholeInflater.available()).toBe(true);
  });

  test('gives the bytes zlib.gunzipSync gives, file after file, on delivery files of every size', () => {
    const inflater = new WholeInflater(64 * 1024 * 1024);
    const docs = [delivery(1), delivery(500), delivery(20), delivery(3000, 7), Buffer.alloc(0), delivery(2)];
    if (fs.existsSync(CORPUS)) docs.push(fs.readFileSync(CORPUS));
    for (const doc of docs) {
      for (const level of [1, 6, 9]) {
        const raw = zlib.gzipSync(doc, { level });
        const out = ours(inflater, raw);
        expect(out).toEqual(reference(raw));
        expect(out).toEqual(digest(doc));
      }
    }
  });

  test('grows past a trailer that claims too little (ISIZE is a hint only)', () => {
    const doc = delivery(800);
    const raw = zlib.gzipSync(doc);
    raw.writeUInt32LE(10, raw.length - 4); // a lying ISIZE: zlib.gunzipSync then fails the length check too
    expect(ours(new WholeInflater(64 * 1024 * 1024), raw)).toEqual(reference(raw));
  });

  test('reads concatenated members and ignores trailing zero bytes, as zlib.gunzipSync does', () => {
    const a = delivery(300);
    const b = delivery(40, 3);
    const members = Buffer.concat([zlib.gzipSync(a), zlib.gzipSync(b)]);
    const inflater = new WholeInflater(64 * 1024 * 1024);
    expect(ours(inflater, members)).toEqual(digest(Buffer.concat([a, b])));
    const padded = Buffer.concat([zlib.gzipSync(a), Buffer.alloc(512)]);
    expect(ours(inflater, padded)).toEqual(reference(padded));
    expect(ours(inflater, padded)).toEqual(digest(a));
  });

  test('fails, as zlib.gunzipSync does, on damaged files, and inflates the next file correctly after each', () => {
    const doc = delivery(600);
    const good = zlib.gzipSync(doc);
    const flipped = (at: number) => {
      const b = Buffer.from(good);
      b[at] ^= 0xff; // eslint-disable-line no-bitwise
      return b;
    };
    const damaged: Array<[string, Buffer]> = [
      ['truncated in the middle', good.subarray(0, Math.floor(good.length / 2))],
      ['truncated before the trailer', good.subarray(0, good.length - 8)],
      ['header only', good.subarray(0, 10)],
      ['a flipped byte in the deflate data', flipped(200)],
      ['a wrong CRC-32', flipped(good.length - 6)],
      ['a wrong ISIZE', flipped(good.length - 1)],
      ['a wrong compression method', flipped(2)],
      ['garbage after the member', Buffer.concat([good, Buffer.from('garbage!')])],
      ['not gzip at all', doc],
    ];
    const inflater = new WholeInflater(64 * 1024 * 1024);
    for (const [what, raw] of damaged) {
      const expected = reference(raw);
      expect({ what, out: ours(inflater, raw) }).toEqual({ what, out: expected });
      expect(ours(inflater, good)).toEqual(digest(doc));
    }
    // the cases above that zlib refuses (all but the garbage, which zlib reads as a bad second member)
    expect(damaged.filter(([, raw]) => reference(raw) === 'fails').map(([w]) => w)).toEqual(damaged.map(([w]) => w));
  });

  test('fails (the caller streams the file) when the output passes the limit, and works again after', () => {
    const doc = delivery(2000);
    const raw = zlib.gzipSync(doc);
    const inflater = new WholeInflater(doc.length - 1);
    expect(inflater.inflate(raw)).toBeUndefined();
    const small = delivery(3);
    expect(ours(inflater, zlib.gzipSync(small))).toEqual(digest(small));
    expect(ours(new WholeInflater(doc.length), raw)).toEqual(digest(doc));
  });

  test('a gzip bomb stops at the limit without inflating it all', () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    const inflater = new WholeInflater(1024 * 1024);
    expect(inflater.inflate(bomb)).toBeUndefined();
  });
});
