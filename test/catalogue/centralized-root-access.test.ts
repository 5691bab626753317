import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CloudTrailAlarms, CloudTrailDetectionAlarm, CloudTrailDetections, DetectionCatalogue, DetectionId, DetectionProfile, LogFilterPattern, Severity } from '../../lib';
import { ASSUME_ROOT_CALL, MARKED_ROOT_SESSION_ACTION, ROOT_SESSION_ACTION } from '../../lib/catalogue/fixtures';
import { NOTIFICATION_CONTENT } from '../../lib/catalogue/notification-fields';
import { exclusionPatterns } from '../../lib/filters/exclusions';
import { summarizeEvent } from '../../lib/notifier/event-summary';
import { planDetections } from '../../lib/planning/plan-detections';
import { toEventPattern } from '../../lib/targets/eventbridge';

// the records AWS prints in the IAM User Guide, "Track privileged tasks in AWS CloudTrail" (see the fixtures README)
const AWS = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cloudtrail', 'centralized-root-access.json'), 'utf8'));
const assumeRootCall: Record<string, unknown> = AWS.assumeRootCall;
const memberAction: Record<string, unknown> = AWS.memberAccountAction;
// the same member-account record with the optional mark the CloudTrail userIdentity reference documents
const markedMemberAction = {
  ...memberAction,
  userIdentity: { ...(memberAction.userIdentity as object), sessionContext: { ...((memberAction.userIdentity as any).sessionContext), assumedRoot: 'true' } },
};
const rootConsoleSignIn = {
  eventVersion: '1.08',
  userIdentity: { type: 'Root', principalId: '222222222222', arn: 'arn:aws:iam::222222222222:root', accountId: '222222222222', accessKeyId: '' },
  eventTime: '2024-10-25T21:10:00Z',
  eventSource: 'signin.amazonaws.com',
  eventName: 'ConsoleLogin',
  awsRegion: 'us-east-1',
  sourceIPAddress: '198.51.100.7',
  requestParameters: null,
  responseElements: { ConsoleLogin: 'Success' },
  additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'Yes' },
  eventType: 'AwsConsoleSignIn',
  recipientAccountId: '222222222222',
};

const ROOT_CW1 = '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}';
const ROOT_CW1_WITHOUT_ASSUMED_ROOT =
  '{ ($.userIdentity.type = "Root") && ($.userIdentity.invokedBy NOT EXISTS) && ($.eventType != "AwsServiceEvent") && (($.userIdentity.sessionContext.assumedRoot NOT EXISTS) || ($.userIdentity.sessionContext.assumedRoot != "true")) }';
const ROOT_ASSUMED_SESSION = '{ (($.eventSource = "sts.amazonaws.com") && ($.eventName = "AssumeRoot")) || ($.userIdentity.sessionContext.assumedRoot = "true") }';

const matches = (pattern: string, record: object) => LogFilterPattern.parse(pattern).matches(JSON.stringify(record));

