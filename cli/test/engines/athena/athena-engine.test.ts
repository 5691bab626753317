/**
 * The Athena client flow against moto_server: start, poll (moto's executions go QUEUED -> RUNNING -> SUCCEEDED, and
 * its state manager holds them in a state for N polls), results (moto serves canned rows set through
 * /moto-api/static/athena/query-results: it does not run SQL), cancel (StopQueryExecution).
 * What moto cannot do is tested with an in-process client: a FAILED query (moto never fails one) and paginated
 * GetQueryResults (moto returns every row on one page).
 */
import * as http from 'http';
import { GetQueryExecutionCommand, AthenaClient } from '@aws-sdk/client-athena';
import { LogFilterPattern } from 'cdk-cloudtrail-alarms/lib/filters/log-filter-pattern';
import { AthenaEngine } from '../../../src/engines/athena/athena-engine';
import { athenaCostUsd, AthenaQueryError, runAthenaQuery } from '../../../src/engines/athena/query-runner';
import { describeWithMoto, useMotoServer } from '../../aws/moto-server';

jest.setTimeout(60_000);

const withMoto = describeWithMoto('the moto_server part of the Athena engine tests');

function post(endpoint: string, p: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(`${endpoint}${p}`, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(data);
  });
}

const row = (values: Array<string | undefined>) => ({ Data: values.map((v) => (v === undefined ? {} : { VarCharValue: v })) });
const fastPoll = { initialDelayMs: 5, maxDelayMs: 20 };

const ROOT = { id: 'root-account-usage', pattern: LogFilterPattern.parse('{ $.userIdentity.type = "Root" }'), periodSeconds: 300 };
const TERMS = { id: 'terms', pattern: LogFilterPattern.parse('ERROR'), periodSeconds: 300 };

