/**
 * The CloudWatch Logs engine against moto_server, with real CloudTrail records put into a log group. moto's
 * FilterLogEvents ignores JSON filter patterns and returns every event: the engine's re-check of every returned
 * event is what makes the counts right, and these tests show it. Throttling is tested with an in-process client
 * (moto never throttles).
 */
import * as fs from 'fs';
import * as path from 'path';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { LogFilterPattern } from 'cdk-cloudtrail-alarms/lib/filters/log-filter-pattern';
import { CloudWatchLogsEngine } from '../../../src/engines/cloudwatch-logs/cloudwatch-logs-engine';
import { filterLogEvents } from '../../../src/engines/cloudwatch-logs/filter-log-events';
import { describeWithMoto, MotoServer, startMoto } from '../../aws/moto-server';

jest.setTimeout(60_000);

const withMoto = describeWithMoto('the moto_server part of the CloudWatch Logs engine tests');

const RECORDS: Array<Record<string, unknown>> = fs
  .readFileSync(path.join('/work/shared/fixtures/cloudtrail/aws-docs-examples.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));

const GROUP = 'aws-cloudtrail-logs-111122223333';
const SIGN_IN_FAILURES = {
  id: 'console-sign-in-failures',
  pattern: LogFilterPattern.parse('{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'),
  periodSeconds: 300,
};
const CONSOLE_LOGIN = { id: 'console-logins', pattern: LogFilterPattern.parse('{ $.eventName = "ConsoleLogin" }'), periodSeconds: 3600 };

withMoto('CloudWatchLogsEngine on moto_server', () => {
  let server: MotoServer;
  let client: CloudWatchLogsClient;
  // delivery time = eventTime + 2 minutes; the log group holds the real records and one line that is not JSON
  const base = Date.now() - 3_600_000;
  const messages = RECORDS.map((r, i) => ({
    timestamp: base + i * 1000,
    message: JSON.stringify({ ...r, eventTime: new Date(base + i * 1000 - 120_000).toISOString() }),
  }));

  beforeAll(async () => {
    server = await startMoto();
    client = new CloudWatchLogsClient({ region: 'us-east-1', endpoint: server.endpoint });
    await client.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    await client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: '111122223333_CloudTrail_us-east-1' }));
    await client.send(
      new PutLogEventsCommand({
        logGroupName: GROUP,
        logStreamName: '111122223333_CloudTrail_us-east-1',
        logEvents: [...messages, { timestamp: base + RECORDS.length * 1000, message: 'ConsoleLogin not JSON at all' }],
      }),
    );
  });
  afterAll(async () => {
    await server?.stop();
  });

  const expected = (d: typeof SIGN_IN_FAILURES) =>
    messages.filter((m) => d.pattern.matches(m.message)).map((m) => Date.parse(JSON.parse(m.message).eventTime));

  test('count: moto returns every event; the re-check keeps exactly the engine\'s matches, per period', async () => {
    // what moto answers by itself: every event, whatever the JSON pattern
    const raw = [];
    for await (const e of filterLogEvents(client, { logGroupName: GROUP, filterPattern: SIGN_IN_FAILURES.pattern.logPatternString })) raw.push(e);
    expect(raw).toHaveLength(RECORDS.length + 1);
    const progress: Array<[string, number]> = [];
    const engine = new CloudWatchLogsEngine({
      logGroupName: GROUP,
      region: 'us-east-1',
      endpoint: server.endpoint,
      pageSize: 5,
      onProgress: (id, events) => progress.push([id, events]),
    });
    const r = await engine.count({ detections: [SIGN_IN_FAILURES, CONSOLE_LOGIN] });
    const failures = expected(SIGN_IN_FAILURES);
    const logins = expected(CONSOLE_LOGIN);
    expect(failures.length).toBeGreaterThan(0);
    expect(logins.length).toBeGreaterThan(failures.length);
    expect(r.detections[0].matches).toBe(failures.length);
    expect(r.detections[1].matches).toBe(logins.length);
    const periods = new Map<number, number>();
    for (const t of logins) periods.set(Math.floor(t / 3_600_000) * 3_600_000, (periods.get(Math.floor(t / 3_600_000) * 3_600_000) ?? 0) + 1);
    expect([...r.detections[1].periods].sort()).toEqual([...periods].sort());
    // every event (JSON or not) was read by each of the two scans, counted once
    expect(r.stats.records).toBe(RECORDS.length + 1);
    expect(r.stats.sources).toBe(1);
    expect(r.stats.problems).toEqual([]);
    // pages of 5: progress after every page, for each detection
    expect(progress.filter(([id]) => id === SIGN_IN_FAILURES.id).map(([, n]) => n)).toEqual(
      Array.from({ length: Math.ceil((RECORDS.length + 1) / 5) }, (_, k) => Math.min((k + 1) * 5, RECORDS.length + 1)),
    );
  });

  test('search: the matching records in eventTime order, once each, with every detection that matched', async () => {
    const engine = new CloudWatchLogsEngine({ logGroupName: GROUP, region: 'us-east-1', endpoint: server.endpoint });
    const run = engine.search({ detections: [SIGN_IN_FAILURES, CONSOLE_LOGIN] });
    const got = [];
    for await (const m of run.records) got.push(m);
    expect(got.map((m) => Date.parse(String(m.record.eventTime)))).toEqual(expected(CONSOLE_LOGIN));
    const failures = new Set(expected(SIGN_IN_FAILURES));
    for (const m of got) {
      const both = failures.has(Date.parse(String(m.record.eventTime)));
      expect(m.detectionIds).toEqual(both ? ['console-sign-in-failures', 'console-logins'] : ['console-logins']);
      expect(m.location.source).toBe(`${GROUP}/111122223333_CloudTrail_us-east-1`);
    }
    expect((await run.stats()).records).toBe(RECORDS.length + 1);
  });

  test('a window applies to eventTime, the scan to delivery time plus the slack', async () => {
    const engine = new CloudWatchLogsEngine({ logGroupName: GROUP, region: 'us-east-1', endpoint: server.endpoint });
    const all = expected(CONSOLE_LOGIN);
    const fromMs = all[1];
    const toMs = all[all.length - 1];
    const r = await engine.count({ detections: [CONSOLE_LOGIN], window: { fromMs, toMs } });
    expect(r.detections[0].matches).toBe(all.filter((t) => t >= fromMs && t < toMs).length);
  });

  test('a log group that does not exist is an error naming it', async () => {
    const engine = new CloudWatchLogsEngine({ logGroupName: 'no-such-group', region: 'us-east-1', endpoint: server.endpoint });
    await expect(engine.count({ detections: [CONSOLE_LOGIN] })).rejects.toThrow(/log group|ResourceNotFound|does not exist/i);
  });
});

describe('FilterLogEvents pagination and throttling (in-process client)', () => {
  test('throttled calls are retried with growing waits; empty pages do not end the scan; a missing nextToken does', async () => {
    const waits: number[] = [];
    let calls = 0;
    const client = {
      send: async (command: unknown) => {
        calls++;
        const input = (command as { input: { nextToken?: string } }).input;
        if (calls <= 2) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        if (input.nextToken === undefined) return { events: [{ eventId: '1', message: '{}' }], nextToken: 'a' };
        if (input.nextToken === 'a') return { events: [], nextToken: 'b' };
        return { events: [{ eventId: '2', message: '{}' }] };
      },
    };
    const got = [];
    for await (const e of filterLogEvents(client, { logGroupName: 'g' }, { sleep: async (ms) => void waits.push(ms) })) got.push(e.eventId);
    expect(got).toEqual(['1', '2']);
    expect(waits).toEqual([200, 400]);
    expect(calls).toBe(5);
  });

  test('throttling beyond the retries is raised', async () => {
    const client = { send: async () => Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })) };
    const scan = filterLogEvents(client, { logGroupName: 'g' }, { sleep: async () => undefined, maxRetries: 2 });
    await expect(scan.next()).rejects.toThrow('Rate exceeded');
  });
});
