// Issue 25, item 3: the messages name the account and Region of the matching events, with friendly names; with an
// organization trail one alarm counts the events of every member account. The expected texts are written by hand.
import { at, catalogueFacts, configFor, fixture, memoryFilter, TOPICS } from './support';
import { accountNamesProblem } from '../../lib/notifier/account-names';
import { parseAlarmInput } from '../../lib/notifier/alarm-event';
import { NotifierConfig, validateConfig } from '../../lib/notifier/config';
import { byAccount, originsOf } from '../../lib/notifier/event-origin';
import { formatChatbot, formatEmail, MAX_CHAT_DESCRIPTION, NotificationInput } from '../../lib/notifier/format';
import { NotifierContext, prepareNotification } from '../../lib/notifier/notify';
import { prepareRealTime, REAL_TIME_SOURCE, RealTimeInput } from '../../lib/notifier/real-time';

type Json = Record<string, any>;
const CHANGE = parseAlarmInput(fixture('alarm-sns-message.json'))[0];
const BASE = configFor(catalogueFacts());
const ROOT = BASE.detections.find((d) => d.id === 'root-account-usage')!;
const NAMES = { 444455556666: 'prod', 777788889999: 'staging' };

/** A root console sign-in of an organization trail's member account. */
function rootLogin(account: string, region: string, second: number): Json {
  return {
    eventVersion: '1.09',
    userIdentity: { type: 'Root', principalId: account, arn: `arn:aws:iam::${account}:root`, accountId: account },
    eventTime: `2026-11-02T10:15:${String(second).padStart(2, '0')}Z`,
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: region,
    sourceIPAddress: '192.0.2.0',
    userAgent: 'Mozilla/5.0',
    responseElements: { ConsoleLogin: 'Success' },
    additionalEventData: { MFAUsed: 'No' },
    eventID: `e-${account}-${second}`,
    eventType: 'AwsConsoleSignIn',
    recipientAccountId: account,
  };
}

/** The records: two in 777788889999 (us-east-1), three in 444455556666 (two in eu-west-1, one in us-east-1). */
const TWO_ACCOUNTS = [
  rootLogin('777788889999', 'us-east-1', 1),
  rootLogin('444455556666', 'eu-west-1', 2),
  rootLogin('777788889999', 'us-east-1', 3),
  rootLogin('444455556666', 'eu-west-1', 4),
  rootLogin('444455556666', 'us-east-1', 5),
];

function context(records: Json[], config: Partial<NotifierConfig> = {}): NotifierContext {
  const events = records.map((r, i) => ({ timestamp: at(r.eventTime) + i, message: JSON.stringify(r), eventId: `l${i}` }));
  return {
    config: { ...BASE, ...config },
    logGroupName: 'trail',
    topicArns: TOPICS,
    filterLogEvents: memoryFilter(events, 2),
    now: () => at('2026-11-02T10:30:00Z'),
    lookupDeadline: () => Number.MAX_SAFE_INTEGER,
  };
}

/** A hand-made input with these records listed and counted. */
function inputOf(records: Json[], extra: Partial<NotificationInput> = {}): NotificationInput {
  const n = records.length;
  const lookup = { events: records.map((record) => ({ record })), matched: n, scanned: n, rejected: 0, pages: 1, complete: true };
  const window = { startMs: at('2026-11-02T10:13:00Z'), endMs: at('2026-11-02T10:22:00Z'), evaluatedStartMs: 0, evaluatedEndMs: 1, basis: 'trigger' as const };
  return { change: CHANGE, detection: ROOT, idempotencyKey: 'k', lookup, window, ...extra };
}

const subjectOf = (input: NotificationInput) => formatEmail(input).subject;
const firstLine = (input: NotificationInput) => formatEmail(input).body.split('\n')[0];
const chatFirstLine = (input: NotificationInput) => formatChatbot(input).content.description.split('\n')[0];

