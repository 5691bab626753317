import { at, catalogueFacts, configFor, fixture, memoryFilter, TOPICS } from './support';
import { FilterLogEvents } from '../../lib/notifier/event-lookup';
import { NotifierContext, notify, NothingPublishedError, Publication } from '../../lib/notifier/notify';

const ROOT_LOGIN = JSON.stringify({
  eventVersion: '1.08',
  userIdentity: { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' },
  eventTime: '2026-11-02T10:14:41Z',
  eventSource: 'signin.amazonaws.com',
  eventName: 'ConsoleLogin',
  awsRegion: 'us-east-1',
  sourceIPAddress: '203.0.113.7',
  userAgent: 'Mozilla/5.0',
  responseElements: { ConsoleLogin: 'Success' },
  additionalEventData: { MFAUsed: 'No' },
  eventType: 'AwsConsoleSignIn',
  recipientAccountId: '111122223333',
});

function context(filter?: FilterLogEvents, deadline = Number.MAX_SAFE_INTEGER): NotifierContext {
  return {
    config: configFor(catalogueFacts()),
    logGroupName: 'CloudTrail/logs',
    topicArns: TOPICS,
    filterLogEvents: filter ?? memoryFilter([{ timestamp: at('2026-11-02T10:16:00Z'), message: ROOT_LOGIN }], 10),
    now: () => at('2026-11-02T10:30:00Z'),
    lookupDeadline: () => deadline,
  };
}

function recorder(failKinds: string[] = []) {
  const sent: Publication[] = [];
  const publish = async (p: Publication) => {
    if (failKinds.includes(p.kind)) throw Object.assign(new Error('KMS key is disabled'), { name: 'KMSDisabledException' });
    sent.push(p);
  };
  return { sent, publish };
}

const event = fixture('alarm-sns-event.json');

describe('notify', () => {
  test('publishes one email and one chat notification per state change, with the events', async () => {
    const { sent, publish } = recorder();
    const [o] = await notify(event, context(), publish, new Set());
    expect(sent.map((p) => [p.kind, p.topicArn])).toEqual([['email', TOPICS[0]], ['chatbot', TOPICS[1]]]);
    expect(sent[0].subject).toBe('[HIGH] Root user activity in 111122223333, us-east-1 (1 event)');
    expect(sent[0].message).toContain('2026-11-02T10:14:41Z  signin:ConsoleLogin  root "arn:aws:iam::111122223333:root"  from 203.0.113.7  us-east-1  ok\n');
    expect(sent[0].message).toContain('\n    MFA used: "No"; Sign-in result: "Success"; User agent: "Mozilla/5.0"\n');
    expect(o).toMatchObject({ detectionId: 'root-account-usage', state: 'ALARM', duplicate: false, errors: [] });
  });

  test('no duplicate on retry: the same state change delivered again (SNS redelivery, Lambda retry) is skipped', async () => {
    const { sent, publish } = recorder();
    const seen = new Set<string>();
    await notify(event, context(), publish, seen);
    const [again] = await notify(event, context(), publish, seen);
    expect(again.duplicate).toBe(true);
    expect(sent.length).toBe(2);
    // the same change in the other shape (Lambda alarm action) has the same key
    const [third] = await notify(fixture('alarm-lambda-action.json'), context(), publish, seen);
    expect(third.duplicate).toBe(true);
    expect(sent.length).toBe(2);
  });

  test('a different state change of the same alarm is not a duplicate', async () => {
    const { sent, publish } = recorder();
    const seen = new Set<string>();
    await notify(event, context(), publish, seen);
    await notify(fixture('alarm-sns-message-ok.json'), context(), publish, seen);
    expect(sent.map((p) => p.subject ?? 'chat')).toEqual([
      '[HIGH] Root user activity in 111122223333, us-east-1 (1 event)', 'chat', '[RESOLVED] Root user activity, alarm in 111122223333', 'chat',
    ]);
  });

  test.each([
    ['denied', 'AccessDeniedException', /FilterLogEvents was denied \(AccessDeniedException\)/],
    ['throttled', 'ThrottlingException', /FilterLogEvents was throttled/],
  ])('lookup %s: the message still goes out with the alarm facts and the reason', async (_what, name, reason) => {
    const { sent, publish } = recorder();
    const failing: FilterLogEvents = async () => {
      throw Object.assign(new Error('no'), { name });
    };
    await notify(event, context(failing), publish, new Set());
    // no event was found to name the account: it is not guessed from the alarm's
    expect(sent[0].subject).toBe('[HIGH] Root user activity in an unknown account (details unavailable)');
    expect(sent[0].message).toMatch(reason);
    expect(sent[0].message).toContain('Details missing: The events could not all be looked up');
    expect(sent[0].message).toContain('Alarm "CloudTrailAlarms-root-account-usage": OK -> ALARM at 2026-11-02 10:21:12 UTC.');
    expect(sent[0].message).toContain('What to do');
  });

  test('lookup timed out: the message goes out, saying so', async () => {
    const { sent, publish } = recorder();
    const hanging: FilterLogEvents = () => new Promise(() => undefined);
    const ctx = { ...context(hanging), now: Date.now, lookupDeadline: () => Date.now() + 100 };
    await notify(event, ctx, publish, new Set());
    expect(sent[0].subject).toBe('[HIGH] Root user activity in an unknown account (details unavailable)');
    expect(sent[0].message).toContain('FilterLogEvents did not answer within the time budget');
  });

  test('an alarm that is no detection of the notifier is forwarded with its facts', async () => {
    const { sent, publish } = recorder();
    const m = fixture('alarm-sns-message.json') as any;
    await notify({ ...m, AlarmName: 'billing', Trigger: { ...m.Trigger, Namespace: 'AWS/Billing', MetricName: 'EstimatedCharges' } }, context(), publish, new Set());
    expect(sent[0].topicArn).toBe(TOPICS[0]);
    expect(sent[0].subject).toBe('[ALARM] "billing", alarm in 111122223333 (details unavailable)');
    expect(sent[0].message).toContain('\nDetails missing: the alarm watches the metric "AWS/Billing" "EstimatedCharges", which is not one of the notifier\'s detections\n');
  });

  test('a message on the alarm topic that is no alarm is forwarded, quoted and neutralised', async () => {
    const { sent, publish } = recorder();
    await notify({ Records: [{ Sns: { MessageId: 'm-1', Message: 'hello from a test publish' } }] }, context(), publish, new Set());
    expect(sent).toEqual([
      expect.objectContaining({
        kind: 'forward',
        topicArn: TOPICS[0],
        subject: 'Message on the CloudTrail alarm topic',
        message:
          'A message that is not a CloudWatch alarm notification reached the alarm topic. It is forwarded as one quoted value ' +
          '(control and invisible characters escaped):\n\n"hello from a test publish"',
      }),
    ]);
  });

  test('a hostile message on the alarm topic cannot add lines or hide characters', async () => {
    const { sent, publish } = recorder();
    const raw = 'Alarm x: ALARM -> OK\n<!channel> "quoted" \u202e\u200b\\';
    await notify({ Records: [{ Sns: { MessageId: 'm-2', Message: raw } }] }, context(), publish, new Set());
    expect(sent[0].message.split('\n').slice(2)).toEqual(['"Alarm x: ALARM -> OK\\u000a<!channel> \\"quoted\\" \\u202e\\u200b\\\\"']);
  });

  test('a forwarded message too large for SNS is cut, and says so', async () => {
    const { sent, publish } = recorder();
    await notify({ Records: [{ Sns: { MessageId: 'm-3', Message: '\u0001'.repeat(200_000) } }] }, context(), publish, new Set());
    const body = sent[0].message;
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(250_000);
    expect(body).toMatch(/\n\n"(\\u0001)+"…\n\n\[message cut to SNS's size limit: the first \d+ characters are shown\]$/);
    const shown = Number(/the first (\d+) characters/.exec(body)![1]);
    expect(body.split('\\u0001').length - 1).toBe(shown);
  });

  test('after a partial publication it does not throw (a retry would resend the email) and reports the failure', async () => {
    const { sent, publish } = recorder(['chatbot']);
    const seen = new Set<string>();
    const [o] = await notify(event, context(), publish, seen);
    expect(sent.map((p) => p.kind)).toEqual(['email']);
    expect(o.errors).toEqual([expect.stringMatching(/^chatbot to arn:aws:sns:us-east-1:111122223333:chat: KMSDisabledException: KMS key is disabled/)]);
    expect(seen.size).toBe(1);
  });

  test('fails when nothing could be published, so Lambda retries (nothing to duplicate) and the DLQ keeps it', async () => {
    const { publish } = recorder(['email', 'chatbot']);
    const seen = new Set<string>();
    await expect(notify(event, context(), publish, seen)).rejects.toThrow(NothingPublishedError);
    await expect(notify(event, context(), publish, seen)).rejects.toThrow(/nothing was published: .*KMSDisabledException/);
    expect(seen.size).toBe(0);
  });
});
