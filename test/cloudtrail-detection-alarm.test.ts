import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import * as example from '../examples/detection-alarm';
import {
  CloudTrailAlarms,
  CloudTrailDetectionAlarm,
  CloudTrailDetections,
  CloudTrailFilter,
  DetectionCatalogue,
  DetectionId,
  DetectionProfile,
  Severity,
} from '../lib';
import { PATTERNS } from '../lib/catalogue/patterns';

const TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:security-paging';
const SH_ROOT = PATTERNS[DetectionId.ROOT_ACCOUNT_USAGE].securityHub!;

function exampleStack(): Stack {
  const app = example.buildApp(new App());
  return app.node.findChild('CloudTrailDetectionAlarmExample') as Stack;
}

const props = (t: Template, type: string) => Object.values(t.findResources(type)).map((r: any) => r.Properties);

describe('examples/detection-alarm.ts (existing log group and topic)', () => {
  const stack = exampleStack();
  const t = Template.fromStack(stack);

  test('creates three metric filters and three alarms, and no trail, log group or topic', () => {
    t.resourceCountIs('AWS::Logs::MetricFilter', 3);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    for (const type of ['AWS::CloudTrail::Trail', 'AWS::Logs::LogGroup', 'AWS::SNS::Topic', 'AWS::KMS::Key']) t.resourceCountIs(type, 0);
    for (const f of props(t, 'AWS::Logs::MetricFilter')) expect(f.LogGroupName).toBe('CloudTrail/DefaultLogGroup');
    for (const a of props(t, 'AWS::CloudWatch::Alarm')) expect(a.AlarmActions).toEqual([TOPIC_ARN]);
  });

  test('root user activity is the Security Hub string with the catalogue defaults, in its own namespace', () => {
    t.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: SH_ROOT,
      MetricTransformations: [{ MetricNamespace: 'Security', MetricName: 'RootAccountUsageEventCount', MetricValue: '1' }],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RootAccountUsageEventCount',
      Namespace: 'Security',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmDescription: DetectionCatalogue.get('root-account-usage').description,
      AlarmName: Match.absent(),
    });
  });

  test('console sign-in without MFA: the CIS v5.0 form with the SSO exclusion, named with the prefix, and a warning', () => {
    const expected = CloudTrailDetections.consoleSignInWithoutMfa({ profile: DetectionProfile.CIS_5_0, ssoAware: true }).logPatternString;
    expect(expected).toContain('aws-reserved/sso.amazonaws.com');
    t.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: expected });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'security-console-sign-in-without-mfa', MetricName: 'ConsoleSignInWithoutMfaCount' });
  });

  test('the tuned GPU launch detection uses its builder, namespace and period', () => {
    t.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern:
        '{ ($.eventName = RunInstances) && (($.requestParameters.instanceType = p4d.*) || ($.requestParameters.instanceType = p5.*) || ($.requestParameters.instanceType = *.metal)) }',
      MetricTransformations: [{ MetricNamespace: 'Security', MetricName: 'GpuInstanceLaunchCount', MetricValue: '1' }],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'GpuInstanceLaunchCount', Namespace: 'Security', Period: 600 });
  });

  test('each construct exposes its pattern, severity and graders', () => {
    const s = stack as example.DetectionAlarmStack;
    expect([s.rootActivity.detectionId, s.rootActivity.severity, s.rootActivity.pattern.logPatternString]).toEqual(['root-account-usage', Severity.HIGH, SH_ROOT]);
    expect(s.rootActivity.graders).toEqual(['security-hub', 'prowler', 'prowler-legacy', 'steampipe']);
    expect([s.gpuLaunches.detectionId, s.gpuLaunches.severity, s.gpuLaunches.graders]).toEqual(['gpu-launches', Severity.HIGH, []]);
    expect(s.gpuLaunches.alarm.metric).toBe(s.gpuLaunches.metric);
  });

  const packs: Record<string, () => NagPack> = {
    'AwsSolutions': () => new AwsSolutionsChecks(),
    'NIST 800-53 R5': () => new NIST80053R5Checks(),
    'HIPAA Security': () => new HIPAASecurityChecks(),
    'PCI DSS 3.2.1': () => new PCIDSS321Checks(),
  };
  test.each(Object.keys(packs))('has no cdk-nag %s finding', (pack) => {
    const report = packs[pack]().validateScope(exampleStack());
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId).join(',')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });
});

