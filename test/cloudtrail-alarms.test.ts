import { App, Annotations as CoreAnnotations, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  CloudTrailAlarms,
  CloudTrailFilter,
  CustomDetection,
  DetectionId,
  DetectionProfile,
  LogFilterPattern,
  Severity,
} from '../lib';
import { AWS_TEMPLATE } from './catalogue/grader-rules';

let app: App;
let stack: Stack;
beforeEach(() => {
  app = new App();
  stack = new Stack(app, 'TestStack');
});

function resources(template: Template, type: string): Array<{ logicalId: string; props: any }> {
  return Object.entries(template.findResources(type)).map(([logicalId, r]) => ({ logicalId, props: (r as any).Properties }));
}

// Tests that count or inspect the detection resources themselves set `eventDetails: false` where the notifier's own
// resources (its function, topic, two alarms and one metric filter) would get in the way; the default wiring with
// the notifier is pinned in test/alarm-notifier-wiring.test.ts and test/alarm-notifier.test.ts.
describe('defaults', () => {
  test('creates a multi-Region trail with management events, file validation and CloudWatch Logs delivery', () => {
    // GIVEN / WHEN
    new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['a@example.com'] });
    // THEN
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      IsLogging: true,
      CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AlarmsTrailLogGroup'), 'Arn'] },
      CloudWatchLogsRoleArn: Match.anyValue(),
      EventSelectors: [Match.objectLike({ IncludeManagementEvents: true, ReadWriteType: 'All' })],
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    t.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'cloudtrail-bucket/' }),
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  test('the recommended profile gives twenty-three filters and alarms (17 CIS/AWS-template, 6 tamper protection), and the pipeline-health alarm', () => {
    new CloudTrailAlarms(stack, 'Alarms', { eventDetails: false, emailAddresses: ['a@example.com'] });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Logs::MetricFilter', 23);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 24);
    t.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { Namespace: 'CloudTrailMetrics' }, 23);
    t.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Logs', MetricName: 'IncomingLogEvents' }, 1);
  });

  test('every alarm uses Sum of its own filter metric, 5 minutes, 1 period, >= threshold, missing data not breaching', () => {
    new CloudTrailAlarms(stack, 'Alarms', { eventDetails: false, emailAddresses: ['a@example.com'] });
    const t = Template.fromStack(stack);
    const filters = resources(t, 'AWS::Logs::MetricFilter');
    const alarms = resources(t, 'AWS::CloudWatch::Alarm');
    const topicId = Object.keys(t.findResources('AWS::SNS::Topic'))[0];
    for (const f of filters) {
      const { MetricName, MetricNamespace, MetricValue } = f.props.MetricTransformations[0];
      expect(MetricNamespace).toBe('CloudTrailMetrics');
      expect(MetricValue).toBe('1');
      const own = alarms.filter((a) => a.props.MetricName === MetricName);
      expect(own).toHaveLength(1);
      expect(own[0].props).toMatchObject({
        Namespace: 'CloudTrailMetrics',
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: topicId }],
      });
      expect(own[0].props.Threshold).toBe(MetricName === 'ConsoleSignInFailureCount' ? 3 : 1);
      expect(own[0].props.OKActions).toBeUndefined();
    }
  });

  test('each alarm description says what happened and how to investigate', () => {
    new CloudTrailAlarms(stack, 'Alarms', { eventDetails: false, emailAddresses: ['a@example.com'] });
    const detectionAlarms = resources(Template.fromStack(stack), 'AWS::CloudWatch::Alarm').filter((a) => a.props.Namespace === 'CloudTrailMetrics');
    expect(detectionAlarms).toHaveLength(23);
    for (const a of detectionAlarms) {
      expect(a.props.AlarmDescription).toMatch(/Investigate: .*(userIdentity|requestParameters|eventName|errorCode)/);
      expect(a.props.AlarmDescription.length).toBeLessThanOrEqual(1024);
    }
  });

  test('topics are encrypted with a customer managed key (the stack\'s one key) that CloudWatch may use', () => {
    new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['a@example.com'] });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::KMS::Key', 1);
    const keyId = Object.keys(t.findResources('AWS::KMS::Key'))[0];
    for (const topic of Object.values<any>(t.findResources('AWS::SNS::Topic'))) expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    t.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            // confused-deputy protection: only alarms of this account
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alarm:*']] } },
            },
          }),
        ]),
      },
    });
  });

  test('topic policy lets only CloudWatch alarms of this account publish and denies non-TLS access', () => {
    new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['a@example.com'] });
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Effect: 'Deny', Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': Match.anyValue() },
            },
          }),
        ],
      },
    });
  });

  test('one email subscription per address', () => {
    new CloudTrailAlarms(stack, 'Alarms', { eventDetails: false, emailAddresses: ['a@example.com', 'b@example.com'] });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::SNS::Subscription', 2);
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'b@example.com' });
  });

  test('warns when nobody would be notified', () => {
    new CloudTrailAlarms(stack, 'Alarms');
    Annotations.fromStack(stack).hasWarning('/TestStack/Alarms', Match.stringLikeRegexp('no subscriptions'));
  });
});

