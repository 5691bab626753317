import * as fs from 'fs';
import * as path from 'path';
import { catalogueFacts, configFor, FIXTURES, TOPICS } from './support';
import { NotifierContext, notify, Publication } from '../../lib/notifier/notify';
import { REAL_TIME_SOURCE } from '../../lib/notifier/real-time';

const record = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'readme-events.jsonl'), 'utf8').split('\n')[0]);
const input = {
  source: REAL_TIME_SOURCE,
  detectionId: 'root-account-usage',
  event: { 'id': 'eb-1', 'time': record.eventTime, 'region': 'us-east-1', 'account': '111122223333', 'source': 'aws.signin', 'detail-type': 'AWS Console Sign In via CloudTrail', 'detail': record },
};
const ctx: NotifierContext = {
  config: configFor(catalogueFacts()),
  logGroupName: 'trail',
  topicArns: TOPICS,
  now: () => Date.now(),
  lookupDeadline: () => Date.now() + 1000,
};

describe('input of the EventBridge detection rules (DetectionRules)', () => {
  test('one message with the event, no lookup, no alarm link; a forwarded copy of the same event is not sent again', async () => {
    const sent: Publication[] = [];
    const publish = async (p: Publication) => {
      sent.push(p);
    };
    const seen = new Set<string>();
    const [o] = await notify(input, ctx, publish, seen);
    expect(o).toMatchObject({ detectionId: 'root-account-usage', duplicate: false, idempotencyKey: `root-account-usage|${record.eventID}` });
    expect(sent[0].subject).toBe('[HIGH] Root user activity in 111122223333, us-east-1 (1 event)');
    expect(sent[0].message).toContain('signin:ConsoleLogin  root "arn:aws:iam::111122223333:root"  from 192.0.2.0  us-east-1  ok');
    expect(sent[0].message).toContain('EventBridge rule of root-account-usage matched the event at 2026-11-02 10:15:20 UTC.');
    expect(sent[0].message).not.toContain('alarmsV2');
    const [again] = await notify({ ...input, event: { ...input.event, id: 'eb-2-forwarded' } }, ctx, publish, seen);
    expect(again.duplicate).toBe(true);
    expect(sent.length).toBe(2);
  });
});
