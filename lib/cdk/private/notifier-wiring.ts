// How CloudTrailAlarms wires the notifier: the notification topic it creates and the detections it passes.
import { Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { createAlarmTopic } from './alarm-topic';
import { Severity } from '../../catalogue/severity';
import { factsFromPlan } from '../../notifier/config';

/** One detection whose alarm notifications the notifier enriches. */
export interface NotifiedDetection {
  /** The detection id (catalogue id or custom id); selects the fields and advice from the catalogue. */
  readonly detectionId: string;
  /** Short title, used in the subject. */
  readonly title: string;
  /** Severity, shown in the subject. */
  readonly severity: Severity;
  /** What happened and why it matters. */
  readonly summary: string;
  /** The filter pattern exactly as deployed on the metric filter. */
  readonly pattern: string;
  /** Namespace of the metric the alarm watches. */
  readonly metricNamespace: string;
  /** Name of the metric the alarm watches (identifies the detection of an incoming alarm). */
  readonly metricName: string;
  /** Where the email for this detection goes (a topic people subscribe to, not an alarm topic). */
  readonly notificationTopic: sns.ITopic;
  /** The metric of the detection's graded twin, whose alarm the notifier keeps from people. */
  readonly gradedMetricName?: string;
}

/** The notifier's view of a planned detection (the catalogue summary for built-in ones). */
export function notifiedDetectionOf(
  plan: {
    id: string;
    title: string;
    severity: Severity;
    pattern: string;
    metricNamespace: string;
    metricName: string;
    alarmDescription: string;
    gradedTwin?: { readonly metricName: string; readonly metricNamespace: string };
  },
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
    ...(plan.gradedTwin ? { gradedMetricName: plan.gradedTwin.metricName } : {}),
  };
}

/**
 * The topic people subscribe to when the notifier is on: encrypted with `key` (the alarm topic's key, which CloudWatch
 * may already use) or a new key, and open to this account's CloudWatch alarms (the notifier's own alarms publish to it).
 */
export function createNotificationTopic(scope: Construct, key: kms.IKey | undefined, topicName?: string): sns.Topic {
  return createAlarmTopic(scope, {
    topicId: 'NotificationTopic',
    keyId: 'NotificationTopicKey',
    topicName,
    displayName: 'CloudTrail security notifications',
    keyDescription: 'Encrypts the CloudTrail security notification topic; CloudWatch alarms may use it to publish.',
    key,
  }).topic;
}

/**
 * A reserved concurrency Lambda accepts: a whole number of at least 1, or 0 for none reserved (unset). `prop` names
 * the property in the error.
 */
export function checkReservedConcurrency(prop: string, r: number | undefined): void {
  if (r === undefined || Token.isUnresolved(r)) return;
  if (!Number.isInteger(r) || r < 0) {
    throw new Error(
      `\`${prop}\` must be a whole number of at least 1 (executions reserved for the notifier), or 0 or unset for none reserved, got ${r}.`,
    );
  }
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const INVOKING_SERVICE = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$/;

/**
 * Checks the deployment roles and invoking services (`roles` and `services` name the properties in the errors): IAM
 * role ARNs (tokens are checked at deploy time), and service names such as 'cloudformation.amazonaws.com'. An empty
 * list would recognise nothing.
 */
export function checkDeploymentPrincipals(roles: [string, readonly string[] | undefined], services: [string, readonly string[] | undefined]): void {
  const [roleProp, roleArns] = roles;
  const [serviceProp, invokedBy] = services;
  if (roleArns !== undefined && roleArns.length === 0) {
    throw new Error(`\`${roleProp}\` is empty, so no deployment would be recognised; give the role CloudFormation deploys with, or turn the recognition off.`);
  }
  (roleArns ?? []).forEach((arn, i) => {
    if (!Token.isUnresolved(arn) && !ROLE_ARN.test(arn)) {
      throw new Error(
        `\`${roleProp}[${i}]\` must be an IAM role ARN such as 'arn:aws:iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-eu-west-1', got '${arn}'.`,
      );
    }
  });
  if (invokedBy !== undefined && invokedBy.length === 0) {
    throw new Error(`\`${serviceProp}\` is empty, so no deployment would be recognised; the default is ['cloudformation.amazonaws.com'].`);
  }
  (invokedBy ?? []).forEach((service, i) => {
    if (!Token.isUnresolved(service) && !INVOKING_SERVICE.test(service)) {
      throw new Error(`\`${serviceProp}[${i}]\` must be the name of the AWS service that makes the calls, such as 'cloudformation.amazonaws.com', got '${service}'.`);
    }
  });
}