describe('trail wiring', () => {
  test('an existing log group: no trail, filters on that log group', () => {
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Existing', 'CloudTrail/DefaultLogGroup');
    const alarms = new CloudTrailAlarms(stack, 'Alarms', { eventDetails: false, logGroup, emailAddresses: ['a@example.com'] });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::CloudTrail::Trail', 0);
    t.resourceCountIs('AWS::S3::Bucket', 0);
    t.resourceCountIs('AWS::Logs::LogGroup', 0);
    for (const f of resources(t, 'AWS::Logs::MetricFilter')) expect(f.props.LogGroupName).toBe('CloudTrail/DefaultLogGroup');
    expect(alarms.trail).toBeUndefined();
    expect(alarms.logGroup).toBe(logGroup);
  });

  test('an existing trail with CloudWatch Logs delivery: filters on its log group, no second trail', () => {
    const trail = new cloudtrail.Trail(stack, 'MyTrail', { sendToCloudWatchLogs: true });
    const alarms = new CloudTrailAlarms(stack, 'Alarms', { eventDetails: false, trail, emailAddresses: ['a@example.com'] });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::CloudTrail::Trail', 1);
    const lgId = Object.keys(t.findResources('AWS::Logs::LogGroup'))[0];
    expect(lgId).toMatch(/^MyTrail/);
    for (const f of resources(t, 'AWS::Logs::MetricFilter')) expect(f.props.LogGroupName).toEqual({ Ref: lgId });
    expect(alarms.trail).toBe(trail);
  });

  test('fails if the existing trail has no CloudWatch Logs delivery', () => {
    const trail = new cloudtrail.Trail(stack, 'MyTrail');
    expect(() => new CloudTrailAlarms(stack, 'Alarms', { trail })).toThrow(/`trail` has no CloudWatch Logs delivery: create it with `sendToCloudWatchLogs: true`/);
  });

  test('fails if both logGroup and trail are given', () => {
    const trail = new cloudtrail.Trail(stack, 'MyTrail', { sendToCloudWatchLogs: true });
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Existing', 'x');
    expect(() => new CloudTrailAlarms(stack, 'Alarms', { trail, logGroup })).toThrow(/Pass either `logGroup` .* or `trail` .*, not both/);
  });

  test('fails if logRetention is given with an existing log group', () => {
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Existing', 'x');
    expect(() => new CloudTrailAlarms(stack, 'Alarms', { logGroup, logRetention: logs.RetentionDays.ONE_MONTH })).toThrow(
      /`logRetention` only applies to the trail, buckets, keys and log group this construct creates; with `logGroup` or `trail` set/,
    );
  });

  test('logRetention sets the created log group retention', () => {
    new CloudTrailAlarms(stack, 'Alarms', { logRetention: logs.RetentionDays.TWO_YEARS, emailAddresses: ['a@example.com'] });
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 731 });
  });
});

