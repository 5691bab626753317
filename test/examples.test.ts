import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as basic from '../examples/basic';
import * as detectionAlarm from '../examples/detection-alarm';
import * as existingTrail from '../examples/existing-trail';
import * as organizationTrail from '../examples/organization-trail';
import * as recommended from '../examples/recommended';
import { partition, summarize } from '../examples/synth-all';
import { AWS_TEMPLATE, SECURITY_HUB } from './catalogue/grader-rules';

const EXAMPLES = { basic, existingTrail, recommended, organizationTrail };

function stacksOf(app: App): Stack[] {
  return app.node.children.filter((c): c is Stack => c instanceof Stack);
}

function exampleStack(name: keyof typeof EXAMPLES): Stack {
  return stacksOf(EXAMPLES[name].buildApp(new App()))[0];
}

describe('examples/basic.ts (default trail, two email addresses)', () => {
  const t = Template.fromStack(exampleStack('basic'));
  const part = partition(t.toJSON() as any);

  test('holds 11 detection metric filters and 11 alarms, the pipeline-health alarm, plus the notifier with one filter and two alarms of its own', () => {
    expect(part.detectionFilters).toHaveLength(11);
    expect(part.detectionAlarms).toHaveLength(11);
    expect(part.pipelineHealthAlarms).toHaveLength(1);
    expect(part.perAccountFilters).toHaveLength(0);
    expect(part.notifierFunctions).toHaveLength(1);
    expect(part.notifierFilters).toHaveLength(1);
    expect(part.notifierAlarms).toHaveLength(2);
    t.resourceCountIs('AWS::Logs::MetricFilter', 12);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 14);
  });

  test('every detection alarm uses Sum of its own filter metric, with the graded topic (the notifier\'s) as its action', () => {
    const lambdaSub = Object.values(t.findResources('AWS::SNS::Subscription', { Properties: { Protocol: 'lambda' } }))[0] as any;
    const gradedTopic = lambdaSub.Properties.TopicArn;
    const filters = part.detectionFilters.map((r: any) => r.Properties.MetricTransformations[0].MetricName);
    const alarms = part.detectionAlarms.map((r: any) => r.Properties);
    expect(alarms.map((a: any) => a.MetricName).sort()).toEqual([...filters].sort());
    for (const a of alarms) {
      expect(a.Statistic).toBe('Sum');
      expect(a.AlarmActions).toEqual([gradedTopic]);
    }
  });

  test('the topics are KMS-encrypted with a key CloudWatch can use; one email subscription per address, on the people\'s topic', () => {
    t.resourceCountIs('AWS::SNS::Topic', 2);
    for (const topic of Object.values(t.findResources('AWS::SNS::Topic')) as any[]) expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]) },
    });
    t.resourceCountIs('AWS::SNS::Subscription', 3);
    const peopleTopic = { Ref: Match.stringLikeRegexp('^SecurityAlarmsNotificationTopic') };
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'secops@example.com', TopicArn: peopleTopic });
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: peopleTopic });
  });

  test('a trail delivers to the log group the detection filters are on', () => {
    const trail = Object.values(t.findResources('AWS::CloudTrail::Trail'))[0] as any;
    const logGroupId = trail.Properties.CloudWatchLogsLogGroupArn['Fn::GetAtt'][0];
    for (const f of part.detectionFilters as any[]) {
      expect(f.Properties.LogGroupName).toEqual({ Ref: logGroupId });
    }
  });

  test("the ten AWS-template patterns are byte-identical to AWS's, root usage is Security Hub CloudWatch.1", () => {
    const patterns = Object.values(t.findResources('AWS::Logs::MetricFilter')).map((r: any) => r.Properties.FilterPattern);
    for (const expected of Object.values(AWS_TEMPLATE)) expect(patterns).toContain(expected);
    expect(patterns).toContain(SECURITY_HUB['root-account-usage']);
  });
});

