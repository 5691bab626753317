import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PassThrough, Writable } from 'stream';
import * as zlib from 'zlib';
import { cloudTrailRecord } from 'cdk-cloudtrail-alarms/lib/catalogue/fixtures';
import { cli } from './helpers';
import { run } from '../../src/commands/run';
import { makeBucket } from '../logs/make-fixtures';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cta-cli-'));
const ROOT = path.join(__dirname, '..', '..', '..');

describe('real archives: search and backtest', () => {
  test('an aws s3 sync of a trail bucket: digests, Insights and other objects are ignored and counted, never exit 4', async () => {
    const b = makeBucket();
    const s = await cli(['search', b.root, '--detection', 'cloudtrail-changes', '--output', 'ndjson']);
    expect(s.code).toBe(0);
    expect(s.stderr).toBe(
      '1 matching record(s) in 1 record(s) from 1 file(s); 3 file(s) ignored: 1 CloudTrail digest file (log file validation), 1 CloudTrail Insights file, 1 not a CloudTrail log file\n',
    );
    const bt = await cli(['backtest', b.root, '--json']);
    expect(bt.code).toBe(0);
    const report = JSON.parse(bt.stdout);
    expect(report.errors).toEqual([]);
    expect(report.ignored.map((i: { path: string }) => i.path)).toEqual([b.digest, b.insight, b.probe]);
    const text = await cli(['backtest', b.root]);
    expect(text.stdout).toMatch(/^1 record\(s\) in 1 file\(s\), .*; 0 skipped; 3 file\(s\) ignored: 1 CloudTrail digest file/);
  });

  test('a directory without CloudTrail log files, and a missing path, are usage errors (exit 2) naming the path', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'notes.md'), 'hello');
    for (const command of ['search', 'backtest']) {
      const r = await cli([command, dir, '--profile', 'recommended']);
      expect({ command, code: r.code }).toEqual({ command, code: 2 });
      expect(r.stderr).toContain(`'${dir}' holds no CloudTrail log files (ignored: 1 not a CloudTrail log file)`);
    }
  });

  test('the same file twice (argument and symlink) is read once', async () => {
    const b = makeBucket();
    const link = path.join(tmp(), 'link.json.gz');
    fs.symlinkSync(b.log, link);
    const r = await cli(['backtest', b.log, link, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ files: 1, records: 1 });
  });

  test('search reports what its prefilter ruled out unparsed, like backtest: exit 4 and exact counts', async () => {
    const dir = tmp();
    const good = Array.from({ length: 5 }, (_, i) => cloudTrailRecord({ eventName: 'DescribeInstances', eventID: `g${i}` }));
    fs.writeFileSync(path.join(dir, 'good.json'), JSON.stringify({ Records: good }));
    fs.writeFileSync(path.join(dir, 'records-5.json'), '{"Records": 5}');
    const full = JSON.stringify({ Records: [cloudTrailRecord({ eventName: 'DescribeVolumes' }), cloudTrailRecord({ eventName: 'DescribeVolumes' })] });
    fs.writeFileSync(path.join(dir, 'truncated.json'), full.slice(0, -40));
    const s = await cli(['search', dir, '--detection', 'kms-key-disable-or-deletion']);
    const bt = await cli(['backtest', dir, '--detection', 'kms-key-disable-or-deletion', '--json']);
    expect(s.code).toBe(4);
    expect(bt.code).toBe(4);
    const report = JSON.parse(bt.stdout);
    expect(s.stderr).toContain(`skipped: ${path.join(dir, 'records-5.json')}:1: not CloudTrail JSON: "Records" is not an array`);
    expect(s.stderr).toContain(`skipped: ${path.join(dir, 'truncated.json')}:1: truncated: the input ends inside "Records" (1 record(s) read before)`);
    expect(s.stderr).toMatch(/0 matching record\(s\) in 6 record\(s\) from 3 file\(s\); 6 record\(s\) ruled out unparsed \(2 file\(s\) entirely\); 1 record\(s\) skipped, 2 problem\(s\)\n$/);
    expect(report.records).toBe(6);
    expect(report.errors.map((e: { message: string }) => e.message)).toEqual([
      'not CloudTrail JSON: "Records" is not an array',
      'truncated: the input ends inside "Records" (1 record(s) read before)',
    ]);
  });

  test('aws cloudtrail lookup-events output is read as records', async () => {
    const file = path.join(tmp(), 'lookup.json');
    const event = cloudTrailRecord({ eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com', eventID: 'lk-1' });
    fs.writeFileSync(file, JSON.stringify({ Events: [{ EventId: 'lk-1', EventName: 'StopLogging', EventTime: 1793614800, CloudTrailEvent: JSON.stringify(event) }] }, null, 4));
    const r = await cli(['search', file, '--detection', 'cloudtrail-changes', '--output', 'ndjson']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).eventID).toBe('lk-1');
  });

  test('a record nested 100,000 deep and /dev/zero are reported with path (and line); the others are read', async () => {
    const file = path.join(tmp(), 'deep.jsonl');
    const ok = JSON.stringify(cloudTrailRecord({ eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com' }));
    fs.writeFileSync(file, `${ok}\n{"eventName":"x","a":${'['.repeat(100_000)}${']'.repeat(100_000)}}\n${ok}\n`);
    const r = await cli(['search', file, '/dev/zero', '--detection', 'cloudtrail-changes', '--output', 'ndjson']);
    expect(r.code).toBe(4);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(r.stderr).toContain(`skipped: ${file}:2: record nested deeper than --max-depth (100); not read`);
    expect(r.stderr).toContain('skipped: /dev/zero: not a regular file (a character device); not read');
    expect(r.stderr).not.toMatch(/RangeError|\n\s+at /);
  });

  test('problem lines are capped per file on standard error with a count of the rest; --json has all', async () => {
    const file = path.join(tmp(), 'noisy.jsonl');
    const ok = JSON.stringify(cloudTrailRecord({ eventName: 'DescribeInstances' }));
    fs.writeFileSync(file, `${ok}\n${'oops\n'.repeat(12)}`);
    const r = await cli(['backtest', file]);
    expect(r.code).toBe(4);
    expect(r.stderr.split('\n').filter((l) => /^skipped: .*noisy\.jsonl:\d+: /.test(l))).toHaveLength(5);
    expect(r.stderr).toContain(`skipped: ${file}: ... and 7 more problem(s) in this file (--json lists every problem)`);
    const j = await cli(['backtest', file, '--json']);
    expect(JSON.parse(j.stdout).errors).toHaveLength(12);
  });

  test('limit flags: --max-record-size, --max-depth and --max-file-size take effect; bad values are usage errors', async () => {
    const file = path.join(tmp(), 'r.jsonl');
    fs.writeFileSync(file, `${JSON.stringify(cloudTrailRecord({ eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com', x: [[[1]]] }))}\n`);
    expect((await cli(['search', file, '--detection', 'cloudtrail-changes', '--max-record-size', '100'])).stderr).toMatch(/record larger than --max-record-size \(100 bytes\); not read/);
    expect((await cli(['search', file, '--detection', 'cloudtrail-changes', '--max-depth', '2'])).stderr).toMatch(/nested deeper than --max-depth \(2\)/);
    expect((await cli(['search', file, '--detection', 'cloudtrail-changes', '--max-record-size', '1M'])).code).toBe(0);
    const bad = await cli(['search', file, '--detection', 'cloudtrail-changes', '--max-file-size', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-file-size must be a size in bytes, optionally with K, M or G \(powers of 1024\), such as 512M; got 'lots'/);
    expect((await cli(['backtest', file, '--max-depth', '0'])).stderr).toMatch(/--max-depth must be a whole number of at least 1, got '0'/);
  });
});

describe('time windows', () => {
  const records = ['2024-08-01T00:30:00Z', '2024-07-31T23:30:00Z', '2024-08-01T09:30:00Z'].map((t, i) =>
    JSON.stringify(cloudTrailRecord({ eventName: 'RunInstances', eventTime: t, eventID: `t${i}` })),
  );
  const search = (args: string[], env?: string) => {
    const stdin = new PassThrough();
    stdin.end(records.join('\n'));
    const saved = process.env.TZ;
    if (env) process.env.TZ = env;
    return cli(['search', '-', '--pattern', '{ $.eventName = RunInstances }', '--output', 'ndjson', ...args], '', { stdinStream: stdin }).finally(() => {
      process.env.TZ = saved;
    });
  };

  test('--from/--to without an offset are UTC, whatever the local time zone; an offset is honoured', async () => {
    for (const tz of ['UTC', 'Asia/Tokyo', 'America/Los_Angeles']) {
      const r = await search(['--from', '2024-08-01T00:00:00', '--to', '2024-08-01T01:00'], tz);
      expect({ tz, ids: r.stdout.trim().split('\n').map((l) => JSON.parse(l).eventID) }).toEqual({ tz, ids: ['t0'] });
    }
    const offset = await search(['--from', '2024-08-01T09:00:00+09:00', '--to', '2024-08-01T10:00:00+09:00']);
    expect(offset.stdout.trim().split('\n').map((l) => JSON.parse(l).eventID)).toEqual(['t0']);
  });

  test('impossible dates and --from at or after --to are usage errors that say what is wrong', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--from', '2024-02-30'], /--from is not a real date: 2024-02 has 29 days, got '2024-02-30'/],
      [['--to', '2023-02-29'], /--to is not a real date: 2023-02 has 28 days, got '2023-02-29'/],
      [['--from', '2024-13-01'], /--from has month 13, which does not exist/],
      [['--from', '2024-08-01T24:00:00'], /--from has an impossible time of day/],
      [['--from', 'yesterday'], /--from must be an ISO 8601 date or date-time, got 'yesterday'.*no offset means UTC/],
      [['--from', '2024-08-02', '--to', '2024-08-01'], /--from \(2024-08-02 = 2024-08-02T00:00:00.000Z\) must be before --to \(2024-08-01 = 2024-08-01T00:00:00.000Z\)/],
      [['--from', '2024-08-01', '--to', '2024-08-01T00:00:00Z'], /must be before --to/],
    ];
    for (const [args, message] of cases) {
      const r = await search(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(message);
    }
  });
});

describe('output', () => {
  test('the table escapes control characters from record fields; NDJSON stays byte-exact', async () => {
    const evil = cloudTrailRecord({ eventName: 'Run\u001b[2J\u0007Instances\r\nFAKE LINE', sourceIPAddress: '1.2.3.4\u009b31m', eventID: 'x' });
    const stdin = () => {
      const s = new PassThrough();
      s.end(JSON.stringify(evil));
      return s;
    };
    const table = await cli(['search', '-', '--pattern', '{ $.eventID = x }'], '', { stdinStream: stdin() });
    expect(table.code).toBe(0);
    const rows = table.stdout.split('\n');
    expect(rows).toHaveLength(3); // header, one row, final newline
    expect(rows[1]).toContain('Run\\u001b[2J\\u0007Instances\\u000d\\u000aFAKE LINE');
    expect(rows[1]).toContain('1.2.3.4\\u009b31m');
    expect(table.stdout).not.toMatch(/[\u001b\u0007\r\u009b]/);
    const nd = await cli(['search', '-', '--pattern', '{ $.eventID = x }', '--output', 'ndjson'], '', { stdinStream: stdin() });
    expect(nd.stdout).toBe(`${JSON.stringify(evil)}\n`);
  });

  test('output respects backpressure: while the consumer pauses, the search waits instead of buffering', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => JSON.stringify(cloudTrailRecord({ eventName: 'RunInstances', eventID: `b${i}` })));
    const stdin = new PassThrough();
    stdin.end(lines.join('\n'));
    let written = 0;
    let release: (() => void) | undefined;
    const paused = new Promise<void>((r) => (release = r));
    let calls = 0;
    // a consumer that accepts a few writes, then pauses until released
    const stdout = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, done) {
        written += chunk.length;
        calls++;
        if (calls === 3) void paused.then(() => done());
        else done();
      },
    });
    const stderr = new PassThrough();
    stderr.resume();
    const running = run(['search', '-', '--pattern', '{ $.eventName = RunInstances }', '--output', 'ndjson', '--sort', 'file'], { stdout, stderr, stdin, env: {} });
    await new Promise((r) => setTimeout(r, 1500));
    const whilePaused = written;
    const total = lines.reduce((n, l) => n + l.length + 1, 0);
    expect(whilePaused).toBeLessThan(total / 4);
    release!();
    expect(await running).toBe(0);
    expect(written).toBe(total);
  }, 30_000);

  test('| head -1: a closed pipe ends the run quietly with exit 0 (CLI as a child process)', () => {
    const file = path.join(tmp(), 'many.jsonl.gz');
    const one = JSON.stringify(cloudTrailRecord({ eventName: 'RunInstances' }));
    fs.writeFileSync(file, zlib.gzipSync(`${one}\n`.repeat(50_000)));
    const main = path.join(ROOT, 'cli', 'src', 'main.ts');
    const cmd = `node -r ts-node/register/transpile-only '${main}' search '${file}' --pattern RunInstances --output ndjson | head -1 > /dev/null`;
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', cmd], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.dev.json'), TS_NODE_SKIP_IGNORE: 'true' } });
    expect(r.stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
    expect(r.status).toBe(0);
  }, 60_000);
});

