import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CloudTrailAlarms } from '../../lib';

let stack: Stack;
beforeEach(() => {
  stack = new Stack(new App(), 'TestStack', { env: { account: '111111111111', region: 'eu-west-1' } });
});

describe('pipeline health', () => {
  test('the quick start has an alarm on its log group\'s IncomingLogEvents, missing data breaching, six one-hour periods', () => {
    const alarms = new CloudTrailAlarms(stack, 'Alarms', { createTrail: true, alarmNamePrefix: 'sec', emailAddresses: ['secops@example.com'] });
    const t = Template.fromStack(stack);
    const logGroupId = stack.getLogicalId(alarms.logGroup.node.defaultChild as logs.CfnLogGroup);
    const logGroupName = t.toJSON().Resources[logGroupId].Properties.LogGroupName;
    expect(logGroupName).toBe('CloudTrail/TestStackAlarms0DB552CC');
    const topicRef = { Ref: stack.getLogicalId(alarms.notificationTopic.node.defaultChild as sns.CfnTopic) };
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'sec-pipeline-health',
      Namespace: 'AWS/Logs',
      MetricName: 'IncomingLogEvents',
      Dimensions: [{ Name: 'LogGroupName', Value: 'CloudTrail/TestStackAlarms0DB552CC' }],
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 6,
      DatapointsToAlarm: 6,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      // straight to the people's topic (not through the notifier, which may be what broke), and again when it recovers
      AlarmActions: [topicRef],
      OKActions: [topicRef],
    });
    expect(alarms.pipelineHealthAlarm).toBeDefined();
  });

  test('routed like a HIGH detection: to severityTopics.high when given', () => {
    const high = new sns.Topic(stack, 'High');
    new CloudTrailAlarms(stack, 'Alarms', { createTrail: true, severityTopics: { high } });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IncomingLogEvents',
      AlarmActions: [{ Ref: stack.getLogicalId(high.node.defaultChild as sns.CfnTopic) }],
    });
  });

  test('an existing log group is watched by its name', () => {
    new CloudTrailAlarms(stack, 'Alarms', {
      logGroup: logs.LogGroup.fromLogGroupName(stack, 'Existing', 'aws-controltower/CloudTrailLogs'),
      emailAddresses: ['a@example.com'],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IncomingLogEvents',
      Dimensions: [{ Name: 'LogGroupName', Value: 'aws-controltower/CloudTrailLogs' }],
    });
  });

  test('pipelineHealthWindow sets the number of one-hour periods', () => {
    new CloudTrailAlarms(stack, 'Alarms', { createTrail: true, emailAddresses: ['a@example.com'], pipelineHealthWindow: Duration.hours(12) });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'IncomingLogEvents', Period: 3600, EvaluationPeriods: 12, DatapointsToAlarm: 12 });
  });

  test.each([
    [Duration.minutes(90), '1 hour 30 minutes'],
    [Duration.days(2), '2 days'],
    [Duration.minutes(30), '30 minutes'],
  ])('refuses a window of %s', (window, shown) => {
    expect(() => new CloudTrailAlarms(stack, 'Alarms', { createTrail: true, pipelineHealthWindow: window })).toThrow(
      `\`pipelineHealthWindow\` must be a whole number of hours from 1 to 24 (the alarm evaluates one-hour periods, at most a day of them), got ${shown}.`,
    );
  });

  test('off: no alarm, and a warning says what is lost', () => {
    new CloudTrailAlarms(stack, 'Alarms', { createTrail: true, emailAddresses: ['a@example.com'], pipelineHealth: false });
    const t = Template.fromStack(stack);
    expect(Object.values(t.findResources('AWS::CloudWatch::Alarm')).filter((a: any) => a.Properties.MetricName === 'IncomingLogEvents')).toHaveLength(0);
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('nothing tells you when the trail stops delivering to the log group'));
  });

  test('a window with the alarm off is refused', () => {
    expect(() => new CloudTrailAlarms(stack, 'Alarms', { createTrail: true, pipelineHealth: false, pipelineHealthWindow: Duration.hours(3) })).toThrow(
      '`pipelineHealthWindow` only applies with `pipelineHealth` on, got 3 hours with `pipelineHealth: false`.',
    );
  });
});
