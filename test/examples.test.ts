import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as basic from '../examples/basic';
import * as existingTrail from '../examples/existing-trail';
import * as organizationTrail from '../examples/organization-trail';
import * as recommended from '../examples/recommended';
import { summarize } from '../examples/synth-all';
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

  test('holds 11 metric filters and 11 alarms', () => {
    t.resourceCountIs('AWS::Logs::MetricFilter', 11);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 11);
  });

  test('every alarm uses Sum of its own filter metric with an SNS alarm action', () => {
    const topicId = Object.keys(t.findResources('AWS::SNS::Topic'))[0];
    const filters = Object.values(t.findResources('AWS::Logs::MetricFilter')).map((r: any) => r.Properties.MetricTransformations[0].MetricName);
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((r: any) => r.Properties);
    expect(alarms.map((a) => a.MetricName).sort()).toEqual([...filters].sort());
    for (const a of alarms) {
      expect(a.Statistic).toBe('Sum');
      expect(a.AlarmActions).toEqual([{ Ref: topicId }]);
    }
  });

  test('the topic is KMS-encrypted with a key CloudWatch can use; one email subscription per address', () => {
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]) },
    });
    t.resourceCountIs('AWS::SNS::Subscription', 2);
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'secops@example.com' });
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });

  test('a trail delivers to the log group the filters are on', () => {
    const trail = Object.values(t.findResources('AWS::CloudTrail::Trail'))[0] as any;
    const logGroupId = trail.Properties.CloudWatchLogsLogGroupArn['Fn::GetAtt'][0];
    for (const f of Object.values(t.findResources('AWS::Logs::MetricFilter')) as any[]) {
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
  test('creates no trail and no topic, adds the custom detection on CloudTrail/DefaultLogGroup', () => {
    t.resourceCountIs('AWS::CloudTrail::Trail', 0);
    t.resourceCountIs('AWS::SNS::Topic', 0);
    t.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: 'CloudTrail/DefaultLogGroup',
      FilterPattern: '{ ($.eventSource = "iam.amazonaws.com") && ($.eventName = "CreateAccessKey") }',
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IAMAccessKeyCreatedCount',
      AlarmActions: ['arn:aws:sns:us-east-1:111122223333:security-paging'],
    });
  });
});

describe('examples/recommended.ts', () => {
  const stack = exampleStack('recommended');
  test('twenty-three detections, severity routing, and the warning for the non-exact pattern', () => {
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 23);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RootAccountUsageEventCount',
      AlarmActions: ['arn:aws:sns:eu-west-1:111122223333:security-paging'],
    });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('iam-policy-changes.*no longer the exact Security Hub string'));
  });
});

test('npm run example prints a summary per stack', () => {
  const t = Template.fromStack(exampleStack('basic')).toJSON();
  const lines = summarize(t as any).join('\n');
  expect(lines).toMatch(/detections: +11 /);
  expect(lines).toMatch(/alarms: +11 \(statistic Sum\)/);
  expect(lines).toMatch(/topic: +created, KMS-encrypted/);
  expect(lines).toMatch(/subscriptions: +2 \(email:secops@example.com, email:oncall@example.com\)/);
  expect(lines).toMatch(/trail: +created \(multi-Region, CloudWatch Logs delivery, log files KMS-encrypted with a customer managed key\)/);
  expect(lines).toMatch(/log group: +created, KMS-encrypted, retention 365 days/);
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
  test.each(Object.keys(EXAMPLES))('%s template has no cfn-lint error', (name) => {
    const stack = exampleStack(name as keyof typeof EXAMPLES);
    const file = path.join(dir, `${name}.template.json`);
    fs.writeFileSync(file, JSON.stringify(Template.fromStack(stack).toJSON()));
    const r = spawnSync('cfn-lint', [file], { encoding: 'utf8' });
    // cfn-lint exit status is a bit field: 2 = error, 4 = warning, 8 = informational
    const hasErrors = Math.floor((r.status ?? 2) / 2) % 2 === 1;
    expect({ hasErrors, output: r.stdout }).toEqual({ hasErrors: false, output: expect.any(String) });
  });
});