describe('a second trail costs money: the construct says so when it creates one unasked', () => {
  const NEW_TRAIL = /^This construct creates a new trail\. .*\$2\.00 per 100,000 events.*reuse it with `trail`, or with `logGroup`.*set `createTrail: true`\. \[ack: cloudtrail-alarms:newTrail\]$/;
  const newTrailWarnings = (s: Stack) => Annotations.fromStack(s).findWarning('*', Match.stringLikeRegexp('creates a new trail'));

  test('warns, with an acknowledgement id, when a trail is created and nothing was said about existing trails', () => {
    // GIVEN / WHEN
    new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['a@example.com'] });
    // THEN
    const warnings = newTrailWarnings(stack);
    expect(warnings.map((w) => w.id)).toEqual(['/TestStack/Alarms']);
    expect(String(warnings[0].entry.data)).toMatch(NEW_TRAIL);
  });

  test('no warning with createTrail: true, with an existing trail or log group, or once acknowledged', () => {
    new CloudTrailAlarms(stack, 'Alarms', { createTrail: true, emailAddresses: ['a@example.com'] });
    new CloudTrailAlarms(stack, 'OnLogGroup', { logGroup: logs.LogGroup.fromLogGroupName(stack, 'Existing', 'CloudTrail/DefaultLogGroup'), metricNamespace: 'Other' });
    const acknowledged = new CloudTrailAlarms(stack, 'Acknowledged', { metricNamespace: 'Third', emailAddresses: ['a@example.com'] });
    CoreAnnotations.of(acknowledged).acknowledgeWarning('cloudtrail-alarms:newTrail', 'the only trail of this sandbox account');
    expect(newTrailWarnings(stack)).toEqual([]);
  });

  test('fails if createTrail contradicts trail or logGroup, naming both', () => {
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Existing', 'CloudTrail/DefaultLogGroup');
    expect(() => new CloudTrailAlarms(stack, 'A', { createTrail: true, logGroup })).toThrow(
      '`createTrail: true` asks for a new trail, but `logGroup` reuses an existing one; remove one of them.',
    );
    expect(() => new CloudTrailAlarms(stack, 'B', { createTrail: false })).toThrow(
      '`createTrail: false` needs an existing trail: pass `trail` (a trail with CloudWatch Logs delivery) or `logGroup` (the log group a trail delivers to).',
    );
  });
});

describe('notifications', () => {
  test('an existing topic and log group: no topic or key created, alarms point at it', () => {
    const topic = sns.Topic.fromTopicArn(stack, 'T', 'arn:aws:sns:us-east-1:111122223333:paging');
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Existing', 'CloudTrail/DefaultLogGroup');
    new CloudTrailAlarms(stack, 'Alarms', { eventDetails: false, topic, logGroup, profile: DetectionProfile.SECURITY_HUB });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::SNS::Topic', 0);
    t.resourceCountIs('AWS::KMS::Key', 0);
    for (const a of resources(t, 'AWS::CloudWatch::Alarm')) expect(a.props.AlarmActions).toEqual(['arn:aws:sns:us-east-1:111122223333:paging']);
  });

  test('okActions adds the topic as OK action', () => {
    new CloudTrailAlarms(stack, 'Alarms', { eventDetails: false, okActions: true, emailAddresses: ['a@example.com'] });
    const t = Template.fromStack(stack);
    const topicId = Object.keys(t.findResources('AWS::SNS::Topic'))[0];
    for (const a of resources(t, 'AWS::CloudWatch::Alarm')) expect(a.props.OKActions).toEqual([{ Ref: topicId }]);
  });

  test('severity routing sends each severity to its topic and falls back to the main topic', () => {
    const high = sns.Topic.fromTopicArn(stack, 'High', 'arn:aws:sns:us-east-1:111122223333:paging');
    const low = sns.Topic.fromTopicArn(stack, 'Low', 'arn:aws:sns:us-east-1:111122223333:digest');
    const alarms = new CloudTrailAlarms(stack, 'Alarms', { eventDetails: false, severityTopics: { high, low }, emailAddresses: ['a@example.com'] });
    const t = Template.fromStack(stack);
    const topicId = Object.keys(t.findResources('AWS::SNS::Topic'))[0];
    const byMetric = new Map(resources(t, 'AWS::CloudWatch::Alarm').map((a) => [a.props.MetricName, a.props.AlarmActions]));
    expect(byMetric.get('RootAccountUsageEventCount')).toEqual(['arn:aws:sns:us-east-1:111122223333:paging']);
    expect(byMetric.get('AuthorizationFailureCount')).toEqual(['arn:aws:sns:us-east-1:111122223333:digest']);
    expect(byMetric.get('SecurityGroupEventCount')).toEqual([{ Ref: topicId }]);
    expect(alarms.detection('root-account-usage').severity).toBe(Severity.HIGH);
  });
});

