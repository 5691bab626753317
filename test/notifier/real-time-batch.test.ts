import * as fs from 'fs';
import * as path from 'path';
import { catalogueFacts, configFor, FIXTURES, TOPICS } from './support';
import { NotifierConfig, resolveDeployValues } from '../../lib/notifier/config';
import { FilterRequest } from '../../lib/notifier/event-lookup';
import { NotifierContext, NotifyOutcome, Publication } from '../../lib/notifier/notify';
import { REAL_TIME_SOURCE, RealTimeRateLimiter } from '../../lib/notifier/real-time';
import { BatchResponse, isSqsBatch, notifyRealTimeBatch, SqsRecord } from '../../lib/notifier/real-time-batch';
import { createHandler } from '../../lib/notifier-function/notifier.lambda';

const root = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'readme-events.jsonl'), 'utf8').split('\n')[0]);
const T0 = Date.parse('2026-11-02T10:15:20Z');

/** The n-th root sign-in event, as a real-time rule sends it (its own eventID, one second apart). */
function event(n: number, detectionId = 'root-account-usage') {
  const time = new Date(T0 + n * 1000).toISOString().replace('.000', '');
  return {
    source: REAL_TIME_SOURCE,
    detectionId,
    event: { 'id': `eb-${n}`, time, 'region': 'us-east-1', 'account': '111122223333', 'source': 'aws.signin', 'detail-type': 'AWS Console Sign In via CloudTrail', 'detail': { ...root, eventID: `event-${n}`, eventTime: time } },
  };
}

function sqs(bodies: unknown[], firstId = 0): SqsRecord[] {
  return bodies.map((b, i) => ({ messageId: `m-${firstId + i}`, body: typeof b === 'string' ? b : JSON.stringify(b), eventSource: 'aws:sqs' }));
}

function context(config: NotifierConfig = configFor(catalogueFacts(), false)): NotifierContext {
  return { config, logGroupName: 'trail', topicArns: TOPICS, now: () => T0, lookupDeadline: () => T0 + 1000 };
}

function recorder(fail: (p: Publication) => boolean = () => false) {
  const sent: Publication[] = [];
  const publish = async (p: Publication) => {
    if (fail(p)) throw Object.assign(new Error('rate exceeded'), { name: 'ThrottledException' });
    sent.push(p);
  };
  return { sent, publish };
}

