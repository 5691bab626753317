import * as fs from 'fs';
import * as path from 'path';
import { App, CliCredentialsStackSynthesizer, DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { CloudTrailAlarms, CloudTrailFilter, DetectionProfile, Severity } from '../lib';
import { evaluateCfn } from './support/cfn-values';
import { resolveDeployValues } from '../lib/notifier/config';
import { Publication } from '../lib/notifier/notify';
import { createHandler } from '../lib/notifier-function/notifier.lambda';

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

const evaluate = (v: unknown, refs: Record<string, string> = {}) => evaluateCfn(v, refs);

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
    expect(onGraded[0][1].Properties.Endpoint).toEqual(stack.resolve(alarms._notifier!.lambdaFunction.functionArn));
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
    const arns = alarms._notifier!.deliveryTopics;
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
    expect(alarms._notifier).toBeUndefined();
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

describe('quiet on its own deployments: the deployment the notifier recognises', () => {
  const EXEC_ROLE = 'arn:aws:iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-eu-west-1';
  const functionOf = (t: Template) => Object.values<any>(t.findResources('AWS::Lambda::Function'))[0];
  /** DEPLOY_VALUES as CloudFormation will fill it in (partition aws, references as `<LogicalId>`). */
  const deployValuesOf = (t: Template) => JSON.parse(evaluate(functionOf(t).Properties.Environment.Variables.DEPLOY_VALUES, { 'AWS::Partition': 'aws' }));

  test('by default: the synthesizer\'s CloudFormation execution role, invoked by CloudFormation, reported to the LOW topic', () => {
    // GIVEN / WHEN
    const alarms = new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['secops@example.com'] });
    const t = Template.fromStack(stack);
    // THEN the role is a deploy-time value (its ARN holds the partition), resolved by the function from DEPLOY_VALUES
    const { deployment } = notifierConfig(t);
    expect(deployment).toEqual({ roleArns: [{ value: expect.any(Number) }], invokedBy: ['cloudformation.amazonaws.com'], topic: 0, stackName: 'Stack' });
    expect(deployValuesOf(t)[deployment.roleArns[0].value]).toBe(EXEC_ROLE);
    expect(JSON.parse(evaluate(functionOf(t).Properties.Environment.Variables.DEPLOY_VALUES))).toContain(
      'arn:<AWS::Partition>:iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-eu-west-1',
    );
    // no severity routing: the LOW route is the notification topic
    expect(alarms._notifier!.deliveryTopics[deployment.topic]).toBe(alarms.notificationTopic);
  });

  test('an environment-agnostic stack: the role ARN gets its account and Region at deploy time', () => {
    const agnostic = new Stack(app, 'Agnostic');
    new CloudTrailAlarms(agnostic, 'Alarms', { emailAddresses: ['secops@example.com'] });
    const fn = Object.values<any>(Template.fromStack(agnostic).findResources('AWS::Lambda::Function'))[0];
    expect(JSON.parse(evaluate(fn.Properties.Environment.Variables.DEPLOY_VALUES))).toContain(
      'arn:<AWS::Partition>:iam::<AWS::AccountId>:role/cdk-hnb659fds-cfn-exec-role-<AWS::AccountId>-<AWS::Region>',
    );
  });

  test('an execution role with another placeholder is filled in by Fn::Sub at deploy time', () => {
    const custom = new Stack(app, 'Custom', {
      synthesizer: new DefaultStackSynthesizer({ cloudFormationExecutionRole: 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/deployer-${AWS::StackName}' }),
    });
    new CloudTrailAlarms(custom, 'Alarms', { emailAddresses: ['secops@example.com'] });
    const fn = Object.values<any>(Template.fromStack(custom).findResources('AWS::Lambda::Function'))[0];
    expect(JSON.stringify(fn.Properties.Environment.Variables.DEPLOY_VALUES)).toContain(
      '{"Fn::Sub":"arn:${AWS::Partition}:iam::${AWS::AccountId}:role/deployer-${AWS::StackName}"}',
    );
  });

  test('severity routing: expected changes go to the LOW topic, chat to the chat topic; a custom qualifier names its role', () => {
    const qualified = new Stack(app, 'Qualified', {
      env: { account: '111122223333', region: 'eu-west-1' },
      synthesizer: new DefaultStackSynthesizer({ qualifier: 'secops' }),
    });
    const high = new sns.Topic(qualified, 'Paging');
    const low = new sns.Topic(qualified, 'Digest');
    const chat = new sns.Topic(qualified, 'Chat');
    const alarms = new CloudTrailAlarms(qualified, 'Alarms', { emailAddresses: ['secops@example.com'], severityTopics: { high, low }, chatbotTopic: chat });
    const t = Template.fromStack(qualified);
    const { deployment } = notifierConfig(t);
    expect(alarms._notifier!.deliveryTopics[deployment.topic]).toBe(low);
    expect(alarms._notifier!.deliveryTopics[deployment.chatbotTopic]).toBe(chat);
    expect(deployment.stackName).toBe('Qualified');
    expect(deployValuesOf(t)[deployment.roleArns[0].value]).toBe('arn:aws:iam::111122223333:role/cdk-secops-cfn-exec-role-111122223333-eu-west-1');
  });

  test('deploymentRoleArns and deploymentInvokedBy replace the defaults; known ARNs are written as they are', () => {
    new CloudTrailAlarms(stack, 'Alarms', {
      emailAddresses: ['secops@example.com'],
      deploymentRoleArns: ['arn:aws:iam::111122223333:role/pipeline/Deployer'],
      deploymentInvokedBy: ['cloudformation.amazonaws.com', 'servicecatalog.amazonaws.com'],
    });
    const t = Template.fromStack(stack);
    expect(notifierConfig(t).deployment).toEqual({
      roleArns: ['arn:aws:iam::111122223333:role/pipeline/Deployer'],
      invokedBy: ['cloudformation.amazonaws.com', 'servicecatalog.amazonaws.com'],
      topic: 0,
      stackName: 'Stack',
    });
    expect(JSON.stringify(functionOf(t).Properties.Environment.Variables.DEPLOY_VALUES)).not.toContain('cfn-exec-role');
  });

  test('recognizeDeployments: false writes no deployment: the deployments page like any change', () => {
    new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['secops@example.com'], recognizeDeployments: false });
    const t = Template.fromStack(stack);
    expect(notifierConfig(t).deployment).toBeUndefined();
    expect(JSON.stringify(functionOf(t).Properties.Environment.Variables.DEPLOY_VALUES)).not.toContain('cfn-exec-role');
  });

  test('a synthesizer without an execution role: no deployment, and a warning while tamper protection is on', () => {
    const cli = new Stack(app, 'Cli', { env: { account: '111122223333', region: 'eu-west-1' }, synthesizer: new CliCredentialsStackSynthesizer() });
    new CloudTrailAlarms(cli, 'Alarms', { emailAddresses: ['secops@example.com'] });
    expect(notifierConfig(Template.fromStack(cli)).deployment).toBeUndefined();
    Annotations.fromStack(cli).hasWarning('/Cli/Alarms', Match.stringLikeRegexp(
      '^The stack\'s synthesizer names no CloudFormation execution role, .*Set `deploymentRoleArns` .*\\[ack: cloudtrail-alarms:deploymentRoleUnknown\\]$',
    ));
    // without tamper protection the deployments match no detection: nothing to say
    const quiet = new Stack(app, 'CliQuiet', { synthesizer: new CliCredentialsStackSynthesizer() });
    new CloudTrailAlarms(quiet, 'Alarms', { emailAddresses: ['secops@example.com'], profile: DetectionProfile.SECURITY_HUB });
    expect(Annotations.fromStack(quiet).findWarning('*', Match.stringLikeRegexp('execution role'))).toEqual([]);
  });

  test.each<[string, object, string]>([
    ['a role that is not a role ARN', { deploymentRoleArns: ['cdk-hnb659fds-cfn-exec-role'] },
      "`deploymentRoleArns[0]` must be an IAM role ARN such as 'arn:aws:iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-eu-west-1', got 'cdk-hnb659fds-cfn-exec-role'."],
    ['no role', { deploymentRoleArns: [] }, '`deploymentRoleArns` is empty, so no deployment would be recognised; give the role CloudFormation deploys with, or turn the recognition off.'],
    ['an invoking service that is not a service', { deploymentInvokedBy: ['CloudFormation'] },
      "`deploymentInvokedBy[0]` must be the name of the AWS service that makes the calls, such as 'cloudformation.amazonaws.com', got 'CloudFormation'."],
    ['roles with the recognition off', { recognizeDeployments: false, deploymentRoleArns: [EXEC_ROLE] },
      '`deploymentRoleArns` names the deployment, but `recognizeDeployments: false` turns its recognition off; remove one of them.'],
    ['without the notifier', { eventDetails: false, recognizeDeployments: true },
      '`recognizeDeployments` only applies with `eventDetails` (the notifier tells the deployment\'s changes apart); remove it, or remove `eventDetails: false`.'],
  ])('fails on %s, naming the property and the value', (_name, props, message) => {
    expect(() => new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['secops@example.com'], ...props })).toThrow(message);
  });

  describe('the synthesized function, fed the same change made by CloudFormation and by someone else', () => {
    // GIVEN the stack with severity routing, and its function built from what was synthesized
    let handler: ReturnType<typeof createHandler>;
    let published: Publication[];
    let alarms: CloudTrailAlarms;
    let high: sns.Topic;
    let low: sns.Topic;
    let topicArns: string[];
    /** What FilterLogEvents returns on the alarm path. */
    let logEvents: Array<{ timestamp: number; message: string; eventId: string }>;
    beforeEach(() => {
      logEvents = [];
      high = new sns.Topic(stack, 'Paging');
      low = new sns.Topic(stack, 'Digest');
      alarms = new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['secops@example.com'], severityTopics: { high, low } });
      const t = Template.fromStack(stack);
      const env = functionOf(t).Properties.Environment.Variables;
      topicArns = evaluate(env.DELIVERY_TOPIC_ARNS).split(',');
      published = [];
      handler = createHandler({
        config: notifierConfig(t),
        env: { DELIVERY_TOPIC_ARNS: topicArns.join(','), DEPLOY_VALUES: JSON.stringify(deployValuesOf(t)), LOG_GROUP_NAME: 'CloudTrail/trail' },
        publish: async (p) => {
          published.push(p);
        },
        filterLogEvents: async () => ({ events: logEvents }),
        log: () => undefined,
      });
    });

    /** PutMetricAlarm on the construct's own root-account alarm, by `who`, in the real-time queue's batch form. */
    function change(who: 'cloudformation' | 'alice' | 'person-with-the-role') {
      const session = 'arn:aws:sts::111122223333:assumed-role/cdk-hnb659fds-cfn-exec-role-111122223333-eu-west-1';
      const userIdentity = who === 'alice'
        ? { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: 'arn:aws:iam::111122223333:user/Alice', accountId: '111122223333' }
        : {
          type: 'AssumedRole',
          principalId: `AROAEXAMPLE:${who === 'cloudformation' ? 'AWSCloudFormation' : 'mallory'}`,
          arn: `${session}/${who === 'cloudformation' ? 'AWSCloudFormation' : 'mallory'}`,
          accountId: '111122223333',
          sessionContext: { sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: EXEC_ROLE, accountId: '111122223333' } },
          ...(who === 'cloudformation' ? { invokedBy: 'cloudformation.amazonaws.com' } : {}),
        };
      const record = {
        eventVersion: '1.09',
        userIdentity,
        eventTime: '2026-11-02T10:15:20Z',
        eventSource: 'monitoring.amazonaws.com',
        eventName: 'PutMetricAlarm',
        awsRegion: 'eu-west-1',
        sourceIPAddress: who === 'cloudformation' ? 'cloudformation.amazonaws.com' : '198.51.100.7',
        userAgent: 'cloudformation.amazonaws.com',
        requestParameters: { alarmName: `${alarms.alarmNamePrefix}-root-account-usage`, threshold: 1 },
        eventID: `event-${who}`,
        eventType: 'AwsApiCall',
        recipientAccountId: '111122223333',
      };
      const input = {
        source: 'cdk-cloudtrail-alarms.real-time',
        detectionId: 'alarm-tampering',
        event: { 'id': `eb-${who}`, 'time': record.eventTime, 'region': 'eu-west-1', 'account': '111122223333', 'source': 'aws.monitoring', 'detail-type': 'AWS API Call via CloudTrail', 'detail': record },
      };
      return { Records: [{ messageId: `m-${who}`, body: JSON.stringify(input), eventSource: 'aws:sqs' }] };
    }

    /** The same change on the alarm path: the alarm-tampering alarm's state change, the record found in the log group. */
    function alarmChange(who: 'cloudformation' | 'alice') {
      const record = JSON.parse(change(who).Records[0].body).event.detail;
      logEvents = [{ timestamp: Date.parse(record.eventTime), message: JSON.stringify(record), eventId: `le-${who}` }];
      const name = `${alarms.alarmNamePrefix}-alarm-tampering`;
      const message = {
        AlarmName: name,
        AWSAccountId: '111122223333',
        NewStateValue: 'ALARM',
        NewStateReason: 'Threshold Crossed: 1 out of the last 1 datapoints [1.0 (02/11/26 10:15:00)] was greater than or equal to the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition).',
        // two state changes (the same one twice would be sent once)
        StateChangeTime: who === 'alice' ? '2026-11-02T10:21:12.345+0000' : '2026-11-02T10:20:12.345+0000',
        Region: 'EU (Ireland)',
        AlarmArn: `arn:aws:cloudwatch:eu-west-1:111122223333:alarm:${name}`,
        OldStateValue: 'OK',
        Trigger: { MetricName: 'AlarmTamperingEventCount', Namespace: 'CloudTrailMetrics', Statistic: 'SUM', Period: 300, EvaluationPeriods: 1, Threshold: 1 },
      };
      return { Records: [{ EventSource: 'aws:sns', Sns: { MessageId: `sns-${who}`, TopicArn: 'arn:aws:sns:eu-west-1:111122223333:alarms', Message: JSON.stringify(message) } }] };
    }

    const emails = () => published.filter((p) => p.kind === 'email');
    const topicOf = (p: Publication) => alarms._notifier!.deliveryTopics[topicArns.indexOf(p.topicArn)];

    test('the deployment\'s change is an expected change on the LOW topic, not a HIGH page', async () => {
      // the detection the real-time rule matched: this deployment's alarm-tampering pattern
      expect(alarms.detection('alarm-tampering').pattern.logPatternString).toContain(`${alarms.alarmNamePrefix}-`);
      // WHEN
      await handler(change('cloudformation'));
      // THEN
      expect(emails()).toHaveLength(1);
      expect(topicOf(emails()[0])).toBe(low);
      expect(emails()[0].subject).toMatch(/^\[LOW\] Expected change, deployment of Stack: Alarm tampering in 111122223333, eu-west-1 \(1 event\)$/);
    });

    test.each(['alice', 'person-with-the-role'] as const)('the same change by %s pages HIGH on the paging topic', async (who) => {
      await handler(change(who));
      expect(emails()).toHaveLength(1);
      expect(topicOf(emails()[0])).toBe(high);
      expect(emails()[0].subject).toMatch(/^\[HIGH\] /);
      expect(emails()[0].subject).not.toMatch(/Expected change/);
    });

    test('on the alarm path too: the deployment\'s change is reported LOW, someone else\'s pages HIGH', async () => {
      await handler(alarmChange('cloudformation'));
      await handler(alarmChange('alice'));
      expect(emails().map((p) => [topicOf(p) === low ? 'low' : topicOf(p) === high ? 'high' : 'other', p.subject!.slice(0, 40)])).toEqual([
        ['low', '[LOW] Expected change, deployment of Sta'],
        ['high', '[HIGH] Alarm tampering in 111122223333, '],
      ]);
    });
  });
});
