import * as fs from 'fs';
import { PassThrough } from 'stream';
import { cloudTrailRecord } from 'cdk-cloudtrail-alarms/lib/catalogue/fixtures';
import { cli } from './helpers';
import { TimeSorter } from '../../src/commands/time-sort';

async function all(sorter: TimeSorter): Promise<string[]> {
  const out: string[] = [];
  for await (const t of sorter.sorted()) out.push(t);
  return out;
}

describe('sorting matches by eventTime with bounded memory', () => {
  test('oldest first; ties in the order they came; entries without a time last, in the order they came', async () => {
    const s = new TimeSorter();
    s.add(3000, 'c');
    s.add(NaN, 'no-time-1');
    s.add(1000, 'a1');
    s.add(2000, 'b');
    s.add(1000, 'a2');
    s.add(NaN, 'no-time-2');
    expect(await all(s)).toEqual(['a1', 'a2', 'b', 'c', 'no-time-1', 'no-time-2']);
    expect(s.spilledRuns).toBe(0);
  });

  test('past the memory limit, sorted runs go to temporary files and are merged; the files are removed', async () => {
    // 40 characters of memory, entries of 15 or 16: every third entry spills a run of three; one stays in memory
    const s = new TimeSorter(40);
    const times = [50, 10, 40, NaN, 30, 20, 10, 60, 5, NaN];
    times.forEach((t, i) => s.add(t, `e${i}:${t}\nline two\u2028`));
    expect(s.spilledRuns).toBe(3);
    const dir = s.spillDirectory!;
    expect(fs.existsSync(dir)).toBe(true);
    expect(await all(s)).toEqual(
      ['e8:5', 'e1:10', 'e6:10', 'e5:20', 'e4:30', 'e2:40', 'e0:50', 'e7:60', 'e3:NaN', 'e9:NaN'].map((x) => `${x}\nline two\u2028`),
    );
    expect(fs.existsSync(dir)).toBe(false);
  });

  test('an output that stops early removes the runs too', async () => {
    const s = new TimeSorter(1);
    for (let i = 0; i < 10; i++) s.add(10 - i, `e${i}`);
    const dir = s.spillDirectory!;
    for await (const t of s.sorted()) {
      expect(t).toBe('e9');
      break;
    }
    expect(fs.existsSync(dir)).toBe(false);
  });
});

describe('search --sort', () => {
  const records = [
    cloudTrailRecord({ eventName: 'DeleteTrail', eventTime: '2026-11-01T10:00:00Z', eventID: 'late' }),
    cloudTrailRecord({ eventName: 'DeleteTrail', eventTime: 'not a time', eventID: 'no-time' }),
    cloudTrailRecord({ eventName: 'DeleteTrail', eventTime: '2026-11-01T08:00:00+00:00', eventID: 'early' }),
    cloudTrailRecord({ eventName: 'DeleteTrail', eventTime: '2026-11-01T09:00:00Z', eventID: 'middle' }),
  ];
  const stdin = () => {
    const s = new PassThrough();
    s.end(records.map((r) => JSON.stringify(r)).join('\n'));
    return s;
  };
  const ids = (out: string) => out.trim().split('\n').map((l) => JSON.parse(l).eventID);

  test('time (the default): oldest eventTime first, records without one last', async () => {
    const r = await cli(['search', '-', '--pattern', '{ $.eventName = DeleteTrail }', '--output', 'ndjson'], '', { stdinStream: stdin() });
    expect([r.code, ids(r.stdout)]).toEqual([0, ['early', 'middle', 'late', 'no-time']]);
  });

  test('file: the input order', async () => {
    const r = await cli(['search', '-', '--pattern', '{ $.eventName = DeleteTrail }', '--output', 'ndjson', '--sort', 'file'], '', { stdinStream: stdin() });
    expect([r.code, ids(r.stdout)]).toEqual([0, ['late', 'no-time', 'early', 'middle']]);
  });

  test.each([
    [['search', '-', '--pattern', 'x', '--sort', 'random'], "cloudtrail-alarms search: --sort must be time or file, got 'random'"],
    [['search', '--log-group', 'g', '--pattern', 'x', '--sort', 'file'], "cloudtrail-alarms search: --sort must be time for a remote engine (it returns the matches oldest eventTime first), got 'file'"],
    [['backtest', '--log-group', 'g', '--sort', 'time'], 'cloudtrail-alarms backtest: --sort is for search'],
  ])('fails with exit 2 on %j', async (args, message) => {
    const r = await cli(args);
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([2, message]);
  });
});
