// Issue 22: the intruder cannot write the alarm. Every value of a record or an alarm event that reaches the email, the
// chat message or the real-time digest is shown neutralised and quoted; the expected texts below are written by hand.
import * as fc from 'fast-check';
import { catalogueFacts, configFor, fixture } from './support';
import { AlarmStateChange, parseAlarmInput } from '../../lib/notifier/alarm-event';
import { NotifierDetection } from '../../lib/notifier/config';
import { formatChatbot, formatEmail, MAX_BODY_BYTES, MAX_CHAT_DESCRIPTION, NotificationInput } from '../../lib/notifier/format';
import { prepareRealTime, REAL_TIME_SOURCE, RealTimeInput } from '../../lib/notifier/real-time';

const config = configFor(catalogueFacts());
const ROOT: NotifierDetection = config.detections.find((d) => d.id === 'root-account-usage')!;
const CHANGE: AlarmStateChange = parseAlarmInput(fixture('alarm-sns-message.json'))[0];
const WINDOW = { startMs: Date.parse('2026-11-02T10:13:00Z'), endMs: Date.parse('2026-11-02T10:22:00Z'), evaluatedStartMs: 0, evaluatedEndMs: 1, basis: 'trigger' as const };

type Json = Record<string, any>;

/** A root console sign-in, as CloudTrail writes it. */
function rootLogin(): Json {
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' },
    eventTime: '2026-11-02T10:15:20Z',
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: 'us-east-1',
    sourceIPAddress: '192.0.2.0',
    userAgent: 'Mozilla/5.0',
    responseElements: { ConsoleLogin: 'Success' },
    additionalEventData: { MFAUsed: 'No' },
    eventID: 'e-1',
    recipientAccountId: '111122223333',
  };
}

function inputOf(records: Json[], extra: Partial<NotificationInput> = {}): NotificationInput {
  return {
    change: CHANGE,
    detection: ROOT,
    window: WINDOW,
    logGroupName: 'CloudTrail/logs',
    idempotencyKey: 'k',
    lookup: {
      events: records.map((record) => ({ record })),
      matched: records.length,
      scanned: records.length,
      rejected: 0,
      pages: 1,
      complete: true,
    },
    ...extra,
  };
}

const EMAIL_LINE = '2026-11-02T10:15:20Z  signin:ConsoleLogin  root "arn:aws:iam::111122223333:root"  from 192.0.2.0  us-east-1  ok';
const EMAIL_FIELDS = '    MFA used: "No"; Sign-in result: "Success"; User agent: "Mozilla/5.0"';
const CHAT_LINE =
  '• `2026-11-02T10:15:20Z` *signin:ConsoleLogin* by root `"arn:aws:iam::111122223333:root"` from `192.0.2.0` in us-east-1 ' +
  '(MFA used: `"No"`; Sign-in result: `"Success"`; User agent: `"Mozilla/5.0"`)';

