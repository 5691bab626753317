import { spawnSync } from 'child_process';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CloudTrailAlarms, DetectionId, DetectionProfile } from '../../lib';
import { planDetections } from '../../lib/planning/plan-detections';
import { SECURITY_HUB } from '../catalogue/grader-rules';

describe('planDetections (CDK-free)', () => {
  test('the recommended profile with the documented defaults: Sum over 300 s, 1 period, >= threshold, missing data not breaching', () => {
    const plans = planDetections();
    expect(plans.map((p) => p.id)).toEqual(DetectionProfile.RECOMMENDED.detectionIds);
    const root = plans.find((p) => p.id === 'root-account-usage')!;
    expect(root).toMatchObject({
      metricNamespace: 'CloudTrailMetrics',
      metricName: 'RootAccountUsageEventCount',
      metricValue: '1',
      threshold: 1,
      periodSeconds: 300,
      evaluationPeriods: 1,
      datapointsToAlarm: undefined,
      statistic: 'Sum',
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
    });
    // the exact Security Hub CloudWatch.1 string
    expect(root.pattern).toBe(SECURITY_HUB['root-account-usage']);
  });

  // bug fix (issue 17 part 2): an override that sets only `threshold` for a detection outside the profile was dropped
  test('an override with only a threshold for a detection outside the profile turns it on with that threshold', () => {
    const plans = planDetections({ profile: 'aws-template', overrides: [{ id: 'root-account-usage', threshold: 5 }] });
    expect(plans.map((p) => p.id)).toContain('root-account-usage');
    expect(plans.find((p) => p.id === 'root-account-usage')!.threshold).toBe(5);
    expect(plans).toHaveLength(DetectionProfile.AWS_TEMPLATE.detectionIds.length + 1);
  });

  test('an override with enabled: false for a detection outside the profile adds nothing', () => {
    const plans = planDetections({ profile: 'aws-template', overrides: [{ id: 'root-account-usage', enabled: false, threshold: 5 }] });
    expect(plans.map((p) => p.id)).not.toContain('root-account-usage');
    expect(plans.map((p) => p.id)).toEqual(DetectionProfile.AWS_TEMPLATE.detectionIds);
  });

  test('the construct honours the same override (the construct uses the planner)', () => {
    const stack = new Stack(new App(), 'S');
    new CloudTrailAlarms(stack, 'A', {
      profile: DetectionProfile.AWS_TEMPLATE,
      overrides: [{ id: DetectionId.ROOT_ACCOUNT_USAGE, threshold: 5 }],
      emailAddresses: ['a@example.com'],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'RootAccountUsageEventCount', Threshold: 5 });
  });

  test('period, evaluation periods and datapoints come from the override', () => {
    const [p] = planDetections({
      profile: 'security-hub',
      overrides: [{ id: 'authorization-failures', periodSeconds: 600, evaluationPeriods: 3, datapointsToAlarm: 2 }],
    }).filter((x) => x.id === 'authorization-failures');
    expect([p.periodSeconds, p.evaluationPeriods, p.datapointsToAlarm]).toEqual([600, 3, 2]);
  });

  test('the construct converts Duration to seconds for the planner', () => {
    const stack = new Stack(new App(), 'S');
    new CloudTrailAlarms(stack, 'A', {
      overrides: [{ id: DetectionId.VPC_CHANGES, period: Duration.minutes(10) }],
      emailAddresses: ['a@example.com'],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'VpcEventCount', Period: 600 });
  });
});