withMoto('AthenaEngine on moto_server', () => {
  const server = useMotoServer();

  const engine = (extra: Partial<ConstructorParameters<typeof AthenaEngine>[0]> = {}) =>
    new AthenaEngine({ table: 'cloudtrail_logs.cloudtrail', workgroup: 'primary', region: 'us-east-1', endpoint: server.endpoint, poll: fastPoll, ...extra });

  test('count: starts one query, polls to SUCCEEDED, reads the rows into per-period counts and breakdowns', async () => {
    const columns = ['period_ms', 'principal', 'source_ip', 'event_name', 'records', 'first_ms', 'last_ms', 'm0', 'f0', 'l0'];
    const t0 = Date.parse('2026-11-01T10:00:00Z');
    const status = await post(server.endpoint, '/moto-api/static/athena/query-results', {
      results: [
        {
          column_info: columns.map((Name) => ({ Name, Type: 'varchar' })),
          rows: [
            row(columns), // Athena repeats the column names as the first row
            row([String(t0), 'arn:aws:iam::111122223333:root', '203.0.113.7', 'ConsoleLogin', '2', String(t0 + 1000), String(t0 + 2000), '2', String(t0 + 1000), String(t0 + 2000)]),
            row([String(t0), undefined, undefined, undefined, '40', String(t0), String(t0 + 299_000), '0', undefined, undefined]),
            row([String(t0 + 600_000), 'arn:aws:iam::111122223333:root', '203.0.113.7', 'GetCallerIdentity', '1', String(t0 + 601_000), String(t0 + 601_000), '1', String(t0 + 601_000), String(t0 + 601_000)]),
            row([undefined, undefined, undefined, undefined, '3', undefined, undefined, '0', undefined, undefined]),
          ],
        },
      ],
    });
    expect(status).toBe(201);
    const states: string[] = [];
    const e = engine({ poll: { ...fastPoll, onState: (s) => states.push(s) } });
    const r = await e.count({ detections: [ROOT, TERMS], window: {} });
    expect(states[states.length - 1]).toBe('SUCCEEDED');
    expect(e.queryExecutionIds).toHaveLength(1);
    const [root, terms] = r.detections;
    expect([...root.periods]).toEqual([[t0, 2], [t0 + 600_000, 1]]);
    expect(root.matches).toBe(3);
    expect(root.firstMatchMs).toBe(t0 + 1000);
    expect(root.lastMatchMs).toBe(t0 + 601_000);
    expect([...root.breakdown.eventNames]).toEqual([['ConsoleLogin', 2], ['GetCallerIdentity', 1]]);
    expect([...root.breakdown.principals]).toEqual([['arn:aws:iam::111122223333:root', 3]]);
    expect(terms.matches).toBe(0);
    expect(r.stats.records).toBe(46);
    expect(r.stats.earliestEventMs).toBe(t0);
    expect(r.stats.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^detection terms cannot be expressed in SQL over the CloudTrail table: a term pattern tests the raw log event text/),
      '3 record(s) without a valid eventTime',
    ]);
  });

  test('search: the rows become records under CloudTrail field names, with the detections that matched', async () => {
    const columns = ['eventtime', 'eventsource', 'eventname', 'awsregion', 'recipientaccountid', 'principal_type', 'principal_arn', 'sourceipaddress',
      'useragent', 'errorcode', 'errormessage', 'eventid', 'requestid', 'd0'];
    await post(server.endpoint, '/moto-api/static/athena/query-results', {
      results: [{
        column_info: columns.map((Name) => ({ Name, Type: 'varchar' })),
        rows: [row(columns), row(['2026-11-01T10:00:01Z', 'signin.amazonaws.com', 'ConsoleLogin', 'us-east-1', '111122223333', 'Root',
          'arn:aws:iam::111122223333:root', '203.0.113.7', 'Mozilla', undefined, undefined, 'e-1', undefined, 'true'])],
      }],
    });
    const run = engine().search({ detections: [ROOT] });
    const got = [];
    for await (const m of run.records) got.push(m);
    expect(got).toHaveLength(1);
    expect(got[0].record).toEqual({
      eventTime: '2026-11-01T10:00:01Z',
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      awsRegion: 'us-east-1',
      recipientAccountId: '111122223333',
      userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root' },
      sourceIPAddress: '203.0.113.7',
      userAgent: 'Mozilla',
      eventID: 'e-1',
    });
    expect(got[0].detectionIds).toEqual(['root-account-usage']);
    expect(got[0].location.source).toMatch(/^athena:[0-9a-f-]{36}$/);
    expect((await run.stats()).records).toBe(1);
  });

  test('poll: a query held QUEUED for 3 polls, then RUNNING, is waited for with backoff', async () => {
    expect(await post(server.endpoint, '/moto-api/state-manager/set-transition', {
      model_name: 'athena::execution',
      transition: { progression: 'manual', times: 3 },
    })).toBe(201);
    const states: string[] = [];
    const waits: number[] = [];
    const client = new AthenaClient({ region: 'us-east-1', endpoint: server.endpoint });
    const r = await runAthenaQuery(client, { sql: 'SELECT 1', workgroup: 'primary' }, {
      initialDelayMs: 10,
      maxDelayMs: 40,
      onState: (s) => states.push(s),
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    expect(states.filter((s) => s === 'QUEUED').length).toBeGreaterThanOrEqual(2);
    expect(states[states.length - 1]).toBe('SUCCEEDED');
    // backoff: each wait at least the one before, capped at maxDelayMs
    expect(waits[0]).toBe(10);
    expect(waits.every((w, i) => i === 0 || w >= waits[i - 1])).toBe(true);
    expect(Math.max(...waits)).toBeLessThanOrEqual(40);
    expect(r.rows).toEqual([]);
  });

  test('cancel: an aborted run stops its query (StopQueryExecution), and Athena reports it CANCELLED', async () => {
    await post(server.endpoint, '/moto-api/state-manager/set-transition', {
      model_name: 'athena::execution',
      transition: { progression: 'manual', times: 1000 },
    });
    const client = new AthenaClient({ region: 'us-east-1', endpoint: server.endpoint });
    const abort = new AbortController();
    let id = '';
    const run = runAthenaQuery(client, { sql: 'SELECT 1', workgroup: 'primary' }, {
      ...fastPoll,
      signal: abort.signal,
      onState: (_s, qid) => {
        id = qid;
        abort.abort();
      },
    });
    await expect(run).rejects.toThrow(/^query [0-9a-f-]{36} was cancelled; StopQueryExecution was called$/);
    const after = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    expect(after.QueryExecution?.Status?.State).toBe('CANCELLED');
  });
});

