import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AccountDimensionSource, CloudTrailAlarms, CloudTrailDetectionAlarm, DetectionId, DetectionProfile } from '../../lib';

let app: App;
let stack: Stack;
beforeEach(() => {
  app = new App();
  stack = new Stack(app, 'TestStack', { env: { account: '111111111111', region: 'eu-west-1' } });
});

type Res = { id: string; p: any };
function all(t: Template, type: string): Res[] {
  return Object.entries(t.findResources(type)).map(([id, r]) => ({ id, p: (r as any).Properties }));
}
/** The template without the per-account resources and without the stack-level differences they cause. */
function graded(t: Template): { filters: Res[]; alarms: Res[] } {
  return {
    filters: all(t, 'AWS::Logs::MetricFilter').filter((f) => !f.id.includes('ByAccount')),
    alarms: all(t, 'AWS::CloudWatch::Alarm').filter((a) => !a.id.includes('ByAccount')),
  };
}

describe('perAccountAlarms', () => {
  test('keeps every graded filter and alarm byte-identical and adds a dimensioned filter and a per-account alarm per detection', () => {
    const base = new Stack(new App(), 'TestStack', { env: { account: '111111111111', region: 'eu-west-1' } });
    new CloudTrailAlarms(base, 'Alarms', { organizationTrail: true, organizationId: 'o-a1b2c3d4e5', profile: DetectionProfile.SECURITY_HUB, emailAddresses: ['a@example.com'] });
    new CloudTrailAlarms(stack, 'Alarms', {
      organizationTrail: true,
      organizationId: 'o-a1b2c3d4e5',
      profile: DetectionProfile.SECURITY_HUB,
      emailAddresses: ['a@example.com'],
      perAccountAlarms: true,
    });
    const before = Template.fromStack(base);
    const after = Template.fromStack(stack);
    // the logical ids and properties of the graded resources are unchanged
    expect(JSON.stringify(graded(after))).toBe(JSON.stringify(graded(before)));

    const detectionFilters = all(after, 'AWS::Logs::MetricFilter').filter((f) => f.p.MetricTransformations[0].MetricNamespace === 'CloudTrailMetrics');
    const perAccountFilters = detectionFilters.filter((f) => f.id.includes('ByAccount'));
    expect(perAccountFilters).toHaveLength(detectionFilters.length / 2);
    expect(perAccountFilters.length).toBe(14);
    const perAccountAlarms = all(after, 'AWS::CloudWatch::Alarm').filter((a) => a.id.includes('ByAccount'));
    expect(perAccountAlarms).toHaveLength(14);
  });

  test('the root-usage pair: same pattern and metric name, Account and Region dimensions from the record, a Metrics Insights alarm grouped by them', () => {
    const alarms = new CloudTrailAlarms(stack, 'Alarms', {
      alarmNamePrefix: 'org',
      profile: DetectionProfile.SECURITY_HUB,
      emailAddresses: ['a@example.com'],
      perAccountAlarms: true,
    });
    const d = alarms.detection('root-account-usage');
    const filter = stack.resolve((d.perAccountMetricFilter!.node.defaultChild as logs.CfnMetricFilter)._toCloudFormation()).Resources;
    const [filterProps] = Object.values(filter).map((r: any) => r.Properties);
    expect(filterProps.FilterPattern).toBe('{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}');
    expect(JSON.parse(JSON.stringify(filterProps.MetricTransformations))).toEqual([
      {
        MetricName: 'RootAccountUsageEventCount',
        MetricNamespace: 'CloudTrailMetrics',
        MetricValue: '1',
        Dimensions: [
          { Key: 'Account', Value: '$.recipientAccountId' },
          { Key: 'Region', Value: '$.awsRegion' },
        ],
      },
    ]);
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'org-root-account-usage-by-account',
      Metrics: [
        {
          Id: 'expr_1',
          Expression: 'SELECT SUM("RootAccountUsageEventCount") FROM SCHEMA("CloudTrailMetrics", Account, Region) GROUP BY Account, Region',
          Label: 'root-account-usage per account and Region',
          Period: 300,
          ReturnData: true,
        },
      ],
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: stack.getLogicalId(alarms.topic.node.defaultChild as sns.CfnTopic) }],
    });
    expect(d.perAccountAlarm!.node.path).toBe('TestStack/Alarms/Alarms/RootAccountUsageByAccount');
    expect(d.perAccountMetricFilter!.node.path).toBe('TestStack/Alarms/MetricFilters/RootAccountUsageByAccount');
  });

  test('a centralized log group: the @aws.account and @aws.region system fields through EmitSystemFieldDimensions', () => {
    const alarms = new CloudTrailAlarms(stack, 'Alarms', {
      logGroup: logs.LogGroup.fromLogGroupName(stack, 'Central', 'central/cloudtrail'),
      profile: DetectionProfile.SECURITY_HUB,
      emailAddresses: ['a@example.com'],
      perAccountAlarms: true,
      accountDimensionSource: AccountDimensionSource.SYSTEM_FIELDS,
    });
    const d = alarms.detection('root-account-usage');
    const cfn = d.perAccountMetricFilter!.node.defaultChild as logs.CfnMetricFilter;
    const [props] = Object.values(stack.resolve(cfn._toCloudFormation()).Resources).map((r: any) => r.Properties);
    expect(props.EmitSystemFieldDimensions).toEqual(['@aws.account', '@aws.region']);
    expect(props.MetricTransformations[0].Dimensions).toBeUndefined();
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [
        {
          Id: 'expr_1',
          Expression: 'SELECT SUM("RootAccountUsageEventCount") FROM SCHEMA("CloudTrailMetrics", "@aws.account", "@aws.region") GROUP BY "@aws.account", "@aws.region"',
          Label: 'root-account-usage per account and Region',
          Period: 300,
          ReturnData: true,
        },
      ],
    });
  });

  test('the dimensioned filter shares the metric name without a double-count error (another metric to CloudWatch)', () => {
    new CloudTrailAlarms(stack, 'Alarms', { createTrail: true, emailAddresses: ['a@example.com'], perAccountAlarms: true });
    expect(() => app.synth()).not.toThrow();
  });

  test('the extra filters count against the 100-filter quota of the log group', () => {
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Shared', 'shared/cloudtrail');
    new CloudTrailAlarms(stack, 'A', { logGroup, metricNamespace: 'A', perAccountAlarms: true, emailAddresses: ['a@example.com'] });
    new CloudTrailAlarms(stack, 'B', { logGroup, metricNamespace: 'B', perAccountAlarms: true, emailAddresses: ['a@example.com'] });
    new CloudTrailAlarms(stack, 'C', { logGroup, metricNamespace: 'C', perAccountAlarms: true, emailAddresses: ['a@example.com'], pipelineHealth: false });
    // 3 x 23 detections x 2 filters = 138 on one log group
    expect(() => app.synth()).toThrow(/shared\/cloudtrail.*138 metric filters|138 metric filters.*shared\/cloudtrail/);
  });

  test('a standalone CloudTrailDetectionAlarm can alarm per account too', () => {
    const d = new CloudTrailDetectionAlarm(stack, 'Root', {
      logGroup: logs.LogGroup.fromLogGroupName(stack, 'Trail', 'CloudTrail/DefaultLogGroup'),
      detection: DetectionId.ROOT_ACCOUNT_USAGE,
      alarmNamePrefix: 'solo',
      perAccountAlarms: true,
    });
    expect(d.perAccountMetricFilter!.node.path).toBe('TestStack/Root/MetricFilterByAccount');
    expect(d.perAccountAlarm!.node.path).toBe('TestStack/Root/AlarmByAccount');
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'solo-root-account-usage-by-account' });
  });

  test('refuses a window longer than the three hours Metrics Insights alarms evaluate', () => {
    expect(
      () =>
        new CloudTrailAlarms(stack, 'Alarms', {
          createTrail: true,
          perAccountAlarms: true,
          overrides: [{ id: DetectionId.AUTHORIZATION_FAILURES, period: Duration.hours(1), evaluationPeriods: 4 }],
        }),
    ).toThrow(
      "Detection 'authorization-failures': `perAccountAlarms` alarms on a Metrics Insights query, which evaluates only the latest 3 hours of data; `period` x `evaluationPeriods` is 3600 x 4 seconds. Keep it at most 10800 seconds, or turn `perAccountAlarms` off for this construct.",
    );
  });

  test('refuses a statistic with no Metrics Insights function', () => {
    expect(
      () => new CloudTrailAlarms(stack, 'Alarms', { createTrail: true, perAccountAlarms: true, overrides: [{ id: DetectionId.AUTHORIZATION_FAILURES, statistic: 'p90' }] }),
    ).toThrow("Detection 'authorization-failures': `perAccountAlarms` alarms on a Metrics Insights query, which has no function for statistic 'p90'. Use 'Sum' (the default) or 'SampleCount'.");
  });

  test('refuses accountDimensionSource without perAccountAlarms', () => {
    expect(
      () =>
        new CloudTrailDetectionAlarm(stack, 'Root', {
          logGroup: logs.LogGroup.fromLogGroupName(stack, 'Trail', 'CloudTrail/DefaultLogGroup'),
          detection: DetectionId.ROOT_ACCOUNT_USAGE,
          accountDimensionSource: AccountDimensionSource.SYSTEM_FIELDS,
        }),
    ).toThrow("Detection 'root-account-usage': `accountDimensionSource` only applies with `perAccountAlarms: true`, got 'SYSTEM_FIELDS'.");
  });
});
