import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { Severity } from '../lib/catalogue/severity';
import { AlarmEventNotifier, AlarmEventNotifierProps } from '../lib/cdk/private/alarm-notifier';

let app: App;
let stack: Stack;
let logGroup: logs.LogGroup;
let key: kms.Key;
let graded: sns.Topic;
let people: sns.Topic;
let chat: sns.Topic;

beforeEach(() => {
  app = new App({ context: { 'aws:cdk:enable-asset-metadata': true } });
  stack = new Stack(app, 'Stack', { env: { account: '111122223333', region: 'eu-west-1' } });
  key = new kms.Key(stack, 'TopicKey', { enableKeyRotation: true });
  logGroup = new logs.LogGroup(stack, 'TrailLogs', { encryptionKey: key });
  graded = new sns.Topic(stack, 'Graded', { masterKey: key, enforceSSL: true });
  people = new sns.Topic(stack, 'People', { masterKey: key, enforceSSL: true });
  chat = new sns.Topic(stack, 'Chat', { masterKey: key, enforceSSL: true });
});

const ROOT = '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }';

function notifier(over: Partial<AlarmEventNotifierProps> = {}): AlarmEventNotifier {
  return new AlarmEventNotifier(stack, 'Notifier', {
    logGroup,
    alarmTopics: [graded],
    notificationTopic: people,
    chatbotTopic: chat,
    detections: [
      {
        detectionId: 'root-account-usage',
        title: 'Root user activity',
        severity: Severity.HIGH,
        summary: 'The root user did something.',
        pattern: ROOT,
        metricNamespace: 'CloudTrailMetrics',
        metricName: 'RootAccountUsageEventCount',
        notificationTopic: people,
      },
    ],
    ...over,
  });
}

const ref = (c: { node: { defaultChild?: unknown } }) => stack.resolve((c.node.defaultChild as { ref: string }).ref);