/** Hostile values: the value, how the email shows it, how the chat message shows it (all written by hand). */
const HOSTILE: Array<[string, string, string, string]> = [
  [
    'newline and a forged alarm line',
    'ok\nAlarm CloudTrailAlarms-x: ALARM -> OK (false positive)',
    '"ok\\u000aAlarm CloudTrailAlarms-x: ALARM -> OK (false positive)"',
    '`"ok\\u000aAlarm CloudTrailAlarms-x: ALARM -&gt; OK (false positive)"`',
  ],
  ['carriage returns', 'a\rb\r\n', '"a\\u000db\\u000d\\u000a"', '`"a\\u000db\\u000d\\u000a"`'],
  ['C0, DEL and C1 controls', '\u0000\u0007\u001b[31m\u007f\u0085\u009b', '"\\u0000\\u0007\\u001b[31m\\u007f\\u0085\\u009b"', '`"\\u0000\\u0007\\u001b[31m\\u007f\\u0085\\u009b"`'],
  ['line and paragraph separators', 'a\u2028b\u2029c', '"a\\u2028b\\u2029c"', '`"a\\u2028b\\u2029c"`'],
  [
    'bidi overrides and isolates',
    '\u202eexe.txt\u202c\u2066x\u2069\u200f\u061c',
    '"\\u202eexe.txt\\u202c\\u2066x\\u2069\\u200f\\u061c"',
    '`"\\u202eexe.txt\\u202c\\u2066x\\u2069\\u200f\\u061c"`',
  ],
  ['zero-width characters', 'ad\u200bmin\u200c\u200d\u2060\ufeff', '"ad\\u200bmin\\u200c\\u200d\\u2060\\ufeff"', '`"ad\\u200bmin\\u200c\\u200d\\u2060\\ufeff"`'],
  [
    'Slack mentions',
    '<!channel> <!here> <@U024BE7LH> <!subteam^S1>',
    '"<!channel> <!here> <@U024BE7LH> <!subteam^S1>"',
    '`"&lt;!channel&gt; &lt;!here&gt; &lt;@U024BE7LH&gt; &lt;!subteam^S1&gt;"`',
  ],
  [
    'Slack and markdown links',
    '<http://evil.example|Acknowledge> [Acknowledge](http://evil.example)',
    '"<http://evil.example|Acknowledge> [Acknowledge](http://evil.example)"',
    '`"&lt;http://evil.example|Acknowledge&gt; [Acknowledge](http://evil.example)"`',
  ],
  ['markdown emphasis', '*urgent* _ok_ ~x~ # h', '"*urgent* _ok_ ~x~ # h"', '`"*urgent* _ok_ ~x~ # h"`'],
  ['backticks', '`a` ```b```', '"`a` ```b```"', '`"\\u0060a\\u0060 \\u0060\\u0060\\u0060b\\u0060\\u0060\\u0060"`'],
  ['quotes and a forged field', 'x"; MFA used: "Yes', '"x\\"; MFA used: \\"Yes"', '`"x\\"; MFA used: \\"Yes"`'],
  ['backslashes and a forged escape', 'C:\\u000a\\', '"C:\\\\u000a\\\\"', '`"C:\\\\u000a\\\\"`'],
  ['entities', '&amp; &lt;', '"&amp; &lt;"', '`"&amp;amp; &amp;lt;"`'],
];

/**
 * Where a hostile value goes in the record, and the event's email lines and chat line with it (`q` is the value as the
 * email shows it, `c` as the chat shows it).
 */
