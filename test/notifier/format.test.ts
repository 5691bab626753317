import { at, catalogueFacts, configFor, corpusLines, fixture, memoryFilter, TOPICS } from './support';
import { DetectionCatalogue } from '../../lib/catalogue';
import { FIXTURES as CATALOGUE_FIXTURES } from '../../lib/catalogue/fixtures';
import { NOTIFICATION_CONTENT } from '../../lib/catalogue/notification-fields';
import { parseAlarmInput } from '../../lib/notifier/alarm-event';
import { formatChatbot, formatEmail, MAX_SUBJECT } from '../../lib/notifier/format';
import { NotifierContext, prepareNotification, publicationsFor } from '../../lib/notifier/notify';
import { compile, parse } from '../../lib/pattern';

const CHANGE_TIME = '2026-11-02T10:21:12.345+0000';
const LOG_TIME = at('2026-11-02T10:16:00Z');

function alarmFor(metricName: string) {
  const m = fixture('alarm-sns-message.json') as any;
  return parseAlarmInput({ ...m, StateChangeTime: CHANGE_TIME, Trigger: { ...m.Trigger, MetricName: metricName } })[0];
}

const facts = catalogueFacts();
const config = configFor(facts);
const corpus = corpusLines();

/** The records behind each detection: the first corpus records its pattern matches, else the catalogue's positive fixtures. */
function recordsFor(id: string, pattern: string): { source: string; lines: string[] } {
  const c = compile(parse(pattern));
  const fromCorpus = corpus.filter((l) => c.matchesMessage(l)).slice(0, 3);
  if (fromCorpus.length > 0) return { source: 'corpus', lines: fromCorpus };
  const all = CATALOGUE_FIXTURES as unknown as Record<string, Array<{ record: object; matches: boolean }>>;
  const positives = (all[id] ?? []).filter((f) => f.matches);
  return { source: 'catalogue fixtures', lines: positives.map((f) => JSON.stringify(f.record)).filter((l) => c.matchesMessage(l)) };
}

describe('notification content in the catalogue', () => {
  test('every catalogue detection has fields and advice', () => {
    const ids = DetectionCatalogue.ids();
    expect(ids.filter((id) => !NOTIFICATION_CONTENT[id])).toEqual([]);
    for (const id of ids) {
      expect(NOTIFICATION_CONTENT[id].fields.length).toBeGreaterThan(0);
      expect(NOTIFICATION_CONTENT[id].advice.length).toBeGreaterThan(0);
    }
    expect(Object.keys(NOTIFICATION_CONTENT).filter((id) => !ids.includes(id))).toEqual([]);
  });
});

describe.each(facts.map((f) => [f.id, f] as const))('%s', (_id, f) => {
  const { lines } = recordsFor(f.id, f.pattern);
  // a near-miss in the same window, which a pattern-blind FilterLogEvents returns too
  const other = JSON.stringify({
    eventVersion: '1.08',
    eventTime: '2026-11-02T10:14:00Z',
    eventSource: 'sts.amazonaws.com',
    eventName: 'GetCallerIdentity',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/bystander' },
    sourceIPAddress: '203.0.113.250',
    awsRegion: 'eu-west-1',
  });
  const events = [...lines, other].map((message, i) => ({ timestamp: LOG_TIME + i * 1000, message, eventId: `e${i}` }));
  const ctx: NotifierContext = {
    config,
    logGroupName: 'CloudTrail/logs',
    topicArns: TOPICS,
    filterLogEvents: memoryFilter(events, 2),
    now: () => at('2026-11-02T10:30:00Z'),
    lookupDeadline: () => Number.MAX_SAFE_INTEGER,
  };

  test('has real records to format', () => {
    expect(lines.length).toBeGreaterThan(0);
  });

  test('email lists each matching event (time, principal, action, source IP, region) and not the bystander', async () => {
    const input = await prepareNotification(alarmFor(f.metricName), ctx);
    const email = formatEmail(input);
    expect(email.subject.length).toBeLessThanOrEqual(MAX_SUBJECT);
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.subject).toMatch(new RegExp(`^\\[${f.severity}\\] `));
    expect(email.subject).toMatch(new RegExp(`\\(${lines.length} events?\\)$`));
    for (const line of lines) {
      const r = JSON.parse(line);
      expect(email.body).toContain(r.eventName);
      if (typeof r.sourceIPAddress === 'string') expect(email.body).toContain(r.sourceIPAddress.slice(0, 90));
      if (typeof r.awsRegion === 'string') expect(email.body).toContain(r.awsRegion);
      if (typeof r.eventTime === 'string') expect(email.body).toContain(r.eventTime);
      if (typeof r.errorCode === 'string') expect(email.body).toContain(`error ${r.errorCode}`);
    }
    expect(email.body).not.toContain('bystander');
    expect(email.body).not.toContain('203.0.113.250');
    expect(email.body).toContain('What to do\n1. ');
    expect(email.body).toContain(NOTIFICATION_CONTENT[f.id].advice[0]);
    expect(email.body).toMatch(/Logs Insights: https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=us-east-1#logsV2:logs-insights/);
    expect(email.body).toContain('Alarm: https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/CloudTrailAlarms-root-account-usage');
  });

  test('email shows the detection fields that the records have', async () => {
    const input = await prepareNotification(alarmFor(f.metricName), ctx);
    const body = formatEmail(input).body;
    const content = NOTIFICATION_CONTENT[f.id];
    for (const r of input.lookup!.events) {
      for (const field of content.fields) {
        const path = field.paths[0];
        if (path.includes('[]')) continue;
        const value = path.split('.').reduce<any>((o, k) => (o && typeof o === 'object' ? o[k] : undefined), r.record);
        if (typeof value === 'string' && value.length > 0 && value.length < 150) expect(body).toContain(`${field.label}: ${JSON.stringify(value)}`);
      }
    }
  });

  test('chat notification is in the custom notification format with the same events', async () => {
    const input = await prepareNotification(alarmFor(f.metricName), ctx);
    const pubs = publicationsFor(input, ctx);
    expect(pubs.map((p) => [p.kind, p.topicArn])).toEqual([['email', TOPICS[0]], ['chatbot', TOPICS[1]]]);
    const chat = JSON.parse(pubs[1].message);
    expect(chat).toMatchObject({ version: '1.0', source: 'custom', content: { textType: 'client-markdown' } });
    expect(chat).toEqual(formatChatbot(input));
    expect(chat.content.title).toContain(f.title.slice(0, 20));
    for (const line of lines) expect(chat.content.description).toContain(JSON.parse(line).eventName);
    expect(chat.content.description).not.toContain('bystander');
    expect(chat.content.nextSteps).toEqual(expect.arrayContaining(NOTIFICATION_CONTENT[f.id].advice));
  });
});