describe('profiles and overrides', () => {
  test('the AWS template profile deploys the ten template patterns byte-identically', () => {
    new CloudTrailAlarms(stack, 'Alarms', { eventDetails: false, profile: DetectionProfile.AWS_TEMPLATE, emailAddresses: ['a@example.com'] });
    const patterns = resources(Template.fromStack(stack), 'AWS::Logs::MetricFilter').map((f) => f.props.FilterPattern).sort();
    expect(patterns).toEqual(Object.values(AWS_TEMPLATE).sort());
  });

  test('overrides change alarm settings of one detection only', () => {
    new CloudTrailAlarms(stack, 'Alarms', {
      emailAddresses: ['a@example.com'],
      overrides: [
        {
          id: DetectionId.AUTHORIZATION_FAILURES,
          threshold: 10,
          period: Duration.minutes(15),
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.IGNORE,
          metricName: 'DeniedCalls',
          metricNamespace: 'Security',
          metricValue: '2',
          alarmName: 'denied-calls',
        },
      ],
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Logs::MetricFilter', {
      MetricTransformations: [{ MetricName: 'DeniedCalls', MetricNamespace: 'Security', MetricValue: '2' }],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DeniedCalls',
      Namespace: 'Security',
      Threshold: 10,
      Period: 900,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'ignore',
      AlarmName: 'denied-calls',
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'IAMPolicyEventCount', Threshold: 1, Period: 300 });
  });

  test('enabled: false removes a detection and enabled: true adds one outside the profile', () => {
    new CloudTrailAlarms(stack, 'Alarms', {
      eventDetails: false,
      profile: DetectionProfile.AWS_TEMPLATE,
      emailAddresses: ['a@example.com'],
      overrides: [
        { id: DetectionId.EC2_INSTANCE_CHANGES, enabled: false },
        { id: DetectionId.KMS_KEY_DISABLE_OR_DELETION, enabled: true },
      ],
    });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Logs::MetricFilter', 10);
    t.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}',
    });
    expect(resources(t, 'AWS::Logs::MetricFilter').some((f) => f.props.MetricTransformations[0].MetricName === 'EC2InstanceEventCount')).toBe(false);
  });

  test('custom large instance types change the EC2 large-instance pattern', () => {
    new CloudTrailAlarms(stack, 'Alarms', { largeInstanceTypes: ['*.metal', 'p4d.*'], emailAddresses: ['a@example.com'] });
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ ($.eventName = RunInstances) && (($.requestParameters.instanceType = *.metal) || ($.requestParameters.instanceType = p4d.*)) }',
    });
  });

  test('exclusions use the NOT EXISTS form and warn that the pattern is no longer Security Hub-exact', () => {
    const alarms = new CloudTrailAlarms(stack, 'Alarms', {
      emailAddresses: ['a@example.com'],
      overrides: [{ id: DetectionId.IAM_POLICY_CHANGES, exclusions: { roleNames: ['Deployer'] } }],
    });
    const d = alarms.detection('iam-policy-changes');
    expect(d.pattern.logPatternString).toMatch(
      /&& \(\(\$\.userIdentity\.sessionContext\.sessionIssuer\.userName NOT EXISTS\) \|\| \(\$\.userIdentity\.sessionContext\.sessionIssuer\.userName != "Deployer"\)\) }$/,
    );
    expect(d.graders).not.toContain('security-hub');
    expect(d.pattern.matches('{"eventName":"PutRolePolicy","userIdentity":{"type":"IAMUser"}}')).toBe(true);
    expect(d.pattern.matches('{"eventName":"PutRolePolicy","userIdentity":{"sessionContext":{"sessionIssuer":{"userName":"Deployer"}}}}')).toBe(false);
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp("Detection 'iam-policy-changes'.*no longer the exact Security Hub string"));
  });

  test('ssoAware drops IAM Identity Center sign-ins from console-sign-in-without-mfa', () => {
    const alarms = new CloudTrailAlarms(stack, 'Alarms', {
      profile: DetectionProfile.CIS_1_4,
      emailAddresses: ['a@example.com'],
      overrides: [{ id: DetectionId.CONSOLE_SIGN_IN_WITHOUT_MFA, ssoAware: true }],
    });
    const p = alarms.detection('console-sign-in-without-mfa').pattern;
    const sso = {
      eventName: 'ConsoleLogin',
      additionalEventData: { MFAUsed: 'No' },
      userIdentity: { sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_1' } } },
    };
    expect(p.matchesEvent(sso)).toBe(false);
    expect(p.matchesEvent({ eventName: 'ConsoleLogin', additionalEventData: { MFAUsed: 'No' }, userIdentity: { type: 'IAMUser' } })).toBe(true);
  });

  test('alarmNamePrefix names every alarm after its detection id', () => {
    new CloudTrailAlarms(stack, 'Alarms', { eventDetails: false, alarmNamePrefix: 'security', profile: DetectionProfile.AWS_TEMPLATE, emailAddresses: ['a@example.com'] });
    const names = resources(Template.fromStack(stack), 'AWS::CloudWatch::Alarm').map((a) => a.props.AlarmName).sort();
    expect(names).toContain('security-ec2-large-instance-changes');
    expect(names).toContain('security-pipeline-health');
    expect(names).toHaveLength(11);
    expect(names.every((n) => n.startsWith('security-'))).toBe(true);
  });

  test('a warning names the Average statistic trap', () => {
    new CloudTrailAlarms(stack, 'Alarms', {
      emailAddresses: ['a@example.com'],
      overrides: [{ id: DetectionId.AUTHORIZATION_FAILURES, statistic: 'Average', threshold: 5 }],
    });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('always averages 1, so a threshold above 1 never fires'));
  });

  test('custom detections use the same machinery and are validated with the engine', () => {
    const custom: CustomDetection = {
      id: 'access-key-created',
      title: 'Access key created',
      description: 'An access key was created. Investigate: requestParameters.userName.',
      pattern: CloudTrailFilter.eventName('CreateAccessKey'),
      metricName: 'AccessKeyCreatedCount',
      severity: Severity.HIGH,
      threshold: 2,
    };
    const alarms = new CloudTrailAlarms(stack, 'Alarms', { eventDetails: false, emailAddresses: ['a@example.com'], customDetections: [custom] });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Logs::MetricFilter', 24);
    t.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: '{ $.eventName = "CreateAccessKey" }' });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'AccessKeyCreatedCount', Threshold: 2, Statistic: 'Sum' });
    expect(alarms.detection('access-key-created').metricFilter).toBeDefined();
  });

  test('a plain CDK FilterPattern works as a custom pattern', () => {
    new CloudTrailAlarms(stack, 'Alarms', {
      emailAddresses: ['a@example.com'],
      profile: DetectionProfile.SECURITY_HUB,
      customDetections: [
        { id: 'x', title: 'X', description: 'X happened.', pattern: logs.FilterPattern.stringValue('$.eventName', '=', 'X'), metricName: 'XCount' },
      ],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: '{ $.eventName = "X" }' });
  });
});

