import { at, fixture } from './support';
import { parseAlarmInput, reasonDatapointTimes } from '../../lib/notifier/alarm-event';
import { deriveWindow } from '../../lib/notifier/window';

const MARGIN = 120_000;
const NOW = at('2026-11-02T10:21:13Z');

describe('parseAlarmInput', () => {
  test('reads the alarm SNS message: account, region from the ARN, metric, period and the datapoint in NewStateReason', () => {
    const [c] = parseAlarmInput(fixture('alarm-sns-message.json'));
    expect(c).toMatchObject({
      source: 'sns-message',
      alarmName: 'CloudTrailAlarms-root-account-usage',
      accountId: '111122223333',
      region: 'us-east-1',
      partition: 'aws',
      newState: 'ALARM',
      oldState: 'OK',
      stateChangeTime: at('2026-11-02T10:21:12.345Z'),
      metricNamespace: 'CloudTrailMetrics',
      metricName: 'RootAccountUsageEventCount',
      periodSeconds: 300,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 1,
      reasonDatapoints: [at('2026-11-02T10:15:00Z')],
    });
  });

  test('reads the same message as JSON text and inside the SNS event that wraps it', () => {
    const direct = parseAlarmInput(fixture('alarm-sns-message.json'));
    expect(parseAlarmInput(JSON.stringify(fixture('alarm-sns-message.json')))).toEqual(direct);
    expect(parseAlarmInput(fixture('alarm-sns-event.json'))).toEqual(direct);
  });

  test('reads the Lambda alarm-action payload with reasonData.evaluatedDatapoints', () => {
    const [c] = parseAlarmInput(fixture('alarm-lambda-action.json'));
    expect(c).toMatchObject({
      source: 'lambda-action',
      alarmName: 'CloudTrailAlarms-root-account-usage',
      accountId: '111122223333',
      region: 'us-east-1',
      newState: 'ALARM',
      oldState: 'OK',
      stateChangeTime: at('2026-11-02T10:21:12.345Z'),
      metricNamespace: 'CloudTrailMetrics',
      metricName: 'RootAccountUsageEventCount',
      periodSeconds: 300,
      threshold: 1,
      evaluatedDatapoints: [at('2026-11-02T10:15:00Z')],
    });
  });

  test("AWS's own test-data datapoint (06/03/15 with a 2015-06-03 state change) reads as the reading not after the change", () => {
    expect(reasonDatapointTimes('[1234.0 (06/03/15 17:43:27)]', at('2015-06-03T17:43:27.123Z'))).toEqual([at('2015-06-03T17:43:27Z')]);
    // 24/11/19 only reads as dd/mm/yy
    expect(reasonDatapointTimes('[2.0 (24/11/19 14:53:00)]', at('2019-11-24T14:59:00Z'))).toEqual([at('2019-11-24T14:53:00Z')]);
  });

  test('fails on input that is no alarm notification, naming the accepted shapes', () => {
    expect(() => parseAlarmInput({ hello: 'world' })).toThrow(/expected an SNS event .*alarm's SNS message .*Lambda alarm-action payload/);
    expect(() => parseAlarmInput('not json')).toThrow(/the alarm event is not JSON/);
    expect(() => parseAlarmInput({ Records: [{ Sns: { Message: 'plain text' } }] })).toThrow(/Records\[0\]\.Sns\.Message is not JSON/);
  });

  test('fails on an unknown state value, naming the field and the value', () => {
    const m = { ...(fixture('alarm-sns-message.json') as object), NewStateValue: 'FIRING' };
    expect(() => parseAlarmInput(m)).toThrow(/NewStateValue must be ALARM, OK or INSUFFICIENT_DATA, got "FIRING"/);
  });
});

describe('deriveWindow', () => {
  test('from the SNS message: the evaluated 5-minute period 10:15-10:20 plus a 2-minute margin', () => {
    const [c] = parseAlarmInput(fixture('alarm-sns-message.json'));
    expect(deriveWindow(c, MARGIN, NOW)).toEqual({
      basis: 'reason-datapoints',
      evaluatedStartMs: at('2026-11-02T10:15:00Z'),
      evaluatedEndMs: at('2026-11-02T10:20:00Z'),
      startMs: at('2026-11-02T10:13:00Z'),
      endMs: at('2026-11-02T10:21:13Z'), // 10:22 would be in the future: capped at now
    });
  });

  test('from the Lambda payload: the same window, from reasonData', () => {
    const [c] = parseAlarmInput(fixture('alarm-lambda-action.json'));
    const w = deriveWindow(c, MARGIN, at('2026-11-02T11:00:00Z'));
    expect(w).toEqual({
      basis: 'evaluated-datapoints',
      evaluatedStartMs: at('2026-11-02T10:15:00Z'),
      evaluatedEndMs: at('2026-11-02T10:20:00Z'),
      startMs: at('2026-11-02T10:13:00Z'),
      endMs: at('2026-11-02T10:22:00Z'),
    });
  });

  test('M of N: three evaluated datapoints (newest first) give the three periods', () => {
    const [c] = parseAlarmInput(fixture('alarm-sns-message.json'));
    const three = { ...c, reasonDatapoints: [at('2026-11-02T10:15:00Z'), at('2026-11-02T10:10:00Z'), at('2026-11-02T10:05:00Z')] };
    const w = deriveWindow(three, 0, at('2026-11-02T11:00:00Z'));
    expect([w.startMs, w.endMs]).toEqual([at('2026-11-02T10:05:00Z'), at('2026-11-02T10:20:00Z')]);
  });

  test('without datapoint times: evaluationPeriods periods before the state change', () => {
    const m = { ...(fixture('alarm-sns-message.json') as any), NewStateReason: 'Threshold Crossed.' };
    m.Trigger = { ...m.Trigger, EvaluationPeriods: 2 };
    const [c] = parseAlarmInput(m);
    const w = deriveWindow(c, MARGIN, at('2026-11-02T11:00:00Z'));
    expect(w.basis).toBe('trigger');
    expect([w.startMs, w.endMs]).toEqual([at('2026-11-02T10:09:12.345Z'), at('2026-11-02T10:23:12.345Z')]);
  });
});
