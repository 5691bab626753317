import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PassThrough, Readable } from 'stream';
import * as zlib from 'zlib';
import { cloudTrailRecord } from 'cdk-cloudtrail-alarms/lib/catalogue/fixtures';
import fc from 'fast-check';
import { DEFAULT_LIMITS, InputSource, readCloudTrail, ReadLimits, ReadProblem, RecordScanner } from '../../src/logs';

/** Reads one stream input fed in chunks of `chunk` bytes. */
async function readStream(body: Buffer | string, options: { chunk?: number; limits?: Partial<ReadLimits> } = {}) {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const size = options.chunk ?? 64 * 1024;
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) chunks.push(buf.subarray(i, i + size));
  return readFrom(Readable.from(chunks), options.limits);
}

async function readFrom(stdin: NodeJS.ReadableStream, limits?: Partial<ReadLimits>, inputs: InputSource[] = [{ path: '-', size: 0, kind: 'stream' }]) {
  const records: Array<Record<string, unknown>> = [];
  const lines: number[] = [];
  const problems: ReadProblem[] = [];
  const summary = await readCloudTrail(inputs, {
    stdin,
    limits,
    onRecord: (r, where) => {
      records.push(r);
      lines.push(where.line);
    },
    onProblem: (p) => problems.push(p),
  });
  return { records, lines, problems, summary };
}

const rec = (eventName: string, extra: Record<string, unknown> = {}) => cloudTrailRecord({ eventName, ...extra });
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cta-hostile-'));

describe('input forms', () => {
  test('lookup-events output: {"Events": [...]} with CloudTrailEvent strings, EventTime in epoch seconds filling a missing eventTime', async () => {
    const inner = rec('ConsoleLogin');
    delete inner.eventTime;
    const doc = {
      Events: [
        { EventId: 'e1', EventName: 'ConsoleLogin', EventTime: 1730541600, CloudTrailEvent: JSON.stringify(inner), Resources: [] },
        { EventId: 'e2', EventName: 'StopLogging', EventTime: 1730541700.0, CloudTrailEvent: JSON.stringify(rec('StopLogging', { eventTime: '2024-11-02T10:01:40Z' })) },
      ],
      NextToken: 'abc',
    };
    // pretty-printed, as the AWS CLI prints it
    const { records, problems } = await readStream(JSON.stringify(doc, null, 4), { chunk: 7 });
    expect(problems).toEqual([]);
    expect(records.map((r) => [r.eventName, r.eventTime])).toEqual([
      ['ConsoleLogin', '2024-11-02T10:00:00Z'],
      ['StopLogging', '2024-11-02T10:01:40Z'],
    ]);
  });

  test('lookup-events --query Events: a bare array; NextToken first; CLI v2 ISO EventTime', async () => {
    const ev = (name: string) => ({ EventName: name, EventTime: '2024-11-02T10:00:00+00:00', CloudTrailEvent: JSON.stringify(rec(name)) });
    expect((await readStream(JSON.stringify([ev('A'), ev('B')], null, 2))).records.map((r) => r.eventName)).toEqual(['A', 'B']);
    expect((await readStream(`{"NextToken":"x","Events":[${JSON.stringify(ev('C'))}]}`)).records.map((r) => r.eventName)).toEqual(['C']);
  });

  test('a lookup-events entry whose CloudTrailEvent is not a record is reported with its line', async () => {
    const { records, problems } = await readStream('{"Events":[\n{"CloudTrailEvent":"{\\"x\\":1}"},\n{"CloudTrailEvent":"not json"}\n]}');
    expect(records).toEqual([]);
    expect(problems).toEqual([
      { path: '-', line: 2, message: '"CloudTrailEvent" is not a CloudTrail record (no eventVersion, eventName or eventSource)', records: 1 },
      { path: '-', line: 3, message: expect.stringMatching(/^"CloudTrailEvent" is not a CloudTrail record \(not valid JSON/), records: 1 },
    ]);
  });

  test('concatenated delivery documents and NDJSON give the same records whatever the chunk size', async () => {
    const docs = `${JSON.stringify({ Records: [rec('A'), rec('B')] })}${JSON.stringify({ Records: [rec('C')] })}\n`;
    const ndjson = [rec('D'), rec('E')].map((r) => JSON.stringify(r)).join('\n');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 300 }), async (chunk) => {
        expect((await readStream(docs, { chunk })).records.map((r) => r.eventName)).toEqual(['A', 'B', 'C']);
        const n = await readStream(ndjson, { chunk });
        expect(n.records.map((r) => r.eventName)).toEqual(['D', 'E']);
        expect(n.lines).toEqual([1, 2]);
      }),
      { numRuns: 40 },
    );
  });

  test('a long line is read in time linear in its length (joined once, not re-scanned per chunk)', async () => {
    // 8 MiB in 16 KiB chunks: 512 chunks; a quadratic reader would copy ~2 GiB here
    const big = JSON.stringify(rec('Big', { requestParameters: { blob: 'x'.repeat(8 * 1024 * 1024) } }));
    const { records, problems } = await readStream(`${big}\n${JSON.stringify(rec('After'))}\n`, { chunk: 16 * 1024, limits: { maxRecordSize: 16 * 1024 * 1024 } });
    expect(problems).toEqual([]);
    expect(records.map((r) => r.eventName)).toEqual(['Big', 'After']);
  });
});

