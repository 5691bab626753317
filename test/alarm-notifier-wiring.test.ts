import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { CloudTrailAlarms, CloudTrailFilter, DetectionProfile, Severity } from '../lib';
import { evaluateCfn } from './support/cfn-values';
import { resolveDeployValues } from '../lib/notifier/config';

let app: App;
let stack: Stack;
beforeEach(() => {
  app = new App({ context: { 'aws:cdk:enable-asset-metadata': true } });
  stack = new Stack(app, 'Stack', { env: { account: '111122223333', region: 'eu-west-1' } });
});

const resources = (t: Template, type: string) => Object.entries<any>(t.toJSON().Resources).filter(([, r]) => r.Type === type);
const ref = (c: { node: { defaultChild?: unknown } } | sns.ITopic) => stack.resolve((c as sns.Topic).topicArn);

function notifierConfig(t: Template): any {
  const [, fn] = resources(t, 'AWS::Lambda::Function').find(([, r]) => r.Properties.Tags?.some((x: any) => x.Key === 'cdk-cloudtrail-alarms:role'))!;
  const key = (fn.Properties.Code.S3Key as string).replace(/\.zip$/, '');
  return JSON.parse(fs.readFileSync(path.join(app.outdir, `asset.${key}`, 'config.json'), 'utf8'));
}

const evaluate = (v: unknown) => evaluateCfn(v);