const FIELDS: Array<[string, (r: Json, v: string) => void, (q: string) => string[], (c: string) => string]> = [
  [
    'principal ARN',
    (r, v) => (r.userIdentity.arn = v),
    (q) => [`2026-11-02T10:15:20Z  signin:ConsoleLogin  root ${q}  from 192.0.2.0  us-east-1  ok`, EMAIL_FIELDS],
    (c) => CHAT_LINE.replace('`"arn:aws:iam::111122223333:root"`', c),
  ],
  [
    'user name (no ARN)',
    (r, v) => (r.userIdentity = { type: 'IAMUser', userName: v }),
    (q) => [`2026-11-02T10:15:20Z  signin:ConsoleLogin  IAMUser ${q}  from 192.0.2.0  us-east-1  ok`, EMAIL_FIELDS],
    (c) => CHAT_LINE.replace('root `"arn:aws:iam::111122223333:root"`', `IAMUser ${c}`),
  ],
  [
    'identity type',
    (r, v) => (r.userIdentity = { type: v, userName: 'bob' }),
    (q) => [`2026-11-02T10:15:20Z  signin:ConsoleLogin  ${q} "bob"  from 192.0.2.0  us-east-1  ok`, EMAIL_FIELDS],
    (c) => CHAT_LINE.replace('root `"arn:aws:iam::111122223333:root"`', `${c} \`"bob"\``),
  ],
  [
    'source IP address',
    (r, v) => (r.sourceIPAddress = v),
    (q) => [`2026-11-02T10:15:20Z  signin:ConsoleLogin  root "arn:aws:iam::111122223333:root"  from ${q}  us-east-1  ok`, EMAIL_FIELDS],
    (c) => CHAT_LINE.replace('from `192.0.2.0`', `from ${c}`),
  ],
  [
    'Region',
    (r, v) => (r.awsRegion = v),
    (q) => [`2026-11-02T10:15:20Z  signin:ConsoleLogin  root "arn:aws:iam::111122223333:root"  from 192.0.2.0  ${q}  ok`, EMAIL_FIELDS],
    (c) => CHAT_LINE.replace('in us-east-1 ', `in ${c} `),
  ],
  [
    'event time',
    (r, v) => (r.eventTime = v),
    (q) => [`${q}  signin:ConsoleLogin  root "arn:aws:iam::111122223333:root"  from 192.0.2.0  us-east-1  ok`, EMAIL_FIELDS],
    (c) => CHAT_LINE.replace('`2026-11-02T10:15:20Z`', c),
  ],
  [
    'event name',
    (r, v) => (r.eventName = v),
    (q) => [`2026-11-02T10:15:20Z  "signin:${q.slice(1)}  root "arn:aws:iam::111122223333:root"  from 192.0.2.0  us-east-1  ok`, EMAIL_FIELDS],
    (c) => CHAT_LINE.replace('*signin:ConsoleLogin*', `\`"signin:${c.slice(2)}`),
  ],
  [
    'error code',
    (r, v) => (r.errorCode = v),
    (q) => [`2026-11-02T10:15:20Z  signin:ConsoleLogin  root "arn:aws:iam::111122223333:root"  from 192.0.2.0  us-east-1  error ${q}`, EMAIL_FIELDS],
    (c) => CHAT_LINE.replace('in us-east-1 ', `in us-east-1 error ${c} `),
  ],
  [
    'recipient account',
    (r, v) => (r.recipientAccountId = v),
    (q) => [`2026-11-02T10:15:20Z  signin:ConsoleLogin  root "arn:aws:iam::111122223333:root"  from 192.0.2.0  us-east-1  ok  account ${q}`, EMAIL_FIELDS],
    (c) => CHAT_LINE.replace('in us-east-1 ', `in us-east-1 account ${c} `),
  ],
  [
    'user agent',
    (r, v) => (r.userAgent = v),
    (q) => [EMAIL_LINE, `    MFA used: "No"; Sign-in result: "Success"; User agent: ${q}`],
    (c) => CHAT_LINE.replace('User agent: `"Mozilla/5.0"`', `User agent: ${c}`),
  ],
  [
    'MFA used',
    (r, v) => (r.additionalEventData.MFAUsed = v),
    (q) => [EMAIL_LINE, `    MFA used: ${q}; Sign-in result: "Success"; User agent: "Mozilla/5.0"`],
    (c) => CHAT_LINE.replace('MFA used: `"No"`', `MFA used: ${c}`),
  ],
];

const CASES = FIELDS.flatMap(([field, set, email, chat]) =>
  HOSTILE.map(([what, value, q, c]) => [field, what, set, value, email(q), chat(c)] as const),
);

/** The lines of the email body from the event line on (the event, its fields, and what follows). */
function eventBlock(body: string, lines: number): string[] {
  const all = body.split('\n');
  const start = all.findIndex((l) => l.startsWith('1 event matched')) + 2;
  return all.slice(start, start + lines);
}

describe('email: every hostile value in every field is shown neutralised and quoted', () => {
  const baseLines = formatEmail(inputOf([rootLogin()])).body.split('\n').length;

  test.each(CASES)('%s: %s', (_field, _what, set, value, expectedEmail) => {
    const record = rootLogin();
    set(record, value);
    const email = formatEmail(inputOf([record]));
    expect(eventBlock(email.body, 3)).toEqual([...expectedEmail, '']);
    // the formatter alone makes lines
    expect(email.body.split('\n').length).toBe(baseLines);
  });
});