describe('counting where the events happened', () => {
  test('by account, most events first, then by id; Regions most events first; the unknown last', () => {
    const records = [...TWO_ACCOUNTS, { eventName: 'x' }, { recipientAccountId: '777788889999', awsRegion: 'ap-south-1' }];
    expect(byAccount(originsOf(records))).toEqual([
      { account: '444455556666', count: 3, regions: [{ region: 'eu-west-1', count: 2 }, { region: 'us-east-1', count: 1 }] },
      { account: '777788889999', count: 3, regions: [{ region: 'us-east-1', count: 2 }, { region: 'ap-south-1', count: 1 }] },
      { count: 1, regions: [{ count: 1 }] },
    ]);
  });

  test('userIdentity.accountId (the caller\'s account) is not taken for the account of the event', () => {
    const crossAccount = { ...rootLogin('444455556666', 'us-east-1', 1), recipientAccountId: undefined };
    expect(byAccount(originsOf([crossAccount]))).toEqual([{ count: 1, regions: [{ region: 'us-east-1', count: 1 }] }]);
    expect(subjectOf(inputOf([crossAccount]))).toBe('[HIGH] Root user activity in unknown account, us-east-1 (1 event)');
  });
});

describe('an alarm whose matching events come from two member accounts', () => {
  test('the lookup counts every matching event, listed or not: the subject and the first line name both accounts', async () => {
    // two events listed, five counted
    const input = await prepareNotification(CHANGE, context(TWO_ACCOUNTS, { maxListedEvents: 2 }));
    expect(input.lookup!.events.length).toBe(2);
    expect(subjectOf(input)).toBe('[HIGH] Root user activity: 3 in 444455556666, 2 in 777788889999 (5 events)');
    expect(firstLine(input)).toBe('Root user activity in 2 accounts: 444455556666 (3 events, eu-west-1: 2, us-east-1: 1), 777788889999 (2 events, us-east-1).');
    expect(chatFirstLine(input)).toBe('Events in 2 accounts: 444455556666 (3 events, eu-west-1: 2, us-east-1: 1), 777788889999 (2 events, us-east-1).');
    expect(formatChatbot(input).metadata.additionalContext).toMatchObject({ account: '111122223333', eventAccounts: '444455556666: 3, 777788889999: 2' });
  });

  test('friendly names from the configuration, quoted after the ids, in the email and the chat message', async () => {
    const input = await prepareNotification(CHANGE, context(TWO_ACCOUNTS, { accountNames: NAMES }));
    expect(subjectOf(input)).toBe('[HIGH] Root user activity: 3 in 444455556666 "prod", 2 in 777788889999 "staging" (5 events)');
    expect(firstLine(input)).toBe(
      'Root user activity in 2 accounts: 444455556666 "prod" (3 events, eu-west-1: 2, us-east-1: 1), 777788889999 "staging" (2 events, us-east-1).',
    );
    const email = formatEmail(input).body.split('\n');
    expect(email).toContain('2026-11-02T10:15:01Z  signin:ConsoleLogin  root "arn:aws:iam::777788889999:root"  from 192.0.2.0  us-east-1  ok  account 777788889999 "staging"');
    const chat = formatChatbot(input);
    expect(chat.content.title).toBe(':rotating_light: [HIGH] Root user activity: 3 in 444455556666 `"prod"`, 2 in 777788889999 `"staging"` (5 events)');
    expect(chat.content.description.split('\n')[0]).toBe(
      'Events in 2 accounts: 444455556666 `"prod"` (3 events, eu-west-1: 2, us-east-1: 1), 777788889999 `"staging"` (2 events, us-east-1).',
    );
    expect(chat.content.description).toContain(' in us-east-1 account 777788889999 `"staging"` (MFA used:');
  });

  test('one account: its id, its friendly name and its Region; the event lines need not repeat the alarm\'s own account', () => {
    const records = [rootLogin('111122223333', 'us-east-1', 1), rootLogin('111122223333', 'us-east-1', 2)];
    const input = inputOf(records, { accountNames: { 111122223333: 'management' } });
    expect(subjectOf(input)).toBe('[HIGH] Root user activity in 111122223333 "management", us-east-1 (2 events)');
    expect(firstLine(input)).toBe('Root user activity in account 111122223333 "management" (us-east-1).');
    expect(formatEmail(input).body).not.toContain('ok  account');
  });

  test('one account in two Regions: the subject says how many Regions, the first line which', () => {
    const input = inputOf([rootLogin('444455556666', 'eu-west-1', 1), rootLogin('444455556666', 'us-east-1', 2), rootLogin('444455556666', 'eu-west-1', 3)]);
    expect(subjectOf(input)).toBe('[HIGH] Root user activity in 444455556666, 2 Regions (3 events)');
    expect(firstLine(input)).toBe('Root user activity in account 444455556666 (eu-west-1: 2, us-east-1: 1).');
  });

  test('a name the map has only through its prototype is no name', () => {
    const input = inputOf([{ ...rootLogin('444455556666', 'us-east-1', 1), recipientAccountId: 'constructor' }], { accountNames: NAMES });
    expect(subjectOf(input)).toBe('[HIGH] Root user activity in "constructor", us-east-1 (1 event)');
  });
});

