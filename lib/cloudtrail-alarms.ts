import { Annotations, Aws, Token } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { Severity } from './catalogue/severity';
import { comparisonOperatorOf, periodOf, PlannedDetection, planFromProps, treatMissingDataOf } from './detection-plan';
import { DetectionSelectionProps, SeverityTopics } from './detection-settings';
import { LogFilterPattern } from './log-filter-pattern';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Properties of `CloudTrailAlarms`. Every property is optional; the defaults create a complete, safe setup. */
export interface CloudTrailAlarmsProps extends DetectionSelectionProps {
  /**
   * An existing log group that an existing trail already delivers to (e.g.
   * `LogGroup.fromLogGroupName(this, 'Trail', 'CloudTrail/DefaultLogGroup')`). No trail is created.
   * Mutually exclusive with `trail`.
   * @default - a new multi-Region trail and log group are created
   */
  readonly logGroup?: logs.ILogGroup;
  /**
   * An existing trail created with `sendToCloudWatchLogs: true`; the filters go on its log group.
   * Mutually exclusive with `logGroup`.
   * @default - a new multi-Region trail and log group are created
   */
  readonly trail?: cloudtrail.Trail;
  /**
   * Retention of the log group the construct creates. Only applies when the construct creates the trail.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The SNS topic alarms notify.
   * @default - a new topic encrypted with a new customer managed KMS key that CloudWatch may use
   */
  readonly topic?: sns.ITopic;
  /**
   * Email addresses subscribed to the main topic. Each address must confirm the subscription.
   * @default - no email subscriptions
   */
  readonly emailAddresses?: string[];
  /**
   * Topics per severity; each falls back to the main topic.
   * @default - every alarm notifies the main topic
   */
  readonly severityTopics?: SeverityTopics;
  /**
   * Also notify when an alarm returns to OK.
   * @default false
   */
  readonly okActions?: boolean;
}

/** The resources created for one detection. */
export interface DetectionAlarm {
  /** The detection id. */
  readonly detectionId: string;
  /** Severity, as used for routing. */
  readonly severity: Severity;
  /** The filter pattern, as deployed. */
  readonly pattern: LogFilterPattern;
  /** The metric filter on the CloudTrail log group. */
  readonly metricFilter: logs.MetricFilter;
  /** The filter's metric with the alarm's statistic and period (the one the alarm uses). */
  readonly metric: cloudwatch.Metric;
  /** The alarm. */
  readonly alarm: cloudwatch.Alarm;
  /** Graders this detection's pattern passes (after any exclusions). */
  readonly graders: string[];
}

/**
 * CloudTrail security alarms: a trail delivering to CloudWatch Logs, and for each detection a metric filter, a metric
 * and an alarm that notifies an SNS topic.
 *
 * @example
 * new CloudTrailAlarms(this, 'SecurityAlarms', { emailAddresses: ['secops@example.com'] });
 */
export class CloudTrailAlarms extends Construct {
  /** The log group the metric filters are on. */
  public readonly logGroup: logs.ILogGroup;
  /** The trail, when the construct created it or was given one. */
  public readonly trail?: cloudtrail.Trail;
  /** The main notification topic. */
  public readonly topic: sns.ITopic;
  /** The KMS key of the topic, when the construct created the topic. */
  public readonly topicKey?: kms.IKey;
  /** The detections, in stack order. */
  public readonly detections: DetectionAlarm[];

