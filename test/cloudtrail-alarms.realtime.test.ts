import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CloudTrailAlarms, CloudTrailDetections, CloudTrailEventForwarder, DetectionCatalogue, DetectionId, LogFilterPattern, Severity } from '../lib';
import { evaluateCfn } from './support/cfn-values';
import { toEventPattern } from '../lib/targets/eventbridge';

const ENV = { account: '111122223333', region: 'eu-west-1' };
const TAMPER = ['trail-tampering', 'log-group-tampering', 'alarm-tampering', 'topic-tampering', 'key-tampering', 'notifier-tampering'];

const evaluate = (v: unknown) => evaluateCfn(v);

function build(props: ConstructorParameters<typeof CloudTrailAlarms>[2] = {}) {
  const stack = new Stack(new App(), 'Security', { env: ENV });
  const alarms = new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['secops@example.com'], realTime: true, ...props });
  const t = Template.fromStack(stack);
  /** The deployed metric filter pattern of a detection, parsed, with stand-ins for the deploy-time values. */
  const deployed = (id: string) => {
    const d = alarms.detection(id);
    const filter = Object.values(t.findResources('AWS::Logs::MetricFilter')).find(
      (f) => f.Properties.MetricTransformations[0].MetricName === d.metricFilter.metric().metricName,
    )!;
    return LogFilterPattern.parse(evaluate(filter.Properties.FilterPattern));
  };
  const physical = (type: string, prop: string) => Object.values(t.findResources(type)).map((r) => r.Properties[prop] as string).filter(Boolean);
  return { stack, alarms, t, deployed, physical };
}

const rec = (eventSource: string, eventName: string, requestParameters: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  eventSource,
  eventName,
  requestParameters,
  userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/Admin/mallory' },
  ...extra,
});

