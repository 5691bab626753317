import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CloudTrailAlarms, CloudTrailDetectionAlarm, DetectionId, DetectionProfile } from '../lib';

const env = (account: string, region: string) => ({ env: { account, region } });

function twoTeams(app: App, envA: object, envB: object, namespaceB?: string): void {
  const a = new Stack(app, 'TeamA', envA);
  const b = new Stack(app, 'TeamB', envB);
  new CloudTrailAlarms(a, 'Alarms', { emailAddresses: ['a@example.com'], profile: DetectionProfile.SECURITY_HUB });
  new CloudTrailAlarms(b, 'Alarms', { emailAddresses: ['b@example.com'], profile: DetectionProfile.SECURITY_HUB, metricNamespace: namespaceB });
}

describe('no double counting across the app', () => {
  test('fails if two constructs deploying to the same account and Region publish the same metric, naming both', () => {
    // GIVEN
    const app = new App();
    twoTeams(app, env('111122223333', 'eu-west-1'), env('111122223333', 'eu-west-1'));
    // WHEN / THEN
    expect(() => app.synth()).toThrow(
      /15 metrics \(CloudTrailMetrics\/RootAccountUsageEventCount, .*\) are each published by two metric filters that deploy to the same account and Region \(111122223333\/eu-west-1\): TeamA\/Alarms and TeamB\/Alarms, from different log groups \(AlarmsTrailLogGroup\w+ of stack TeamA and AlarmsTrailLogGroup\w+ of stack TeamB\).*\. CloudWatch adds their datapoints, so each event is counted twice.*Set `metricNamespace`/,
    );
  });

  test('a different metricNamespace on one of them resolves it', () => {
    const app = new App();
    twoTeams(app, env('111122223333', 'eu-west-1'), env('111122223333', 'eu-west-1'), 'TeamBMetrics');
    expect(() => app.synth()).not.toThrow();
  });

  test('stacks for different Regions or accounts are fine', () => {
    const app = new App();
    twoTeams(app, env('111122223333', 'eu-west-1'), env('111122223333', 'us-east-1'));
    expect(() => app.synth()).not.toThrow();
    const app2 = new App();
    twoTeams(app2, env('111122223333', 'eu-west-1'), env('444455556666', 'eu-west-1'));
    expect(() => app2.synth()).not.toThrow();
  });

  test('environment-agnostic stacks that cannot be told apart get a warning, not an error', () => {
    const app = new App();
    twoTeams(app, {}, {});
    expect(() => app.synth()).not.toThrow();
    Annotations.fromStack(app.node.findChild('TeamB') as Stack).hasWarning(
      '*',
      Match.stringLikeRegexp('15 metrics \\(CloudTrailMetrics/RootAccountUsageEventCount, .*\\) are each also published by TeamA/Alarms .*a stack without an explicit account and Region cannot be told apart'),
    );
  });

  test('fails if any other metric filter in the same stack publishes one of the metrics', () => {
    const app = new App();
    const stack = new Stack(app, 'S', env('111122223333', 'eu-west-1'));
    const alarms = new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['a@example.com'] });
    new logs.MetricFilter(stack, 'Legacy', {
      logGroup: alarms.logGroup,
      filterPattern: logs.FilterPattern.literal('{ $.userIdentity.type = "Root" }'),
      metricNamespace: 'CloudTrailMetrics',
      metricName: 'RootAccountUsageEventCount',
    });
    expect(() => app.synth()).toThrow(/Metric CloudTrailMetrics\/RootAccountUsageEventCount is published by two metric filters that deploy to the same account and Region \(111122223333\/eu-west-1\): S\/Alarms and S\/Legacy, from one log group \(AlarmsTrailLogGroup\w+ of stack S\) with different patterns/);
  });
});