describe('a batch from the real-time queue', () => {
  test('recognised by its records\' eventSource aws:sqs; an SNS delivery is not a batch', () => {
    expect(isSqsBatch({ Records: sqs([event(1)]) })).toBe(true);
    expect(isSqsBatch({ Records: [{ EventSource: 'aws:sns', Sns: { Message: '{}' } }] })).toBe(false);
    expect(isSqsBatch({ Records: [] })).toBe(false);
  });

  test('a few events of a detection: one message each, nothing to retry', async () => {
    const { sent, publish } = recorder();
    const batch = sqs([event(1), event(2), event(3)]);
    const { outcomes, response } = await notifyRealTimeBatch(batch, context(), publish, new Set(), new RealTimeRateLimiter());
    expect(response.batchItemFailures).toEqual([]);
    expect(sent.map((p) => p.subject)).toEqual(Array(3).fill('[HIGH] Root user activity in 111122223333, us-east-1 (1 event)'));
    expect(outcomes.map((o) => o.idempotencyKey)).toEqual(['root-account-usage|event-1', 'root-account-usage|event-2', 'root-account-usage|event-3']);
  });

  test('a burst: one digest that lists the first 20 events and counts the rest; none of them is sent again', async () => {
    const { sent, publish } = recorder();
    const published = new Set<string>();
    const burst = Array.from({ length: 25 }, (_, i) => event(i));
    const { response } = await notifyRealTimeBatch(sqs(burst), context(), publish, published, new RealTimeRateLimiter());
    expect(response.batchItemFailures).toEqual([]);
    expect(sent).toHaveLength(1);
    expect(sent[0].subject).toBe('[HIGH] Root user activity in 111122223333, us-east-1 (25 events)');
    const lines = sent[0].message.split('\n');
    expect(lines.filter((l) => l.includes('signin:ConsoleLogin  root "arn:aws:iam::111122223333:root"'))).toHaveLength(20);
    expect(sent[0].message).toContain('\nand 5 more matching events not shown (see the Logs Insights link).\n');
    expect(sent[0].message).toContain('EventBridge rule of root-account-usage matched 25 events from 2026-11-02 10:15:20 UTC to 2026-11-02 10:15:44 UTC.');
    expect(sent[0].message).toContain('\nReason: EventBridge rules matched 25 events of this detection within 24 s; they are sent as one digest (at most 5 single messages per detection at once, refilled at 2 per minute).\n');
    expect(sent[0].idempotencyKey).toBe('digest|root-account-usage|event-0|25');
    // the 24th event delivered again (EventBridge delivers at least once): already in the digest
    const again = await notifyRealTimeBatch(sqs([event(23)], 100), context(), publish, published, new RealTimeRateLimiter());
    expect(again.outcomes).toEqual([expect.objectContaining({ duplicate: true, idempotencyKey: 'root-account-usage|event-23' })]);
    expect(sent).toHaveLength(1);
  });

  test('the rate limit spans batches: 4 singles, then a digest of 3 (one token left), then singles again after the refill', async () => {
    let now = T0;
    const limiter = new RealTimeRateLimiter({ burst: 5, perMinute: 2 }, () => now);
    const { sent, publish } = recorder();
    const published = new Set<string>();
    await notifyRealTimeBatch(sqs([event(1), event(2), event(3), event(4)]), context(), publish, published, limiter);
    expect(sent.map((p) => p.subject!.replace(/^.* \((.*)\)$/, '$1'))).toEqual(['1 event', '1 event', '1 event', '1 event']);
    now += 10_000;
    await notifyRealTimeBatch(sqs([event(5), event(6), event(7)], 10), context(), publish, published, limiter);
    expect(sent.slice(4).map((p) => p.subject)).toEqual(['[HIGH] Root user activity in 111122223333, us-east-1 (3 events)']);
    now += 120_000; // 4 tokens refilled
    await notifyRealTimeBatch(sqs([event(8), event(9), event(10)], 20), context(), publish, published, limiter);
    expect(sent.slice(5).map((p) => p.subject)).toEqual(Array(3).fill('[HIGH] Root user activity in 111122223333, us-east-1 (1 event)'));
  });

  test('one event is its own message even when the burst is used up', async () => {
    const limiter = new RealTimeRateLimiter({ burst: 1, perMinute: 0 }, () => T0);
    const { sent, publish } = recorder();
    await notifyRealTimeBatch(sqs([event(1)]), context(), publish, new Set(), limiter);
    await notifyRealTimeBatch(sqs([event(2)], 1), context(), publish, new Set(), limiter);
    expect(sent.map((p) => p.idempotencyKey)).toEqual(['root-account-usage|event-1', 'root-account-usage|event-2']);
    expect(sent[1].message).toContain('EventBridge rule of root-account-usage matched the event at 2026-11-02 10:15:22 UTC.');
  });

  test('events of two detections are grouped per detection', async () => {
    const { sent, publish } = recorder();
    const mixed = [event(1), event(2, 'console-sign-in-without-mfa'), event(3), event(4, 'console-sign-in-without-mfa')];
    await notifyRealTimeBatch(sqs(mixed), context(), publish, new Set(), new RealTimeRateLimiter({ burst: 1, perMinute: 0 }));
    expect(sent.map((p) => p.subject)).toEqual([
      '[HIGH] Root user activity in 111122223333, us-east-1 (2 events)',
      expect.stringMatching(/^\[\w+\] Console sign-in without MFA in 111122223333, us-east-1 \(2 events\)$/),
    ]);
  });

  test('the same event twice in one batch: one message, and neither record is retried', async () => {
    const { sent, publish } = recorder();
    const { response } = await notifyRealTimeBatch(sqs([event(1), event(1)]), context(), publish, new Set(), new RealTimeRateLimiter());
    expect(sent).toHaveLength(1);
    expect(response.batchItemFailures).toEqual([]);
  });

  test('fails to publish one detection\'s message: exactly its records are retried, and the retry sends only them', async () => {
    const failing = new Set(['root-account-usage|event-1']);
    const { sent, publish } = recorder((p) => failing.has(p.idempotencyKey));
    const published = new Set<string>();
    const batch = sqs([event(1), event(2), event(1)]);
    const first = await notifyRealTimeBatch(batch, context(), publish, published, new RealTimeRateLimiter());
    // both copies of event 1 failed with it; event 2 went out
    expect(first.response.batchItemFailures).toEqual([{ itemIdentifier: 'm-0' }, { itemIdentifier: 'm-2' }]);
    expect(first.outcomes.find((o) => o.idempotencyKey === 'root-account-usage|event-1')!.errors).toEqual([
      `email to ${TOPICS[0]}: ThrottledException: rate exceeded`,
    ]);
    expect(sent.map((p) => p.idempotencyKey)).toEqual(['root-account-usage|event-2']);
    failing.clear();
    // SQS delivers the whole batch again only if the function failed; with partial failures, only m-0 and m-2
    const retry = await notifyRealTimeBatch([batch[0], batch[2]], context(), publish, published, new RealTimeRateLimiter());
    expect(retry.response.batchItemFailures).toEqual([]);
    expect(sent.map((p) => p.idempotencyKey)).toEqual(['root-account-usage|event-2', 'root-account-usage|event-1']);
  });

  test('a body that is not a detection rule\'s input is forwarded, quoted, to the fallback topic, not dropped', async () => {
    const { sent, publish } = recorder();
    const { response } = await notifyRealTimeBatch(sqs(['not json at all', { hello: 'world' }]), context(), publish, new Set(), new RealTimeRateLimiter());
    const HEAD = 'A message that is not a CloudWatch alarm notification reached the real-time queue. It is forwarded as one quoted value ' +
      '(control and invisible characters escaped):\n\n';
    expect(response.batchItemFailures).toEqual([]);
    expect(sent.map((p) => [p.kind, p.topicArn, p.message])).toEqual([
      ['forward', TOPICS[0], `${HEAD}"not json at all"`],
      ['forward', TOPICS[0], `${HEAD}"{\\"hello\\":\\"world\\"}"`],
    ]);
  });
});

