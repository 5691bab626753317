/**
 * notify-preview on records of an organization trail from two member accounts (issue 25, item 3): the messages name
 * both accounts with their counts, most events first, and, with `--account-names`, their friendly names. The trail, the
 * alarm and the notifier are in the management account 111122223333; the events are in 444455556666 (three root
 * events, two Regions) and 777788889999 (one root sign-in, and an IAM user's call the filter does not match).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cli } from './helpers';

const ROOT = path.join(__dirname, '..', '..', '..');
const ALARM = path.join(ROOT, 'test', 'fixtures', 'notifier', 'alarm-sns-message.json');
const FIXTURES = path.join(__dirname, '..', 'fixtures');
const EVENTS = path.join(FIXTURES, 'two-accounts.jsonl');
const NAMES = path.join(FIXTURES, 'two-accounts.names.json');
const UA = '"Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0"';

const preview = (...more: string[]) => cli(['notify-preview', '--alarm-event', ALARM, '--events', EVENTS, ...more]);
/** The subject, the first line of the body, and the event lines (without their field lines). */
const head = (stdout: string) => {
  const lines = stdout.split('\n');
  return { subject: lines[0], first: lines[2], events: lines.filter((l) => /^2026-11-02T/.test(l)) };
};

describe('notify-preview on records from two member accounts', () => {
  test('names both accounts, with their counts and Regions, most events first', async () => {
    const r = await preview();
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(head(r.stdout)).toEqual({
      subject: 'Subject: [HIGH] Root user activity: 3 in 444455556666, 1 in 777788889999 (4 events)',
      first: 'Root user activity in 2 accounts: 444455556666 (3 events, us-east-1: 2, eu-west-1: 1), 777788889999 (1 event, us-east-1).',
      events: [
        '2026-11-02T10:14:05Z  signin:ConsoleLogin  root "arn:aws:iam::444455556666:root"  from 198.51.100.23  us-east-1  ok  account 444455556666',
        '2026-11-02T10:15:10Z  iam:CreateAccessKey  root "arn:aws:iam::444455556666:root"  from 198.51.100.23  us-east-1  ok  account 444455556666',
        '2026-11-02T10:16:40Z  ec2:DescribeInstances  root "arn:aws:iam::444455556666:root"  from 198.51.100.23  eu-west-1  ok  account 444455556666',
        '2026-11-02T10:17:30Z  signin:ConsoleLogin  root "arn:aws:iam::777788889999:root"  from 203.0.113.99  us-east-1  ok  account 777788889999',
      ],
    });
    expect(r.stdout).not.toContain('deploy-bot');
  });

  test('--account-names: the friendly names, quoted after the ids, in the subject, the first line and each event', async () => {
    const r = await preview('--account-names', NAMES);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(head(r.stdout)).toEqual({
      subject: 'Subject: [HIGH] Root user activity: 3 in 444455556666 "prod", 1 in 777788889999 "staging" (4 events)',
      first: 'Root user activity in 2 accounts: 444455556666 "prod" (3 events, us-east-1: 2, eu-west-1: 1), 777788889999 "staging" (1 event, us-east-1).',
      events: [
        '2026-11-02T10:14:05Z  signin:ConsoleLogin  root "arn:aws:iam::444455556666:root"  from 198.51.100.23  us-east-1  ok  account 444455556666 "prod"',
        '2026-11-02T10:15:10Z  iam:CreateAccessKey  root "arn:aws:iam::444455556666:root"  from 198.51.100.23  us-east-1  ok  account 444455556666 "prod"',
        '2026-11-02T10:16:40Z  ec2:DescribeInstances  root "arn:aws:iam::444455556666:root"  from 198.51.100.23  eu-west-1  ok  account 444455556666 "prod"',
        '2026-11-02T10:17:30Z  signin:ConsoleLogin  root "arn:aws:iam::777788889999:root"  from 203.0.113.99  us-east-1  ok  account 777788889999 "staging"',
      ],
    });
  });

  test('--format chatbot: the title, the first line of the description and the accounts in the context', async () => {
    const r = await preview('--account-names', NAMES, '--format', 'chatbot');
    expect(r.code).toBe(0);
    const chat = JSON.parse(r.stdout);
    expect(chat.content.title).toBe(':rotating_light: [HIGH] Root user activity: 3 in 444455556666 `"prod"`, 1 in 777788889999 `"staging"` (4 events)');
    const lines = chat.content.description.split('\n');
    expect(lines[0]).toBe('Events in 2 accounts: 444455556666 `"prod"` (3 events, us-east-1: 2, eu-west-1: 1), 777788889999 `"staging"` (1 event, us-east-1).');
    expect(lines[4]).toBe(
      '• `2026-11-02T10:17:30Z` *signin:ConsoleLogin* by root `"arn:aws:iam::777788889999:root"` from `203.0.113.99` in us-east-1 account 777788889999 `"staging"` ' +
        `(MFA used: \`"Yes"\`; Sign-in result: \`"Success"\`; User agent: \`${UA}\`)`,
    );
    // `account` is the alarm's own (the management account, where the trail and the alarm are); `eventAccounts` the events'
    expect(chat.metadata.additionalContext).toMatchObject({ account: '111122223333', events: '4', eventAccounts: '444455556666: 3, 777788889999: 1' });
  });

  test('--account-names from standard input', async () => {
    const r = await cli(['notify-preview', '--alarm-event', ALARM, '--events', EVENTS, '--account-names', '-'], '{"777788889999": "staging"}');
    expect(r.code).toBe(0);
    expect(head(r.stdout).subject).toBe('Subject: [HIGH] Root user activity: 3 in 444455556666, 1 in 777788889999 "staging" (4 events)');
  });

  describe('fails with exit 2 and no stack trace', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'account-names-'));
    const file = (name: string, text: string) => {
      const p = path.join(dir, name);
      fs.writeFileSync(p, text);
      return p;
    };
    test.each([
      ['not JSON', 'x.json', '{"111122223333": prod}', /^--account-names .*x\.json: not JSON \(.*\); write an object such as \{"111122223333": "prod"\}$/],
      ['an array', 'a.json', '["prod"]', /a\.json: `--account-names` must map 12-digit account ids to names, such as \{ '111122223333': 'prod' \}, got \["prod"\]\.$/],
      ['a short id', 'k.json', '{"1234": "prod"}', /k\.json: `--account-names` keys must be 12-digit AWS account ids such as '111122223333', got "1234"; write the id with its leading zeros, as a string\.$/],
      ['an empty name', 'e.json', '{"111122223333": " "}', /e\.json: `--account-names\['111122223333'\]` must be a non-empty name such as 'prod', got " "; remove the entry to show the id alone\.$/],
      ['a name with a line break', 'n.json', '{"111122223333": "prod\\nAlarm: OK"}', /n\.json: `--account-names\['111122223333'\]` must not hold control or invisible characters \(U\+000A in "prod\\\\u000aAlarm: OK"\); write the name with printable characters\.$/],
    ])('%s', async (_what, name, text, message) => {
      // the CLI prints its error messages neutralised: the message's own escape `\u000a` shows its backslash doubled
      const r = await preview('--account-names', file(name, text));
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(/^cloudtrail-alarms notify-preview: /);
      expect(r.stderr.split('\n')[0].replace('cloudtrail-alarms notify-preview: ', '')).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });

    test('a missing file', async () => {
      const r = await preview('--account-names', path.join(dir, 'nope.json'));
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(`cloudtrail-alarms notify-preview: cannot read account names '${path.join(dir, 'nope.json')}': no such file. Pass an existing file or '-' for standard input.`);
    });
  });
});