describe('chat: every hostile value in every field is inert (no mention, link, span or line)', () => {
  test.each(CASES)('%s: %s', (_field, _what, set, value, _email, expectedChat) => {
    const record = rootLogin();
    set(record, value);
    const description = formatChatbot(inputOf([record])).content.description;
    // the first line says where the events happened; the event's line follows it
    expect(description.split('\n')[1]).toBe(expectedChat);
    expect(description.split('\n').length).toBe(4);
  });
});

describe('values of the alarm event', () => {
  const unknown = { ...inputOf([]), detection: undefined, lookup: undefined, window: undefined, noLookupReason: 'not a detection' };

  test.each(HOSTILE)('alarm name (%s): the subject and the last line quote it', (_what, value, q) => {
    const email = formatEmail({ ...unknown, change: { ...CHANGE, alarmName: value } });
    // no lookup was made: the subject names the alarm's own account, as the alarm's
    const cut = q.length + '[ALARM] , alarm in 111122223333 (details unavailable)'.length > 99 ? undefined : q;
    if (cut) expect(email.subject).toBe(`[ALARM] ${q}, alarm in 111122223333 (details unavailable)`);
    expect(email.subject).toMatch(/^\[ALARM\] ".*"…?, alarm in 111122223333 \(details unavailable\)$/);
    expect(email.body.split('\n')).toContain(`Alarm ${q}: OK -> ALARM at 2026-11-02 10:21:12 UTC.`);
  });

  test.each(HOSTILE)('state reason (%s)', (_what, value, q) => {
    const email = formatEmail({ ...inputOf([rootLogin()]), change: { ...CHANGE, reason: value } });
    expect(email.body.split('\n')).toContain(`Reason: ${q}`);
  });

  test.each(HOSTILE)('alarm description of an alarm that is no detection (%s)', (_what, value, q) => {
    const email = formatEmail({ ...unknown, change: { ...CHANGE, alarmDescription: value } });
    expect(email.body.split('\n')).toContain(`Alarm description: ${q}`);
  });

  test.each(HOSTILE)('previous state (%s)', (_what, value, q) => {
    const email = formatEmail({ ...inputOf([rootLogin()]), change: { ...CHANGE, oldState: value } });
    expect(email.body.split('\n')).toContain(`Alarm "CloudTrailAlarms-root-account-usage": ${q} -> ALARM at 2026-11-02 10:21:12 UTC.`);
  });

  test.each(HOSTILE)('chat: the alarm name of an OK message (%s)', (_what, value, _q, c) => {
    const ok = { ...unknown, change: { ...CHANGE, newState: 'OK' as const, alarmName: value } };
    expect(formatChatbot(ok).content.description).toBe(`The alarm ${c} changed to OK at 2026-11-02T10:21:12.345Z.`);
  });

  test('a hostile alarm ARN gives no console link and a neutralised thread id', () => {
    const change = { ...CHANGE, region: 'us-east-1/\n<!channel>', alarmArn: 'arn:aws:cloudwatch:x\n<!here>' };
    const chat = formatChatbot({ ...inputOf([rootLogin()]), change });
    expect(chat.content.nextSteps.filter((s) => s.includes('https://'))).toEqual([]);
    expect(chat.metadata.threadId).toBe('arn:aws:cloudwatch:x\\u000a<!here>');
    expect(chat.metadata.relatedResources).toEqual(['arn:aws:cloudwatch:x\\u000a&lt;\\u0021here&gt;']);
  });
});

