import { at, catalogueFacts, configFor, fixture, memoryFilter, TOPICS } from './support';
import { insightsMetric } from '../../lib/catalogue/metrics-insights';
import { DRILL_REASON_PREFIX, parseAlarmInput } from '../../lib/notifier/alarm-event';
import { NotifierConfig } from '../../lib/notifier/config';
import { NotifierContext, notify, Publication } from '../../lib/notifier/notify';

const ROOT_LOGIN = JSON.stringify({
  eventVersion: '1.08',
  userIdentity: { type: 'Root', principalId: '444455556666', arn: 'arn:aws:iam::444455556666:root', accountId: '444455556666' },
  eventTime: '2026-11-02T10:14:41Z',
  eventSource: 'signin.amazonaws.com',
  eventName: 'ConsoleLogin',
  awsRegion: 'us-east-1',
  sourceIPAddress: '203.0.113.7',
  responseElements: { ConsoleLogin: 'Success' },
  additionalEventData: { MFAUsed: 'No' },
  eventType: 'AwsConsoleSignIn',
  recipientAccountId: '444455556666',
});

function context(config: NotifierConfig = configFor(catalogueFacts())): NotifierContext {
  return {
    config,
    logGroupName: 'CloudTrail/logs',
    topicArns: TOPICS,
    filterLogEvents: memoryFilter([{ timestamp: at('2026-11-02T10:16:00Z'), message: ROOT_LOGIN }], 10),
    now: () => at('2026-11-02T10:30:00Z'),
    lookupDeadline: () => Number.MAX_SAFE_INTEGER,
  };
}

function recorder() {
  const sent: Publication[] = [];
  return { sent, publish: async (p: Publication) => void sent.push(p) };
}

/** The fixture's root-usage alarm message, changed. */
function message(change: (m: any) => void): unknown {
  const event = fixture('alarm-sns-event.json') as any;
  const m = JSON.parse(event.Records[0].Sns.Message);
  change(m);
  event.Records[0].Sns.Message = JSON.stringify(m);
  return event;
}

describe('graded twin', () => {
  // root-account-usage with a graded twin: its own (tuned) metric RootAccountUsageEventCountTuned, the graded one
  // RootAccountUsageEventCount
  const config: NotifierConfig = (() => {
    const base = configFor(catalogueFacts());
    return {
      ...base,
      detections: base.detections.map((d) =>
        d.id === 'root-account-usage' ? { ...d, metricName: 'RootAccountUsageEventCountTuned', gradedMetricName: 'RootAccountUsageEventCount' } : d,
      ),
    };
  })();

  test('the graded alarm reaches no one: nothing is published, and the outcome says why', async () => {
    const { sent, publish } = recorder();
    const [o] = await notify(fixture('alarm-sns-event.json'), context(config), publish, new Set());
    expect(sent).toEqual([]);
    expect(o).toMatchObject({
      detectionId: 'root-account-usage',
      state: 'ALARM',
      published: [],
      duplicate: false,
      errors: [],
      muted: "graded twin of 'root-account-usage': its alarm exists for the graders; the tuned alarm (metric RootAccountUsageEventCountTuned) notifies people",
    });
  });

  test('the tuned alarm notifies as the detection', async () => {
    const { sent, publish } = recorder();
    const [o] = await notify(message((m) => (m.Trigger.MetricName = 'RootAccountUsageEventCountTuned')), context(config), publish, new Set());
    expect(o.muted).toBeUndefined();
    expect(sent.map((p) => p.subject ?? 'chat')).toEqual(['[HIGH] Root user activity in 444455556666, us-east-1 (1 event)', 'chat']);
  });
});

describe('per-account alarms (Metrics Insights)', () => {
  const QUERY = 'SELECT SUM("RootAccountUsageEventCount") FROM SCHEMA("CloudTrailMetrics", Account, Region) GROUP BY Account, Region';

  test('the metric of a Metrics Insights query', () => {
    expect(insightsMetric(QUERY)).toEqual({ metricName: 'RootAccountUsageEventCount', namespace: 'CloudTrailMetrics', statistic: 'Sum' });
    expect(insightsMetric('SELECT COUNT("X") FROM SCHEMA("NS", "@aws.account", "@aws.region") GROUP BY "@aws.account"')).toEqual({ metricName: 'X', namespace: 'NS', statistic: 'SampleCount' });
    expect(insightsMetric('FILL(errors, 0) + FILL(failures, 0)')).toBeUndefined();
    expect(insightsMetric(undefined)).toBeUndefined();
  });

  test('an alarm on the query is the detection\'s: its events are looked up and their account named', async () => {
    const event = message((m) => {
      m.AlarmName = 'CloudTrailAlarms-root-account-usage-by-account';
      m.Trigger = { Metrics: [{ Id: 'expr_1', Expression: QUERY, Label: 'root-account-usage per account and Region', ReturnData: true, Period: 300 }], EvaluationPeriods: 1, Threshold: 1.0 };
    });
    const [change] = parseAlarmInput(event);
    expect([change.metricNamespace, change.metricName]).toEqual(['CloudTrailMetrics', 'RootAccountUsageEventCount']);
    const { sent, publish } = recorder();
    const [o] = await notify(event, context(), publish, new Set());
    expect(o.detectionId).toBe('root-account-usage');
    expect(sent[0].subject).toBe('[HIGH] Root user activity in 444455556666, us-east-1 (1 event)');
  });

  test('the Lambda alarm-action shape reads the query too', () => {
    const payload = fixture('alarm-lambda-action.json') as any;
    payload.alarmData.configuration.metrics = [{ id: 'expr_1', expression: QUERY, returnData: true }];
    const [change] = parseAlarmInput(payload);
    expect([change.metricNamespace, change.metricName]).toEqual(['CloudTrailMetrics', 'RootAccountUsageEventCount']);
  });
});

describe('drills', () => {
  const REASON = `${DRILL_REASON_PREFIX} cloudtrail-alarms drill set this alarm to ALARM to prove that its notifications reach people. Run by arn:aws:iam::111122223333:user/alice at 2026-11-02T10:21:12.000Z. Nothing to do; the drill sets the alarm back to OK.`;

  test('a state change set by cloudtrail-alarms drill says so in the subject, the first lines and the chat context', async () => {
    const event = message((m) => (m.NewStateReason = REASON));
    expect(parseAlarmInput(event)[0].drill).toBe(true);
    const { sent, publish } = recorder();
    await notify(event, context(), publish, new Set());
    expect(sent[0].subject!.startsWith('[DRILL] [HIGH] Root user activity')).toBe(true);
    expect(sent[0].subject!.length).toBeLessThan(100);
    expect(sent[0].message.split('\n').slice(0, 2)).toEqual([
      'DRILL: `cloudtrail-alarms drill` set this alarm, not a CloudTrail event; nothing to do. Who ran it and when:',
      `Reason: "${REASON}"`,
    ]);
    const chat = JSON.parse(sent[1].message);
    expect(chat.content.title.startsWith(':rotating_light: [DRILL] [HIGH]')).toBe(true);
    expect(chat.metadata.additionalContext.drill).toBe('true');
  });

  test('a reason that only mentions a drill later is not a drill', () => {
    const event = message((m) => (m.NewStateReason = `Threshold Crossed: ${DRILL_REASON_PREFIX}`));
    expect(parseAlarmInput(event)[0].drill).toBeUndefined();
  });
});
