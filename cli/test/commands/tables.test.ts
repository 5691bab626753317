/**
 * Every column of the CLI's tables is neutralised: a record's text (the principal's ARN, the event name, the source
 * address, the time) cannot start a line, move the cursor, reorder or hide characters in the terminal. Table-driven:
 * each hostile value in each column, with the exact row expected; the same rows from files and from the CloudWatch
 * Logs engine (whose table wrote userIdentity.arn raw).
 */
import * as http from 'http';
import * as net from 'net';
import { PassThrough } from 'stream';
import fc from 'fast-check';
import { cli } from './helpers';
import { renderBacktest } from '../../src/commands/backtest';
import { recordsTableRow } from '../../src/commands/records-table';

/** Hostile values and how each must be shown. */
const HOSTILE: Array<[string, string, string]> = [
  ['a line feed and a forged line', 'a\nALARM -> OK (no action needed)', 'a\\u000aALARM -> OK (no action needed)'],
  ['a carriage return', 'a\rb', 'a\\u000db'],
  ['C0: escape sequences and a bell', 'a\u001b[2J\u001b[31mb\u0007', 'a\\u001b[2J\\u001b[31mb\\u0007'],
  ['C1: a CSI and a NEL', 'a\u009b31m\u0085b', 'a\\u009b31m\\u0085b'],
  ['line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
  ['bidi overrides and isolates', 'admin\u202e\u2066nimda\u2069\u200f\u061c', 'admin\\u202e\\u2066nimda\\u2069\\u200f\\u061c'],
  ['zero-width characters', 'ad\u200bm\u200ci\u200dn\u2060\ufeff', 'ad\\u200bm\\u200ci\\u200dn\\u2060\\ufeff'],
  ['a forged escape (backslash doubled)', 'a\\u000aFAKE', 'a\\\\u000aFAKE'],
  ['quotes and a Slack mention (shown as they are)', '"x" \'y\' <!channel>', '"x" \'y\' <!channel>'],
];

const COLUMNS = ['eventTime', 'eventName', 'sourceIPAddress', 'principal'] as const;

function record(column: (typeof COLUMNS)[number], value: string): Record<string, unknown> {
  const r: Record<string, unknown> = {
    eventVersion: '1.08',
    eventTime: '2026-11-01T09:00:00Z',
    eventName: 'DeleteTrail',
    eventSource: 'cloudtrail.amazonaws.com',
    sourceIPAddress: '198.51.100.7',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice' },
    eventID: 'e-1',
  };
  if (column === 'principal') r.userIdentity = { type: 'IAMUser', arn: value };
  else r[column] = value;
  return r;
}

/** The expected row: the four fixed values, the neutralised one in its column. */
function row(column: (typeof COLUMNS)[number], shown: string, detections = 'pattern'): string {
  const v = (c: (typeof COLUMNS)[number], fixed: string) => (c === column ? shown : fixed);
  return `${v('eventTime', '2026-11-01T09:00:00Z').padEnd(21)} ${v('eventName', 'DeleteTrail').padEnd(32)} ${v('sourceIPAddress', '198.51.100.7').padEnd(18)} ${detections.padEnd(28)} ${v('principal', 'arn:aws:iam::111122223333:user/alice')}\n`;
}

type Column = (typeof COLUMNS)[number];
const CASES = COLUMNS.flatMap((column) => HOSTILE.map(([what, value, shown]): [Column, string, string, string] => [column, what, value, shown]));

describe('the search table', () => {
  test.each(CASES)('%s holding %s', (column, _, value, shown) => {
    expect(recordsTableRow({ record: record(column, value), detectionIds: ['pattern'], location: { source: '-' } })).toBe(row(column, shown));
  });

  test('a 1 MB value stays on its one row', () => {
    const big = `${'A'.repeat(512 * 1024)}\n${'B'.repeat(512 * 1024)}`;
    const out = recordsTableRow({ record: record('principal', big), detectionIds: ['pattern'], location: { source: '-' } });
    expect(out).toBe(row('principal', `${'A'.repeat(512 * 1024)}\\u000a${'B'.repeat(512 * 1024)}`));
    expect(out.split('\n')).toHaveLength(2);
  });

  test('search on files: the hostile principal and event name are escaped in the printed row', async () => {
    const r0 = record('principal', 'arn:aws:iam::1:user/a\u001b[2J\u202eb\u200bc\nFAKE');
    r0.eventName = 'Delete\u2028Trail';
    const stdin = new PassThrough();
    stdin.end(JSON.stringify(r0));
    const r = await cli(['search', '-', '--pattern', '{ $.eventID = "e-1" }'], '', { stdinStream: stdin });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe(
      `${'2026-11-01T09:00:00Z'.padEnd(21)} ${'Delete\\u2028Trail'.padEnd(32)} ${'198.51.100.7'.padEnd(18)} ${'pattern'.padEnd(28)} arn:aws:iam::1:user/a\\u001b[2J\\u202eb\\u200bc\\u000aFAKE`,
    );
    expect(r.stdout.split('\n')).toHaveLength(3);
  });
});

describe('property: no record value can add a line or a hidden character to the table', () => {
  const hostile = fc.string({
    unit: fc.oneof(fc.constantFrom('\n', '\r', '\u001b', '\u0085', '\u2028', '\u2029', '\u202e', '\u200b', '\ufeff', '\\', '"'), fc.fullUnicode()),
    maxLength: 60,
  });
  test('one row, one final line feed, every invisible character escaped', () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, hostile, (time, name, ip, arn) => {
        const r = record('principal', arn);
        Object.assign(r, { eventTime: time, eventName: name, sourceIPAddress: ip });
        const out = recordsTableRow({ record: r, detectionIds: ['pattern'], location: { source: '-' } });
        expect(out.endsWith('\n')).toBe(true);
        expect(out.slice(0, -1)).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u);
      }),
      { numRuns: 500 },
    );
  });
});