describe('centralized root access (sts:AssumeRoot)', () => {
  test("the catalogue's fixtures are AWS's records as printed", () => {
    expect(ASSUME_ROOT_CALL).toEqual(assumeRootCall);
    expect(ROOT_SESSION_ACTION).toEqual(memberAction);
    expect(MARKED_ROOT_SESSION_ACTION).toEqual(markedMemberAction);
  });

  test('root-assumed-session matches the AssumeRoot call and the marked member-account record, not an unmarked one', () => {
    const pattern = DetectionCatalogue.optIn().find((d) => d.id === 'root-assumed-session')!.pattern;
    expect(pattern).toBe(ROOT_ASSUMED_SESSION);
    expect(matches(pattern, assumeRootCall)).toBe(true);
    expect(matches(pattern, markedMemberAction)).toBe(true);
    // AWS's member-account example has no assumedRoot: nothing documented tells it from other root use
    expect(matches(pattern, memberAction)).toBe(false);
    expect(matches(pattern, rootConsoleSignIn)).toBe(false);
  });

  test('by default the graded root-usage pattern is unchanged and counts the root session as root use', () => {
    for (const profile of [DetectionProfile.RECOMMENDED, DetectionProfile.CIS_7_0]) {
      const plan = planDetections({ profile: profile.name }).find((p) => p.id === 'root-account-usage')!;
      expect(plan.pattern).toBe(DetectionCatalogue.get('root-account-usage', profile).pattern);
      expect(plan.filterPattern.matches(JSON.stringify(markedMemberAction))).toBe(true);
      expect(plan.filterPattern.matches(JSON.stringify(assumeRootCall))).toBe(false);
    }
    expect(DetectionCatalogue.get('root-account-usage').pattern).toBe(ROOT_CW1);
  });

  test('with exclusions.assumedRootSessions, root-account-usage leaves the marked records out, is no longer Security Hub-exact and says so', () => {
    const plans = planDetections({
      overrides: [
        // the planner's CDK-free PlanningExclusions does not name the option yet; the construct passes it through as is
        { id: DetectionId.ROOT_ACCOUNT_USAGE, exclusions: { assumedRootSessions: true } } as any,
        { id: DetectionId.ROOT_ASSUMED_SESSION },
      ],
    });
    const root = plans.find((p) => p.id === 'root-account-usage')!;
    expect(root.pattern).toBe(ROOT_CW1_WITHOUT_ASSUMED_ROOT);
    expect(root.filterPattern.matches(JSON.stringify(markedMemberAction))).toBe(false);
    // real root use, and a member record without the mark, still count
    expect(root.filterPattern.matches(JSON.stringify(memberAction))).toBe(true);
    expect(root.filterPattern.matches(JSON.stringify(rootConsoleSignIn))).toBe(true);
    expect(root.graders).toEqual(['prowler', 'prowler-legacy', 'steampipe']);
    expect(root.warnings).toEqual([
      {
        id: 'cloudtrail-alarms:notSecurityHubExact',
        message: expect.stringMatching(
          /^Detection 'root-account-usage': the `exclusions` add clauses to the filter pattern\. The pattern is therefore no longer the exact Security Hub string/,
        ),
      },
    ]);
    // the opt-in detection, turned on by its override, is the one that reports these sessions
    const session = plans.find((p) => p.id === 'root-assumed-session')!;
    expect([session.pattern, session.severity, session.metricName, session.threshold]).toEqual([ROOT_ASSUMED_SESSION, Severity.MEDIUM, 'RootAssumedSessionEventCount', 1]);
    expect(session.filterPattern.matches(JSON.stringify(markedMemberAction))).toBe(true);
    expect(session.filterPattern.matches(JSON.stringify(assumeRootCall))).toBe(true);
  });

  test('CloudTrailDetections renders the same exclusion as the planner', () => {
    expect(CloudTrailDetections.rootAccountUsage({ exclusions: { assumedRootSessions: true } }).logPatternString).toBe(ROOT_CW1_WITHOUT_ASSUMED_ROOT);
    expect(CloudTrailDetections.rootAccountUsage({ exclusions: { assumedRootSessions: false } }).logPatternString).toBe(ROOT_CW1);
    expect(CloudTrailDetections.of('root-assumed-session').logPatternString).toBe(ROOT_ASSUMED_SESSION);
  });

  test('CloudTrailAlarms deploys the excluded root filter and the opt-in detection, and warns about Security Hub', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    const logGroup = new logs.LogGroup(stack, 'Trail');
    // WHEN
    new CloudTrailAlarms(stack, 'Alarms', {
      logGroup,
      emailAddresses: ['secops@example.com'],
      overrides: [
        { id: DetectionId.ROOT_ACCOUNT_USAGE, exclusions: { assumedRootSessions: true } },
        { id: DetectionId.ROOT_ASSUMED_SESSION },
      ],
    });
    // THEN
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: ROOT_CW1_WITHOUT_ASSUMED_ROOT,
      MetricTransformations: [Match.objectLike({ MetricName: 'RootAccountUsageEventCount' })],
    });
    t.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: ROOT_ASSUMED_SESSION,
      MetricTransformations: [Match.objectLike({ MetricName: 'RootAssumedSessionEventCount' })],
    });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp("Detection 'root-account-usage': the `exclusions` add clauses"));
  });

  test('CloudTrailDetectionAlarm takes the opt-in detection on its own', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Single');
    // WHEN
    new CloudTrailDetectionAlarm(stack, 'RootSessions', {
      logGroup: new logs.LogGroup(stack, 'Trail'),
      topic: new sns.Topic(stack, 'Topic'),
      detection: DetectionId.ROOT_ASSUMED_SESSION,
    });
    // THEN
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: ROOT_ASSUMED_SESSION,
      MetricTransformations: [Match.objectLike({ MetricName: 'RootAssumedSessionEventCount', MetricValue: '1' })],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RootAssumedSessionEventCount',
      Threshold: 1,
      AlarmDescription: Match.stringLikeRegexp('^Centralized root access session\\. '),
    });
  });

  test('the alert names the management-account principal, the member account, the task policy and the session key', () => {
    // (no session start time: on the call, sessionContext.attributes.creationDate is the caller's session, not the root one)
    const fields = NOTIFICATION_CONTENT['root-assumed-session'].fields;
    const call = summarizeEvent(assumeRootCall, fields);
    expect(call.principal).toEqual({ name: 'arn:aws:sts::111111111111:assumed-role/JohnDoe/JohnRole1' });
    expect(call.fields).toEqual([
      { label: 'Member account', values: ['222222222222'] },
      { label: 'Task policy', values: ['arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy'] },
      { label: 'Session access key', values: ['ASIAIOSFODNN7EXAMPLE'] },
    ]);
    // the session token in the response is never a field
    expect(JSON.stringify(call)).not.toContain('wJalrXUtnFEMI');
    // in the member account, the key ties the action to the call
    const action = summarizeEvent(markedMemberAction, fields);
    expect(action.fields).toEqual([{ label: 'Session access key', values: ['ASIAIOSFODNN7EXAMPLE'] }]);
  });

  test('fails if exclusions.assumedRootSessions is not a boolean', () => {
    expect(() => exclusionPatterns({ assumedRootSessions: 'yes' as any }, "detection 'root-account-usage'", () => false)).toThrow(
      "detection 'root-account-usage': `exclusions.assumedRootSessions` must be true or false, got \"yes\".",
    );
    expect(() => CloudTrailDetections.rootAccountUsage({ exclusions: { assumedRootSessions: 1 as any } })).toThrow(
      'CloudTrailDetections.rootAccountUsage: `exclusions.assumedRootSessions` must be true or false, got 1.',
    );
  });
});

describe('centralized root access across the library', () => {
  test('CloudTrailDetections.rootAssumedSession() is the catalogue pattern', () => {
    expect(CloudTrailDetections.rootAssumedSession().logPatternString).toBe(
      '{ (($.eventSource = "sts.amazonaws.com") && ($.eventName = "AssumeRoot")) || ($.userIdentity.sessionContext.assumedRoot = "true") }',
    );
  });

  test('root-assumed-session has an exact EventBridge twin, and so has root-account-usage with the exclusion', () => {
    const twin = toEventPattern(CloudTrailDetections.rootAssumedSession().logPatternString);
    expect(twin.ok).toBe(true);
    expect(JSON.stringify(twin.ok && twin.eventPattern)).toContain('"assumedRoot":["true"]');
    const excluded = toEventPattern(CloudTrailDetections.rootAccountUsage({ exclusions: { assumedRootSessions: true } }).logPatternString);
    expect(excluded.ok).toBe(true);
  });
});
