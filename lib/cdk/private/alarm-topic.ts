// Internal (not exported from lib/index.ts): an SNS topic that this account's CloudWatch alarms may publish to,
// encrypted with a customer managed key they may use. Both topics of CloudTrailAlarms (the alarm topic and the
// notification topic) are made here.
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** How one alarm topic is made. */
export interface AlarmTopicOptions {
  /** Construct id of the topic. */
  readonly topicId: string;
  /** Construct id of the key, when one is created. */
  readonly keyId: string;
  readonly topicName?: string;
  readonly displayName: string;
  /** Description of the key, when one is created. */
  readonly keyDescription: string;
  /** A key to encrypt the topic with instead of a new one (its policy must already let CloudWatch use it: `allowAlarmsToUseKey`). */
  readonly key?: kms.IKey;
}

/** Only alarms of this account and Region (confused-deputy protection, as AWS recommends for encrypted topics). */
const FROM_THIS_ACCOUNTS_ALARMS = {
  StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
  ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
};

/** Keys whose policy already lets this account's alarms use them. */
const ALARM_KEYS = new WeakSet<kms.IKey>();

/**
 * Lets CloudWatch alarms of this account and Region use the key to publish to topics it encrypts (once per key).
 * Without this, CloudWatch cannot publish to the encrypted topic and notifications are dropped silently.
 */
export function allowAlarmsToUseKey(key: kms.IKey): void {
  if (ALARM_KEYS.has(key)) return;
  ALARM_KEYS.add(key);
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToUseTheKey',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: FROM_THIS_ACCOUNTS_ALARMS,
    }),
  );
}

export function createAlarmTopic(scope: Construct, o: AlarmTopicOptions): { topic: sns.Topic; key: kms.IKey } {
  let key = o.key;
  if (!key) {
    const created = new kms.Key(scope, o.keyId, { description: o.keyDescription, enableKeyRotation: true });
    allowAlarmsToUseKey(created);
    key = created;
  }
  const topic = new sns.Topic(scope, o.topicId, { topicName: o.topicName, displayName: o.displayName, masterKey: key, enforceSSL: true });
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsOfThisAccountToPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: FROM_THIS_ACCOUNTS_ALARMS,
    }),
  );
  return { topic, key };
}