describe('AlarmEventNotifier', () => {
  test('the function: Node.js 22, 60 s, no reserved concurrency, the audit tag and DELIVERY_TOPIC_ARNS', () => {
    // GIVEN / WHEN
    notifier();
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Timeout: 60,
      ReservedConcurrentExecutions: Match.absent(),
      Tags: [{ Key: 'cdk-cloudtrail-alarms:role', Value: 'notifier' }],
      Environment: {
        Variables: {
          DELIVERY_TOPIC_ARNS: { 'Fn::Join': ['', [ref(people), ',', ref(chat)]] },
          LOG_GROUP_NAME: ref(logGroup),
        },
      },
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotifierDeadLetterQueue'), 'Arn'] } },
    });
  });

  test('the code is the prebuilt bundle plus config.json with the detection written at synth time', () => {
    notifier();
    const t = Template.fromStack(stack).toJSON();
    const fn = Object.values<any>(t.Resources).find((r) => r.Type === 'AWS::Lambda::Function');
    const dir = path.join(app.outdir, fn.Metadata['aws:asset:path']);
    expect(fs.readdirSync(dir).sort()).toEqual(['config.json', 'index.js']);
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ version: 1, fallbackTopic: 0, fallbackChatbotTopic: 1, marginSeconds: 120, maxListedEvents: 20 });
    expect(config.detections).toEqual([
      expect.objectContaining({ id: 'root-account-usage', pattern: ROOT, metricName: 'RootAccountUsageEventCount', severity: 'HIGH', topic: 0, chatbotTopic: 1 }),
    ]);
    expect(config.detections[0].fields.map((f: { label: string }) => f.label)).toEqual(['MFA used', 'Sign-in result', 'User agent', 'Invoked by']);
    expect(fs.readFileSync(path.join(dir, 'index.js'), 'utf8')).toContain('DELIVERY_TOPIC_ARNS');
  });

  test('subscribed to every alarm topic with protocol lambda and the encrypted dead-letter queue', () => {
    const severe = new sns.Topic(stack, 'Severe', { masterKey: key });
    notifier({ alarmTopics: [graded, severe, graded] });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::SNS::Subscription', 2);
    for (const topic of [graded, severe]) {
      t.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'lambda',
        TopicArn: ref(topic),
        Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotifierFunction'), 'Arn'] },
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotifierDeadLetterQueue'), 'Arn'] } },
      });
    }
    t.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotifierKey'), 'Arn'] },
      MessageRetentionPeriod: 1209600,
    });
    t.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: 'sns.amazonaws.com', SourceArn: ref(severe) });
  });

  test('every IAM statement of the function, and nothing else', () => {
    notifier();
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::IAM::Policy', 0);
    t.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    const policy = Object.values<any>(t.toJSON().Resources).find((r) => r.Type === 'AWS::IAM::ManagedPolicy');
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Sid: 'LookUpTheEventsBehindAnAlarm',
        Effect: 'Allow',
        Action: 'logs:FilterLogEvents',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:111122223333:log-group:', ref(logGroup)]] },
      },
      { Sid: 'PublishNotifications', Effect: 'Allow', Action: 'sns:Publish', Resource: [ref(people), ref(chat)] },
      { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^NotifierFunctionLogs/), 'Arn'] } },
      { Sid: 'KeepFailedInvocations', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^NotifierDeadLetterQueue/), 'Arn'] } },
      {
        Sid: 'UseTheTopicAndQueueKeys',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: [{ 'Fn::GetAtt': [expect.stringMatching(/^TopicKey/), 'Arn'] }, { 'Fn::GetAtt': [expect.stringMatching(/^NotifierKey/), 'Arn'] }],
        // only through SNS and SQS: the key may be the stack's one key, which also encrypts the trail and its log group
        Condition: { StringEquals: { 'kms:ViaService': ['sns.eu-west-1.amazonaws.com', 'sqs.eu-west-1.amazonaws.com'] } },
      },
    ]);
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }] },
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('encryptionKey: the queue and log group use the given key, which gets the notifier\'s statements; no key of its own', () => {
    // GIVEN the key that encrypts the alarm topic (CloudTrailAlarms passes the stack's one key)
    notifier({ encryptionKey: key });
    const t = Template.fromStack(stack);
    // THEN
    expect(Object.keys(t.findResources('AWS::KMS::Key'))).toEqual([expect.stringMatching(/^TopicKey/)]);
    t.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TopicKey'), 'Arn'] } });
    const statements = Object.values<any>(t.findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement;
    expect(statements.map((s: { Sid?: string }) => s.Sid)).toEqual([undefined, 'AllowCloudWatchLogsForTheNotifierLogGroup', 'AllowSnsToSendUndeliveredAlarmsToTheDeadLetterQueue']);
    // the alarm topic is encrypted with this key: it is named by its ARN built from its name, not by reference (a cycle)
    expect(statements[2].Condition).toEqual({
      ArnEquals: { 'aws:SourceArn': [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:eu-west-1:111122223333:*']] }] },
    });
    const policy = Object.values<any>(t.findResources('AWS::IAM::ManagedPolicy'))[0];
    const keyStatement = policy.Properties.PolicyDocument.Statement.find((s: { Sid: string }) => s.Sid === 'UseTheTopicAndQueueKeys');
    expect(keyStatement.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^TopicKey/), 'Arn'] });
  });

  test('encryptionKey imported from elsewhere: a warning names each statement to add to its policy', () => {
    notifier({ encryptionKey: kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555') });
    Annotations.fromStack(stack).hasWarning('/Stack/Notifier', Match.stringLikeRegexp("add statement 'AllowSnsToSendUndeliveredAlarmsToTheDeadLetterQueue' to it yourself"));
  });

  test('the errors alarm and the dead-letter alarm notify the people\'s topic directly', () => {
    const n = notifier();
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [ref(people)],
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'FILL(errors, 0) + FILL(failures, 0)' })]),
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [ref(people)],
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotifierDeadLetterQueue'), 'QueueName'] } }],
    });
    t.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: '{ $.level = "ERROR" }', LogGroupName: ref(n.lambdaFunction.logGroup as logs.LogGroup) });
  });

  test('addDetection restages the code with the new detection and adds its new topic to the environment and policy', () => {
    const n = notifier();
    const low = new sns.Topic(stack, 'Low', { enforceSSL: true });
    n.addDetection({
      detectionId: 'gpu-launches',
      title: 'GPU launches',
      severity: Severity.LOW,
      summary: 'Someone launched a GPU instance.',
      pattern: '{ $.eventName = RunInstances && $.requestParameters.instanceType = "p4d.*" }',
      metricNamespace: 'CloudTrailMetrics',
      metricName: 'GpuLaunchCount',
      notificationTopic: low,
    });
    const t = Template.fromStack(stack);
    const fn = Object.values<any>(t.toJSON().Resources).find((r) => r.Type === 'AWS::Lambda::Function');
    expect(fn.Properties.Environment.Variables.DELIVERY_TOPIC_ARNS).toEqual({ 'Fn::Join': ['', [ref(people), ',', ref(chat), ',', ref(low)]] });
    const asset = (fn.Properties.Code.S3Key as string).replace(/\.zip$/, '');
    const config = JSON.parse(fs.readFileSync(path.join(app.outdir, `asset.${asset}`, 'config.json'), 'utf8'));
    expect(config.detections.map((d: { id: string; topic: number }) => [d.id, d.topic])).toEqual([['root-account-usage', 0], ['gpu-launches', 2]]);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: 'sns:Publish', Resource: ref(low) }]) },
    });
  });

  test('reservedConcurrency reserves that many; 0 reserves none (never Lambda\'s 0, which stops the function); timeout is configurable', () => {
    notifier({ reservedConcurrency: 2, timeout: Duration.seconds(120) });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 2, Timeout: 120 });
    const other = new Stack(new App(), 'Other');
    new AlarmEventNotifier(other, 'Notifier', {
      logGroup: new logs.LogGroup(other, 'TrailLogs'),
      alarmTopics: [new sns.Topic(other, 'Graded')],
      notificationTopic: new sns.Topic(other, 'People'),
      detections: [],
      reservedConcurrency: 0,
    });
    Template.fromStack(other).hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: Match.absent() });
  });

  test('the function depends on its managed policy, and on its role only through the role ARN (no DependsOn cfn-lint W3005 would flag)', () => {
    notifier();
    const fn = Object.values<any>(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0];
    expect(fn.Properties.Role).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^NotifierServiceRole/), 'Arn'] });
    expect(fn.DependsOn).toEqual([expect.stringMatching(/^NotifierPolicy/)]);
  });

  test('a grant to the function still reaches its role', () => {
    const n = notifier();
    const extra = new kms.Key(stack, 'Extra');
    extra.grantDecrypt(n.lambdaFunction);
    const t = Template.fromStack(stack);
    const [id, policy] = Object.entries<any>(t.findResources('AWS::IAM::Policy'))[0];
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Extra/), 'Arn'] } },
    ]);
    expect(JSON.stringify(policy.Properties.Roles)).toMatch(/NotifierServiceRole/);
    expect(Object.values<any>(t.findResources('AWS::Lambda::Function'))[0].DependsOn).toContain(id);
  });

  test('fails if a topic it publishes to is also an alarm topic (it would receive its own messages)', () => {
    expect(() => notifier({ notificationTopic: graded })).toThrow(/Topic Stack\/Graded is both an alarm topic and a topic the notifier publishes to/);
  });

  test.each<[string, Partial<AlarmEventNotifierProps>, RegExp]>([
    ['alarmTopics', { alarmTopics: [] }, /`alarmTopics` is empty/],
    ['reservedConcurrency', { reservedConcurrency: -1 }, /`reservedConcurrency` must be a whole number of at least 1 \(executions reserved for the notifier\), or 0 or unset for none reserved, got -1\./],
    ['reservedConcurrency', { reservedConcurrency: 1.5 }, /`reservedConcurrency` must be a whole number of at least 1 .*got 1\.5\./],
    ['timeout', { timeout: Duration.seconds(5) }, /`timeout` must be between 15 seconds and 15 minutes .*got 5 seconds/],
    ['maxListedEvents', { maxListedEvents: 0 }, /`maxListedEvents` must be a whole number from 1 to 200, got 0/],
  ])('fails on an invalid %s, naming it and the value', (_name, over, message) => {
    expect(() => notifier(over)).toThrow(message);
  });

  test.each([
    ['AwsSolutions', () => new AwsSolutionsChecks()],
    ['NIST 800-53 R5', () => new NIST80053R5Checks()],
    ['HIPAA', () => new HIPAASecurityChecks()],
    ['PCI DSS 3.2.1', () => new PCIDSS321Checks()],
  ])('%s: no unacknowledged finding on the notifier', (_name, pack) => {
    const n = notifier();
    const report = pack().validateScope(n);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId).join(',')}`)).toEqual([]);
  });
});