describe('1 MB values', () => {
  const MB = 'A\n'.repeat(512 * 1024);

  test('email: the value is cut to 200 characters, escaped, and the cut is marked outside the quotes', () => {
    const record = rootLogin();
    record.userAgent = MB;
    record.userIdentity.arn = MB;
    const email = formatEmail(inputOf([record]));
    const value = `"${'A\\u000a'.repeat(100)}"…`;
    expect(eventBlock(email.body, 2)).toEqual([
      `2026-11-02T10:15:20Z  signin:ConsoleLogin  root ${value}  from 192.0.2.0  us-east-1  ok`,
      `    MFA used: "No"; Sign-in result: "Success"; User agent: ${value}`,
    ]);
    expect(Buffer.byteLength(email.body)).toBeLessThan(MAX_BODY_BYTES);
  });

  test('chat: field values are cut to 80 characters', () => {
    const record = rootLogin();
    record.userAgent = MB;
    const description = formatChatbot(inputOf([record])).content.description;
    expect(description.split('\n')[1]).toBe(CHAT_LINE.replace('User agent: `"Mozilla/5.0"`', `User agent: \`"${'A\\u000a'.repeat(40)}"\`…`));
  });

  test('subject: a 1 MB account is cut, the count is kept', () => {
    const record = rootLogin();
    record.recipientAccountId = MB;
    const subject = formatEmail(inputOf([record])).subject;
    // 99 - 29 ('[HIGH] Root user activity in ') - 10 (' (1 event)') = 60 for the account and the Region: the Region
    // whole (9), ', ' and 49 for the account: `"`, 6 × `A\u000a` (7), `A"…`
    expect(subject).toBe(`[HIGH] Root user activity in "${'A\\u000a'.repeat(6)}A"…, us-east-1 (1 event)`);
    expect(subject.length).toBeLessThanOrEqual(99);
  });

  test('subject: a long hostile alarm name and alarm account are both cut, the state is kept', () => {
    const change = { ...CHANGE, alarmName: '\u202e'.repeat(5000), accountId: '<!channel>'.repeat(100) };
    // no lookup (an alarm of no detection): the subject names the alarm's own account, said to be the alarm's
    const subject = formatEmail({ ...inputOf([]), detection: undefined, lookup: undefined, noLookupReason: 'not a detection', change }).subject;
    // 99 - 30 for '[ALARM] ' and ' (details unavailable)' = 69: 33 for the name (5 escapes of 6), 36 for ', alarm in ' (11)
    // and the account (`"`, 22 characters, `"…`)
    expect(subject).toBe(`[ALARM] "${'\\u202e'.repeat(5)}"…, alarm in "${'<!channel>'.repeat(2)}<!"… (details unavailable)`);
    expect(subject.length).toBeLessThanOrEqual(99);
  });
});

