import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as basic from '../../examples/basic';
import * as detectionAlarm from '../../examples/detection-alarm';
import * as existingTrail from '../../examples/existing-trail';
import * as organizationTrail from '../../examples/organization-trail';
import * as recommended from '../../examples/recommended';
import { AlarmPipelineChecks, AlarmPipelineChecksProps, AlarmPipelineRule, CloudTrailAlarms, DetectionProfile } from '../../lib';
import { insightsMetric } from '../../lib/audit/app-model';

interface ReportedViolation {
  readonly ruleName: string;
  readonly description: string;
  readonly fix?: string;
  readonly severity?: string;
  readonly ruleMetadata?: Record<string, string>;
  readonly violatingResources: ReadonlyArray<{ resourceLogicalId?: string; templatePath?: string; locations: string[] }>;
}
interface Synthesized {
  readonly exitCode: number | undefined;
  readonly status: string;
  readonly violations: ReportedViolation[];
  readonly metadata?: Record<string, string>;
  readonly printed: string;
}

const outdirs: string[] = [];
afterAll(() => outdirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function newApp(): App {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-checks-'));
  outdirs.push(outdir);
  return new App({ outdir });
}

/** Synthesizes the app with the plugin as `cdk synth` does, and reads the report it writes into the cloud assembly. */
function synth(app: App, props?: AlarmPipelineChecksProps): Synthesized {
  Validations.of(app).addPlugins(new AlarmPipelineChecks(props));
  const printed: string[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')));
  const before = process.exitCode;
  try {
    const assembly = app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'policy-validation-report.json'), 'utf8'));
    const plugin = report.pluginReports.find((r: any) => r.summary.pluginName === 'AlarmPipelineChecks');
    return { exitCode: process.exitCode as number | undefined, status: plugin.summary.status, violations: plugin.violations, metadata: plugin.summary.metadata, printed: printed.join('\n') };
  } finally {
    process.exitCode = before;
    spy.mockRestore();
  }
}

/** rule, logical-id prefix (CDK appends a hash) and the construct path of each violation, in report order. */
const entries = (s: Synthesized) =>
  s.violations.map((v) => ({ rule: v.ruleName, constructPath: v.ruleMetadata?.constructPath, location: v.violatingResources[0].locations[0] }));

const ROOT_PATTERN = '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }';

/** A stack with a trail delivering to a log group, and a subscribed topic: what every planted mistake is added to. */
function baseStack(app: App, id = 'Planted') {
  const stack = new Stack(app, id);
  const logGroup = new logs.LogGroup(stack, 'TrailLogs');
  new cloudtrail.Trail(stack, 'Trail', { sendToCloudWatchLogs: true, cloudWatchLogGroup: logGroup, isMultiRegionTrail: true });
  const paging = new sns.Topic(stack, 'PagingTopic');
  paging.addSubscription(new subscriptions.EmailSubscription('secops@example.com'));
  const filter = (fid: string, pattern: string, metricName: string) =>
    logGroup.addMetricFilter(fid, { filterPattern: logs.FilterPattern.literal(pattern), metricNamespace: 'CloudTrailMetrics', metricName, metricValue: '1' });
  const alarm = (aid: string, metric: cloudwatch.IMetric, topic: sns.ITopic | undefined = paging, options: Partial<cloudwatch.AlarmProps> = {}) => {
    const a = new cloudwatch.Alarm(stack, aid, {
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      ...options,
    });
    if (topic) a.addAlarmAction(new actions.SnsAction(topic));
    return a;
  };
  return { stack, logGroup, paging, filter, alarm };
}

