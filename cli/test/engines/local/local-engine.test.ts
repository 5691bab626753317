import { PassThrough } from 'stream';
import { cloudTrailRecord } from 'cdk-cloudtrail-alarms/lib/catalogue/fixtures';
import { LogFilterPattern } from 'cdk-cloudtrail-alarms/lib/filters/log-filter-pattern';
import { LocalEngine } from '../../../src/engines/local';

const stdin = (lines: object[]) => {
  const s = new PassThrough();
  s.end(lines.map((l) => JSON.stringify(l)).join('\n'));
  return s;
};
const engine = (lines: object[]) => new LocalEngine({ inputs: [{ path: '-', size: 0, kind: 'stream' }], stdin: stdin(lines) });
const detection = (id: string, pattern: string, periodSeconds = 300) => ({ id, pattern: LogFilterPattern.parse(pattern), periodSeconds });

describe('LocalEngine (the Engine contract on local files)', () => {
  const records = [
    cloudTrailRecord({ eventName: 'StopLogging', eventTime: '2026-11-02T10:01:00Z', sourceIPAddress: '203.0.113.1' }),
    cloudTrailRecord({ eventName: 'StopLogging', eventTime: '2026-11-02T10:04:59Z', sourceIPAddress: '203.0.113.1' }),
    cloudTrailRecord({ eventName: 'StopLogging', eventTime: '2026-11-02T10:05:00Z', sourceIPAddress: '203.0.113.2' }),
    cloudTrailRecord({ eventName: 'DeleteTrail', eventTime: '2026-11-02T11:00:00Z' }),
    { ...cloudTrailRecord({ eventName: 'StopLogging' }), eventTime: 'not a time' },
  ];

  test('count: matches per epoch-aligned period, breakdowns, time range, and records without a valid eventTime', async () => {
    const r = await engine(records).count({ detections: [detection('stop', '{ $.eventName = StopLogging }'), detection('delete', '{ $.eventName = DeleteTrail }', 3600)] });
    const stop = r.detections[0];
    expect([...stop.periods.entries()]).toEqual([
      [Date.parse('2026-11-02T10:00:00Z'), 2],
      [Date.parse('2026-11-02T10:05:00Z'), 1],
    ]);
    expect(stop.matches).toBe(3);
    expect(stop.firstMatchMs).toBe(Date.parse('2026-11-02T10:01:00Z'));
    expect([...stop.breakdown.sourceIps.entries()]).toEqual([['203.0.113.1', 2], ['203.0.113.2', 1]]);
    expect([...r.detections[1].periods.entries()]).toEqual([[Date.parse('2026-11-02T11:00:00Z'), 1]]);
    expect(r.stats).toMatchObject({ records: 5, sources: 1, earliestEventMs: Date.parse('2026-11-02T10:01:00Z'), latestEventMs: Date.parse('2026-11-02T11:00:00Z') });
    expect(r.stats.problems).toEqual([{ path: '-', message: '1 record(s) without a valid eventTime', records: 1 }]);
  });

  test('count and search: the window is [from, to); a matching record that cannot be placed in it is a problem', async () => {
    const window = { fromMs: Date.parse('2026-11-02T10:04:59Z'), toMs: Date.parse('2026-11-02T11:00:00Z') };
    const c = await engine(records).count({ detections: [detection('stop', '{ $.eventName = StopLogging }')], window });
    expect(c.detections[0].matches).toBe(2);
    const run = engine(records).search({ detections: [detection('stop', '{ $.eventName = StopLogging }'), detection('delete', '{ $.eventName = DeleteTrail }')], window });
    const found: string[] = [];
    for await (const m of run.records) found.push(`${m.record.eventTime}:${m.detectionIds.join(',')}@${m.location.source}:${m.location.line}`);
    expect(found).toEqual(['2026-11-02T10:04:59Z:stop@-:2', '2026-11-02T10:05:00Z:stop@-:3']);
    const stats = await run.stats();
    expect(stats.problems).toEqual([{ path: '-', message: '1 matching record(s) without a valid eventTime (cannot be placed in --from/--to)', records: 1 }]);
  });
});