describe('the function with the real-time queue and deploy-time values', () => {
  test('an SQS batch gets Lambda\'s partial batch response', async () => {
    const sent: Publication[] = [];
    const handler = createHandler({
      config: configFor(catalogueFacts(), false),
      env: { DELIVERY_TOPIC_ARNS: TOPICS[0], LOG_GROUP_NAME: 'trail' },
      publish: async (p) => {
        if (p.idempotencyKey.endsWith('event-2')) throw new Error('boom');
        sent.push(p);
      },
      log: () => undefined,
    });
    const response = (await handler({ Records: sqs([event(1), event(2)]) })) as BatchResponse;
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(sent).toHaveLength(1);
  });

  test('a pattern with deploy-time values is joined from DEPLOY_VALUES and is the one FilterLogEvents gets', async () => {
    const facts = catalogueFacts().filter((f) => f.id === 'topic-tampering');
    const base = configFor(facts, false);
    const config: NotifierConfig = {
      ...base,
      detections: [{ ...base.detections[0], pattern: 'readable', patternParts: ['{ ($.eventSource = sns.amazonaws.com) && ($.requestParameters.topicArn = "', { value: 0 }, '") }'] }],
    };
    const calls: FilterRequest[] = [];
    const handler = createHandler({
      config,
      env: { DELIVERY_TOPIC_ARNS: TOPICS[0], LOG_GROUP_NAME: 'trail', DEPLOY_VALUES: JSON.stringify(['arn:aws:sns:us-east-1:111122223333:alarms']) },
      filterLogEvents: async (req) => {
        calls.push(req);
        return { events: [] };
      },
      publish: async () => undefined,
      log: () => undefined,
    });
    const alarm = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'alarm-sns-message.json'), 'utf8'));
    alarm.Trigger.MetricName = facts[0].metricName;
    alarm.Trigger.Namespace = facts[0].metricNamespace;
    const outcomes = (await handler(alarm)) as NotifyOutcome[];
    expect(outcomes[0].detectionId).toBe('topic-tampering');
    expect(calls[0].filterPattern).toBe('{ ($.eventSource = sns.amazonaws.com) && ($.requestParameters.topicArn = "arn:aws:sns:us-east-1:111122223333:alarms") }');
  });

  test('fails: a part that names a value DEPLOY_VALUES does not have, and DEPLOY_VALUES that is not a JSON array', async () => {
    const base = configFor(catalogueFacts().slice(0, 1), false);
    const config: NotifierConfig = { ...base, detections: [{ ...base.detections[0], patternParts: ['x', { value: 2 }] }] };
    expect(() => resolveDeployValues(config, ['a'])).toThrow(`notifier configuration: detection '${base.detections[0].id}' uses deploy-time value #2, but DEPLOY_VALUES has 1 values.`);
    expect(() => createHandler({ config, env: { DELIVERY_TOPIC_ARNS: TOPICS[0], DEPLOY_VALUES: '{"a":1}' }, log: () => undefined })).toThrow(
      'notifier configuration: DEPLOY_VALUES must be a JSON array.',
    );
  });
});