describe('subject and body edge cases', () => {
  const rootFacts = facts.find((f) => f.id === 'root-account-usage')!;
  const base = { change: alarmFor(rootFacts.metricName), detection: config.detections.find((d) => d.id === 'root-account-usage'), idempotencyKey: 'k' };
  const lookup = (n: number, complete = true) => ({
    events: Array.from({ length: Math.min(n, 20) }, (_, i) => ({ record: { eventName: 'ConsoleLogin', recipientAccountId: '444455556666', awsRegion: 'us-east-1', eventTime: `t${i}` } })),
    matched: n,
    scanned: n,
    rejected: 0,
    pages: 1,
    complete,
  });

  test('the example subject of the issue', () => {
    const email = formatEmail({ ...base, lookup: { ...lookup(3), events: lookup(3).events.map((e) => ({ record: { ...e.record, recipientAccountId: '111122223333' } })) } });
    expect(email.subject).toBe('[HIGH] Root user activity in 111122223333, us-east-1 (3 events)');
  });

  test('organization trails: the subject names the member account of the events', () => {
    expect(formatEmail({ ...base, lookup: lookup(1) }).subject).toBe('[HIGH] Root user activity in 444455556666, us-east-1 (1 event)');
  });

  test('past the listing limit the body says "and N more"', () => {
    const window = { startMs: 0, endMs: 1, evaluatedStartMs: 0, evaluatedEndMs: 1, basis: 'trigger' as const };
    const body = formatEmail({ ...base, window, lookup: lookup(57) }).body;
    expect(body).toContain('\nand 37 more matching events not shown (see the Logs Insights link).\n');
    // `t0`... is no ISO time: it is quoted
    expect(body.split('\n').filter((l) => l.startsWith('"t')).length).toBe(20);
  });

  test('a lookup that did not finish counts the events not shown as a lower bound, in the email and the chat', () => {
    const window = { startMs: 0, endMs: 1, evaluatedStartMs: 0, evaluatedEndMs: 1, basis: 'trigger' as const };
    const input = { ...base, window, lookup: { ...lookup(57, false), stoppedBecause: 'stopped after 20 FilterLogEvents pages' } };
    expect(formatEmail(input).body).toContain('\nand at least 37 more matching events not shown (see the Logs Insights link).\n');
    expect(formatChatbot(input).content.description).toContain('\nand at least 47 more matching events not shown\n');
    expect(formatEmail({ ...base, window, lookup: lookup(21) }).body).toContain('\nand 1 more matching event not shown (see the Logs Insights link).\n');
  });

  test('a long custom title is cut so the subject stays under 100 characters', () => {
    const detection = { ...base.detection!, title: 'x'.repeat(300) };
    const subject = formatEmail({ ...base, detection, lookup: lookup(2) }).subject;
    expect(subject.length).toBeLessThanOrEqual(99);
    expect(subject).toMatch(/^\[HIGH\] x+… in 444455556666, us-east-1 \(2 events\)$/);
  });

  test('OK: a short resolved message', () => {
    const ok = parseAlarmInput(fixture('alarm-sns-message-ok.json'))[0];
    const email = formatEmail({ change: ok, detection: base.detection, idempotencyKey: 'k' });
    expect(email.subject).toBe('[RESOLVED] Root user activity, alarm in 111122223333');
    expect(email.body).toMatch(/^Root user activity: resolved, alarm in account 111122223333, us-east-1\.\n\nThe alarm "CloudTrailAlarms-root-account-usage" returned to OK at 2026-11-02 10:31:12 UTC\./);
    expect(email.body).not.toContain('What to do');
  });
});
