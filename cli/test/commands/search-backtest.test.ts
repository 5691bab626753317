import * as fs from 'fs';
import * as path from 'path';
import { PassThrough } from 'stream';
import { cloudTrailRecord } from 'cdk-cloudtrail-alarms/lib/catalogue/fixtures';
import { cli } from './helpers';
import { addBadFiles, makeCorpus } from '../logs/make-fixtures';

const STRATUS = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'cloudtrail', 'stratus-red-team_detonation-logs.json.gz');

describe('cloudtrail-alarms search', () => {
  test('--detection prints matching records as ndjson, from gz, plain, NDJSON and nested S3 layout', async () => {
    const { dir } = makeCorpus();
    const r = await cli(['search', dir, '--detection', 'cloudtrail-changes', '--output', 'ndjson']);
    expect(r.code).toBe(0);
    const names = r.stdout.trim().split('\n').map((l) => JSON.parse(l).eventName).sort();
    expect(names).toEqual(['CreateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging', 'UpdateTrail']);
    expect(r.stderr).toMatch(/5 matching record\(s\) in 10 record\(s\) from 5 file\(s\)/);
  });

  test('--output es-bulk writes an action line with the eventID as _id, then the document', async () => {
    const { files } = makeCorpus();
    const r = await cli(['search', files.gz1, files.gz2, '--detection', 'console-sign-in-failures', '--output', 'es-bulk', '--index', 'ct']);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(6);
    // oldest eventTime first (ev-fail-3 at 10:00:30 sits in the second file)
    expect(JSON.parse(lines[0])).toEqual({ index: { _index: 'ct', _id: 'ev-fail-3' } });
    expect(JSON.parse(lines[1]).eventID).toBe('ev-fail-3');
    expect(lines.filter((_, i) => i % 2 === 0).map((l) => JSON.parse(l).index._id)).toEqual(['ev-fail-3', 'ev-fail-1', 'ev-fail-2']);
    // --sort file: in the order of the files and of each file
    const byFile = await cli(['search', files.gz1, files.gz2, '--detection', 'console-sign-in-failures', '--output', 'es-bulk', '--index', 'ct', '--sort', 'file']);
    expect(byFile.stdout.trim().split('\n').filter((_, i) => i % 2 === 0).map((l) => JSON.parse(l).index._id)).toEqual(['ev-fail-1', 'ev-fail-2', 'ev-fail-3']);
  });

  test('--pattern with --from/--to and a table, reading standard input', async () => {
    const stdin = new PassThrough();
    stdin.end(
      [
        cloudTrailRecord({ eventName: 'RunInstances', eventTime: '2026-11-01T09:00:00Z' }),
        cloudTrailRecord({ eventName: 'RunInstances', eventTime: '2026-11-02T09:00:00Z' }),
        cloudTrailRecord({ eventName: 'RunInstances', eventTime: '2026-11-03T09:00:00Z' }),
      ].map((x) => JSON.stringify(x)).join('\n'),
    );
    const r = await cli(['search', '-', '--pattern', '{ $.eventName = RunInstances }', '--from', '2026-11-02', '--to', '2026-11-03'], '', { stdinStream: stdin });
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^eventTime +eventName +sourceIPAddress +detections +principal$/);
    expect(rows.slice(1)).toHaveLength(1);
    expect(rows[1]).toMatch(/^2026-11-02T09:00:00Z +RunInstances +198\.51\.100\.23 +pattern +arn:aws:iam::111122223333:user\/alice$/);
  });

  test('exit 1 when nothing matched; exit 4 with each skipped file named when input was bad', async () => {
    const { dir } = makeCorpus();
    const none = await cli(['search', dir, '--detection', 'kms-key-disable-or-deletion']);
    expect(none.code).toBe(1);
    const bad = addBadFiles(dir);
    const r = await cli(['search', dir, '--detection', 'cloudtrail-changes', '--output', 'ndjson']);
    expect(r.code).toBe(4);
    // the 5 of the corpus, the record without eventTime, and the record of the gzip cut before its trailer
    expect(r.stdout.trim().split('\n')).toHaveLength(7);
    expect(r.stderr).toContain(`skipped: ${bad.corrupt}: corrupt or truncated gzip data`);
    expect(r.stderr).toContain(`skipped: ${bad.notCloudTrail}:`);
  });

  test('fails with exit 2 on usage errors, without a stack trace', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['search', '--detection', 'vpc-changes'], /give at least one PATH/],
      [['search', '.', '--output', 'xml', '--profile', 'recommended'], /--output must be table, ndjson or es-bulk, got 'xml'/],
      [['search', '.', '--detection', 'nope'], /unknown detection 'nope'/],
      [['search', '.'], /give --pattern, --detection or --profile/],
      [['search', '.', '--pattern', '{ $.a = '], /invalid filter pattern: expected a value after '='/],
      [['search', '.', '--profile', 'recommended', '--from', 'yesterday'], /--from must be an ISO 8601 date/],
      [['search', '/no/such/path', '--profile', 'recommended'], /cannot read '\/no\/such\/path'/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('cloudtrail-alarms backtest', () => {
  test('--json: counts, alarm simulation from the records eventTime (out of order, across files), top values', async () => {
    const { dir } = makeCorpus();
    const r = await cli(['backtest', dir, '--detection', 'console-sign-in-failures', '--detection', 'cloudtrail-changes', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(['files', 'records', 'skipped', 'ignored', 'from', 'to', 'detections', 'errors']);
    expect(report).toMatchObject({ files: 5, records: 10, skipped: 0, from: '2026-11-02T10:00:30.000Z', to: '2026-11-02T12:05:00.000Z', errors: [] });
    const fails = report.detections[0];
    // three failures at 10:00:30, 10:02, 10:03 (two files, out of order) reach the threshold of 3 in the 10:00 period
    expect(fails).toMatchObject({ id: 'console-sign-in-failures', matches: 3, threshold: 3, alarmCount: 1 });
    expect(fails.alarms).toEqual([{ start: '2026-11-02T10:00:00.000Z', end: '2026-11-02T10:05:00.000Z', peak: 3 }]);
    expect(fails.topEventNames).toEqual([{ value: 'ConsoleLogin', count: 3 }]);
    const trail = report.detections[1];
    // 10:04, 11:00, 12:00/12:01/12:02 -> periods 10:00, 11:00, 12:00 -> three alarms
    expect(trail).toMatchObject({ id: 'cloudtrail-changes', matches: 5, alarmCount: 3 });
    expect(trail.alarms[2]).toEqual({ start: '2026-11-02T12:00:00.000Z', end: '2026-11-02T12:05:00.000Z', peak: 3 });
  });

  test('human output on the real Stratus Red Team corpus', async () => {
    const r = await cli(['backtest', STRATUS]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^310 record\(s\) in 1 file\(s\), 2024-07-30T21:31:10.000Z to 2024-11-30T08:43:18.000Z; 0 skipped/);
    expect(r.stdout).toMatch(/\ncloudtrail-changes +HIGH +>=1\/5m 1of1 +2 +2 /);
    expect(r.stdout).toMatch(/organizations-changes: 1 match\(es\), 1 alarm\(s\)\n {2}principals: +arn:aws:sts::\d+:assumed-role\/stratus-red-team-leave-org-role/);
  });

  test('records without eventTime and bad files are counted as skipped, listed, and make the exit status 4', async () => {
    const { dir } = makeCorpus();
    const bad = addBadFiles(dir);
    const r = await cli(['backtest', dir, '--json']);
    expect(r.code).toBe(4);
    const report = JSON.parse(r.stdout);
    expect(report.records).toBe(12);
    expect(report.skipped).toBeGreaterThanOrEqual(1);
    const paths = report.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining([bad.corrupt, bad.truncated, bad.notCloudTrail, bad.noTime]));
    expect(report.errors.find((e: { path: string }) => e.path === bad.noTime).message).toBe('1 record(s) without a valid eventTime');
  });

  test('fails with exit 2 on a bad --top', async () => {
    const r = await cli(['backtest', '.', '--top=-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--top must be a whole number, got '-1'/);
  });

  test('stratus fixture is present', () => {
    expect(fs.existsSync(STRATUS)).toBe(true);
  });
});
