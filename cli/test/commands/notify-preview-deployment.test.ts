import * as path from 'path';
import { cli } from './helpers';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const ALARM = path.join(FIXTURES, 'alarm-tampering.alarm.json');
const ROLE = 'arn:aws:iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1';
const BY_DEPLOYMENT = path.join(FIXTURES, 'alarm-change-by-deployment.jsonl');
const BY_ALICE = path.join(FIXTURES, 'alarm-change-by-alice.jsonl');

async function preview(events: string, ...extra: string[]) {
  const r = await cli(['notify-preview', '--alarm-event', ALARM, '--events', events, '--format', 'json', ...extra]);
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout);
  return out.publications.map((p: any) => ({ kind: p.kind, topicArn: p.topicArn, subject: p.subject ?? p.message.content.title }));
}

describe('notify-preview --deployment-role: the stack\'s own deployment is an expected change, anyone else pages', () => {
  test('PutMetricAlarm on the construct\'s alarm by CloudFormation through the deployment role: LOW, to the expected-changes topics', async () => {
    expect(await preview(BY_DEPLOYMENT, '--deployment-role', ROLE, '--stack-name', 'Security')).toEqual([
      {
        kind: 'email',
        topicArn: 'arn:aws:sns:<region>:<account>:expected-changes',
        subject: '[LOW] Expected change, deployment of Security: Alarm tampering in 111122223333, us-east-1 (1 event)',
      },
      {
        kind: 'chatbot',
        topicArn: 'arn:aws:sns:<region>:<account>:expected-changes-chatbot',
        subject: ':information_source: [LOW] Expected change, deployment of Security: Alarm tampering in 111122223333, us-east-1 (1 event)',
      },
    ]);
  });

  test('the same change by another principal (whose user agent claims CloudFormation): HIGH, to the paging topics', async () => {
    expect(await preview(BY_ALICE, '--deployment-role', ROLE, '--stack-name', 'Security')).toEqual([
      { kind: 'email', topicArn: 'arn:aws:sns:<region>:<account>:notifications', subject: '[HIGH] Alarm tampering in 111122223333, us-east-1 (1 event)' },
      { kind: 'chatbot', topicArn: 'arn:aws:sns:<region>:<account>:chatbot', subject: ':rotating_light: [HIGH] Alarm tampering in 111122223333, us-east-1 (1 event)' },
    ]);
  });

  test('without --deployment-role the deployment\'s own change pages HIGH (nothing is exempt unless configured)', async () => {
    const [email] = await preview(BY_DEPLOYMENT);
    expect(email).toEqual({ kind: 'email', topicArn: 'arn:aws:sns:<region>:<account>:notifications', subject: '[HIGH] Alarm tampering in 111122223333, us-east-1 (1 event)' });
  });

  test.each([
    [['--deployment-role', 'cfn-exec-role'], '--deployment-role must be an IAM role ARN such as arn:aws:iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1, got "cfn-exec-role"'],
    [['--stack-name', 'Security'], '--invoked-by and --stack-name only apply with --deployment-role ARN (the role that deploys the stack)'],
  ])('fails with exit 2 on %j', async (args, message) => {
    const r = await cli(['notify-preview', '--alarm-event', ALARM, '--events', BY_DEPLOYMENT, ...args]);
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([2, `cloudtrail-alarms notify-preview: ${message}`]);
  });
});