describe('standalone CloudTrailDetectionAlarm takes part in the same checks', () => {
  const standalone = (stack: Stack, id: string, alarmName?: string) =>
    new CloudTrailDetectionAlarm(stack, id, {
      logGroup: logs.LogGroup.fromLogGroupName(stack, `${id}Trail`, 'CloudTrail/DefaultLogGroup'),
      topic: sns.Topic.fromTopicArn(stack, `${id}Topic`, 'arn:aws:sns:eu-west-1:111122223333:security'),
      detection: DetectionId.ROOT_ACCOUNT_USAGE,
      alarmName,
    });

  test('fails: two of them in one account and Region publish the same metric', () => {
    const app = new App();
    standalone(new Stack(app, 'One', env('111122223333', 'eu-west-1')), 'Root');
    standalone(new Stack(app, 'Two', env('111122223333', 'eu-west-1')), 'Root');
    expect(() => app.synth()).toThrow(
      /Metric CloudTrailMetrics\/RootAccountUsageEventCount is published by two metric filters that deploy to the same account and Region \(111122223333\/eu-west-1\): One\/Root and Two\/Root, from one log group \(CloudTrail\/DefaultLogGroup\) with the same pattern\./,
    );
  });

  test('fails: one of them and a CloudTrailAlarms give two alarms one name', () => {
    const app = new App();
    const stack = new Stack(app, 'One', env('111122223333', 'eu-west-1'));
    const alarms = new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['a@example.com'], profile: DetectionProfile.AWS_TEMPLATE, metricNamespace: 'Mine' });
    standalone(new Stack(app, 'Two', env('111122223333', 'eu-west-1')), 'Root', `${alarms.alarmNamePrefix}-vpc-changes`);
    expect(() => app.synth()).toThrow(new RegExp(`Alarm name '${alarms.alarmNamePrefix}-vpc-changes'`));
  });
});

describe('the 100-filter quota counts every metric filter on the log group', () => {
  test('fails if other filters on the same log group plus the construct exceed 100, saying who owns them', () => {
    const app = new App();
    const stack = new Stack(app, 'S', env('111122223333', 'eu-west-1'));
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Trail', 'CloudTrail/DefaultLogGroup');
    for (let i = 0; i < 90; i++) {
      new logs.MetricFilter(stack, `Other${i}`, { logGroup, filterPattern: logs.FilterPattern.literal(`{ $.eventName = "E${i}" }`), metricNamespace: 'Other', metricName: `M${i}` });
    }
    const alarms = new CloudTrailAlarms(stack, 'Alarms', { logGroup, topic: undefined, emailAddresses: ['a@example.com'] });
    const total = 90 + alarms.detections.length;
    expect(() => app.synth()).toThrow(
      new RegExp(`Log group CloudTrail/DefaultLogGroup would have ${total} metric filters in this app \\(${alarms.detections.length} from S/Alarms, 90 other metric filters\\); CloudWatch Logs allows at most 100 per log group`),
    );
  });

  test('the same log group name in another Region is another log group', () => {
    const app = new App();
    for (const region of ['eu-west-1', 'us-east-1']) {
      const stack = new Stack(app, `S-${region}`, env('111122223333', region));
      const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Trail', 'CloudTrail/DefaultLogGroup');
      for (let i = 0; i < 60; i++) {
        new logs.MetricFilter(stack, `Other${i}`, { logGroup, filterPattern: logs.FilterPattern.literal(`{ $.eventName = "E${i}" }`), metricNamespace: 'Other', metricName: `M${i}` });
      }
      new CloudTrailAlarms(stack, 'Alarms', { logGroup, profile: DetectionProfile.SECURITY_HUB, emailAddresses: ['a@example.com'] });
    }
    expect(() => app.synth()).not.toThrow();
  });
});

describe('alarm names are unique per account and Region across the app', () => {
  test('fails if two constructs give alarms one name in the same account and Region', () => {
    const app = new App();
    const a = new Stack(app, 'A', env('111122223333', 'eu-west-1'));
    const b = new Stack(app, 'B', env('111122223333', 'eu-west-1'));
    new CloudTrailAlarms(a, 'Alarms', { emailAddresses: ['a@example.com'], profile: DetectionProfile.SECURITY_HUB, alarmNamePrefix: 'security' });
    new CloudTrailAlarms(b, 'Alarms', {
      emailAddresses: ['a@example.com'], profile: DetectionProfile.SECURITY_HUB, alarmNamePrefix: 'security', metricNamespace: 'B',
    });
    expect(() => app.synth()).toThrow(
      /Alarm name 'security-root-account-usage' is used by A\/Alarms\/.* and B\/Alarms\/.*, which deploy to the same account and Region \(111122223333\/eu-west-1\); .*Set a different `alarmNamePrefix` or `alarmName`/,
    );
  });

  test('the same names in another Region are fine', () => {
    const app = new App();
    for (const region of ['eu-west-1', 'us-east-1']) {
      new CloudTrailAlarms(new Stack(app, region, env('111122223333', region)), 'Alarms', {
        emailAddresses: ['a@example.com'], profile: DetectionProfile.SECURITY_HUB, alarmNamePrefix: 'security',
      });
    }
    expect(() => app.synth()).not.toThrow();
  });
});
