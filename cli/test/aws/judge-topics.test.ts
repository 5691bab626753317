/** Topic judgement on hand-built snapshots: subscriptions, the notifier chain, KMS key policies. No moto. */
import { judgeTopic, keyPolicyVerdict, NOTIFIER_DELIVERY_ENV, NOTIFIER_ROLE_TAG } from 'cdk-cloudtrail-alarms/lib/audit/judge-topics';
import { AlarmEventNotifier } from 'cdk-cloudtrail-alarms/lib/cdk/private/alarm-notifier';
import { ACCOUNT, emailTopic, REGION, snapshot, topicArn } from './snapshot-builder';
import { CallProblem } from '../../src/aws/calls';

const FN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:notifier`;
const notifierFn = (delivery: string[], tags: Record<string, string> = { [NOTIFIER_ROLE_TAG]: 'notifier' }) => ({
  arn: FN,
  tags,
  environment: { [NOTIFIER_DELIVERY_ENV]: delivery.join(',') },
});
const lambdaTopic = (name: string) => ({ arn: topicArn(name), attributes: {}, subscriptions: [{ arn: `${topicArn(name)}:s1`, protocol: 'lambda', endpoint: FN }] });

describe('subscriptions', () => {
  test('a topic with a confirmed subscription reaches people', () => {
    const t = emailTopic('a', ['secops@example.com']);
    const r = judgeTopic(snapshot({ topics: { [t.arn]: t } }), t.arn, []);
    expect(r).toMatchObject({ confirmedSubscriptions: 1, pendingSubscriptions: 0, findings: [] });
  });

  test('only pending subscriptions: no-confirmed-subscription, saying whom to ask', () => {
    const t = emailTopic('a', [], ['secops@example.com', 'oncall@example.com']);
    const r = judgeTopic(snapshot({ topics: { [t.arn]: t } }), t.arn, []);
    expect(r.findings).toEqual([
      {
        code: 'no-confirmed-subscription',
        message: `topic ${t.arn} has no confirmed subscription: nobody receives the alarm. confirm the subscription sent to secops@example.com; confirm the subscription sent to oncall@example.com`,
      },
    ]);
    expect(r.pendingEndpoints).toEqual(['secops@example.com', 'oncall@example.com']);
  });

  test('confirmed and pending: covered, with an informational subscription-pending', () => {
    const t = emailTopic('a', ['secops@example.com'], ['new@example.com']);
    const r = judgeTopic(snapshot({ topics: { [t.arn]: t } }), t.arn, []);
    expect(r.findings).toEqual([{ code: 'subscription-pending', message: `topic ${t.arn}: confirm the subscription sent to new@example.com` }]);
  });

  test('subscriptions that could not be listed: no finding (the failed call is a problem), counts unknown', () => {
    const arn = topicArn('a');
    const r = judgeTopic(snapshot({ topics: { [arn]: { arn, attributes: {} } } }), arn, []);
    expect(r).toMatchObject({ confirmedSubscriptions: undefined, findings: [] });
  });
});

describe('the notifier chain (contract: tag cdk-cloudtrail-alarms:role=notifier, env DELIVERY_TOPIC_ARNS)', () => {
  test("the audit's names for the contract are the notifier construct's", () => {
    expect(NOTIFIER_ROLE_TAG).toBe(AlarmEventNotifier.ROLE_TAG_KEY);
  });

  test('alarm topic -> notifier -> delivery topic with a confirmed subscription: reaches people', () => {
    const delivery = emailTopic('delivery', ['secops@example.com']);
    const s = snapshot({ topics: { [topicArn('graded')]: lambdaTopic('graded'), [delivery.arn]: delivery }, functions: { [FN]: notifierFn([delivery.arn]) } });
    const r = judgeTopic(s, topicArn('graded'), []);
    expect(r.findings).toEqual([]);
    const deliveryTopics = [expect.objectContaining({ arn: delivery.arn, confirmedSubscriptions: 1, findings: [] })];
    expect(r.notifiers).toEqual([{ function: FN, delivers: true, deliveryTopics }]);
  });

  test('the notifier delivers only to topics whose subscriptions are pending: notifier-not-delivering, naming the address', () => {
    const delivery = emailTopic('delivery', [], ['secops@example.com']);
    const s = snapshot({ topics: { [topicArn('graded')]: lambdaTopic('graded'), [delivery.arn]: delivery }, functions: { [FN]: notifierFn([delivery.arn]) } });
    const r = judgeTopic(s, topicArn('graded'), []);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0].code).toBe('notifier-not-delivering');
    expect(r.findings[0].message).toBe(
      `topic ${topicArn('graded')} reaches nobody through the notifier: notifier ${FN} delivers to ${delivery.arn} (topic ${delivery.arn} has no confirmed subscription: nobody receives the alarm. confirm the subscription sent to secops@example.com)`,
    );
  });

  test('a notifier with an empty DELIVERY_TOPIC_ARNS reaches nobody', () => {
    const s = snapshot({ topics: { [topicArn('graded')]: lambdaTopic('graded') }, functions: { [FN]: notifierFn([]) } });
    expect(judgeTopic(s, topicArn('graded'), []).findings[0].message).toMatch(/notifier .* has no delivery topic \(DELIVERY_TOPIC_ARNS is empty\)/);
  });

  test('a Lambda subscriber that is not the notifier counts as a subscriber, as Security Hub counts it', () => {
    const s = snapshot({ topics: { [topicArn('graded')]: lambdaTopic('graded') }, functions: { [FN]: notifierFn([], { team: 'x' }) } });
    expect(judgeTopic(s, topicArn('graded'), []).findings).toEqual([]);
  });

  test('a notifier publishing back to its own topic is not followed in circles', () => {
    const s = snapshot({ topics: { [topicArn('graded')]: lambdaTopic('graded') }, functions: { [FN]: notifierFn([topicArn('graded')]) } });
    expect(judgeTopic(s, topicArn('graded'), []).findings.map((f) => f.code)).toEqual(['notifier-not-delivering']);
  });
});

describe('KMS key policies', () => {
  const policy = (Action: unknown, Principal: unknown = { Service: 'cloudwatch.amazonaws.com' }) => JSON.stringify({ Statement: [{ Effect: 'Allow', Principal, Action, Resource: '*' }] });
  test('verdicts', () => {
    expect(keyPolicyVerdict(policy(['kms:Decrypt', 'kms:GenerateDataKey*']))).toBe('allows');
    expect(keyPolicyVerdict(policy('kms:*'))).toBe('allows');
    expect(keyPolicyVerdict(policy('kms:Decrypt'))).toBe('denies');
    expect(keyPolicyVerdict(policy(['kms:Decrypt', 'kms:GenerateDataKey*'], { Service: 'sns.amazonaws.com' }))).toBe('denies');
    expect(keyPolicyVerdict('not json')).toBe('unparsable');
    expect(keyPolicyVerdict({ Statement: [] } as any)).toBe('unparsable');
  });

  test('an unparsable key policy is a problem (cannot judge), not a denial', () => {
    const key = `arn:aws:kms:${REGION}:${ACCOUNT}:key/k1`;
    const t = emailTopic('a', ['secops@example.com'], [], { KmsMasterKeyId: key });
    const problems: CallProblem[] = [];
    const r = judgeTopic(snapshot({ topics: { [t.arn]: t }, keys: { [key]: { id: key, policy: '{not json' } } }), t.arn, problems);
    expect(r.findings).toEqual([]);
    expect(r.keyAllowsCloudWatch).toBeUndefined();
    expect(problems).toEqual([{ region: REGION, action: 'kms:GetKeyPolicy', kind: 'cannot-judge', message: expect.stringMatching(/^the key policy of .*k1 \(topic .*\) is not a JSON policy document the audit can read/) }]);
  });

  test('a policy that does not let CloudWatch use the key is kms-key-denies-cloudwatch; alias/aws/sns always is', () => {
    const key = `arn:aws:kms:${REGION}:${ACCOUNT}:key/k1`;
    const t = emailTopic('a', ['secops@example.com'], [], { KmsMasterKeyId: key });
    const denied = judgeTopic(snapshot({ topics: { [t.arn]: t }, keys: { [key]: { id: key, policy: policy('kms:Decrypt') } } }), t.arn, []);
    expect(denied.findings.map((f) => f.code)).toEqual(['kms-key-denies-cloudwatch']);
    const managed = emailTopic('b', ['secops@example.com'], [], { KmsMasterKeyId: 'alias/aws/sns' });
    expect(judgeTopic(snapshot({ topics: { [managed.arn]: managed } }), managed.arn, []).findings[0].message).toMatch(/AWS managed key alias\/aws\/sns/);
  });
});