describe('limits keep the count of the events not shown', () => {
  // a detection whose one field lists ten values: 200 escaped tag characters each
  const WIDE: NotifierDetection = { ...ROOT, fields: [{ label: 'Values', paths: ['requestParameters.items[]'] }] };
  const tags = (i: number) => `${String.fromCodePoint(0xe0041 + (i % 26))}`.repeat(300);
  const wideRecord = (i: number) => ({ ...rootLogin(), eventID: `e-${i}`, requestParameters: { items: Array.from({ length: 12 }, (_, j) => tags(i + j)) } });

  test('email: fewer events are listed to fit 250,000 bytes, and the rest are counted', () => {
    const records = Array.from({ length: 20 }, (_, i) => wideRecord(i));
    const input = { ...inputOf(records), detection: WIDE, lookup: { ...inputOf(records).lookup!, matched: 57 } };
    const body = formatEmail(input).body;
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    const listed = body.split('\n').filter((l) => l.startsWith('2026-11-02T10:15:20Z  signin:ConsoleLogin')).length;
    expect(listed).toBeGreaterThan(0);
    expect(listed).toBeLessThan(20);
    expect(body).toContain(`\nand ${57 - listed} more matching events not shown (see the Logs Insights link).\n`);
    // each listed value line is whole: ten quoted values and the count of the other two
    const valueLine = body.split('\n').find((l) => l.startsWith('    Values: '))!;
    expect(valueLine).toMatch(/^ {4}Values: ("(\\u\{e00[0-9a-f]{2}\}){200}"…, ){9}"(\\u\{e00[0-9a-f]{2}\}){200}"… and 2 more$/);
  });

  test('chat: the description fits 3,500 characters; events without room are counted', () => {
    const records = Array.from({ length: 20 }, (_, i) => ({ ...rootLogin(), eventID: `e-${i}`, userAgent: '\u202e'.repeat(80) }));
    const description = formatChatbot({ ...inputOf(records), lookup: { ...inputOf(records).lookup!, matched: 300 } }).content.description;
    expect(description.length).toBeLessThanOrEqual(MAX_CHAT_DESCRIPTION);
    const listed = description.split('\n').filter((l) => l.startsWith('• ')).length;
    // each line is 665 characters (+1 newline); 3,500 - 241 (blank line + summary) - 39 (count line) = 3,220: room for four
    expect(listed).toBe(4);
    expect(description).toContain('\nand 296 more matching events not shown\n');
  });

  test('chat: an event too long with its fields is listed without them', () => {
    const record = { ...wideRecord(0), userAgent: 'x' };
    const description = formatChatbot({ ...inputOf([record]), detection: WIDE }).content.description;
    expect(description.split('\n')[1]).toBe(
      '• `2026-11-02T10:15:20Z` *signin:ConsoleLogin* by root `"arn:aws:iam::111122223333:root"` from `192.0.2.0` in us-east-1',
    );
  });
});

describe('the real-time digest', () => {
  const rt = (record: Json, i: number): RealTimeInput => ({
    source: REAL_TIME_SOURCE,
    detectionId: 'root-account-usage',
    event: { id: `eb-${i}`, time: record.eventTime, region: 'us-east-1', account: '111122223333', detail: { ...record, eventID: `e-${i}` } },
  });
  const hostile = () => {
    const r = rootLogin();
    r.userIdentity.arn = 'arn:aws:iam::111122223333:root\n<!channel>';
    r.userAgent = 'ua"; MFA used: "Yes\u202e';
    return r;
  };

  test('email and chat of a digest: values quoted, the unlisted events counted', () => {
    const inputs = [0, 1, 2].map((i) => rt(hostile(), i));
    const input = prepareRealTime(inputs, { config: { ...config, maxListedEvents: 2 } }, 'EventBridge rules matched 3 events.');
    const body = formatEmail(input).body.split('\n');
    const line = '2026-11-02T10:15:20Z  signin:ConsoleLogin  root "arn:aws:iam::111122223333:root\\u000a<!channel>"  from 192.0.2.0  us-east-1  ok';
    const fields = '    MFA used: "No"; Sign-in result: "Success"; User agent: "ua\\"; MFA used: \\"Yes\\u202e"';
    const start = body.indexOf(line);
    expect(body.slice(start, start + 5)).toEqual([line, fields, line, fields, 'and 1 more matching event not shown (see the Logs Insights link).']);
    const chat = formatChatbot(input).content.description.split('\n');
    const chatLine =
      '• `2026-11-02T10:15:20Z` *signin:ConsoleLogin* by root `"arn:aws:iam::111122223333:root\\u000a&lt;!channel&gt;"` from `192.0.2.0` in us-east-1 ' +
      '(MFA used: `"No"`; Sign-in result: `"Success"`; User agent: `"ua\\"; MFA used: \\"Yes\\u202e"`)';
    expect(chat.slice(0, 4)).toEqual(['Events in account 111122223333 (us-east-1).', chatLine, chatLine, 'and 1 more matching event not shown']);
  });
});

