import { simulateAlarm } from '../../src/backtest';

const T0 = Date.parse('2026-11-02T10:00:00Z');
const min = (m: number, s = 0) => T0 + m * 60_000 + s * 1000;

describe('simulateAlarm (hand-computed cases)', () => {
  test('threshold 3 in 5 minutes: two matches do not alarm, three do, for one period', () => {
    const settings = { periodSeconds: 300, threshold: 3, evaluationPeriods: 1 };
    expect(simulateAlarm([min(0), min(4)], settings)).toEqual([]);
    // 10:00:10, 10:02, 10:04:59 fall in the 10:00-10:05 period: ALARM for that period, OK at 10:05
    expect(simulateAlarm([min(0, 10), min(2), min(4, 59)], settings)).toEqual([
      { start: '2026-11-02T10:00:00.000Z', end: '2026-11-02T10:05:00.000Z', peak: 3 },
    ]);
    // three matches split over two periods (10:04, 10:05, 10:06) never reach 3 in one period
    expect(simulateAlarm([min(4), min(5), min(6)], settings)).toEqual([]);
  });

  test('2 of 3 datapoints: needs two breaching periods within three', () => {
    const settings = { periodSeconds: 300, threshold: 1, evaluationPeriods: 3, datapointsToAlarm: 2 };
    // one breaching period only: no alarm
    expect(simulateAlarm([min(1)], settings)).toEqual([]);
    // periods 10:00 and 10:10 breach (10:05 empty): at the end of 10:10 the window 10:00-10:15 has 2 of 3 -> ALARM;
    // at the end of 10:15 the window 10:05-10:20 has 1 -> OK
    expect(simulateAlarm([min(1), min(11)], settings)).toEqual([
      { start: '2026-11-02T10:10:00.000Z', end: '2026-11-02T10:15:00.000Z', peak: 1 },
    ]);
    // periods 10:00, 10:05 breach: ALARM at 10:05 and 10:10 (window 10:00-10:15 still 2 of 3), OK at 10:15
    expect(simulateAlarm([min(1), min(6), min(7)], settings)).toEqual([
      { start: '2026-11-02T10:05:00.000Z', end: '2026-11-02T10:15:00.000Z', peak: 2 },
    ]);
  });

  test('periods with no records are not breaching and end an alarm; separate bursts give separate alarms', () => {
    const settings = { periodSeconds: 300, threshold: 1, evaluationPeriods: 1 };
    expect(simulateAlarm([min(0), min(30), min(31)], settings)).toEqual([
      { start: '2026-11-02T10:00:00.000Z', end: '2026-11-02T10:05:00.000Z', peak: 1 },
      { start: '2026-11-02T10:30:00.000Z', end: '2026-11-02T10:35:00.000Z', peak: 2 },
    ]);
    // consecutive breaching periods form one episode
    expect(simulateAlarm([min(0), min(5), min(10)], settings)).toEqual([
      { start: '2026-11-02T10:00:00.000Z', end: '2026-11-02T10:15:00.000Z', peak: 1 },
    ]);
  });

  test('records out of time order give the same result as sorted ones', () => {
    const settings = { periodSeconds: 300, threshold: 2, evaluationPeriods: 1 };
    const times = [min(31), min(0), min(30), min(1), min(2)];
    expect(simulateAlarm(times, settings)).toEqual(simulateAlarm([...times].sort((a, b) => a - b), settings));
    expect(simulateAlarm(times, settings)).toHaveLength(2);
  });

  test('GreaterThanThreshold is strict', () => {
    expect(simulateAlarm([min(0), min(1)], { periodSeconds: 300, threshold: 2, evaluationPeriods: 1, comparisonOperator: 'GreaterThanThreshold' })).toEqual([]);
  });

  test('no matches, no alarms', () => {
    expect(simulateAlarm([], { periodSeconds: 300, threshold: 1, evaluationPeriods: 1 })).toEqual([]);
  });
});