describe('the subject stays under 100 characters', () => {
  const ids = Array.from({ length: 12 }, (_, i) => `${100000000000 + i * 111111111}`);
  // account i has 12 - i events
  const records = ids.flatMap((id, i) => Array.from({ length: 12 - i }, (_, n) => rootLogin(id, 'us-east-1', n)));

  test('twelve accounts: the first ones, most events first, and "and N more accounts"', () => {
    expect(subjectOf(inputOf(records))).toBe('[HIGH] Root user activity: 12 in 100000000000, 11 in 100111111111 and 10 more accounts (78 events)');
  });

  test('friendly names give way before accounts do', () => {
    const names = { [ids[0]]: 'production-payments-eu', [ids[1]]: 'staging' };
    const firstTwo = records.filter((r) => r.recipientAccountId === ids[0] || r.recipientAccountId === ids[1]);
    const subject = subjectOf(inputOf(firstTwo, { accountNames: names }));
    // with both names it would be 111 characters: the two accounts are kept, without their names
    expect(subject).toBe('[HIGH] Root user activity: 12 in 100000000000, 11 in 100111111111 (23 events)');
  });

  test('a long friendly name of the one account is cut, the id and the Region are kept', () => {
    const name = 'n'.repeat(64);
    const subject = subjectOf(inputOf([rootLogin('444455556666', 'us-east-1', 1)], { accountNames: { 444455556666: name } }));
    // 99 - 25 ('[HIGH] Root user activity') - 10 (' (1 event)') - 4 (' in ') = 60: id (12), ' ', ', us-east-1' (11): 36 for the name
    expect(subject).toBe(`[HIGH] Root user activity in 444455556666 "${'n'.repeat(33)}"…, us-east-1 (1 event)`);
    expect(subject.length).toBe(99);
  });
});

