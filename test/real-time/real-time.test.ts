import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CloudTrailEventForwarder, DetectionCatalogue, DetectionProfile, DetectionRules } from '../../lib';
import { scopeTamperPattern } from '../../lib/catalogue/tamper-scope';

const ENV = { account: '111122223333', region: 'eu-west-1' };

function notifierStack() {
  const stack = new Stack(new App(), 'Home', { env: ENV });
  const notifier = new lambda.Function(stack, 'Notifier', {
    runtime: lambda.Runtime.NODEJS_20_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
  return { stack, notifier };
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
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Notifier'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
          InputTransformer: {
            InputPathsMap: Match.objectLike({ 'detail': '$.detail', 'id': '$.id', 'region': '$.region', 'detail-type': '$.detail-type' }),
            InputTemplate: Match.stringLikeRegexp(`"source":"${DetectionRules.INPUT_SOURCE}","detectionId":"root-account-usage","event":\\{"id":<id>,.*"detail":<detail>\\}`),
          },
        }),
      ],
    });
  });

  test('each rule may invoke the notifier: one lambda permission per rule, principal events.amazonaws.com, source ARN the rule', () => {
    const { stack, notifier } = notifierStack();
    new DetectionRules(stack, 'RealTime', { detections: recommended.slice(0, 3), notifier });
    const t = Template.fromStack(stack);
    const perms = t.findResources('AWS::Lambda::Permission');
    expect(Object.keys(perms)).toHaveLength(3);
    const rules = Object.keys(t.findResources('AWS::Events::Rule')).sort();
    const sources = Object.values(perms).map((p) => {
      expect(p.Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com', FunctionName: { 'Fn::GetAtt': [expect.stringMatching(/^Notifier/), 'Arn'] } });
      return p.Properties.SourceArn['Fn::GetAtt'][0];
    });
    expect(sources.sort()).toEqual(rules);
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
          $or: [{ requestParameters: { name: ['alarms-trail'] } }, { requestParameters: { trailName: ['alarms-trail'] } }],
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
    expect(fwd.rules).toHaveLength(23);
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Events::Rule', 23);
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
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: busArn }] },
    });
    // nothing else may be granted
    expect(Object.keys(t.findResources('AWS::IAM::Policy'))).toHaveLength(1);
  });

  test('given detections only; another home account', () => {
    const stack = forwarderStack('ap-southeast-2');
    new CloudTrailEventForwarder(stack, 'Forwarder', { homeRegion: 'eu-west-1', homeAccount: '444455556666', detections: recommended.slice(0, 2) });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Events::Rule', 2);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:444455556666:event-bus/default']] } })] },
    });
  });

  test('fails: the home Region itself, a malformed Region, a China destination', () => {
    expect(() => new CloudTrailEventForwarder(forwarderStack('eu-west-1'), 'F', { homeRegion: 'eu-west-1' })).toThrow(/the stack is in the home Region eu-west-1; a forwarder belongs in the other Regions/);
    expect(() => new CloudTrailEventForwarder(forwarderStack(), 'F', { homeRegion: 'Ireland' })).toThrow(/homeRegion must be a Region code such as 'us-east-1', got 'Ireland'/);
    expect(() => new CloudTrailEventForwarder(forwarderStack(), 'F', { homeRegion: 'cn-north-1' })).toThrow(/China Regions cannot be the destination/);
  });

  test('a stack without an explicit Region gets a warning', () => {
    const stack = new Stack(new App(), 'Agnostic');
    new CloudTrailEventForwarder(stack, 'F', { homeRegion: 'eu-west-1', detections: recommended.slice(0, 1) });
    Annotations.fromStack(stack).hasWarning('/Agnostic/F', Match.stringLikeRegexp('no explicit Region'));
  });
});