describe('CloudTrailDetectionAlarm', () => {
  let stack: Stack;
  let logGroup: logs.ILogGroup;
  let topic: sns.ITopic;
  beforeEach(() => {
    stack = new Stack(new App(), 'S');
    logGroup = logs.LogGroup.fromLogGroupName(stack, 'Trail', 'CloudTrail/DefaultLogGroup');
    topic = sns.Topic.fromTopicArn(stack, 'Topic', TOPIC_ARN);
  });

  test('gives a detection the same filter and alarm as CloudTrailAlarms does', () => {
    // GIVEN the same detection, tuned the same way, in both constructs
    const tuning = { threshold: 2, evaluationPeriods: 3, datapointsToAlarm: 2, exclusions: { roleNames: ['Deployer'] } };
    new CloudTrailDetectionAlarm(stack, 'One', { logGroup, topic, detection: DetectionId.IAM_POLICY_CHANGES, alarmNamePrefix: 'sec', ...tuning });
    const other = new Stack(new App(), 'T');
    new CloudTrailAlarms(other, 'All', {
      logGroup: logs.LogGroup.fromLogGroupName(other, 'Trail', 'CloudTrail/DefaultLogGroup'),
      topic: sns.Topic.fromTopicArn(other, 'Topic', TOPIC_ARN),
      alarmNamePrefix: 'sec',
      overrides: [{ id: DetectionId.IAM_POLICY_CHANGES, ...tuning }],
    });
    // THEN the resources have the same properties
    const mine = Template.fromStack(stack);
    const theirs = Template.fromStack(other);
    const pick = (t: Template, type: string, metric: string) =>
      props(t, type).find((p) => (p.MetricName ?? p.MetricTransformations[0].MetricName) === metric);
    expect(pick(mine, 'AWS::Logs::MetricFilter', 'IAMPolicyEventCount')).toEqual(pick(theirs, 'AWS::Logs::MetricFilter', 'IAMPolicyEventCount'));
    expect(pick(mine, 'AWS::CloudWatch::Alarm', 'IAMPolicyEventCount')).toEqual(pick(theirs, 'AWS::CloudWatch::Alarm', 'IAMPolicyEventCount'));
    mine.resourceCountIs('AWS::CloudWatch::Alarm', 1);
  });

  test('creates its resources under its own id', () => {
    const d = new CloudTrailDetectionAlarm(stack, 'Root', { logGroup, topic, detection: DetectionId.ROOT_ACCOUNT_USAGE });
    expect(d.metricFilter.node.path).toBe('S/Root/MetricFilter');
    expect(d.alarm.node.path).toBe('S/Root/Alarm');
  });

  test('a pattern detection takes its id from the construct id, with OK actions on request', () => {
    const d = new CloudTrailDetectionAlarm(stack, 'AccessKeyCreated', {
      logGroup,
      topic,
      pattern: CloudTrailFilter.all(CloudTrailFilter.eventSource('iam.amazonaws.com'), CloudTrailFilter.eventName('CreateAccessKey')),
      metricName: 'AccessKeyCreatedCount',
      okActions: true,
    });
    expect([d.detectionId, d.severity]).toEqual(['access-key-created', Severity.MEDIUM]);
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      OKActions: [TOPIC_ARN],
      AlarmDescription: 'access-key-created: CloudTrail events matched the filter pattern { ($.eventSource = "iam.amazonaws.com") && ($.eventName = "CreateAccessKey") }',
    });
  });

  test('warns when the alarm has no topic', () => {
    new CloudTrailDetectionAlarm(stack, 'Root', { logGroup, detection: DetectionId.ROOT_ACCOUNT_USAGE });
    Annotations.fromStack(stack).hasWarning('/S/Root', Match.stringLikeRegexp("Detection 'root-account-usage': the alarm has no action"));
    expect(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).toEqual({
      [Object.keys(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'))[0]]: expect.objectContaining({ Properties: expect.not.objectContaining({ AlarmActions: expect.anything() }) }),
    });
  });

  test('fails if both or neither of `detection` and `pattern` are given', () => {
    expect(() => new CloudTrailDetectionAlarm(stack, 'A', { logGroup, detection: DetectionId.VPC_CHANGES, pattern: CloudTrailDetections.vpcChanges() })).toThrow(
      /Give either `detection` \(a catalogue detection, got 'vpc-changes'\) or `pattern` \(your own\), not both/,
    );
    expect(() => new CloudTrailDetectionAlarm(stack, 'B', { logGroup })).toThrow('Give `detection` (a catalogue detection such as DetectionId.ROOT_ACCOUNT_USAGE) or `pattern`');
  });

  test('fails if a pattern detection has no metric name, or options meant for a catalogue detection', () => {
    const pattern = CloudTrailFilter.eventName('CreateAccessKey');
    expect(() => new CloudTrailDetectionAlarm(stack, 'A', { logGroup, pattern })).toThrow("`metricName` is required with `pattern` (detection 'a')");
    expect(() => new CloudTrailDetectionAlarm(stack, 'B', { logGroup, pattern, metricName: 'M', exclusions: { roleNames: ['x'] } })).toThrow(
      '`exclusions` only applies with a catalogue `detection`',
    );
    expect(() => new CloudTrailDetectionAlarm(stack, 'C', { logGroup, detection: DetectionId.VPC_CHANGES, title: 'VPC' })).toThrow(
      "`title` only applies with `pattern`; a catalogue `detection` has its own, got 'VPC'.",
    );
    expect(() => new CloudTrailDetectionAlarm(stack, 'D', { logGroup, detection: DetectionId.VPC_CHANGES, largeInstanceTypes: ['p4d.*'] })).toThrow(
      "`largeInstanceTypes` only applies to 'ec2-large-instance-changes', got it with 'vpc-changes'.",
    );
    expect(() => new CloudTrailDetectionAlarm(stack, 'E', { logGroup, detection: 'root-login' as DetectionId })).toThrow(
      /`detection` must be a catalogue detection id, got 'root-login'/,
    );
  });

  test('fails with the planner\'s messages for bad alarm settings', () => {
    expect(() => new CloudTrailDetectionAlarm(stack, 'A', { logGroup, detection: DetectionId.VPC_CHANGES, threshold: 0 })).toThrow(
      /`threshold` must be at least 1 \(a metric filter counts 1 per matching event\), got 0/,
    );
    expect(() => new CloudTrailDetectionAlarm(stack, 'B', { logGroup, detection: DetectionId.VPC_CHANGES, period: Duration.seconds(45) })).toThrow(/`period`/);
    expect(() => new CloudTrailDetectionAlarm(stack, 'C', { logGroup, pattern: { logPatternString: '{ $.a = ' }, metricName: 'M' })).toThrow(
      /is not a valid CloudWatch Logs filter pattern/,
    );
  });
});