describe('hostile values never show bare', () => {
  test('a hostile recipientAccountId and awsRegion: quoted and escaped in the subject, the first lines and the event line', () => {
    const r = { ...rootLogin('444455556666', 'us-east-1', 1), recipientAccountId: '4444\n<!channel>', awsRegion: 'us-east-1\u202e`*x*`' };
    const input = inputOf([r]);
    expect(subjectOf(input)).toBe('[HIGH] Root user activity in "4444\\u000a<!channel>", "us-east-1\\u202e`*x*`" (1 event)');
    expect(firstLine(input)).toBe('Root user activity in account "4444\\u000a<!channel>" ("us-east-1\\u202e`*x*`").');
    expect(formatEmail(input).body).toContain('  from 192.0.2.0  "us-east-1\\u202e`*x*`"  ok  account "4444\\u000a<!channel>"\n');
    expect(chatFirstLine(input)).toBe('Events in account `"4444\\u000a&lt;!channel&gt;"` (`"us-east-1\\u202e\\u0060*x*\\u0060"`).');
    // the chat's escapes are longer: both values are cut to fit the 99 characters, the cuts marked after the quotes
    expect(formatChatbot(input).content.title).toBe(
      ':rotating_light: [HIGH] Root user activity in `"4444\\u000a&lt;!channel"`…, `"us-east-1\\u202e\\u0060*x*"`… (1 event)',
    );
    expect(formatChatbot(input).metadata.summary.length).toBeLessThanOrEqual(99);
    expect(formatChatbot(input).metadata.additionalContext.eventAccounts).toBe('`"4444\\u000a&lt;!channel&gt;"`: 1');
  });

  test('two hostile accounts: each quoted, the layout of the list kept', () => {
    const input = inputOf([
      { ...rootLogin('x', 'us-east-1', 1), recipientAccountId: '1", 9 in "2' },
      { ...rootLogin('x', 'us-east-1', 2), recipientAccountId: '1", 9 in "2' },
      { ...rootLogin('x', 'us-east-1', 3), recipientAccountId: '<@U1>' },
    ]);
    expect(subjectOf(input)).toBe('[HIGH] Root user activity: 2 in "1\\", 9 in \\"2", 1 in "<@U1>" (3 events)');
    expect(chatFirstLine(input)).toBe('Events in 2 accounts: `"1\\", 9 in \\"2"` (2 events, us-east-1), `"&lt;@U1&gt;"` (1 event, us-east-1).');
  });

  test('many long hostile accounts: the chat\'s first line lists fewer of them and stays bounded; the description keeps its limit', () => {
    const records = Array.from({ length: 12 }, (_, i) => ({ ...rootLogin('x', 'us-east-1', i), recipientAccountId: `${i}${'\u202e<'.repeat(100)}` }));
    const input = inputOf(records);
    const first = chatFirstLine(input);
    expect(first.length).toBeLessThanOrEqual('Events in .'.length + 700);
    // ties by id: `0…`, `10…`, `11…`; each id cut to 40 code points, escaped
    expect(first).toMatch(/^Events in 12 accounts: `"0(\\u202e|&lt;){39}"`… \(1 event, us-east-1\), `"10(\\u202e|&lt;){38}"`… .* and 9 more accounts\.$/);
    expect(formatChatbot(input).content.description.length).toBeLessThanOrEqual(MAX_CHAT_DESCRIPTION);
    // the email's first line has room for 10 of them
    expect(firstLine(input)).toMatch(/^Root user activity in 12 accounts: .* and 2 more accounts\.$/);
  });

  test('a friendly name is text: neutralised and quoted, in the email and the chat message', () => {
    const names = { 444455556666: 'prod" <!here> *x* `y` [a](b)' };
    const input = inputOf([rootLogin('444455556666', 'us-east-1', 1)], { accountNames: names });
    expect(firstLine(input)).toBe('Root user activity in account 444455556666 "prod\\" <!here> *x* `y` [a](b)" (us-east-1).');
    expect(chatFirstLine(input)).toBe('Events in account 444455556666 `"prod\\" &lt;!here&gt; *x* \\u0060y\\u0060 [a](b)"` (us-east-1).');
    for (const text of [formatChatbot(input).content.title, formatChatbot(input).content.description]) expect(text).not.toMatch(/[<>]/);
  });
});

describe('without events to name the account', () => {
  test('nothing found: the account is unknown, and the alarm\'s own account is said to be the alarm\'s', async () => {
    const input = await prepareNotification(CHANGE, context([], { accountNames: { 111122223333: 'management' } }));
    expect(subjectOf(input)).toBe('[HIGH] Root user activity in an unknown account (no matching events found)');
    expect(firstLine(input)).toBe(
      'Root user activity in an unknown account: no matching event was found to name it (alarm in account 111122223333 "management", us-east-1).',
    );
    expect(chatFirstLine(input)).toBe(
      'Events in an unknown account: no matching event was found to name it (alarm in account 111122223333 `"management"`, us-east-1).',
    );
    expect(formatChatbot(input).metadata.additionalContext).toMatchObject({ account: '111122223333', eventAccounts: 'unknown' });
  });

  test('the lookup failed: the same', async () => {
    const ctx = { ...context([]), filterLogEvents: async () => Promise.reject(Object.assign(new Error('denied'), { name: 'AccessDeniedException' })) };
    const input = await prepareNotification(CHANGE, ctx);
    expect(subjectOf(input)).toBe('[HIGH] Root user activity in an unknown account (details unavailable)');
    expect(firstLine(input)).toBe('Root user activity in an unknown account: no matching event was found to name it (alarm in account 111122223333, us-east-1).');
  });

  test('no lookup made: the alarm\'s account, said to be the alarm\'s', () => {
    const input = inputOf([], { lookup: undefined, noLookupReason: 'no log group to look the events up in' });
    expect(subjectOf(input)).toBe('[HIGH] Root user activity, alarm in 111122223333 (details unavailable)');
    expect(firstLine(input)).toBe('Root user activity, alarm in account 111122223333, us-east-1 (the events were not looked up).');
  });
});