describe('synth-time validation: property, value and rule in the message', () => {
  const o = (settings: Record<string, unknown>) => ({ overrides: [{ id: 'vpc-changes', ...settings }] });
  test.each([
    [o({ threshold: NaN }), /`overrides` entry 'vpc-changes': `threshold` must be a finite number \(CloudFormation has no NaN or Infinity\), got NaN/],
    [o({ threshold: Infinity }), /`threshold` must be a finite number .*got Infinity/],
    [o({ evaluationPeriods: 1.5 }), /`evaluationPeriods` must be a whole number of at least 1, got 1.5/],
    [o({ evaluationPeriods: 3, datapointsToAlarm: 1.5 }), /`datapointsToAlarm` must be a whole number of at least 1 \(the M of "M out of N"\), got 1.5/],
    [o({ evaluationPeriods: 2, datapointsToAlarm: 3 }), /`datapointsToAlarm` must be between 1 and `evaluationPeriods` \(2\), got 3/],
    [o({ periodSeconds: 0 }), /`period` must be 10, 20 or 30 seconds or a multiple of 60 seconds \(what CloudWatch alarms accept\), got 0 seconds/],
    [o({ periodSeconds: 45 }), /`period` must be 10, 20 or 30 seconds or a multiple of 60 seconds .*got 45 seconds/],
    [o({ periodSeconds: 3600, evaluationPeriods: 25 }), /`period` x `evaluationPeriods` must be at most 86400 seconds \(one day\), got 3600 x 25 = 90000/],
    [{ metricNamespace: 'AWS/Foo' }, /`metricNamespace` must not start with 'AWS\/' \(reserved for metrics of AWS services\), got 'AWS\/Foo'/],
    [o({ metricNamespace: 'AWS/Logs' }), /`overrides` entry 'vpc-changes': `metricNamespace` must not start with 'AWS\/'/],
    [{ alarmNamePrefix: 'team\nalarms' }, /`alarmNamePrefix` must not contain ASCII control characters \(a physical alarm name\), got 'team\\nalarms' with "\\n" at position 4/],
    [o({ alarmName: 'x'.repeat(256) }), /`alarmName` must be 1-255 characters \(an alarm name\), got 256/],
    [o({ metricName: 'Vpc:Count' }), /`metricName` must not contain ':' \(a metric name\), got 'Vpc:Count'/],
    [{ alarmNamePrefix: 'p'.repeat(240) }, /the alarm name from `alarmNamePrefix` must be 1-255 characters \(an alarm name\), got 2\d\d/],
    [
      { overrides: [{ id: 'vpc-changes', alarmName: 'same' }, { id: 'cloudtrail-changes', alarmName: 'same' }] },
      /Alarm name 'same' is used by both 'cloudtrail-changes' and 'vpc-changes'; CloudWatch alarm names are unique per account and Region/,
    ],
    [o({ comparisonOperator: 'Bigger' }), /`comparisonOperator` must be one of GreaterThanOrEqualToThreshold, .*got 'Bigger'/],
  ])('fails: %j', (selection, message) => {
    expect(() => planDetections(selection as any)).toThrow(message);
  });

  test('warns on a LESS_THAN comparison for a count metric', () => {
    const [p] = planDetections(o({ comparisonOperator: 'LessThanThreshold' })).filter((x) => x.id === 'vpc-changes');
    expect(p.warnings).toEqual([
      expect.objectContaining({
        id: 'cloudtrail-alarms:lessThanOnCount',
        message: expect.stringMatching(/LessThanThreshold on a count metric.*never fires when nothing happens.*BREACHING/),
      }),
    ]);
  });

  test('values known only at deploy time are not validated', () => {
    const token = '${Token[X]}';
    expect(() => planDetections({ alarmNamePrefix: token, isUnresolved: (v) => v === token })).not.toThrow();
  });
});

describe('ssoAware warning says what the clause does', () => {
  test('ssoAware alone does not talk about exclusions', () => {
    const [p] = planDetections({ overrides: [{ id: 'console-sign-in-without-mfa', ssoAware: true }] }).filter((x) => x.id === 'console-sign-in-without-mfa');
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0].message).not.toMatch(/exclusions/);
    expect(p.warnings[0].message).toMatch(/`ssoAware` adds a clause that leaves out sign-ins whose `userIdentity.sessionContext.sessionIssuer.arn` is an IAM Identity Center role/);
    expect(p.warnings[0].message).toMatch(/IAM user and root sign-ins without MFA are still detected/);
    expect(p.warnings[0].message).toMatch(/drop `ssoAware`/);
    expect(p.graders).not.toContain('security-hub');
  });
});

test('the planner loads no CDK module (the CLI and tools use it without aws-cdk-lib)', () => {
  const script = [
    "require('ts-node').register({ transpileOnly: true, project: 'tsconfig.dev.json' });",
    "require('./lib/planning/plan-detections').planDetections();",
    'const loaded = Object.keys(require.cache).filter((k) => /node_modules[\\\\/](aws-cdk-lib|constructs)[\\\\/]/.test(k));',
    'process.stdout.write(JSON.stringify(loaded));',
  ].join('\n');
  const r = spawnSync(process.execPath, ['-e', script], { cwd: `${__dirname}/../..`, encoding: 'utf8' });
  expect(r.status).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual([]);
}, 60_000);