describe('examples/existing-trail.ts', () => {
  const t = Template.fromStack(exampleStack('existingTrail'));
  test('creates no trail and no log group, adds the custom detection on CloudTrail/DefaultLogGroup, delivers to the existing paging topic', () => {
    t.resourceCountIs('AWS::CloudTrail::Trail', 0);
    // the alarms' own topic only: people stay on the existing paging topic, which the notifier publishes to
    t.resourceCountIs('AWS::SNS::Topic', 1);
    expect(partition(t.toJSON() as any).trailLogGroups).toHaveLength(0);
    const fn = partition(t.toJSON() as any).notifierFunctions[0] as any;
    expect(JSON.stringify(fn.Properties.Environment.Variables.DELIVERY_TOPIC_ARNS)).toContain('arn:aws:sns:us-east-1:111122223333:security-paging');
    t.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: 'CloudTrail/DefaultLogGroup',
      FilterPattern: '{ ($.eventSource = "iam.amazonaws.com") && ($.eventName = "CreateAccessKey") }',
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IAMAccessKeyCreatedCount',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^SecurityAlarmsTopic') }],
    });
  });
});

test('the README\'s existing-trail snippet is examples/existing-trail.ts (people stay on the existing topic, through the notifier)', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### An existing trail, an existing topic'));
  const snippet = /```ts\n([\s\S]*?)```/.exec(section)![1];
  const example = fs.readFileSync(path.join(__dirname, '..', 'examples', 'existing-trail.ts'), 'utf8');
  // the construct's props object, compared line by line without indentation (the example has it inside a class)
  const propsOf = (code: string) => {
    const open = code.indexOf('{', code.indexOf('new CloudTrailAlarms('));
    let depth = 0;
    let end = open;
    do {
      if (code[end] === '{') depth++;
      if (code[end] === '}') depth--;
      end++;
    } while (depth > 0);
    return code.slice(open, end).split('\n').map((l) => l.trim()).filter((l) => l !== '');
  };
  expect(propsOf(snippet)).toEqual(propsOf(example));
  expect(snippet).toContain('notificationTopic: paging');
  expect(snippet).toContain("sns.Topic.fromTopicArn(stack, 'Paging', 'arn:aws:sns:us-east-1:111122223333:security-paging')");
  expect(example).toContain("sns.Topic.fromTopicArn(this, 'Paging', 'arn:aws:sns:us-east-1:111122223333:security-paging')");
});

describe('examples/recommended.ts', () => {
  const stack = exampleStack('recommended');
  test('twenty-three detections, severity routing, and the warning for the non-exact pattern', () => {
    const t = Template.fromStack(stack);
    const part = partition(t.toJSON() as any);
    expect(part.detectionAlarms).toHaveLength(23);
    // severity routing is the notifier's: the root alarm keeps the graded topic, and the paging topic is a delivery topic
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RootAccountUsageEventCount',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^SecurityAlarmsTopic') }],
    });
    expect(JSON.stringify((part.notifierFunctions[0] as any).Properties.Environment.Variables.DELIVERY_TOPIC_ARNS))
      .toContain('arn:aws:sns:eu-west-1:111122223333:security-paging');
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('iam-policy-changes.*no longer the exact Security Hub string'));
  });
});

