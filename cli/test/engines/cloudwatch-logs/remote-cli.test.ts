/**
 * `backtest` and `search` with a remote engine, end to end on moto_server: --log-group (FilterLogEvents, re-checked)
 * and --engine athena (moto serves canned rows: it does not run SQL). The commands are called as the CLI calls them.
 */
import * as fs from 'fs';
import * as http from 'http';
import { PassThrough } from 'stream';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { renderBacktest } from '../../../src/commands/backtest';
import { UsageError } from '../../../src/commands/io';
import { remoteBacktestCommand, remoteSearchCommand, wantsRemoteEngine } from '../../../src/commands/remote-engines';
import { describeWithMoto, MotoServer, startMoto } from '../../aws/moto-server';
import { cli } from '../../commands/helpers';

jest.setTimeout(60_000);

const withMoto = describeWithMoto('the remote-engine CLI tests');

const backtest = (argv: string[], io: never) => remoteBacktestCommand(argv, io, renderBacktest);

async function call(command: (argv: string[], io: never) => Promise<number>, args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  let exit: number;
  try {
    exit = await command(args, { stdout, stderr, stdin: new PassThrough(), env: {} } as never);
  } catch (e) {
    // what cli/src/commands/run.ts does with a UsageError: exit 2, the message on standard error
    if (!(e instanceof UsageError)) throw e;
    return { code: 2, stdout: out, stderr: e.message };
  }
  return { code: exit, stdout: out, stderr: err };
}