describe('CloudTrailAlarms with realTime', () => {
  test('one rule per detection, each sending to the notifier\'s real-time queue with the detection id', () => {
    const { alarms, t } = build();
    expect(alarms.detections).toHaveLength(23);
    expect(alarms.realTimeRules).toHaveLength(23);
    expect(alarms._realTime!.refused).toEqual([]);
    const queue = Object.keys(t.findResources('AWS::SQS::Queue')).find((k) => k.includes('RealTimeQueue'))!;
    const rules = Object.values(t.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(23);
    const ids = rules.map((r) => {
      expect(r.Properties.Targets).toHaveLength(1);
      expect(r.Properties.Targets[0].Arn).toEqual({ 'Fn::GetAtt': [queue, 'Arn'] });
      return /"detectionId":"([a-z0-9-]+)"/.exec(r.Properties.Targets[0].InputTransformer.InputTemplate)![1];
    });
    expect(ids.sort()).toEqual(alarms.detections.map((d) => d.detectionId).sort());
    // nothing reserved (the stack deploys in an account limited to 10); the queue is read by at most two batches at once
    t.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: Match.absent(), FunctionName: Match.stringLikeRegexp('-notifier$') });
    t.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 2 }, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    // the alarms stay: real time is added, nothing is replaced
    expect(alarms.detections.every((d) => d.alarm !== undefined)).toBe(true);
  });

  test('each rule\'s event pattern is the exact EventBridge twin of the deployed filter pattern (tamper patterns scoped)', () => {
    const { stack, alarms, t } = build();
    for (const d of alarms.detections) {
      const rule = Object.values(t.findResources('AWS::Events::Rule')).find((r) => r.Properties.Description.includes(`(${d.detectionId})`))!;
      const twin = toEventPattern(d.pattern.logPatternString);
      expect(twin.ok).toBe(true);
      expect(rule.Properties.EventPattern).toEqual(stack.resolve(twin.ok ? twin.eventPattern : undefined));
    }
  });

  test('the tamper-protection filters fire on this deployment\'s resources and not on others', () => {
    const { deployed, physical, t } = build();
    const trail = physical('AWS::CloudTrail::Trail', 'TrailName')[0];
    const logGroup = physical('AWS::Logs::LogGroup', 'LogGroupName').find((n) => n.startsWith('CloudTrail/'))!;
    const topics = physical('AWS::SNS::Topic', 'TopicName');
    const fn = physical('AWS::Lambda::Function', 'FunctionName')[0];
    const prefix = physical('AWS::CloudWatch::Alarm', 'AlarmName')[0].replace(/-[a-z0-9-]+$/, '');
    const keys = Object.keys(t.findResources('AWS::KMS::Key'));
    expect(topics).toHaveLength(2);
    const own = (id: string, record: object) => expect(deployed(id).matchesEvent(record)).toBe(true);
    const other = (id: string, record: object) => expect(deployed(id).matchesEvent(record)).toBe(false);

    own('trail-tampering', rec('cloudtrail.amazonaws.com', 'StopLogging', { name: trail }));
    own('trail-tampering', rec('cloudtrail.amazonaws.com', 'DeleteTrail', { name: `arn:aws:cloudtrail:eu-west-1:111122223333:trail/${trail}` }));
    own('trail-tampering', rec('cloudtrail.amazonaws.com', 'PutEventSelectors', { trailName: trail }));
    other('trail-tampering', rec('cloudtrail.amazonaws.com', 'StopLogging', { name: 'another-trail' }));

    own('log-group-tampering', rec('logs.amazonaws.com', 'DeleteMetricFilter', { logGroupName: logGroup, filterName: 'x' }));
    own('log-group-tampering', rec('logs.amazonaws.com', 'DisassociateKmsKey', { resourceIdentifier: `arn:aws:logs:eu-west-1:111122223333:log-group:${logGroup}` }));
    other('log-group-tampering', rec('logs.amazonaws.com', 'DeleteLogGroup', { logGroupName: '/aws/lambda/app' }));

    own('alarm-tampering', rec('monitoring.amazonaws.com', 'DisableAlarmActions', { alarmNames: ['app-latency', `${prefix}-root-account-usage`] }));
    own('alarm-tampering', rec('monitoring.amazonaws.com', 'SetAlarmState', { alarmName: `${prefix}-notifier-errors`, stateValue: 'OK' }));
    other('alarm-tampering', rec('monitoring.amazonaws.com', 'PutMetricAlarm', { alarmName: 'TargetTracking-table-AlarmHigh' }));

    for (const name of topics) {
      own('topic-tampering', rec('sns.amazonaws.com', 'SetTopicAttributes', { topicArn: `arn:aws:sns:eu-west-1:111122223333:${name}`, attributeName: 'Policy' }));
      own('topic-tampering', rec('sns.amazonaws.com', 'Unsubscribe', { subscriptionArn: `arn:aws:sns:eu-west-1:111122223333:${name}:0b9c3c6e-1234` }));
    }
    other('topic-tampering', rec('sns.amazonaws.com', 'DeleteTopic', { topicArn: 'arn:aws:sns:eu-west-1:111122223333:orders' }));

    // the stack's one key, which encrypts the trail, log group, topics and notifier (the key id is `<LogicalId>` here,
    // what `Ref` of a key gives)
    const scopedKeys = keys.filter((k) => deployed('key-tampering').matchesEvent(rec('kms.amazonaws.com', 'ScheduleKeyDeletion', { keyId: `<${k}>` })));
    expect(scopedKeys.map((k) => k.replace(/[0-9A-F]{8}$/, ''))).toEqual(['AlarmsTrailKey']);
    expect(scopedKeys).toEqual(keys);
    own('key-tampering', rec('kms.amazonaws.com', 'DisableKey', { keyId: `arn:aws:kms:eu-west-1:111122223333:key/<${scopedKeys[0]}>` }));
    other('key-tampering', rec('kms.amazonaws.com', 'DisableKey', { keyId: '1234abcd-12ab-34cd-56ef-1234567890ab' }));

    own('notifier-tampering', rec('lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', { functionName: fn }));
    own('notifier-tampering', rec('lambda.amazonaws.com', 'DeleteFunction20150331', { functionName: `arn:aws:lambda:eu-west-1:111122223333:function:${fn}` }));
    other('notifier-tampering', rec('lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', { functionName: 'app' }));
  });

  test('every tamper detection is scoped, with no warning; the catalogue keeps the unscoped patterns', () => {
    const { stack, alarms } = build();
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('tamper|unscoped'));
    expect(warnings).toEqual([]);
    for (const id of TAMPER) expect(alarms.detection(id).pattern.logPatternString).not.toBe(DetectionCatalogue.get(id as DetectionId).pattern);
  });

  test('exclusions on a tamper detection apply on top of the scope (the deployment role does not page)', () => {
    const { deployed, physical } = build({ overrides: [{ id: DetectionId.ALARM_TAMPERING, exclusions: { roleNames: ['cdk-hnb659fds-cfn-exec-role'] } }] });
    const prefix = physical('AWS::CloudWatch::Alarm', 'AlarmName')[0].replace(/-[a-z0-9-]+$/, '');
    const put = { alarmName: `${prefix}-vpc-changes` };
    expect(deployed('alarm-tampering').matchesEvent(rec('monitoring.amazonaws.com', 'PutMetricAlarm', put))).toBe(true);
    const byDeployRole = rec('monitoring.amazonaws.com', 'PutMetricAlarm', put, {
      userIdentity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/cdk-hnb659fds-cfn-exec-role/AWSCloudFormation',
        sessionContext: { sessionIssuer: { type: 'Role', userName: 'cdk-hnb659fds-cfn-exec-role' } },
      },
    });
    expect(deployed('alarm-tampering').matchesEvent(byDeployRole)).toBe(false);
    expect(deployed('alarm-tampering').matchesEvent(rec('monitoring.amazonaws.com', 'PutMetricAlarm', { alarmName: 'other' }))).toBe(false);
  });

  test('addDetection adds the rule too', () => {
    const stack = new Stack(new App(), 'Security', { env: ENV });
    const alarms = new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['secops@example.com'], realTime: true, profile: undefined });
    alarms.addDetection({ pattern: CloudTrailDetections.ec2LargeInstanceChanges({ instanceTypes: ['p4d.*'] }), detectionId: 'gpu-launches', metricName: 'GpuLaunchCount', severity: Severity.HIGH });
    expect(alarms.realTimeRules).toHaveLength(24);
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', { Description: Match.stringLikeRegexp('\\(gpu-launches\\), delivered in real time') });
  });

  test('two constructs in one app: their own names, rules and scopes; the app synthesizes', () => {
    const app = new App();
    const a = new CloudTrailAlarms(new Stack(app, 'A', { env: ENV }), 'Alarms', { emailAddresses: ['a@example.com'], realTime: true });
    // another namespace, or each event would be counted twice (the app-wide check says so)
    const b = new CloudTrailAlarms(new Stack(app, 'B', { env: ENV }), 'Alarms', { emailAddresses: ['b@example.com'], realTime: true, metricNamespace: 'CloudTrailMetricsB' });
    expect(() => app.synth()).not.toThrow();
    expect(a.alarmNamePrefix).not.toBe(b.alarmNamePrefix);
    const aAlarm = a.detection('alarm-tampering').pattern;
    expect(aAlarm.matchesEvent(rec('monitoring.amazonaws.com', 'DeleteAlarms', { alarmNames: [`${a.alarmNamePrefix}-vpc-changes`] }))).toBe(true);
    expect(aAlarm.matchesEvent(rec('monitoring.amazonaws.com', 'DeleteAlarms', { alarmNames: [`${b.alarmNamePrefix}-vpc-changes`] }))).toBe(false);
    expect(a.notifierFunction!.functionName).not.toBe(b.notifierFunction!.functionName);
  });

  test('an existing log group without a trail: trail tampering stays unscoped, with a warning that says so', () => {
    const stack = new Stack(new App(), 'Security', { env: ENV });
    new CloudTrailAlarms(stack, 'Alarms', {
      logGroup: logs.LogGroup.fromLogGroupName(stack, 'Trail', 'CloudTrail/DefaultLogGroup'),
      emailAddresses: ['secops@example.com'],
      realTime: true,
    });
    Annotations.fromStack(stack).hasWarning(
      '*',
      Match.stringLikeRegexp(
        '^trail-tampering: the scope names no resource \\(set trailNames or trailArns\\)\\. It stays unscoped and pages on every such change in the account\\. To scope it, give the construct the resource \\(`trail` instead of `logGroup`',
      ),
    );
  });

  test('forwarders in other Regions get the deployed patterns but the tamper-protection ones, and the app synthesizes', () => {
    const app = new App();
    const home = new Stack(app, 'Home', { env: ENV });
    const alarms = new CloudTrailAlarms(home, 'Alarms', {
      emailAddresses: ['secops@example.com'],
      realTime: true,
      overrides: [{ id: DetectionId.IAM_POLICY_CHANGES, exclusions: { roleNames: ['Deployer'] } }],
    });
    const forwarded = alarms.forwardedDetections();
    expect(forwarded.map((d) => d.id)).toEqual(alarms.detections.map((d) => d.detectionId).filter((id) => !TAMPER.includes(id)));
    // the deployed pattern, exclusion included
    expect(forwarded.find((d) => d.id === 'iam-policy-changes')!.pattern).toBe(alarms.detection('iam-policy-changes').pattern.logPatternString);
    const forwarders = ['us-east-1', 'eu-central-1'].map((region) => {
      const stack = new Stack(app, `Forwarder-${region}`, { env: { account: ENV.account, region } });
      return new CloudTrailEventForwarder(stack, 'Forwarder', { homeRegion: ENV.region, detections: forwarded });
    });
    // no reference crosses a Region: the app synthesizes
    expect(() => app.synth()).not.toThrow();
    for (const f of forwarders) expect(f.rules).toHaveLength(17);
  });

  test('an organization trail: the default bus accepts the organization\'s forwarded events; member accounts forward', () => {
    const app = new App();
    const management = new Stack(app, 'Management', { env: ENV });
    const alarms = new CloudTrailAlarms(management, 'Alarms', {
      emailAddresses: ['secops@example.com'],
      realTime: true,
      organizationTrail: true,
      organizationId: 'o-a1b2c3d4e5',
    });
    // a member account in the same Region forwards to the management account's bus
    const member = new Stack(app, 'Member', { env: { account: '444455556666', region: ENV.region } });
    const fwd = new CloudTrailEventForwarder(member, 'Forwarder', { homeRegion: ENV.region, homeAccount: ENV.account, detections: alarms.forwardedDetections() });
    expect(fwd.homeEventBusArn).toContain(':events:eu-west-1:111122223333:event-bus/default');
    expect(() => app.synth()).not.toThrow();
    Template.fromStack(management).hasResourceProperties('AWS::Events::EventBusPolicy', {
      EventBusName: 'default',
      Statement: {
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:111122223333:event-bus/default']] },
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      },
    });
  });

  test('an organization trail without organizationId: a warning that only this account is seen in real time', () => {
    const stack = new Stack(new App(), 'Management', { env: ENV });
    new CloudTrailAlarms(stack, 'Alarms', { emailAddresses: ['secops@example.com'], realTime: true, organizationTrail: true });
    Annotations.fromStack(stack).hasWarning('/Management/Alarms', Match.stringLikeRegexp('^`realTime` with `organizationTrail` sees in real time only the events of this account.*Set `organizationId`'));
    Template.fromStack(stack).resourceCountIs('AWS::Events::EventBusPolicy', 0);
  });

  test('notifierReservedConcurrency: 3 or more is reserved, 0 reserves none (as unset); 1 or 2 is refused with realTime', () => {
    build({ notifierReservedConcurrency: 4 }).t.hasResourceProperties('AWS::Lambda::Function', { FunctionName: Match.stringLikeRegexp('-notifier$'), ReservedConcurrentExecutions: 4 });
    const { t } = build({ notifierReservedConcurrency: 0 });
    t.hasResourceProperties('AWS::Lambda::Function', { FunctionName: Match.stringLikeRegexp('-notifier$'), ReservedConcurrentExecutions: Match.absent() });
    expect(() => build({ notifierReservedConcurrency: 2 })).toThrow(
      '`notifierReservedConcurrency` must be at least 3 with `realTime` (the real-time queue is read by up to 2 batches at once and alarms need one more), or unset for none reserved, got 2.',
    );
    expect(() => build({ notifierReservedConcurrency: 2.5 })).toThrow(
      '`notifierReservedConcurrency` must be a whole number of at least 1 (executions reserved for the notifier), or 0 or unset for none reserved, got 2.5.',
    );
    const stack = new Stack(new App(), 'Security', { env: ENV });
    expect(() => new CloudTrailAlarms(stack, 'Alarms', { eventDetails: false, notifierReservedConcurrency: 0 })).toThrow(
      '`notifierReservedConcurrency` only applies with `eventDetails` (there is no notifier without it); remove it, or remove `eventDetails: false`.',
    );
  });

  test('fails: realTime without eventDetails', () => {
    const stack = new Stack(new App(), 'Security', { env: ENV });
    expect(() => new CloudTrailAlarms(stack, 'Alarms', { realTime: true, eventDetails: false })).toThrow(
      '`realTime` needs `eventDetails`: the notifier sends the real-time messages. Remove `eventDetails: false`, or remove `realTime`.',
    );
  });
});
