import { parse } from 'cdk-cloudtrail-alarms/lib/pattern';
import { compilePredicate, countQuery, partitionPredicates } from '../../src/sql/sql';
import { cli } from '../commands/helpers';

describe('cloudtrail-alarms sql', () => {
  test('--detection with --from/--to/--region: one count query per detection, partition predicates for the asked days and Regions', async () => {
    const r = await cli(['sql', '--detection', 'root-account-usage', '--from', '2026-11-01', '--to', '2026-11-08', '--region', 'us-east-1', '--table', 'ct.logs']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('FROM ct.logs');
    expect(r.stdout).toContain('WHERE "timestamp" >= \'2026/11/01\'\n  AND "timestamp" <= \'2026/11/08\'\n  AND region IN (\'us-east-1\')');
    expect(r.stdout).toContain("AND try(from_iso8601_timestamp(eventtime)) < from_iso8601_timestamp('2026-11-08T00:00:00.000Z')");
    expect(r.stdout).toContain('useridentity.invokedby IS NULL');
    expect(r.stdout).toMatch(/AS period_start, count\(\*\) AS matches\n/);
  });

  test('--format json: [{id, sql}] and {id, error} for what the table cannot express; exit 1 when something was refused', async () => {
    const r = await cli(['sql', '--pattern', 'ERROR Exception', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([
      { id: 'pattern', error: 'a term pattern tests the raw log event text, which the CloudTrail table does not keep (it holds the parsed fields)' },
    ]);
    const ok = await cli(['sql', '--profile', 'cis-1.4', '--format', 'json']);
    expect(ok.code).toBe(0);
    const out = JSON.parse(ok.stdout) as Array<{ id: string; sql?: string }>;
    expect(out.length).toBeGreaterThan(5);
    expect(out.every((o) => typeof o.sql === 'string' && o.sql.includes('GROUP BY 1'))).toBe(true);
  });

  test('--search: the key fields of matching records', async () => {
    const r = await cli(['sql', '--pattern', '{ $.eventName = "ConsoleLogin" }', '--search', '--limit', '10']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('useridentity.arn AS principal_arn');
    expect(r.stdout).toContain("WHERE (eventname IS NOT NULL AND (eventname = 'ConsoleLogin'))");
    expect(r.stdout).toContain('LIMIT 10');
  });

  test.each([
    [['sql'], 'give --pattern, --detection or --profile'],
    [['sql', '--pattern', '{ $.a = 1 }', '--table', 'nodot'], "--table must be DATABASE.TABLE (letters, digits and underscores), got 'nodot'"],
    [['sql', '--profile', 'recommended', '--region', 'mars-1'], "--region must be a Region name such as us-east-1, got 'mars-1'"],
    [['sql', '--profile', 'recommended', '--from', '2026-11-02', '--to', '2026-11-01'], '--to must be later than --from'],
    [['sql', '--profile', 'recommended', '--limit', '5'], '--limit applies to --search queries only'],
  ])('%j is a usage error naming the flag', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

describe('refusals and the exact rules, at the compiler', () => {
  const refusal = (p: string) => {
    const r = compilePredicate(parse(p));
    return r.ok ? undefined : r.reason;
  };
  test.each([
    ['[ip, user, status = 404]', /space-delimited pattern splits the raw log event text/],
    ['{ $.managementEvent IS TRUE }', /managementEvent is not a column of AWS's CloudTrail table/],
    ['{ $.eventname = "x" }', /did you mean \$\.eventName\?/],
    ['{ $.sessionCredentialFromConsole = "true" }', /holds the text true for both/],
    ['{ $.requestParameters != "x" }', /'!=' on requestParameters itself cannot be expressed/],
    ['{ $.requestParameters.count = "4*" }', /may match a JSON number's text/],
  ])('%s is refused with the reason', (pattern, reason) => {
    expect(refusal(pattern)).toMatch(reason);
  });

  test('a missing field never satisfies != (the column must be present), and * is LIKE with %, _ and \\ escaped', () => {
    const ne = compilePredicate(parse('{ $.eventSource != "s3.amazonaws.com" }'));
    expect(ne).toEqual({ ok: true, sql: "(eventsource IS NOT NULL AND NOT (eventsource = 's3.amazonaws.com'))", notes: [] });
    const like = compilePredicate(parse('{ $.errorCode = "*100%_\\\\x*" }'));
    expect(like.ok && like.sql).toBe("(errorcode IS NOT NULL AND (errorcode LIKE '%100\\%\\_\\\\x%' ESCAPE '\\'))");
  });

  test('partition predicates cover the day after the window (records are delivered after their eventTime)', () => {
    expect(partitionPredicates({ table: 'a.b', fromMs: Date.parse('2026-11-01T23:00:00Z'), toMs: Date.parse('2026-11-02T00:00:00Z') })).toEqual([
      '"timestamp" >= \'2026/11/01\'',
      '"timestamp" <= \'2026/11/02\'',
    ]);
    const q = countQuery(parse('{ $.eventName = "X" }'), 300, { table: 'a.b', accounts: ['111122223333'], timestampPartition: false });
    expect(q.ok && q.sql).toContain("WHERE account IN ('111122223333')");
  });
});