test('npm run example prints a summary per stack', () => {
  const t = Template.fromStack(exampleStack('basic')).toJSON();
  const lines = summarize(t as any).join('\n');
  expect(lines).toMatch(/detections: +11 /);
  expect(lines).toMatch(/alarms: +11 \(statistic Sum\)/);
  expect(lines).toMatch(/topic: +created, KMS-encrypted/);
  expect(lines).toMatch(/people's topic: +created, KMS-encrypted/);
  expect(lines).toMatch(/notifier: +function \(nodejs22.x\) subscribed to the alarm topic.*2 alarms and 1 metric filter of its own/);
  expect(lines).not.toMatch(/PublishFailures/);
  expect(lines).toMatch(/subscriptions: +3 \(email:secops@example.com, email:oncall@example.com, lambda:notifier\)/);
  expect(lines).toMatch(/trail: +created \(multi-Region, CloudWatch Logs delivery, log files KMS-encrypted with a customer managed key\)/);
  expect(lines).toMatch(/log group: +created, KMS-encrypted, retention 365 days/);
  expect(lines).toMatch(/per account: +off/);
  expect(lines).toMatch(/pipeline: +alarm when the log group receives no events for 6 hours \(IncomingLogEvents, missing data breaching\)/);
});

test('the summary says when trail and log group are not created here, and names an organization trail', () => {
  expect(summarize(Template.fromStack(exampleStack('existingTrail')).toJSON() as any).join('\n')).toMatch(
    /trail: +existing \(not created here\)\n {2}log group: +existing \(not created here\)/,
  );
  expect(summarize(Template.fromStack(exampleStack('organizationTrail')).toJSON() as any).join('\n')).toMatch(/trail: +created \(organization trail, multi-Region/);
});

describe('examples/organization-trail.ts', () => {
  test('an organization trail with its own metric namespace', () => {
    const t = Template.fromStack(exampleStack('organizationTrail'));
    t.hasResourceProperties('AWS::CloudTrail::Trail', { IsOrganizationTrail: true, IsMultiRegionTrail: true });
    t.hasResourceProperties('AWS::Logs::MetricFilter', { MetricTransformations: [Match.objectLike({ MetricNamespace: 'OrganizationCloudTrailMetrics' })] });
  });

  test('per-account alarms: a dimensioned filter and a Metrics Insights alarm beside each of the 23 detections', () => {
    const t = Template.fromStack(exampleStack('organizationTrail'));
    const part = partition(t.toJSON() as any);
    expect(part.detectionFilters).toHaveLength(23);
    expect(part.perAccountFilters).toHaveLength(23);
    expect(part.perAccountAlarms).toHaveLength(23);
    t.hasResourceProperties('AWS::Logs::MetricFilter', {
      MetricTransformations: [
        Match.objectLike({
          MetricName: 'RootAccountUsageEventCount',
          MetricNamespace: 'OrganizationCloudTrailMetrics',
          Dimensions: [
            { Key: 'Account', Value: '$.recipientAccountId' },
            { Key: 'Region', Value: '$.awsRegion' },
          ],
        }),
      ],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [
        Match.objectLike({
          Expression: 'SELECT SUM("RootAccountUsageEventCount") FROM SCHEMA("OrganizationCloudTrailMetrics", Account, Region) GROUP BY Account, Region',
        }),
      ],
    });
    expect(summarize(t.toJSON() as any).join('\n')).toMatch(/per account: +23 filters with account and Region dimensions, 23 Metrics Insights alarms grouped by them/);
  });

  test('the notifier names the member accounts by the friendly names the example gives', () => {
    const app = organizationTrail.buildApp(new App());
    const stack = stacksOf(app)[0];
    const fn: any = Object.values(Template.fromStack(stack).toJSON().Resources).find(
      (r: any) => r.Type === 'AWS::Lambda::Function' && r.Properties.Tags?.some((x: any) => x.Key === 'cdk-cloudtrail-alarms:role'),
    );
    const key = (fn.Properties.Code.S3Key as string).replace(/\.zip$/, '');
    const config = JSON.parse(fs.readFileSync(path.join(app.outdir, `asset.${key}`, 'config.json'), 'utf8'));
    expect(config.accountNames).toEqual({ 111122223333: 'management', 444455556666: 'prod', 777788889999: 'staging' });
  });
});

// cdk-nag (all four packs) and the Security Hub controls run on every example in test/compliance/.

const cfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
const haveCfnLint = cfnLint.status === 0;
if (!haveCfnLint) {
  // eslint-disable-next-line no-console
  console.warn('SKIPPED: cfn-lint is not installed on this machine, so the cfn-lint checks of the example templates did not run.');
}
(haveCfnLint ? describe : describe.skip)('cfn-lint (skipped where cfn-lint is absent)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cta-cfnlint-'));
  // a warning fails pipelines that treat warnings as errors (W3005 was one: a DependsOn a GetAtt already implies)
  test.each([...Object.keys(EXAMPLES), 'detectionAlarm'])('%s template has no cfn-lint error and no warning', (name) => {
    const app = name === 'detectionAlarm' ? detectionAlarm.buildApp(new App()) : EXAMPLES[name as keyof typeof EXAMPLES].buildApp(new App());
    const file = path.join(dir, `${name}.template.json`);
    fs.writeFileSync(file, JSON.stringify(Template.fromStack(stacksOf(app)[0]).toJSON()));
    const r = spawnSync('cfn-lint', [file], { encoding: 'utf8' });
    // cfn-lint exit status is a bit field: 2 = error, 4 = warning, 8 = informational
    expect({ status: r.status, output: r.stdout }).toEqual({ status: 0, output: '' });
  });
});