describe('the real-time digest', () => {
  const rt = (r: Json, i: number): RealTimeInput => ({
    source: REAL_TIME_SOURCE,
    detectionId: 'root-account-usage',
    event: { id: `eb-${i}`, time: r.eventTime, region: r.awsRegion, account: r.recipientAccountId, detail: r },
  });

  test('counts every event of the batch, listed or not, and uses the friendly names', () => {
    const input = prepareRealTime(TWO_ACCOUNTS.map(rt), { config: { ...BASE, maxListedEvents: 2, accountNames: NAMES } }, 'digest');
    expect(input.lookup!.events.length).toBe(2);
    expect(subjectOf(input)).toBe('[HIGH] Root user activity: 3 in 444455556666 "prod", 2 in 777788889999 "staging" (5 events)');
    expect(firstLine(input)).toBe(
      'Root user activity in 2 accounts: 444455556666 "prod" (3 events, eu-west-1: 2, us-east-1: 1), 777788889999 "staging" (2 events, us-east-1).',
    );
    expect(chatFirstLine(input)).toBe(
      'Events in 2 accounts: 444455556666 `"prod"` (3 events, eu-west-1: 2, us-east-1: 1), 777788889999 `"staging"` (2 events, us-east-1).',
    );
  });
});

describe('accountNames: what the map may hold', () => {
  test('a good map has no problem', () => {
    expect(accountNamesProblem('accountNames', NAMES)).toBeUndefined();
    expect(accountNamesProblem('accountNames', {})).toBeUndefined();
  });

  test.each([
    ['not a map', ['prod'], '`accountNames` must map 12-digit account ids to names, such as { \'111122223333\': \'prod\' }, got ["prod"].'],
    ['a short id', { 11112222333: 'prod' }, '`accountNames` keys must be 12-digit AWS account ids such as \'111122223333\', got "11112222333"; write the id with its leading zeros, as a string.'],
    ['an empty name', { 111122223333: '' }, '`accountNames[\'111122223333\']` must be a non-empty name such as \'prod\', got ""; remove the entry to show the id alone.'],
    ['a name that is no string', { 111122223333: 7 }, '`accountNames[\'111122223333\']` must be a non-empty name such as \'prod\', got 7; remove the entry to show the id alone.'],
    ['a name of 65 characters', { 111122223333: 'p'.repeat(65) }, `\`accountNames['111122223333']\` must be at most 64 characters (it goes into a 99-character subject), got 65: "${'p'.repeat(65)}"…; give a shorter name.`],
    ['a bidi override', { 111122223333: 'prod\u202e' }, '`accountNames[\'111122223333\']` must not hold control or invisible characters (U+202E in "prod\\u202e"); write the name with printable characters.'],
    ['a token', { 111122223333: '${Token[TOKEN.12]}' }, '`accountNames[\'111122223333\']` must be known at synth time (it is written into the notifier\'s configuration), got a token "${Token[TOKEN.12]}"; give the name as a plain string.'],
  ])('fails on %s', (_what, value, message) => {
    expect(accountNamesProblem('accountNames', value)).toBe(message);
  });

  test('the notifier refuses a configuration with a bad map at cold start', () => {
    expect(() => validateConfig({ ...BASE, accountNames: { 1234: 'x' } }, 2)).toThrow(
      /^notifier configuration: `accountNames` keys must be 12-digit AWS account ids such as '111122223333', got "1234"/,
    );
    expect(validateConfig({ ...BASE, accountNames: NAMES }, 2).accountNames).toEqual(NAMES);
  });
});