describe('the CloudWatch Logs engine table (search --log-group)', () => {
  // the SDK signs with the process's credentials (any will do for the stand-in below)
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  beforeAll(() => {
    process.env.AWS_ACCESS_KEY_ID = 'testing';
    process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  });
  afterAll(() => {
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    else process.env.AWS_ACCESS_KEY_ID = saved.id;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
  });

  test('the principal ARN and every other column of the log event are escaped', async () => {
    const evil = record('principal', 'arn:aws:iam::1:user/a\u001b]0;pwned\u0007\u202e\r\nFAKE ROW');
    evil.sourceIPAddress = '203.0.113.9\u200b';
    // a stand-in for CloudWatch Logs: one page of FilterLogEvents holding the record
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ events: [{ eventId: 'ev-1', logStreamName: 's', timestamp: Date.parse('2026-11-01T09:00:30Z'), message: JSON.stringify(evil) }] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    try {
      const r = await cli(['search', '--log-group', 'ct', '--region', 'us-east-1', '--endpoint-url', endpoint, '--pattern', '{ $.eventID = "e-1" }']);
      expect([r.code, r.stderr.split('\n')[0]]).toEqual([0, '1 matching record(s) from log group ct']);
      expect(r.stdout.split('\n')).toEqual([
        `${'eventTime'.padEnd(21)} ${'eventName'.padEnd(32)} ${'sourceIPAddress'.padEnd(18)} ${'detections'.padEnd(28)} principal`,
        `${'2026-11-01T09:00:00Z'.padEnd(21)} ${'DeleteTrail'.padEnd(32)} ${'203.0.113.9\\u200b'.padEnd(18)} ${'pattern'.padEnd(28)} arn:aws:iam::1:user/a\\u001b]0;pwned\\u0007\\u202e\\u000d\\u000aFAKE ROW`,
        '',
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('the backtest report', () => {
  test('top principals, source IPs and event names are escaped', () => {
    const text = renderBacktest({
      files: 1,
      records: 2,
      skipped: 0,
      ignored: [],
      detections: [
        {
          id: 'root-account-usage',
          title: 'Root',
          severity: 'HIGH',
          pattern: '{}',
          periodSeconds: 300,
          alarmReplayed: true,
          threshold: 1,
          evaluationPeriods: 1,
          datapointsToAlarm: 1,
          matches: 2,
          alarmCount: 0,
          alarms: [],
          secondsInAlarm: 0,
          topPrincipals: [{ value: 'arn:aws:iam::1:root\n  source IPs:  1.1.1.1 (99)', count: 2 }],
          topSourceIps: [{ value: '10.0.0.1\u202e', count: 2 }],
          topEventNames: [{ value: 'Console\u200bLogin', count: 2 }],
        },
      ],
      errors: [],
    });
    const lines = text.split('\n');
    expect(lines.slice(lines.indexOf('root-account-usage: 2 match(es), 0 alarm(s)'))).toEqual([
      'root-account-usage: 2 match(es), 0 alarm(s)',
      '  principals:  arn:aws:iam::1:root\\u000a  source IPs:  1.1.1.1 (99) (2)',
      '  source IPs:  10.0.0.1\\u202e (2)',
      '  event names: Console\\u200bLogin (2)',
      '',
    ]);
  });
});