describe('problems are reported per record and the run goes on', () => {
  test('a record nested 100,000 deep is reported with its line; the records around it are read', async () => {
    const deep = `{"eventName":"Deep","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const body = [JSON.stringify(rec('Before')), deep, JSON.stringify(rec('After'))].join('\n');
    const { records, problems } = await readStream(body);
    expect(records.map((r) => r.eventName)).toEqual(['Before', 'After']);
    expect(problems).toEqual([{ path: '-', line: 2, message: `record nested deeper than --max-depth (${DEFAULT_LIMITS.maxDepth}); not read`, records: 1 }]);
    // in a delivery document too
    const doc = await readStream(`{"Records":[${JSON.stringify(rec('Before'))},${deep},${JSON.stringify(rec('After'))}]}`);
    expect(doc.records.map((r) => r.eventName)).toEqual(['Before', 'After']);
    expect(doc.problems).toHaveLength(1);
  });

  test('a record over --max-record-size is reported; the next record is read', async () => {
    const body = `${JSON.stringify(rec('Big', { blob: 'y'.repeat(5000) }))}\n${JSON.stringify(rec('Small'))}`;
    const { records, problems } = await readStream(body, { chunk: 1000, limits: { maxRecordSize: 4096 } });
    expect(records.map((r) => r.eventName)).toEqual(['Small']);
    expect(problems).toEqual([{ path: '-', line: 1, message: 'record larger than --max-record-size (4096 bytes); not read', records: 1 }]);
  });

  test('{"Records": 5}, a truncated delivery document and a non-object entry are reported', async () => {
    expect((await readStream('{"Records": 5}')).problems).toEqual([{ path: '-', line: 1, message: 'not CloudTrail JSON: "Records" is not an array', records: 1 }]);
    const full = JSON.stringify({ Records: [rec('A'), rec('B'), 7] });
    const cut = await readStream(full.slice(0, full.length - 20));
    expect(cut.records.map((r) => r.eventName)).toEqual(['A']);
    expect(cut.problems).toEqual([{ path: '-', line: 1, message: 'truncated: the input ends inside "Records" (1 record(s) read before)', records: 0 }]);
    expect((await readStream(full)).problems).toEqual([{ path: '-', line: 1, message: 'an entry of "Records" is not a JSON object', records: 1 }]);
  });

  test('a gzip bomb of zeros and /dev/zero-like streams are refused at the first byte; whitespace stops at --max-file-size', async () => {
    // 256 MiB of zeros, compressed on the fly (about 256 KiB): never inflated beyond the first chunk
    const zeros = zlib.createGzip();
    const feed = async () => {
      const mib = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < 256; i++) if (!zeros.write(mib)) await new Promise((r) => zeros.once('drain', r));
      zeros.end();
    };
    void feed();
    const bomb = await readFrom(zeros.pipe(new PassThrough()));
    expect(bomb.problems).toEqual([{ path: '-', message: "not CloudTrail JSON: the input starts with byte 0x00, expected '{' or '['", records: 0 }]);
    zeros.destroy();
    const spaces = await readStream(Buffer.concat([Buffer.from('{"Records":['), Buffer.alloc(3 * 1024 * 1024, 0x20)]), { limits: { maxFileSize: 1024 * 1024 } });
    expect(spaces.problems).toEqual([
      { path: '-', message: `larger than --max-file-size (${1024 * 1024} bytes decompressed) and not one record per line; the rest of the file is not read`, records: 0 },
    ]);
  });

  test('a gzip file that inflates past the whole-file limit streams instead, and one bad file never loses the others', async () => {
    const dir = tmp();
    const good = path.join(dir, 'good.json.gz');
    fs.writeFileSync(good, zlib.gzipSync(JSON.stringify({ Records: [rec('Good')] })));
    const bomb = path.join(dir, 'bomb.json.gz');
    // about 130 MiB of spaces after the head, bigger than what is inflated in one call: gzip members one after another
    // (one compressed MiB of spaces, repeated), so the test compresses 1 MiB only
    const mib = zlib.gzipSync(Buffer.alloc(1024 * 1024, 0x20));
    fs.writeFileSync(bomb, Buffer.concat([zlib.gzipSync('{"Records":['), ...Array.from({ length: 130 }, () => mib)]));
    const after = path.join(dir, 'after.jsonl');
    fs.writeFileSync(after, `${JSON.stringify(rec('After'))}\n`);
    const files = [good, bomb, after].map((p) => ({ path: p, size: fs.statSync(p).size, kind: 'file' as const }));
    const r = await readFrom(new PassThrough(), { maxFileSize: 64 * 1024 * 1024 }, files);
    expect(r.records.map((x) => x.eventName)).toEqual(['Good', 'After']);
    expect(r.problems).toEqual([expect.objectContaining({ path: bomb, message: expect.stringMatching(/larger than --max-file-size/) })]);
  }, 30_000);

  test('NDJSON: bad lines are reported one by one; a file whose first 100 lines hold no record is given up early', async () => {
    const mixed = await readStream([JSON.stringify(rec('A')), 'garbage', '{"eventName":"B"', JSON.stringify(rec('C'))].join('\n'));
    expect(mixed.records.map((r) => r.eventName)).toEqual(['A', 'C']);
    expect(mixed.problems.map((p) => [p.line, p.message])).toEqual([
      [2, 'not a CloudTrail record (expected one JSON record per line)'],
      [3, 'not a CloudTrail record (a line ends inside a record)'],
    ]);
    const noise = await readStream(`${'1 not a record\n'.repeat(1000)}${JSON.stringify(rec('Late'))}\n`);
    expect(noise.records).toEqual([]);
    expect(noise.problems).toHaveLength(101);
    expect(noise.problems[100].message).toBe('not CloudTrail: none of the first 100 lines is a record; the rest of the file is not read');
  });

  test('the scanner marks records whose strings escape ASCII characters (the byte prefilter skips them)', () => {
    const flags: boolean[] = [];
    const s = new RecordScanner(DEFAULT_LIMITS, { item: (it) => flags.push(it.asciiEscapes), problem: () => undefined });
    s.push(Buffer.from('{"eventName":"a\\/b"}\n{"eventName":"\\u0041"}\n{"eventName":"\\u00e9\\n\\""}\n'));
    s.end();
    expect(flags).toEqual([true, true, false]);
  });
});