function post(endpoint: string, p: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${endpoint}${p}`, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const RECORDS: Array<Record<string, unknown>> = fs
  .readFileSync('/work/shared/fixtures/cloudtrail/aws-docs-examples.jsonl', 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));

withMoto('remote engines through the commands', () => {
  let server: MotoServer;
  const group = 'aws-cloudtrail-logs-111122223333';
  // PutLogEvents takes events of the last 14 days only
  const base = Math.floor((Date.now() - 3 * 3_600_000) / 60_000) * 60_000;
  beforeAll(async () => {
    server = await startMoto();
    const client = new CloudWatchLogsClient({ region: 'us-east-1', endpoint: server.endpoint });
    await client.send(new CreateLogGroupCommand({ logGroupName: group }));
    await client.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 's' }));
    await client.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: 's',
        logEvents: RECORDS.map((r, i) => ({
          timestamp: base + i * 60_000,
          message: JSON.stringify({ ...r, eventTime: new Date(base + i * 60_000).toISOString() }),
        })),
      }),
    );
  });
  afterAll(async () => {
    await server?.stop();
  });

  test('backtest --log-group --json: the report of the detections on the re-checked events', async () => {
    const r = await call(backtest, ['--log-group', group, '--region', 'us-east-1', '--endpoint-url', server.endpoint, '--detection', 'console-sign-in-failures', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    const expected = RECORDS.filter((x) => x.eventName === 'ConsoleLogin' && x.errorMessage === 'Failed authentication').length;
    expect(expected).toBeGreaterThan(0);
    expect(report.detections[0].id).toBe('console-sign-in-failures');
    expect(report.detections[0].matches).toBe(expected);
    expect(report.scan).toMatchObject({ engine: 'cloudwatch-logs', where: `log group ${group}` });
  });

  test('search --log-group --output ndjson: the matching records, and a summary on standard error', async () => {
    const r = await call(remoteSearchCommand, ['--log-group', group, '--region', 'us-east-1', '--endpoint-url', server.endpoint, '--pattern', '{ $.userIdentity.type = "Root" }', '--output', 'ndjson']);
    const want = RECORDS.filter((x) => (x.userIdentity as { type?: string } | undefined)?.type === 'Root').length;
    expect(want).toBeGreaterThan(0);
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l).userIdentity.type)).toEqual(Array(want).fill('Root'));
    expect(r.stderr).toContain(`${want} matching record(s) from log group ${group}`);
    expect(r.code).toBe(0);
  });

  test('backtest --engine athena: the report, plus data scanned and its cost', async () => {
    const columns = ['period_ms', 'principal', 'source_ip', 'event_name', 'records', 'first_ms', 'last_ms', 'm0', 'f0', 'l0'];
    const row = (v: Array<string | undefined>) => ({ Data: v.map((x) => (x === undefined ? {} : { VarCharValue: x })) });
    await post(server.endpoint, '/moto-api/static/athena/query-results', {
      results: [{
        column_info: columns.map((Name) => ({ Name, Type: 'varchar' })),
        rows: [row(columns), row([String(base), 'arn:aws:iam::111122223333:root', '198.51.100.1', 'ConsoleLogin', '1', String(base), String(base), '1', String(base), String(base)])],
      }],
    });
    const r = await call(backtest, [
      '--engine', 'athena', '--table', 'cloudtrail_logs.cloudtrail', '--workgroup', 'primary', '--region', 'us-east-1',
      '--endpoint-url', server.endpoint, '--detection', 'root-account-usage', '--from', '2026-11-01', '--to', '2026-11-02',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^root-account-usage\s+\S+\s+>=1\/5m 1of1\s+1\s+1 /m);
    // moto reports no DataScannedInBytes: 0 bytes, billed as the 10 MB minimum
    expect(r.stdout).toMatch(/Athena: 0\.000 GB scanned in 1 query\(ies\) \([0-9a-f-]{36}\), cost \$0\.000048 at \$5 per TB \(10 MB minimum per query\)/);
  });

  test('the CLI dispatches: cloudtrail-alarms backtest --log-group and search --log-group run on the log group', async () => {
    const b = await cli(['backtest', '--log-group', group, '--region', 'us-east-1', '--endpoint-url', server.endpoint, '--detection', 'console-sign-in-failures']);
    expect(b.code).toBe(0);
    expect(b.stdout).toContain(`FilterLogEvents on log group ${group}:`);
    const s = await cli(['search', '--log-group', group, '--region', 'us-east-1', '--endpoint-url', server.endpoint, '--pattern', '{ $.userIdentity.type = "Root" }']);
    expect(s.code).toBe(0);
    expect(s.stderr).toContain(`matching record(s) from log group ${group}`);
    const u = await cli(['backtest', '--engine', 'athena', '--workgroup', 'w']);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('--engine athena needs --table DATABASE.TABLE');
  });

  test.each([
    [['--engine', 'athena', '--workgroup', 'w', '--profile', 'recommended'], '--engine athena needs --table DATABASE.TABLE'],
    [['--engine', 'athena', '--table', 'a.b', '--profile', 'recommended'], '--engine athena needs --workgroup NAME'],
    [['--engine', 'athena', '--table', 'a.b', '--workgroup', 'w', '--output-location', 'http://x'], "--output-location must be an s3://bucket/prefix/ URI, got 'http://x'"],
    [['--engine', 'bigquery'], "--engine must be athena or cloudwatch-logs, got 'bigquery'"],
    [['--log-group', 'g', 'some/path'], 'PATH arguments (some/path) cannot be combined with the log group g'],
    [['--log-group', 'bad name!'], "--log-group must be a log group name (1-512 of letters, digits and . - _ / #), got 'bad name!'"],
  ])('backtest %j is a usage error naming the flag', async (args, message) => {
    const r = await call(backtest, args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

describe('which runs go to a remote engine', () => {
  test.each([
    [['PATH', '--profile', 'recommended'], false],
    [['--engine', 'local', 'PATH'], false],
    [['--engine=local', 'PATH'], false],
    [['--engine', 'athena'], true],
    [['--engine=cloudwatch-logs'], true],
    [['--log-group', 'g'], true],
    [['--log-group=g'], true],
  ])('%j -> %s', (argv, remote) => {
    expect(wantsRemoteEngine(argv)).toBe(remote);
  });
});
