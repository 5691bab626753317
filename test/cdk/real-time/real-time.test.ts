import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { CloudTrailEventForwarder, DetectionCatalogue, DetectionProfile } from '../../../lib';
import { scopeTamperPattern } from '../../../lib/catalogue/tamper-scope';
import { AlarmEventNotifier } from '../../../lib/cdk/private/alarm-notifier';
import { DetectionRules } from '../../../lib/cdk/private/detection-rules';

const ENV = { account: '111122223333', region: 'eu-west-1' };

function notifierStack(reservedConcurrency?: number) {
  const stack = new Stack(new App(), 'Home', { env: ENV });
  const notifier = new AlarmEventNotifier(stack, 'Notifier', {
    logGroup: new logs.LogGroup(stack, 'TrailLogs'),
    alarmTopics: [new sns.Topic(stack, 'AlarmTopic')],
    notificationTopic: new sns.Topic(stack, 'PeopleTopic'),
    detections: [],
    reservedConcurrency,
  });
  return { stack, notifier };
}

/** The logical id of the one resource of a type whose logical id starts with `prefix`. */
function logicalId(t: Template, type: string, prefix: string): string {
  const ids = Object.keys(t.findResources(type)).filter((k) => k.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0];
}

const recommended = DetectionCatalogue.list(DetectionProfile.RECOMMENDED).map((d) => ({ id: d.id, pattern: d.pattern, title: d.title }));