describe('property: no record value can add a line, a mention, a link or an unquoted field', () => {
  const FRAGMENTS = ['\n', '\r', '\u2028', '\u0085', '\u202e', '\u200b', '<!channel>', '<@U1>', '<http://x|y>', '[a](b)', '`', '*', '_', '"', '\\', '; MFA used: Yes', '  from 10.0.0.1'];
  const hostileText = fc
    .tuple(fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom(...FRAGMENTS), fc.string({ unit: 'binary', maxLength: 30 }))
    .map(([a, f, b]) => `${a}${f}${b}`);

  /** Puts one value in every record field that reaches a message, and in the alarm's name and reason. */
  function everywhere(v: string): NotificationInput {
    const r = rootLogin();
    r.userIdentity.arn = v;
    for (const k of ['eventTime', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent', 'errorCode', 'recipientAccountId']) r[k] = v;
    r.additionalEventData.MFAUsed = v;
    r.responseElements.ConsoleLogin = v;
    return { ...inputOf([r, r, r]), change: { ...CHANGE, reason: v, oldState: v }, lookup: { ...inputOf([r, r, r]).lookup!, matched: 5 } };
  }

  /** The message with every quoted value (email `"..."`, chat `` `"..."` ``) replaced by a mark. */
  const skeleton = (text: string) => text.replace(/`"(?:[^"\\`]|\\.)*"`…?/g, '<chat value>').replace(/"(?:[^"\\]|\\.)*"…?/g, '<value>');
  /** The same for the email, which has no code spans (a value "`" next to another must not read as one). */
  const emailSkeleton = (text: string) => text.replace(/"(?:[^"\\]|\\.)*"…?/g, '<value>');
  const PLACEHOLDER = 'x y';

  test('email: the same layout whatever the values', () => {
    const expected = formatEmail(everywhere(PLACEHOLDER));
    fc.assert(
      fc.property(hostileText, (v) => {
        const email = formatEmail(everywhere(v));
        expect(emailSkeleton(email.subject)).toBe(emailSkeleton(expected.subject));
        expect(emailSkeleton(email.body)).toBe(emailSkeleton(expected.body));
      }),
    );
  });

  test('chat: the same layout whatever the values, and no angle bracket, link or extra line', () => {
    const expected = formatChatbot(everywhere(PLACEHOLDER));
    fc.assert(
      fc.property(hostileText, (v) => {
        const chat = formatChatbot(everywhere(v));
        const description = skeleton(chat.content.description);
        expect(description).toBe(skeleton(expected.content.description));
        expect(skeleton(chat.content.title)).toBe(skeleton(expected.content.title));
        for (const text of [chat.content.description, chat.content.title, ...chat.content.nextSteps, ...chat.content.keywords]) {
          // no angle bracket anywhere (Slack's mentions and links); markdown only inside code spans, where it is inert
          expect(text).not.toMatch(/[<>]/);
          expect(skeleton(text)).not.toMatch(/\]\(|`/);
        }
      }),
    );
  });

  test('digest: the same layout whatever the values', () => {
    const digest = (v: string) => {
      const inputs = [0, 1, 2].map((i) => {
        const r = { ...everywhere(v).lookup!.events[0].record, eventID: `e-${i}` };
        return { source: REAL_TIME_SOURCE, detectionId: 'root-account-usage', event: { id: `eb-${i}`, region: 'us-east-1', account: '111122223333', detail: r } } as RealTimeInput;
      });
      return prepareRealTime(inputs, { config: { ...config, maxListedEvents: 2 } }, 'digest');
    };
    const expected = digest(PLACEHOLDER);
    fc.assert(
      fc.property(hostileText, (v) => {
        expect(emailSkeleton(formatEmail(digest(v)).body)).toBe(emailSkeleton(formatEmail(expected).body));
        expect(skeleton(formatChatbot(digest(v)).content.description)).toBe(skeleton(formatChatbot(expected).content.description));
      }),
    );
  });
});