describe('AlarmPipelineChecks', () => {
  test('the planted-mistakes app fails synth with one report entry per mistake', () => {
    // GIVEN hand-written filters and alarms with five mistakes
    const app = newApp();
    const { stack, filter, alarm } = baseStack(app);
    // 1. Average on a filter metric
    const root = filter('RootFilter', ROOT_PATTERN, 'RootAccountUsage');
    alarm('RootAlarm', root.metric({ statistic: 'Average' }));
    // 2. an alarm on a metric no filter publishes (the metric name is the filter's id), 3. that filter has no alarm
    filter('TrailChangesFilter', '{ ($.eventName = CreateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StopLogging) }', 'CloudTrailChanges');
    alarm('TrailChangesAlarm', new cloudwatch.Metric({ namespace: 'CloudTrailMetrics', metricName: 'TrailChangesFilter', statistic: 'Sum' }));
    // 4. a topic without a subscription
    const silent = new sns.Topic(stack, 'SilentTopic');
    const sg = filter('SecurityGroupFilter', '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupIngress) }', 'SecurityGroupChanges');
    alarm('SecurityGroupAlarm', sg.metric({ statistic: 'Sum' }), silent);
    // 5. a topic encrypted with a key CloudWatch may not use
    const key = new kms.Key(stack, 'TopicKey');
    const encrypted = new sns.Topic(stack, 'EncryptedTopic', { masterKey: key });
    encrypted.addSubscription(new subscriptions.EmailSubscription('secops@example.com'));
    const nacl = filter('NaclFilter', '{ ($.eventName = CreateNetworkAcl) || ($.eventName = DeleteNetworkAcl) }', 'NetworkAclChanges');
    alarm('NaclAlarm', nacl.metric({ statistic: 'Sum' }), encrypted);

    // WHEN
    const result = synth(app);

    // THEN
    expect(result.status).toEqual('failure');
    expect(result.exitCode).toEqual(1);
    expect(entries(result)).toEqual([
      { rule: 'CloudTrailAlarms-FilterWithoutAlarm', constructPath: '/Planted/TrailLogs/TrailChangesFilter/Resource', location: 'Properties/MetricTransformations/0/MetricName' },
      { rule: 'CloudTrailAlarms-StatisticNotSum', constructPath: '/Planted/RootAlarm/Resource', location: 'Properties/Statistic' },
      { rule: 'CloudTrailAlarms-AlarmOnUnemittedMetric', constructPath: '/Planted/TrailChangesAlarm/Resource', location: 'Properties/MetricName' },
      { rule: 'CloudTrailAlarms-TopicWithoutSubscription', constructPath: '/Planted/SilentTopic/Resource', location: 'Properties/Subscription' },
      { rule: 'CloudTrailAlarms-TopicKeyDeniesCloudWatch', constructPath: '/Planted/EncryptedTopic/Resource', location: 'Properties/KmsMasterKeyId' },
    ]);
    const byRule = Object.fromEntries(result.violations.map((v) => [v.ruleName, v]));
    expect(byRule['CloudTrailAlarms-StatisticNotSum'].description).toEqual(
      'Alarm /Planted/RootAlarm/Resource uses statistic Average on CloudTrailMetrics/RootAccountUsage, which metric filter /Planted/TrailLogs/RootFilter/Resource publishes as 1 per matching event: it does not count matches.',
    );
    expect(byRule['CloudTrailAlarms-AlarmOnUnemittedMetric'].description).toEqual(
      'Alarm /Planted/TrailChangesAlarm/Resource watches CloudTrailMetrics/TrailChangesFilter, which no metric filter in the app publishes (TrailChangesFilter is the id of metric filter /Planted/TrailLogs/TrailChangesFilter/Resource, which publishes CloudTrailMetrics/CloudTrailChanges); filters in CloudTrailMetrics publish RootAccountUsage, CloudTrailChanges, SecurityGroupChanges, NetworkAclChanges: the metric never has data and the alarm never fires.',
    );
    expect(byRule['CloudTrailAlarms-FilterWithoutAlarm'].description).toEqual(
      'Metric filter /Planted/TrailLogs/TrailChangesFilter/Resource publishes CloudTrailMetrics/CloudTrailChanges, but no alarm in the app watches that metric: its matches are counted and nobody is told.',
    );
    expect(byRule['CloudTrailAlarms-TopicWithoutSubscription'].description).toEqual(
      'Topic /Planted/SilentTopic/Resource, the action of alarm(s) /Planted/SecurityGroupAlarm/Resource, has no subscription in the app: the alarm publishes to nobody.',
    );
    expect(byRule['CloudTrailAlarms-TopicKeyDeniesCloudWatch'].description).toMatch(
      /^Topic \/Planted\/EncryptedTopic\/Resource, the action of alarm\(s\) \/Planted\/NaclAlarm\/Resource, is encrypted with key \/Planted\/TopicKey\/Resource, whose key policy does not let cloudwatch.amazonaws.com use it/,
    );
    for (const v of result.violations) {
      expect(v.severity).toEqual('error');
      expect(v.fix).toMatch(/\S/);
      expect(v.violatingResources[0].resourceLogicalId).toMatch(/^[A-Za-z0-9]+$/);
      expect(path.basename(v.violatingResources[0].templatePath!)).toEqual('Planted.template.json');
    }
    expect(byRule['CloudTrailAlarms-StatisticNotSum'].violatingResources[0].resourceLogicalId).toMatch(/^RootAlarm[0-9A-F]{8}$/);
    expect(result.printed).toMatch(/Validation failed/);
  });
});

describe('insightsMetric', () => {
  test('reads the metric of a Metrics Insights query', () => {
    expect(insightsMetric('SELECT SUM("RootAccountUsage") FROM SCHEMA("CloudTrailMetrics", Account, Region) GROUP BY Account, Region')).toEqual({
      namespace: 'CloudTrailMetrics',
      metricName: 'RootAccountUsage',
      statistic: 'Sum',
    });
    expect(insightsMetric('SELECT AVG(CPUUtilization) FROM "AWS/EC2"')).toEqual({ namespace: 'AWS/EC2', metricName: 'CPUUtilization', statistic: 'Average' });
    expect(insightsMetric('m1 * 2')).toBeUndefined();
  });
});

// referenced so that the imports used by the tests below stay
void [iam, basic, detectionAlarm, existingTrail, organizationTrail, recommended, AlarmPipelineRule, CloudTrailAlarms, DetectionProfile];