describe('DetectionRules (real-time delivery in the stack Region)', () => {
  test('one rule per detection with the compiled pattern, targeting the notifier with the detection id', () => {
    const { stack, notifier } = notifierStack();
    const rules = new DetectionRules(stack, 'RealTime', { detections: recommended, notifier });
    expect(rules.rules).toHaveLength(23);
    expect(rules.refused).toEqual([]);
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Events::Rule', 23);
    // the root-account rule: its pattern, the default bus (no EventBusName), state ENABLED
    t.hasResourceProperties('AWS::Events::Rule', {
      Description: 'cdk-cloudtrail-alarms: Root user activity (root-account-usage), delivered in real time',
      State: 'ENABLED',
      EventBusName: Match.absent(),
      EventPattern: {
        'source': [{ prefix: 'aws.' }],
        'detail-type': Match.arrayWith(['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail']),
        'detail': { userIdentity: { type: ['Root'], invokedBy: [{ exists: false }] }, eventType: [{ 'anything-but': 'AwsServiceEvent' }] },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalId(t, 'AWS::SQS::Queue', 'NotifierRealTimeQueue'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(t, 'AWS::SQS::Queue', 'NotifierDeadLetterQueue'), 'Arn'] } },
          InputTransformer: {
            InputPathsMap: Match.objectLike({ 'detail': '$.detail', 'id': '$.id', 'region': '$.region', 'detail-type': '$.detail-type' }),
            InputTemplate: Match.stringLikeRegexp('"source":"cdk-cloudtrail-alarms.real-time","detectionId":"root-account-usage","event":\\{"id":<id>,.*"detail":<detail>\\}'),
          },
        }),
      ],
    });
  });

  test('the rules send to the notifier\'s encrypted real-time queue, which only they may use; the function reads it in batches', () => {
    const { stack, notifier } = notifierStack();
    new DetectionRules(stack, 'RealTime', { detections: recommended.slice(0, 3), notifier });
    const t = Template.fromStack(stack);
    const rules = Object.keys(t.findResources('AWS::Events::Rule')).sort();
    const ruleArns = (v: unknown) => (v as Array<{ 'Fn::GetAtt': [string, string] }>).map((a) => a['Fn::GetAtt'][0]).sort();
    // no direct invocation: nothing but the queue's event source mapping invokes the function
    t.resourceCountIs('AWS::Lambda::Permission', 1); // the SNS subscription's
    const queue = logicalId(t, 'AWS::SQS::Queue', 'NotifierRealTimeQueue');
    const dlq = logicalId(t, 'AWS::SQS::Queue', 'NotifierDeadLetterQueue');
    t.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotifierKey'), 'Arn'] }, RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 5 } });
    for (const q of [queue, dlq]) {
      const policy = Object.values(t.findResources('AWS::SQS::QueuePolicy')).find((p) => JSON.stringify(p.Properties.Queues).includes(q))!;
      const statement = policy.Properties.PolicyDocument.Statement.find((st: { Principal?: { Service?: string } }) => st.Principal?.Service === 'events.amazonaws.com');
      expect(statement).toMatchObject({ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [q, 'Arn'] } });
      expect(ruleArns(statement.Condition.ArnEquals['aws:SourceArn'])).toEqual(rules);
    }
    const key = Object.values(t.findResources('AWS::KMS::Key')).find((k) => JSON.stringify(k.Properties.KeyPolicy).includes('AllowTheDetectionRulesToUseTheQueueKey'))!;
    const keyStatement = key.Properties.KeyPolicy.Statement.find((st: { Sid?: string }) => st.Sid === 'AllowTheDetectionRulesToUseTheQueueKey');
    expect(keyStatement).toMatchObject({ Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'] });
    // the key cannot name the rules (they refer to the queue, which refers to the key): rules of this account and Region
    expect(keyStatement.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '111122223333' },
      ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:111122223333:rule/*']] } },
    });
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
      FunctionName: { Ref: Match.stringLikeRegexp('^NotifierFunction') },
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'ReadTheRealTimeQueue', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'], Resource: { 'Fn::GetAtt': [queue, 'Arn'] } }),
        ]),
      },
    });
    // no concurrency is reserved: the event source mapping's maximum concurrency (2) is what bounds the queue's batches
    t.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: Match.absent() });
  });

  test('a reserved concurrency of at least 3 is kept with real time', () => {
    const { stack, notifier } = notifierStack(3);
    new DetectionRules(stack, 'RealTime', { detections: recommended.slice(0, 1), notifier });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 3 });
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 2 } });
  });

  test('fails: a notifier whose reserved concurrency leaves no room for the queue batches', () => {
    const { stack, notifier } = notifierStack(1);
    expect(() => new DetectionRules(stack, 'RealTime', { detections: recommended.slice(0, 1), notifier })).toThrow(
      /Real-time delivery needs a `reservedConcurrency` of at least 3, or none reserved \(unset\): the queue is read by up to 2 concurrent batches and alarms need one more, got 1\./,
    );
  });

  test('tamper-protection rules carry the scoped pattern: only this deployment\'s trail and topics', () => {
    const { stack, notifier } = notifierStack();
    const trail = scopeTamperPattern('trail-tampering', { trailNames: ['alarms-trail'] });
    new DetectionRules(stack, 'RealTime', { detections: [{ id: 'trail-tampering', pattern: trail.pattern }], notifier });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        detail: {
          eventSource: ['cloudtrail.amazonaws.com'],
          eventName: ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors'],
          // the name, or an ARN ending with :trail/<name>, in either field
          $or: [
            { requestParameters: { name: ['alarms-trail', { suffix: ':trail/alarms-trail' }] } },
            { requestParameters: { trailName: ['alarms-trail', { suffix: ':trail/alarms-trail' }] } },
          ],
        },
      },
    });
  });

  test('scopes built from CDK tokens (a topic created in the stack) resolve inside the event pattern', () => {
    const { stack, notifier } = notifierStack();
    const topic = new sns.Topic(stack, 'Alarms');
    const scoped = scopeTamperPattern('topic-tampering', { topicArns: [topic.topicArn] });
    new DetectionRules(stack, 'RealTime', { detections: [{ id: 'topic-tampering', pattern: scoped.pattern }], notifier });
    const topicRef = { Ref: Match.stringLikeRegexp('^Alarms') };
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        detail: Match.objectLike({
          $or: [
            { requestParameters: { topicArn: [topicRef] } },
            { requestParameters: { subscriptionArn: [{ prefix: { 'Fn::Join': ['', [topicRef, ':']] } }] } },
          ],
        }),
      },
    });
  });

  test('read-only management events on request; rule names from a prefix', () => {
    const { stack, notifier } = notifierStack();
    new DetectionRules(stack, 'RealTime', { detections: recommended.slice(0, 1), notifier, includeReadOnlyManagementEvents: true, ruleNamePrefix: 'ct-' });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', { State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS', Name: 'ct-root-account-usage' });
  });

  test('a detection without an exact EventBridge pattern gets no rule, a warning and an entry in refused', () => {
    const { stack, notifier } = notifierStack();
    const rules = new DetectionRules(stack, 'RealTime', {
      detections: [recommended[0], { id: 'custom-regex', pattern: '{ $.eventName = %^Delete% }' }],
      notifier,
    });
    expect(rules.refused).toEqual([{ id: 'custom-regex', reason: '$.eventName = %^Delete%: EventBridge patterns have no regular expressions' }]);
    Template.fromStack(stack).resourceCountIs('AWS::Events::Rule', 1);
    Annotations.fromStack(stack).hasWarning('/Home/RealTime', Match.stringLikeRegexp("Detection 'custom-regex' has no real-time rule: .*regular expressions"));
  });

  test('fails: a detection twice, a bad prefix, a bad retry count', () => {
    const { stack, notifier } = notifierStack();
    expect(() => new DetectionRules(stack, 'A', { detections: [recommended[0], recommended[0]], notifier })).toThrow(/detection 'root-account-usage' is listed twice/);
    expect(() => new DetectionRules(stack, 'B', { detections: [], notifier, ruleNamePrefix: 'bad prefix' })).toThrow(/ruleNamePrefix must be at most 40 characters of \[.-_A-Za-z0-9\], got 'bad prefix'/);
    expect(() => new DetectionRules(stack, 'C', { detections: [], notifier, retryAttempts: 500 })).toThrow(/retryAttempts must be an integer from 0 to 185, got 500/);
  });
});

describe('CloudTrailEventForwarder (other Regions -> the home Region bus)', () => {
  const forwarderStack = (region = 'us-east-1') => new Stack(new App(), 'Fwd', { env: { account: ENV.account, region } });

  test('one rule per detection targeting the home default bus through a role that may only PutEvents there', () => {
    const stack = forwarderStack();
    const fwd = new CloudTrailEventForwarder(stack, 'Forwarder', { homeRegion: 'eu-west-1' });
    // the recommended detections but the six tamper-protection ones (their resources are in the home Region)
    expect(fwd.rules).toHaveLength(17);
    expect(fwd.rules.some((r) => (r.node.defaultChild as any).description.includes('tampering'))).toBe(false);
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Events::Rule', 17);
    t.resourceCountIs('AWS::IAM::Role', 1);
    const busArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:111122223333:event-bus/default']] };
    t.hasResourceProperties('AWS::Events::Rule', {
      Description: 'cdk-cloudtrail-alarms: forwards Console sign-in without MFA (console-sign-in-without-mfa) events to eu-west-1',
      EventPattern: Match.objectLike({ detail: Match.objectLike({ eventName: ['ConsoleLogin'] }) }),
      Targets: [{ Arn: busArn, Id: Match.anyValue(), RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ForwarderRole'), 'Arn'] } }],
    });
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Action: 'sts:AssumeRole', Principal: { Service: 'events.amazonaws.com' } })] },
    });
    // a customer managed policy on the role (no inline policy: NIST 800-53, HIPAA and PCI IAMNoInlinePolicy)
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^ForwarderRole') }],
      PolicyDocument: { Statement: [{ Sid: 'PutEventsOnTheHomeBus', Action: 'events:PutEvents', Effect: 'Allow', Resource: busArn }] },
    });
    // nothing else may be granted
    t.resourceCountIs('AWS::IAM::Policy', 0);
    t.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
  });

  test.each([
    ['AwsSolutions', () => new AwsSolutionsChecks()],
    ['NIST 800-53 R5', () => new NIST80053R5Checks()],
    ['HIPAA Security', () => new HIPAASecurityChecks()],
    ['PCI DSS 3.2.1', () => new PCIDSS321Checks()],
  ])('%s reports no finding on the forwarder', (_name, pack) => {
    const stack = forwarderStack();
    new CloudTrailEventForwarder(stack, 'Forwarder', { homeRegion: 'eu-west-1' });
    const report = pack().validateScope(stack);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  test('given detections only; another home account', () => {
    const stack = forwarderStack('ap-southeast-2');
    new CloudTrailEventForwarder(stack, 'Forwarder', { homeRegion: 'eu-west-1', homeAccount: '444455556666', detections: recommended.slice(0, 2) });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Events::Rule', 2);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:444455556666:event-bus/default']] } })] },
    });
  });

  test('fails: the home Region itself, a malformed Region, a China destination', () => {
    expect(() => new CloudTrailEventForwarder(forwarderStack('eu-west-1'), 'F', { homeRegion: 'eu-west-1' })).toThrow(/the stack is in the home Region eu-west-1 of the home account; a forwarder belongs in the other Regions and accounts/);
    expect(() => new CloudTrailEventForwarder(forwarderStack(), 'F', { homeRegion: 'Ireland' })).toThrow(/homeRegion must be a Region code such as 'us-east-1', got 'Ireland'/);
    expect(() => new CloudTrailEventForwarder(forwarderStack(), 'F', { homeRegion: 'cn-north-1' })).toThrow(/China Regions cannot be the destination/);
  });

  test('a stack without an explicit Region gets a warning', () => {
    const stack = new Stack(new App(), 'Agnostic');
    new CloudTrailEventForwarder(stack, 'F', { homeRegion: 'eu-west-1', detections: recommended.slice(0, 1) });
    Annotations.fromStack(stack).hasWarning('/Agnostic/F', Match.stringLikeRegexp('no explicit Region'));
  });
});