/** An in-process Athena for what moto cannot do; it records the commands it receives. */
function fakeAthena(script: { states: string[]; pages?: Array<{ rows: Array<Array<string | undefined>>; next?: string }>; failure?: string }) {
  const calls: Array<{ name: string; input: Record<string, unknown> }> = [];
  let poll = 0;
  return {
    calls,
    send: async (command: unknown) => {
      const c = command as { constructor: { name: string }; input: Record<string, unknown> };
      const name = c.constructor.name.replace(/Command$/, '');
      calls.push({ name, input: c.input });
      switch (name) {
        case 'StartQueryExecution':
          return { QueryExecutionId: 'q-1' };
        case 'GetQueryExecution': {
          const state = script.states[Math.min(poll++, script.states.length - 1)];
          return {
            QueryExecution: {
              Status: { State: state, ...(state === 'FAILED' ? { AthenaError: { ErrorCategory: 2, ErrorMessage: script.failure } } : {}) },
              Statistics: { DataScannedInBytes: 3 * 1024 ** 3 },
            },
          };
        }
        case 'GetQueryResults': {
          const pages = script.pages ?? [];
          const at = c.input.NextToken === undefined ? 0 : Number(c.input.NextToken);
          const page = pages[at];
          return {
            ResultSet: { ResultSetMetadata: { ColumnInfo: [{ Name: 'period_start' }, { Name: 'matches' }] }, Rows: page.rows.map(row) },
            NextToken: page.next,
          };
        }
        default:
          return {};
      }
    },
  };
}

describe('the Athena query runner (in-process client)', () => {
  const noWait = { sleep: async () => undefined };

  test('a FAILED query raises Athena\'s error message, naming the query', async () => {
    const fake = fakeAthena({ states: ['QUEUED', 'RUNNING', 'FAILED'], failure: "TABLE_NOT_FOUND: line 3:6: Table 'awsdatacatalog.cloudtrail_logs.cloudtrail' does not exist" });
    const run = runAthenaQuery(fake, { sql: 'SELECT 1', workgroup: 'primary' }, noWait);
    await expect(run).rejects.toThrow("query q-1 failed: TABLE_NOT_FOUND: line 3:6: Table 'awsdatacatalog.cloudtrail_logs.cloudtrail' does not exist");
    await expect(run).rejects.toBeInstanceOf(AthenaQueryError);
    expect(fake.calls.map((c) => c.name)).toEqual(['StartQueryExecution', 'GetQueryExecution', 'GetQueryExecution', 'GetQueryExecution']);
  });

  test('GetQueryResults is paged with NextToken until it is absent; the header row is dropped once', async () => {
    const fake = fakeAthena({
      states: ['SUCCEEDED'],
      pages: [
        { rows: [['period_start', 'matches'], ['2026-11-01 10:00:00.000 UTC', '2']], next: '1' },
        { rows: [], next: '2' }, // pages may be empty before the end
        { rows: [['2026-11-01 10:05:00.000 UTC', '5']] },
      ],
    });
    const r = await runAthenaQuery(fake, { sql: 'SELECT 1', workgroup: 'wg', outputLocation: 's3://results/' }, { ...noWait, pageSize: 2 });
    expect(r.rows).toEqual([
      { period_start: '2026-11-01 10:00:00.000 UTC', matches: '2' },
      { period_start: '2026-11-01 10:05:00.000 UTC', matches: '5' },
    ]);
    expect(fake.calls.filter((c) => c.name === 'GetQueryResults').map((c) => c.input.NextToken)).toEqual([undefined, '1', '2']);
    expect(fake.calls[0].input).toMatchObject({ WorkGroup: 'wg', ResultConfiguration: { OutputLocation: 's3://results/' } });
    expect(r.dataScannedBytes).toBe(3 * 1024 ** 3);
  });

  test('a query still running at the timeout is stopped', async () => {
    const fake = fakeAthena({ states: ['RUNNING'] });
    await expect(runAthenaQuery(fake, { sql: 'SELECT 1', workgroup: 'primary' }, { ...noWait, timeoutMs: 0 })).rejects.toThrow(
      'query q-1 did not finish within 0 s; StopQueryExecution was called',
    );
    expect(fake.calls.map((c) => c.name)).toContain('StopQueryExecution');
  });

  test('cost: $5 per TB, rounded up to the MB, 10 MB minimum', () => {
    expect(athenaCostUsd(0)).toBeCloseTo((10 * 5) / 1024 ** 2, 12);
    expect(athenaCostUsd(1024 ** 4)).toBeCloseTo(5, 12);
    expect(athenaCostUsd(11 * 1024 ** 2 + 1)).toBeCloseTo((12 * 5) / 1024 ** 2, 12);
  });
});
