import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CloudTrailAlarms, DetectionId, DetectionProfile } from '../../lib';
import { planDetections } from '../../lib/planning/plan-detections';

// Security Hub CloudWatch.2, as the control prints it (shared/docs/detections.md)
const CLOUDWATCH_2 = '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}';

let stack: Stack;
beforeEach(() => {
  stack = new Stack(new App(), 'TestStack', { env: { account: '111111111111', region: 'eu-west-1' } });
});

function alarmsOf(t: Template): Array<{ id: string; p: any }> {
  return Object.entries(t.findResources('AWS::CloudWatch::Alarm')).map(([id, r]) => ({ id, p: (r as any).Properties }));
}

describe('gradedTwin', () => {
  const twinOverride = {
    id: DetectionId.AUTHORIZATION_FAILURES,
    gradedTwin: true,
    threshold: 20,
    exclusions: { roleNames: ['ci-deployer'] },
  };

  test('keeps the exact Security Hub filter and alarm and adds the tuned pair', () => {
    const alarms = new CloudTrailAlarms(stack, 'Alarms', {
      alarmNamePrefix: 'sec',
      profile: DetectionProfile.SECURITY_HUB,
      emailAddresses: ['secops@example.com'],
      overrides: [twinOverride],
    });
    const t = Template.fromStack(stack);
    const d = alarms.detection('authorization-failures');

    // the graded filter: the exact string, the catalogue's metric name
    t.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: CLOUDWATCH_2,
      MetricTransformations: [{ MetricName: 'AuthorizationFailureCount', MetricNamespace: 'CloudTrailMetrics', MetricValue: '1' }],
    });
    // the tuned filter: the exclusions appended, its own metric
    const tuned = stack.resolve((d.metricFilter.node.defaultChild as any).filterPattern);
    expect(tuned).not.toBe(CLOUDWATCH_2);
    expect(tuned).toContain('ci-deployer');
    t.hasResourceProperties('AWS::Logs::MetricFilter', {
      MetricTransformations: [Match.objectLike({ MetricName: 'AuthorizationFailureCountTuned' })],
    });

    const byName = new Map(alarmsOf(t).map((a) => [a.p.AlarmName, a.p]));
    // the graded alarm: catalogue settings, to the alarm topic (whose subscriber is the notifier) only
    expect(byName.get('sec-authorization-failures-graded')).toMatchObject({
      MetricName: 'AuthorizationFailureCount',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: stack.getLogicalId(alarms.topic.node.defaultChild as any) }],
    });
    // the tuned alarm keeps the detection's name and notifies like any detection
    expect(byName.get('sec-authorization-failures')).toMatchObject({ MetricName: 'AuthorizationFailureCountTuned', Threshold: 20 });
    expect(d.gradedAlarm).toBeDefined();
    expect(d.gradedMetricFilter).toBeDefined();
    // the pair still passes the graders
    expect(d.graders).toContain('security-hub');
  });

  test('the graded resources keep their own construct paths beside the detection', () => {
    const alarms = new CloudTrailAlarms(stack, 'Alarms', { profile: DetectionProfile.SECURITY_HUB, emailAddresses: ['a@example.com'], overrides: [twinOverride] });
    const d = alarms.detection('authorization-failures');
    expect(d.gradedMetricFilter!.node.path).toBe('TestStack/Alarms/MetricFilters/AuthorizationFailuresGraded');
    expect(d.gradedAlarm!.node.path).toBe('TestStack/Alarms/Alarms/AuthorizationFailuresGraded');
    expect(d.metricFilter.node.path).toBe('TestStack/Alarms/MetricFilters/AuthorizationFailures');
  });

  test('no "not Security Hub exact" warning with a twin, which keeps the exact string', () => {
    new CloudTrailAlarms(stack, 'Alarms', { profile: DetectionProfile.SECURITY_HUB, emailAddresses: ['a@example.com'], overrides: [twinOverride] });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('no longer the exact Security Hub string'));
  });

  test('a threshold alone is tuning enough (the pattern stays exact on both filters)', () => {
    const plans = planDetections({ profile: 'security-hub', overrides: [{ id: 'authorization-failures', gradedTwin: true, threshold: 10 }] });
    const p = plans.find((x) => x.id === 'authorization-failures')!;
    expect(p.pattern).toBe(CLOUDWATCH_2);
    expect(p.metricName).toBe('AuthorizationFailureCountTuned');
    expect(p.threshold).toBe(10);
    expect(p.gradedTwin!.pattern).toBe(CLOUDWATCH_2);
    expect(p.gradedTwin!.threshold).toBe(1);
    expect(p.gradedTwin!.metricName).toBe('AuthorizationFailureCount');
  });

  test('refuses a twin that tunes nothing', () => {
    expect(() => planDetections({ profile: 'security-hub', overrides: [{ id: 'authorization-failures', gradedTwin: true, severity: undefined }] })).toThrow(
      "`overrides` entry 'authorization-failures': `gradedTwin` keeps the exact graded filter and alarm beside a tuned pair, but this entry tunes nothing that the graders or the default alarm would see (no `exclusions`, `ssoAware`, `threshold`, `period`, `evaluationPeriods` or `datapointsToAlarm`): remove `gradedTwin`.",
    );
  });

  test('refuses a twin of a disabled detection', () => {
    expect(() => planDetections({ overrides: [{ id: 'authorization-failures', gradedTwin: true, enabled: false, threshold: 3 }] })).toThrow(
      "`overrides[0].gradedTwin` keeps a graded twin of 'authorization-failures', which the same entry disables (`enabled: false`): remove one of the two.",
    );
  });

  test('refuses a twin without eventDetails (the graded alarm would page the people on the alarm topic)', () => {
    expect(
      () => new CloudTrailAlarms(stack, 'Alarms', { eventDetails: false, profile: DetectionProfile.SECURITY_HUB, emailAddresses: ['a@example.com'], overrides: [twinOverride] }),
    ).toThrow("Detection 'authorization-failures': `gradedTwin` needs `eventDetails`: the graded alarm notifies the alarm topic, whose subscriber (the notifier) keeps it from people.");
  });

  test('the twin counts against the 100-filter quota and in the metric and alarm-name uniqueness checks', () => {
    expect(() =>
      planDetections({
        profile: 'security-hub',
        overrides: [{ id: 'authorization-failures', gradedTwin: true, threshold: 3, alarmName: 'x' }, { id: 'root-account-usage', alarmName: 'x-graded' }],
      }),
    ).toThrow("Alarm name 'x-graded' is used by both");
    expect(() =>
      planDetections({
        profile: 'security-hub',
        overrides: [
          { id: 'authorization-failures', gradedTwin: true, threshold: 3 },
          { id: 'root-account-usage', metricName: 'AuthorizationFailureCountTuned' },
        ],
      }),
    ).toThrow("Metric name 'AuthorizationFailureCountTuned' is used by both");
  });

  test('the notifier knows the graded metric, to keep its alarm from people', () => {
    const app = new App();
    const s = new Stack(app, 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
    new CloudTrailAlarms(s, 'Alarms', { profile: DetectionProfile.SECURITY_HUB, emailAddresses: ['a@example.com'], overrides: [twinOverride] });
    const t = Template.fromStack(s).toJSON();
    const fn: any = Object.values(t.Resources).find((r: any) => r.Type === 'AWS::Lambda::Function' && r.Properties.Tags?.some((x: any) => x.Key === 'cdk-cloudtrail-alarms:role'));
    const key = (fn.Properties.Code.S3Key as string).replace(/\.zip$/, '');
    const config = JSON.parse(fs.readFileSync(path.join(app.outdir, `asset.${key}`, 'config.json'), 'utf8'));
    const d = config.detections.find((x: any) => x.id === 'authorization-failures');
    expect([d.metricName, d.gradedMetricName]).toEqual(['AuthorizationFailureCountTuned', 'AuthorizationFailureCount']);
    expect(config.detections.filter((x: any) => x.gradedMetricName !== undefined)).toHaveLength(1);
  });

  test('a longer period on the tuned alarm, catalogue period on the graded one', () => {
    new CloudTrailAlarms(stack, 'Alarms', {
      alarmNamePrefix: 'sec',
      profile: DetectionProfile.SECURITY_HUB,
      emailAddresses: ['a@example.com'],
      overrides: [{ id: DetectionId.AUTHORIZATION_FAILURES, gradedTwin: true, period: Duration.minutes(15) }],
    });
    const byName = new Map(alarmsOf(Template.fromStack(stack)).map((a) => [a.p.AlarmName, a.p]));
    expect(byName.get('sec-authorization-failures')!.Period).toBe(900);
    expect(byName.get('sec-authorization-failures-graded')!.Period).toBe(300);
  });
});