describe('CloudTrailAlarms with eventDetails (the default)', () => {
  test('every alarm keeps the graded topic as its action; its one subscriber is the notifier (protocol lambda)', () => {
    // GIVEN / WHEN
    const alarms = new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['secops@example.com'] });
    // THEN
    const t = Template.fromStack(stack);
    const detectionAlarms = alarms.detections.map((d) => stack.resolve((d.alarm.node.defaultChild as any).logicalId));
    for (const id of detectionAlarms) {
      expect(t.toJSON().Resources[id].Properties.AlarmActions).toEqual([ref(alarms.topic)]);
    }
    const onGraded = resources(t, 'AWS::SNS::Subscription').filter(([, r]) => JSON.stringify(r.Properties.TopicArn) === JSON.stringify(ref(alarms.topic)));
    expect(onGraded.map(([, r]) => r.Properties.Protocol)).toEqual(['lambda']);
    expect(onGraded[0][1].Properties.Endpoint).toEqual(stack.resolve(alarms.notifier!.lambdaFunction.functionArn));
    expect(onGraded[0][1].Properties.RedrivePolicy).toBeDefined();
  });

  test('people are on the notification topic, and the function publishes only there', () => {
    const alarms = new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['secops@example.com', 'oncall@example.com'] });
    const t = Template.fromStack(stack);
    const emails = resources(t, 'AWS::SNS::Subscription').filter(([, r]) => r.Properties.Protocol === 'email');
    expect(emails.map(([, r]) => [r.Properties.Endpoint, r.Properties.TopicArn])).toEqual([
      ['secops@example.com', ref(alarms.notificationTopic)],
      ['oncall@example.com', ref(alarms.notificationTopic)],
    ]);
    expect(alarms.notificationTopic).not.toBe(alarms.topic);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { DELIVERY_TOPIC_ARNS: ref(alarms.notificationTopic), LOG_GROUP_NAME: stack.resolve(alarms.logGroup.logGroupName) } },
    });
    // encrypted with the alarm topic's key, which CloudWatch may use (the notifier's own alarms publish to it)
    t.hasResourceProperties('AWS::SNS::Topic', { DisplayName: 'CloudTrail security notifications', KmsMasterKeyId: stack.resolve(alarms.topicKey!.keyArn) });
  });

  test('the function knows every detection: id, deployed pattern and metric, written at synth time', () => {
    const alarms = new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['secops@example.com'] });
    const t = Template.fromStack(stack);
    const config = notifierConfig(t);
    expect(config.detections.map((d: any) => d.id)).toEqual(alarms.detections.map((d) => d.detectionId));
    // what CloudFormation will make of the function's DEPLOY_VALUES and of each filter's pattern, references
    // replaced by stand-ins: the notifier must join exactly the deployed pattern
    const fn = Object.values(t.findResources('AWS::Lambda::Function')).find((f) => f.Properties.Environment?.Variables?.DEPLOY_VALUES)!;
    const deployValues = JSON.parse(evaluate(fn.Properties.Environment.Variables.DEPLOY_VALUES));
    const filters = Object.values(t.findResources('AWS::Logs::MetricFilter'));
    let withDeployValues = 0;
    for (const d of alarms.detections) {
      const c = config.detections.find((x: any) => x.id === d.detectionId);
      const deployed = evaluate(filters.find((f) => f.Properties.MetricTransformations[0].MetricName === c.metricName)!.Properties.FilterPattern);
      const [resolved] = resolveDeployValues({ ...config, detections: [c] }, deployValues).detections;
      expect(resolved.pattern).toBe(deployed);
      if (c.patternParts) withDeployValues++;
      expect(c.metricName).toBe(d.metricFilter.metric().metricName);
      expect(c.topic).toBe(0);
    }
    // key-tampering, scoped to the ids of the keys (the trail, log group, topics and function are named at synth time)
    expect(withDeployValues).toBe(1);
  });

  test('severity topics receive the enriched messages; the alarms still notify the graded topic', () => {
    const high = new sns.Topic(stack, 'Paging');
    const low = new sns.Topic(stack, 'Digest');
    const alarms = new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['secops@example.com'], severityTopics: { high, low } });
    const t = Template.fromStack(stack);
    for (const d of alarms.detections) {
      expect(t.toJSON().Resources[stack.resolve((d.alarm.node.defaultChild as any).logicalId)].Properties.AlarmActions).toEqual([ref(alarms.topic)]);
    }
    const config = notifierConfig(t);
    const arns = alarms.notifier!.deliveryTopics;
    for (const d of alarms.detections) {
      const expected = d.severity === Severity.HIGH ? high : d.severity === Severity.LOW ? low : alarms.notificationTopic;
      expect(arns[config.detections.find((x: any) => x.id === d.detectionId).topic]).toBe(expected);
    }
    expect(resources(t, 'AWS::SNS::Subscription').filter(([, r]) => r.Properties.Protocol === 'lambda').length).toBe(1);
  });

  test('an existing topic and log group, a custom detection and a detection added later', () => {
    const topic = sns.Topic.fromTopicArn(stack, 'Existing', 'arn:aws:sns:eu-west-1:111122223333:security');
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'TrailLogs', 'CloudTrail/DefaultLogGroup');
    const alarms = new CloudTrailAlarms(stack, 'Alarms', {
      topic,
      logGroup,
      profile: DetectionProfile.SECURITY_HUB,
      customDetections: [{ id: 'gpu-launches', title: 'GPU launches', description: 'GPU instances launched.', metricName: 'GpuLaunchCount', pattern: CloudTrailFilter.eventName('RunInstances') }],
    });
    alarms.addDetection({ pattern: CloudTrailFilter.eventName('DeleteBucket'), detectionId: 'bucket-deletion', metricName: 'BucketDeletionCount', severity: Severity.HIGH });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda', TopicArn: 'arn:aws:sns:eu-west-1:111122223333:security' });
    const ids = notifierConfig(t).detections.map((d: any) => d.id);
    expect(ids).toEqual(expect.arrayContaining(['gpu-launches', 'bucket-deletion']));
    expect(ids.length).toBe(alarms.detections.length);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'logs:FilterLogEvents',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:111122223333:log-group:CloudTrail/DefaultLogGroup']] },
          }),
        ]),
      },
    });
    Annotations.fromStack(stack).hasWarning('/Stack/Alarms', Match.stringLikeRegexp('people still subscribed to `topic` get CloudWatch'));
  });

  test('okActions: OK goes to the graded topic too, so people get the resolved message', () => {
    const alarms = new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['secops@example.com'], okActions: true });
    const t = Template.fromStack(stack);
    const first = t.toJSON().Resources[stack.resolve((alarms.detections[0].alarm.node.defaultChild as any).logicalId)];
    expect(first.Properties.OKActions).toEqual([ref(alarms.topic)]);
  });

  test('eventDetails: false is the plain setup: people on the alarm topic, no function', () => {
    const alarms = new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['secops@example.com'], eventDetails: false });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Lambda::Function', 0);
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', TopicArn: ref(alarms.topic) });
    expect(alarms.notifier).toBeUndefined();
    expect(alarms.notificationTopic).toBe(alarms.topic);
  });

  test('fails if the notification topic is the alarm topic, or notifier topics are given without eventDetails', () => {
    const topic = new sns.Topic(stack, 'T');
    expect(() => new CloudTrailAlarms(stack, 'A1', { topic, notificationTopic: topic })).toThrow(/`notificationTopic` must not be `topic`/);
    expect(() => new CloudTrailAlarms(stack, 'A2', { eventDetails: false, chatbotTopic: topic })).toThrow(/`notificationTopic` and `chatbotTopic` only apply with `eventDetails`/);
  });

  test.each([
    ['AwsSolutions', () => new AwsSolutionsChecks()],
    ['NIST 800-53 R5', () => new NIST80053R5Checks()],
    ['HIPAA', () => new HIPAASecurityChecks()],
    ['PCI DSS 3.2.1', () => new PCIDSS321Checks()],
  ])('%s: the default stack with the notifier has no unacknowledged finding', (_name, pack) => {
    new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['secops@example.com'], chatbotTopic: undefined });
    const report = pack().validateScope(stack);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId).join(',')}`)).toEqual([]);
  });
});