describe('non-regular files and the same input twice, through the commands', () => {
  const records = [cloudTrailRecord({ eventName: 'DeleteTrail', eventID: 'e1' }), cloudTrailRecord({ eventName: 'DeleteTrail', eventID: 'e2' })];
  const text = records.map((r) => JSON.stringify(r)).join('\n') + '\n';

  test('a named pipe inside a directory is reported and skipped: the run ends (exit 4) instead of waiting on it', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'a.jsonl'), text);
    // without mkfifo (not POSIX), there is nothing to test
    if (spawnSync('mkfifo', [path.join(dir, 'pipe.json')]).status !== 0) return;
    const r = await cli(['search', dir, '--pattern', '{ $.eventName = DeleteTrail }', '--output', 'ndjson']);
    expect(r.code).toBe(4);
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l).eventID)).toEqual(['e1', 'e2']);
    expect(r.stderr).toBe(
      `skipped: ${path.join(dir, 'pipe.json')}: not a regular file (a named pipe, found while walking a directory); not read: give it as a PATH of its own to read it\n` +
        '2 matching record(s) in 2 record(s) from 1 file(s); 0 record(s) skipped, 1 problem(s)\n',
    );
  });

  test("'-' and the file standard input reads: each record counted once", async () => {
    const file = path.join(tmp(), 'a.jsonl');
    fs.writeFileSync(file, text);
    const { dev, ino } = fs.statSync(file);
    const stdin = new PassThrough();
    stdin.end(text);
    const r = await cli(['search', '-', file, '--pattern', '{ $.eventName = DeleteTrail }'], '', { stdinStream: stdin, stdinIdentity: { dev, ino } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('2 matching record(s) in 2 record(s) from 1 file(s); 1 file(s) ignored: 1 read once already (same file)\n');
  });

  test('search - /dev/stdin (the CLI as a child process, standard input a file and a pipe): read once', () => {
    const file = path.join(tmp(), 'a.jsonl');
    fs.writeFileSync(file, text);
    const main = path.join(ROOT, 'cli', 'src', 'main.ts');
    const search = `node -r ts-node/register/transpile-only '${main}' search`;
    // the library is reached through the workspace link node_modules/cdk-cloudtrail-alarms, whose .ts sources ts-node
    // would otherwise skip as a dependency's
    const env = { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.dev.json'), TS_NODE_SKIP_IGNORE: 'true' };
    for (const cmd of [
      `${search} - /dev/stdin --pattern '{ $.eventName = DeleteTrail }' --output ndjson < '${file}'`,
      `cat '${file}' | ${search} /dev/stdin - --pattern '{ $.eventName = DeleteTrail }' --output ndjson`,
    ]) {
      const r = spawnSync('bash', ['-o', 'pipefail', '-c', cmd], { cwd: ROOT, encoding: 'utf8', env });
      expect({ cmd, status: r.status, stderr: r.stderr }).toEqual({
        cmd,
        status: 0,
        stderr: '2 matching record(s) in 2 record(s) from 1 file(s); 1 file(s) ignored: 1 read once already (same file)\n',
      });
      expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l).eventID)).toEqual(['e1', 'e2']);
    }
  }, 60_000);
});