describe('CloudTrailAlarms is built from CloudTrailDetectionAlarm', () => {
  let stack: Stack;
  beforeEach(() => {
    stack = new Stack(new App(), 'S');
  });
  const build = (s: Stack, extra: Record<string, unknown> = {}) =>
    new CloudTrailAlarms(s, 'Alarms', { profile: DetectionProfile.AWS_TEMPLATE, emailAddresses: ['secops@example.com'], ...extra });

  test('one CloudTrailDetectionAlarm per detection, whose filter and alarm keep the MetricFilters/ and Alarms/ paths', () => {
    const alarms = build(stack);
    const parts = alarms.node.findChild('Detections').node.children;
    expect(parts.every((c) => c instanceof CloudTrailDetectionAlarm)).toBe(true);
    expect(parts.map((c) => (c as CloudTrailDetectionAlarm).detectionId)).toEqual(alarms.detections.map((d) => d.detectionId));
    const vpc = alarms.detection('vpc-changes');
    expect([vpc.metricFilter.node.path, vpc.alarm.node.path]).toEqual(['S/Alarms/MetricFilters/VpcChanges', 'S/Alarms/Alarms/VpcChanges']);
  });

  test('addDetection adds a catalogue detection with the construct\'s defaults, keeping every other logical id', () => {
    const before = Object.keys(Template.fromStack(build(new Stack(new App(), 'S')).node.scope as Stack).toJSON().Resources);
    const alarms = build(stack, { metricNamespace: 'Security', alarmNamePrefix: 'sec' });
    const added = alarms.addDetection({ detection: DetectionId.ROOT_ACCOUNT_USAGE, threshold: 1 });
    const t = Template.fromStack(stack);
    // 10 template detections + the added one, the pipeline-health alarm, and the notifier's errors and dead-letter alarms
    t.resourceCountIs('AWS::CloudWatch::Alarm', 14);
    t.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: SH_ROOT,
      MetricTransformations: [{ MetricNamespace: 'Security', MetricName: 'RootAccountUsageEventCount', MetricValue: '1' }],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'sec-root-account-usage', AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmsTopic') }] });
    expect(alarms.detections[alarms.detections.length - 1]).toBe(added);
    expect(alarms.detection('root-account-usage').alarm).toBe(added.alarm);
    const after = Object.keys(t.toJSON().Resources);
    expect(before.every((id) => after.includes(id))).toBe(true);
    // the same logical ids as when the detection is given in the props
    const viaProps = Object.keys(Template.fromStack(build(new Stack(new App(), 'S'), {
      metricNamespace: 'Security', alarmNamePrefix: 'sec', overrides: [{ id: DetectionId.ROOT_ACCOUNT_USAGE, enabled: true }],
    }).node.scope as Stack).toJSON().Resources);
    expect([...after].sort()).toEqual([...viaProps].sort());
  });

  const addRootConsoleSignIn = (alarms: CloudTrailAlarms) =>
    alarms.addDetection({
      pattern: CloudTrailDetections.rootConsoleSignIn(),
      detectionId: 'root-console-sign-in',
      metricName: 'RootConsoleSignInCount',
      severity: Severity.HIGH,
    });

  test('addDetection adds a pattern detection, routed by severity (without the notifier: the alarm notifies the severity topic)', () => {
    const high = sns.Topic.fromTopicArn(stack, 'High', TOPIC_ARN);
    addRootConsoleSignIn(build(stack, { severityTopics: { high }, eventDetails: false }));
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'RootConsoleSignInCount', AlarmActions: [TOPIC_ARN] });
  });

  test('addDetection adds a pattern detection, routed by severity (with the notifier: the alarm keeps the graded topic, the notifier delivers to the severity topic)', () => {
    const high = sns.Topic.fromTopicArn(stack, 'High', TOPIC_ARN);
    addRootConsoleSignIn(build(stack, { severityTopics: { high } }));
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'RootConsoleSignInCount', AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmsTopic') }] });
    const fn = Object.values(t.findResources('AWS::Lambda::Function')).find((r) => r.Properties?.Environment?.Variables?.DELIVERY_TOPIC_ARNS);
    expect(JSON.stringify(fn?.Properties.Environment.Variables.DELIVERY_TOPIC_ARNS)).toContain(TOPIC_ARN);
  });

  test('fails if addDetection reuses an id or a metric, or a pattern has no detectionId', () => {
    const alarms = build(stack);
    expect(() => alarms.addDetection({ detection: DetectionId.VPC_CHANGES })).toThrow(
      "`addDetection`: detection id 'vpc-changes' is already used by detection 'vpc-changes' in S/Alarms; choose another.",
    );
    expect(() => alarms.addDetection({ pattern: CloudTrailDetections.rootConsoleSignIn(), detectionId: 'root-sign-in', metricName: 'VpcEventCount' })).toThrow(
      "`addDetection`: metric 'CloudTrailMetrics/VpcEventCount' is already used by detection 'vpc-changes'",
    );
    expect(() => alarms.addDetection({ pattern: CloudTrailDetections.rootConsoleSignIn(), metricName: 'X' })).toThrow(
      '`detectionId` is required with `pattern` in `addDetection`',
    );
  });
});