  constructor(scope: Construct, id: string, props: CloudTrailAlarmsProps = {}) {
    super(scope, id);
    this.validateWiring(props);
    const plans = planFromProps(props);

    if (props.logGroup) {
      this.logGroup = props.logGroup;
    } else if (props.trail) {
      if (!props.trail.logGroup) {
        throw new Error(
          '`trail` has no CloudWatch Logs delivery: create it with `sendToCloudWatchLogs: true`, or pass its log group as `logGroup` instead.',
        );
      }
      this.trail = props.trail;
      this.logGroup = props.trail.logGroup;
    } else {
      const created = this.createTrail(props);
      this.trail = created.trail;
      this.logGroup = created.logGroup;
    }

    if (props.topic) {
      this.topic = props.topic;
    } else {
      const created = this.createTopic();
      this.topic = created.topic;
      this.topicKey = created.key;
    }
    for (const address of props.emailAddresses ?? []) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(address));
    }
    if (!props.topic && (props.emailAddresses ?? []).length === 0 && !props.severityTopics) {
      Annotations.of(this).addWarningV2(
        'cloudtrail-alarms:noSubscribers',
        'The alarm topic has no subscriptions: alarms will fire but nobody is told. Set `emailAddresses`, pass a `topic`, or subscribe to `topic` yourself.',
      );
    }

    const filters = new Construct(this, 'MetricFilters');
    const alarms = new Construct(this, 'Alarms');
    this.detections = plans.map((plan) => this.createDetection(plan, filters, alarms, props));
  }

  /**
   * The resources of one detection.
   * @throws Error naming the detections when the id is unknown
   */
  public detection(detectionId: string): DetectionAlarm {
    const found = this.detections.find((d) => d.detectionId === detectionId);
    if (!found) {
      throw new Error(`No detection '${detectionId}' in ${this.node.path}. Its detections are: ${this.detections.map((d) => d.detectionId).join(', ')}.`);
    }
    return found;
  }

  private validateWiring(props: CloudTrailAlarmsProps): void {
    if (props.logGroup && props.trail) {
      throw new Error(
        'Pass either `logGroup` (an existing trail already delivers to it) or `trail` (an existing trail with CloudWatch Logs delivery), not both. Omit both to create a new trail.',
      );
    }
    if ((props.logGroup || props.trail) && props.logRetention !== undefined) {
      throw new Error(
        '`logRetention` only applies to the log group this construct creates; with `logGroup` or `trail` set, configure retention where that log group is defined.',
      );
    }
    (props.emailAddresses ?? []).forEach((address, i) => {
      if (!Token.isUnresolved(address) && !EMAIL.test(address)) {
        throw new Error(`\`emailAddresses[${i}]\` must be an email address such as secops@example.com, got '${address}'.`);
      }
    });
    const seen = new Set<string>();
    for (const address of props.emailAddresses ?? []) {
      if (Token.isUnresolved(address)) continue;
      if (seen.has(address.toLowerCase())) throw new Error(`\`emailAddresses\` lists '${address}' twice; remove the duplicate.`);
      seen.add(address.toLowerCase());
    }
  }

  private createTrail(props: CloudTrailAlarmsProps): { trail: cloudtrail.Trail; logGroup: logs.LogGroup } {
    const accessLogs = new s3.Bucket(this, 'TrailAccessLogsBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    });
    const bucket = new s3.Bucket(this, 'TrailBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    });
    // server access logging of the trail bucket, granted with a bucket policy (not the legacy LogDeliveryWrite ACL)
    const prefix = 'cloudtrail-bucket/';
    accessLogs.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowS3ServerAccessLogsFromTheTrailBucket',
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [accessLogs.arnForObjects(`${prefix}*`)],
        conditions: {
          ArnLike: { 'aws:SourceArn': bucket.bucketArn },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );
    (bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
      destinationBucketName: accessLogs.bucketName,
      logFilePrefix: prefix,
    };
    const logGroup = new logs.LogGroup(this, 'TrailLogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    });
    const trail = new cloudtrail.Trail(this, 'Trail', {
      bucket,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      managementEvents: cloudtrail.ReadWriteType.ALL,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: logGroup,
    });
    return { trail, logGroup };
  }

  private createTopic(): { topic: sns.Topic; key: kms.Key } {
    const key = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the CloudTrail security alarm topic; CloudWatch alarms may use it to publish.',
      enableKeyRotation: true,
    });
    // without this, CloudWatch cannot publish to the encrypted topic and notifications are dropped silently
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    const topic = new sns.Topic(this, 'Topic', {
      displayName: 'CloudTrail security alarms',
      masterKey: key,
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
    return { topic, key };
  }

  private topicFor(severity: Severity, props: CloudTrailAlarmsProps): sns.ITopic {
    const routed = props.severityTopics;
    const byseverity: Record<Severity, sns.ITopic | undefined> = {
      [Severity.HIGH]: routed?.high,
      [Severity.MEDIUM]: routed?.medium,
      [Severity.LOW]: routed?.low,
    };
    return byseverity[severity] ?? this.topic;
  }

  private createDetection(plan: PlannedDetection, filters: Construct, alarms: Construct, props: CloudTrailAlarmsProps): DetectionAlarm {
    const key = pascal(plan.id);
    const metricFilter = new logs.MetricFilter(filters, key, {
      logGroup: this.logGroup,
      filterPattern: plan.filterPattern,
      metricNamespace: plan.metricNamespace,
      metricName: plan.metricName,
      metricValue: plan.metricValue,
    });
    const metric = metricFilter.metric({ statistic: plan.statistic, period: periodOf(plan) });
    const alarm = new cloudwatch.Alarm(alarms, key, {
      metric,
      alarmName: plan.alarmName,
      alarmDescription: plan.alarmDescription,
      threshold: plan.threshold,
      evaluationPeriods: plan.evaluationPeriods,
      datapointsToAlarm: plan.datapointsToAlarm,
      comparisonOperator: comparisonOperatorOf(plan),
      treatMissingData: treatMissingDataOf(plan),
      actionsEnabled: true,
    });
    const action = new cwActions.SnsAction(this.topicFor(plan.severity, props));
    alarm.addAlarmAction(action);
    if (props.okActions) alarm.addOkAction(action);
    for (const w of plan.warnings) Annotations.of(alarm).addWarningV2(w.id, w.message);
    return {
      detectionId: plan.id,
      severity: plan.severity,
      pattern: plan.filterPattern,
      metricFilter,
      metric,
      alarm,
      graders: [...plan.graders],
    };
  }
}

function pascal(id: string): string {
  return id
    .split('-')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

