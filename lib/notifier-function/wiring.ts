// How CloudTrailAlarms wires the notifier: the notification topic it creates and the detections it passes.
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { NotifiedDetection } from '../alarm-notifier';
import { Severity } from '../catalogue/severity';
import { factsFromPlan } from '../notifier/config';

/** The notifier's view of a planned detection (the catalogue summary for built-in ones). */
export function notifiedDetectionOf(
  plan: { id: string; title: string; severity: Severity; pattern: string; metricNamespace: string; metricName: string; alarmDescription: string },
  notificationTopic: sns.ITopic,
): NotifiedDetection {
  const facts = factsFromPlan(plan);
  return {
    detectionId: facts.id,
    title: facts.title,
    severity: plan.severity,
    summary: facts.summary,
    pattern: facts.pattern,
    metricNamespace: facts.metricNamespace,
    metricName: facts.metricName,
    notificationTopic,
  };
}

/**
 * The topic people subscribe to when the notifier is on: encrypted with `key` (the alarm topic's key, which CloudWatch
 * may already use) or a new key, and open to this account's CloudWatch alarms (the notifier's own alarms publish to it).
 */
export function createNotificationTopic(scope: Construct, key: kms.IKey | undefined, topicName?: string): sns.Topic {
  let topicKey = key;
  if (!topicKey) {
    const created = new kms.Key(scope, 'NotificationTopicKey', {
      description: 'Encrypts the CloudTrail security notification topic; CloudWatch alarms may use it to publish.',
      enableKeyRotation: true,
    });
    created.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
        },
      }),
    );
    topicKey = created;
  }
  const topic = new sns.Topic(scope, 'NotificationTopic', {
    topicName,
    displayName: 'CloudTrail security notifications',
    masterKey: topicKey,
    enforceSSL: true,
  });
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsOfThisAccountToPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
      },
    }),
  );
  return topic;
}
