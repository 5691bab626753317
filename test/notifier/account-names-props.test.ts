// `accountNames` on CloudTrailAlarms (issue 25, item 3): checked at synth, written into the notifier's config.json only
// when given, and used by the notifier built from it.
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { fixture } from './support';
import { CloudTrailAlarms } from '../../lib';
import { Publication } from '../../lib/notifier/notify';
import { createHandler } from '../../lib/notifier-function/notifier.lambda';

let app: App;
let stack: Stack;
beforeEach(() => {
  app = new App({ context: { 'aws:cdk:enable-asset-metadata': true } });
  stack = new Stack(app, 'Stack', { env: { account: '111122223333', region: 'us-east-1' } });
});

/** The notifier's config.json, from the function's code asset. */
function notifierConfig(): any {
  const t = Template.fromStack(stack).toJSON();
  const fn = Object.values<any>(t.Resources).find(
    (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Tags?.some((x: any) => x.Key === 'cdk-cloudtrail-alarms:role'),
  );
  const key = (fn.Properties.Code.S3Key as string).replace(/\.zip$/, '');
  return JSON.parse(fs.readFileSync(path.join(app.outdir, `asset.${key}`, 'config.json'), 'utf8'));
}

describe('CloudTrailAlarms accountNames', () => {
  test('the names are written into the notifier configuration', () => {
    new CloudTrailAlarms(stack, 'Alarms', { organizationTrail: true, accountNames: { 444455556666: 'prod', 777788889999: 'staging' } });
    app.synth();
    expect(notifierConfig().accountNames).toEqual({ 444455556666: 'prod', 777788889999: 'staging' });
  });

  test('without names the configuration has no accountNames (the default template and asset are unchanged)', () => {
    new CloudTrailAlarms(stack, 'Alarms', {});
    app.synth();
    expect(Object.keys(notifierConfig())).not.toContain('accountNames');
  });

  test('the notifier built from the configuration names the account of the events with its name', async () => {
    new CloudTrailAlarms(stack, 'Alarms', { accountNames: { 444455556666: 'prod' } });
    app.synth();
    const config = notifierConfig();
    const record = {
      eventVersion: '1.09',
      userIdentity: { type: 'Root', principalId: '444455556666', arn: 'arn:aws:iam::444455556666:root', accountId: '444455556666' },
      eventTime: '2026-11-02T10:15:20Z',
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      awsRegion: 'us-east-1',
      sourceIPAddress: '192.0.2.0',
      eventType: 'AwsConsoleSignIn',
      eventID: 'e-1',
      recipientAccountId: '444455556666',
    };
    const sent: Publication[] = [];
    const handler = createHandler({
      config,
      env: {
        DELIVERY_TOPIC_ARNS: Array.from({ length: 8 }, (_, i) => `arn:aws:sns:us-east-1:111122223333:t${i}`).join(','),
        LOG_GROUP_NAME: 'trail',
        // stand-ins for the values CloudFormation fills in (topic ARNs, role ARNs); the root detection uses none
        DEPLOY_VALUES: JSON.stringify(Array.from({ length: 50 }, () => 'arn:aws:iam::111122223333:role/deploy')),
      },
      filterLogEvents: async () => ({ events: [{ timestamp: Date.parse(record.eventTime), message: JSON.stringify(record), eventId: 'l1' }] }),
      publish: async (p) => {
        sent.push(p);
      },
      now: () => Date.parse('2026-11-02T10:30:00Z'),
      log: () => undefined,
    });
    const alarm = fixture('alarm-sns-message.json') as Record<string, unknown>;
    await handler({ ...alarm, AlarmName: 'x' });
    expect(sent[0].subject).toBe('[HIGH] Root user activity in 444455556666 "prod", us-east-1 (1 event)');
  });

  test.each([
    [{ 1234: 'prod' }, /^`accountNames` keys must be 12-digit AWS account ids such as '111122223333', got "1234"; write the id with its leading zeros, as a string\.$/],
    [{ 111122223333: '' }, /^`accountNames\['111122223333'\]` must be a non-empty name such as 'prod', got ""; remove the entry to show the id alone\.$/],
    [
      { 111122223333: 'p'.repeat(65) },
      /^`accountNames\['111122223333'\]` must be at most 64 characters \(it goes into a 99-character subject\), got 65: "p{65}"…; give a shorter name\.$/,
    ],
    [
      { 111122223333: 'prod\nAlarm OK' },
      /^`accountNames\['111122223333'\]` must not hold control or invisible characters \(U\+000A in "prod\\u000aAlarm OK"\); write the name with printable characters\.$/,
    ],
  ])('fails at synth on %j', (accountNames, message) => {
    expect(() => new CloudTrailAlarms(stack, 'Alarms', { accountNames })).toThrow(message);
  });

  test('fails without eventDetails: there is no notifier to use the names', () => {
    expect(() => new CloudTrailAlarms(stack, 'Alarms', { eventDetails: false, accountNames: { 111122223333: 'prod' } })).toThrow(
      /^`accountNames` only applies with `eventDetails` \(the notifier names the accounts in its messages\); remove it, or remove `eventDetails: false`\.$/,
    );
  });
});
