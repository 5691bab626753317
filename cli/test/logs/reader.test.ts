import * as path from 'path';
import { PassThrough } from 'stream';
import * as zlib from 'zlib';
import { cloudTrailRecord } from 'cdk-cloudtrail-alarms/lib/catalogue/fixtures';
import { addBadFiles, makeCorpus } from './make-fixtures';
import { listInputs, readCloudTrail, ReadProblem } from '../../src/logs';

async function readAll(paths: string[], stdin?: NodeJS.ReadableStream) {
  const names: string[] = [];
  const problems: ReadProblem[] = [];
  const summary = await readCloudTrail((await listInputs(paths)).inputs, {
    onRecord: (r) => names.push(String(r.eventName)),
    onProblem: (p) => problems.push(p),
    stdin,
  });
  return { names, problems, summary };
}

describe('readCloudTrail', () => {
  test('reads gzipped and plain delivery files, NDJSON (records, export lines, events) and gzipped NDJSON, walking the S3 layout', async () => {
    const { dir } = makeCorpus();
    const { names, problems, summary } = await readAll([dir]);
    expect(problems).toEqual([]);
    expect(summary.files).toBe(5);
    expect(summary.records).toBe(10);
    expect(names.sort()).toEqual(
      ['ConsoleLogin', 'ConsoleLogin', 'ConsoleLogin', 'CreateTrail', 'DeleteTrail', 'DescribeInstances', 'DescribeTrails', 'StartLogging', 'StopLogging', 'UpdateTrail'].sort(),
    );
  });

  test('directories are walked in sorted order, S3 layout included', async () => {
    const { dir, files } = makeCorpus();
    const { inputs } = await listInputs([dir]);
    expect(inputs.map((i) => path.relative(dir, i.path))).toEqual([
      path.relative(dir, files.gz1),
      path.relative(dir, files.gz2),
      'export.ndjson',
      'export2.jsonl.gz',
      'plain.json',
    ]);
  });

  test('reads standard input: NDJSON, a delivery document, and gzip', async () => {
    const lines = new PassThrough();
    lines.end(`${JSON.stringify(cloudTrailRecord({ eventName: 'A' }))}\n${JSON.stringify(cloudTrailRecord({ eventName: 'B' }))}\n`);
    expect((await readAll(['-'], lines)).names).toEqual(['A', 'B']);
    const doc = new PassThrough();
    doc.end(JSON.stringify({ Records: [cloudTrailRecord({ eventName: 'C' })] }));
    expect((await readAll(['-'], doc)).names).toEqual(['C']);
    const gz = new PassThrough();
    gz.end(zlib.gzipSync(JSON.stringify({ Records: [cloudTrailRecord({ eventName: 'D' })] })));
    expect((await readAll(['-'], gz)).names).toEqual(['D']);
  });

  test('a corrupt gzip, a truncated gzip and a non-CloudTrail file are reported with their path; the run goes on', async () => {
    const { dir } = makeCorpus();
    const bad = addBadFiles(dir);
    const { names, problems } = await readAll([dir]);
    // 10 good + the record without eventTime (the reader does not judge eventTime) + the record of the truncated gzip,
    // whose deflate data is complete (only the trailer is cut): it is read, and the truncation still reported
    expect(names).toHaveLength(12);
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p.message]));
    expect(byPath[bad.corrupt]).toMatch(/corrupt or truncated gzip data/);
    expect(byPath[bad.truncated]).toMatch(/corrupt or truncated gzip data|unexpected end/);
    expect(byPath[bad.notCloudTrail]).toMatch(/not CloudTrail JSON|not a CloudTrail record/);
  });

  test('a bad line in NDJSON is reported with its line number and counted', async () => {
    const input = new PassThrough();
    input.end(`${JSON.stringify(cloudTrailRecord({ eventName: 'A' }))}\nnot json\n${JSON.stringify(cloudTrailRecord({ eventName: 'B' }))}\n`);
    const { names, problems } = await readAll(['-'], input);
    expect(names).toEqual(['A', 'B']);
    expect(problems).toEqual([{ path: '-', line: 2, message: 'not a CloudTrail record (expected one JSON record per line)', records: 1 }]);
  });

  test('a prefilter that rules a file out skips parsing but still counts its records', async () => {
    const { files } = makeCorpus();
    const seen: string[] = [];
    const summary = await readCloudTrail((await listInputs([files.gz1])).inputs, {
      prefilter: () => false,
      onRecord: (r) => seen.push(String(r.eventName)),
      onProblem: () => undefined,
    });
    expect(seen).toEqual([]);
    expect(summary).toMatchObject({ files: 1, records: 3, prefiltered: 3, filesRuledOut: 1 });
  });

  test('fails if a path does not exist', async () => {
    await expect(listInputs(['/no/such/dir'])).rejects.toThrow("cannot read '/no/such/dir': no such file or directory");
  });
});