describe('accessors', () => {
  test('expose topic, log group, trail and per-detection filter, metric and alarm', () => {
    const alarms = new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['a@example.com'] });
    expect(alarms.trail).toBeInstanceOf(cloudtrail.Trail);
    expect(alarms.topicKey).toBeDefined();
    const root = alarms.detection(DetectionId.ROOT_ACCOUNT_USAGE);
    expect(root.metric.statistic).toBe('Sum');
    expect(root.metric.metricName).toBe('RootAccountUsageEventCount');
    expect(root.alarm.metric).toBe(root.metric);
    expect(alarms.detections).toHaveLength(23);
  });

  test('fails if an unknown detection is asked for, listing the known ones', () => {
    const alarms = new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['a@example.com'], profile: DetectionProfile.AWS_TEMPLATE });
    expect(() => alarms.detection('nope')).toThrow(/No detection 'nope' in TestStack\/Alarms\. Its detections are: security-group-changes, /);
  });
});

describe('validation', () => {
  test.each([
    [{ emailAddresses: ['not-an-email'] }, /`emailAddresses\[0\]` must be an email address such as secops@example.com, got 'not-an-email'/],
    [{ emailAddresses: ['a@example.com', 'A@example.com'] }, /`emailAddresses` lists 'A@example.com' twice/],
    [{ overrides: [{ id: 'authorization-failures', threshold: 0 }] }, /`overrides` entry 'authorization-failures': `threshold` must be at least 1 .*got 0/],
    [{ overrides: [{ id: 'authorization-failures', evaluationPeriods: 2, datapointsToAlarm: 3 }] }, /`datapointsToAlarm` must be between 1 and `evaluationPeriods` \(2\), got 3/],
    [{ overrides: [{ id: 'no-such-thing' }] }, /`overrides\[0\]\.id` must be a built-in detection id, got 'no-such-thing'/],
    [{ overrides: [{ id: 'vpc-changes' }, { id: 'vpc-changes' }] }, /`overrides` lists detection 'vpc-changes' twice/],
    [{ overrides: [{ id: 'vpc-changes', ssoAware: true }] }, /`overrides\[0\]\.ssoAware` only applies to 'console-sign-in-without-mfa', got it on 'vpc-changes'/],
    [{ overrides: [{ id: 'vpc-changes', metricName: 'IAMPolicyEventCount' }] }, /Metric name 'IAMPolicyEventCount' is used by both 'iam-policy-changes' and 'vpc-changes'/],
    [{ overrides: [{ id: 'vpc-changes', exclusions: { userAgents: [] } }] }, /`exclusions.userAgents` is an empty list/],
    [{ largeInstanceTypes: [] }, /`largeInstanceTypes` must list at least one instance type pattern \(e\.g\. 'p4d\.\*' or '\*\.metal'\), got \[\]/],
    // the same checks as the builder's: a catch-all and a duplicate are refused
    [{ largeInstanceTypes: ['*'] }, /`largeInstanceTypes\[0\]` '\*' matches every instance type/],
    [{ largeInstanceTypes: ['p4d.*', 'p4d.*'] }, /`largeInstanceTypes` lists 'p4d\.\*' twice; remove the duplicate/],
    [{ overrides: [{ id: 'vpc-changes', metricValue: 'one' }] }, /`overrides` entry 'vpc-changes': `metricValue` must be a number or a \$\.field selector, got 'one'/],
    [{ largeInstanceTypes: ['M5 8XL'] }, /`largeInstanceTypes\[0\]` must be an instance type or a pattern .* got 'M5 8XL'/],
  ])('fails: %j', (props, message) => {
    expect(() => new CloudTrailAlarms(stack, 'Alarms', props as any)).toThrow(message);
  });

  test('fails on a duplicate custom detection id and on a built-in id', () => {
    const c = { id: 'mine', title: 'T', description: 'D.', pattern: CloudTrailFilter.eventName('X'), metricName: 'A' };
    expect(() => new CloudTrailAlarms(stack, 'A1', { customDetections: [c, { ...c, metricName: 'B' }] })).toThrow(
      /Detection id 'mine' is used twice/,
    );
    expect(() => new CloudTrailAlarms(stack, 'A2', { customDetections: [{ ...c, id: 'vpc-changes' }] })).toThrow(
      /'vpc-changes' is a built-in detection id; tune it with `overrides`/,
    );
    expect(() => new CloudTrailAlarms(stack, 'A3', { customDetections: [{ ...c, id: 'Not Kebab' }] })).toThrow(
      /`customDetections\[0\].id` must be kebab-case .* got 'Not Kebab'/,
    );
  });

  test('fails on an invalid custom pattern with its position', () => {
    const bad = { logPatternString: '{ $.eventName = X ' };
    expect(
      () => new CloudTrailAlarms(stack, 'Alarms', { customDetections: [{ id: 'bad', title: 'T', description: 'D.', pattern: bad, metricName: 'B' }] }),
    ).toThrow(/`customDetections\[0\]` \('bad'\) `pattern` is not a valid CloudWatch Logs filter pattern: expected '&&', '\|\|' or '}', got the end of the pattern at position 18/);
  });

  test('fails on a custom pattern over 1024 characters', () => {
    const long = { logPatternString: `{ $.eventName = "${'x'.repeat(1100)}" }` };
    expect(
      () => new CloudTrailAlarms(stack, 'Alarms', { customDetections: [{ id: 'long', title: 'T', description: 'D.', pattern: long, metricName: 'B' }] }),
    ).toThrow(/is 1120 characters long; CloudWatch Logs accepts at most 1024/);
  });

  test('fails on more than 100 metric filters on one log group', () => {
    const customDetections = Array.from({ length: 78 }, (_, i) => ({
      id: `custom-${i}`,
      title: `C${i}`,
      description: 'D.',
      pattern: LogFilterPattern.parse(`{ $.eventName = E${i} }`),
      metricName: `Custom${i}`,
    }));
    expect(() => new CloudTrailAlarms(stack, 'Alarms', { customDetections })).toThrow(
      /101 detections would create 101 metric filters on one log group; CloudWatch Logs allows at most 100/,
    );
  });

  test('unresolved tokens are not validated', () => {
    const email = new CfnParameter(stack, 'Email').valueAsString;
    const threshold = new CfnParameter(stack, 'Threshold', { type: 'Number' }).valueAsNumber;
    expect(
      () =>
        new CloudTrailAlarms(stack, 'Alarms', {
          emailAddresses: [email],
          overrides: [{ id: DetectionId.VPC_CHANGES, threshold }],
        }),
    ).not.toThrow();
  });
});

describe('deterministic output', () => {
  test('two synths are byte-identical', () => {
    const build = () => {
      const a = new App();
      const s = new Stack(a, 'S');
      new CloudTrailAlarms(s, 'Alarms', { emailAddresses: ['a@example.com'] });
      return JSON.stringify(Template.fromStack(s).toJSON());
    };
    expect(build()).toEqual(build());
  });

  test('adding a detection does not change the logical ids of the others', () => {
    const ids = (props: any) => {
      const a = new App();
      const s = new Stack(a, 'S');
      new CloudTrailAlarms(s, 'Alarms', props);
      return Object.keys(Template.fromStack(s).toJSON().Resources);
    };
    const before = ids({ profile: DetectionProfile.AWS_TEMPLATE, emailAddresses: ['a@example.com'] });
    const after = ids({
      profile: DetectionProfile.AWS_TEMPLATE,
      emailAddresses: ['a@example.com'],
      overrides: [{ id: 'root-account-usage', enabled: true }],
    });
    expect(after.filter((id) => !before.includes(id))).toHaveLength(2);
    expect(before.every((id) => after.includes(id))).toBe(true);
  });
});
