import * as path from 'path';
import { FIXTURES } from './support';
import { cli } from '../../cli/test/commands/helpers';

const f = (name: string) => path.join(FIXTURES, name);
const EVENTS = f('readme-events.jsonl');

describe('notify-preview', () => {
  test('root alarm: the email lists the root events of the window and none of the others', async () => {
    const r = await cli(['notify-preview', '--alarm-event', f('alarm-sns-message.json'), '--events', EVENTS]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Subject: \[HIGH\] Root user activity in 111122223333, us-east-1 \(2 events\)\n\n/);
    expect(r.stdout).toContain('2026-11-02T10:15:20Z  signin:ConsoleLogin  root "arn:aws:iam::111122223333:root"  from 192.0.2.0  us-east-1  ok\n');
    expect(r.stdout).toContain('2026-11-02T10:16:05Z  iam:EnableMFADevice  root "arn:aws:iam::111122223333:root"  from 192.0.2.0  us-east-1  ok\n');
    expect(r.stdout).toContain('\n    MFA used: "No"; Sign-in result: "Success"; User agent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.12; rv:62.0) Gecko/20100101 Firefox/62.0"\n');
    for (const other of ['Mary_Major', '203.0.113.67', 'AuthorizeSecurityGroupIngress', 'DescribeInstances', '100.1.114.142']) {
      expect(r.stdout).not.toContain(other);
    }
  });

  test('security group alarm (SNS event shape): the group, ports and CIDR of the change', async () => {
    const r = await cli(['notify-preview', '--alarm-event', f('alarm-sg-sns-event.json'), '--events', EVENTS]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Subject: \[MEDIUM\] Security group changes in 112233445566, us-east-1 \(1 event\)/);
    expect(r.stdout).toContain('ec2:AuthorizeSecurityGroupIngress  "arn:aws:sts::112233445566:assumed-role/Operator/ryan@example.com"  from 100.1.114.142');
    expect(r.stdout).not.toContain('ConsoleLogin');
  });

  test('the Lambda alarm-action payload gives the same email as the SNS message', async () => {
    const sns = await cli(['notify-preview', '--alarm-event', f('alarm-sns-message.json'), '--events', EVENTS]);
    const lambda = await cli(['notify-preview', '--alarm-event', f('alarm-lambda-action.json'), '--events', EVENTS]);
    const events = (s: string) => s.split('\n').filter((l) => /^2026-11-02T/.test(l));
    expect(events(lambda.stdout)).toEqual(events(sns.stdout));
    expect(events(lambda.stdout).length).toBe(2);
  });

  test('--format chatbot prints the custom notification JSON', async () => {
    const r = await cli(['notify-preview', '--alarm-event', f('alarm-sns-message.json'), '--events', EVENTS, '--format', 'chatbot']);
    const chat = JSON.parse(r.stdout);
    expect(chat).toMatchObject({ version: '1.0', source: 'custom', content: { textType: 'client-markdown', title: ':rotating_light: [HIGH] Root user activity in 111122223333, us-east-1 (2 events)' } });
    expect(chat.content.description).toContain('• `2026-11-02T10:15:20Z` *signin:ConsoleLogin* by root `"arn:aws:iam::111122223333:root"` from `192.0.2.0` in us-east-1 (MFA used: `"No"`;');
  });

  test('--pattern previews an alarm as a detection of your own', async () => {
    const r = await cli(['notify-preview', '--alarm-event', f('alarm-sns-message.json'), '--events', EVENTS, '--format', 'json', '--pattern', '{ $.eventName = DescribeInstances }']);
    const out = JSON.parse(r.stdout);
    expect(out.lookup).toEqual({ matched: 1, scanned: 5, rejected: 4, complete: true });
    expect(out.publications[0].message).toContain('ec2:DescribeInstances');
    expect(out.publications[0].message).not.toContain('ConsoleLogin');
  });

  test.each([
    [['--events', EVENTS], /give --alarm-event FILE/],
    [['--alarm-event', f('alarm-sns-message.json')], /give either --events FILE or --log-group NAME/],
    [['--alarm-event', f('alarm-sns-message.json'), '--events', EVENTS, '--format', 'html'], /--format must be email, chatbot or json, got 'html'/],
    [['--alarm-event', f('alarm-sns-message.json'), '--events', EVENTS, '--pattern', '{ $.a = 1 }', '--profile', 'recommended'], /either --pattern or --profile/],
    [['--alarm-event', EVENTS, '--events', EVENTS], /--alarm-event .*readme-events\.jsonl: the alarm event is not JSON/],
    [['--alarm-event', f('nope.json'), '--events', EVENTS], /cannot read alarm event '.*nope\.json': no such file/],
  ])('fails with a usage error for %j', async (args, message) => {
    const r = await cli(['notify-preview', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
