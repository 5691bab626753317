import { Annotations, Aws, DefaultStackSynthesizer, Duration, Fn, Names, Stack, Token, Tokenization, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { CloudTrailDetectionAlarm, DetectionAlarmOptions } from './cloudtrail-detection-alarm';
import { DetectionSelectionProps, SeverityTopics } from './detection-settings';
import { AlarmEventNotifier, ExpectedDeployment } from './private/alarm-notifier';
import { allowAlarmsToUseKey, createAlarmTopic } from './private/alarm-topic';
import { registerAppChecks } from './private/app-checks';
import { Severity } from '../catalogue/severity';
import { isTamperDetection, TamperScope } from '../catalogue/tamper-scope';
import type { DetectionPlanContext } from './private/detection-alarm-placement';
import { MAX_METRIC_FILTERS_PER_LOG_GROUP, PlannedDetection, planFromProps } from './private/detection-plan';
import { REAL_TIME_RESERVED_CONCURRENCY } from '../notifier/real-time';
import { DetectionRules } from './private/detection-rules';
import { checkDeploymentPrincipals, checkReservedConcurrency, createNotificationTopic, notifiedDetectionOf } from './private/notifier-wiring';
import { RealTimeDetection } from './real-time-detection';

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
   * Say that the construct should create its own trail: the account and Region have no trail to reuse. The first copy
   * of management events in an account is free; each further trail that records them costs $2.00 per 100,000 events
   * (us-east-1 list price; docs/cost.md), so when neither this nor `trail` or `logGroup` is given, a synth warning
   * (`cloudtrail-alarms:newTrail`) asks whether an existing trail, such as an organization or AWS Control Tower trail,
   * could be reused. `false` requires `trail` or `logGroup`.
   * @default - a trail is created when neither `trail` nor `logGroup` is given, with the synth warning
   */
  readonly createTrail?: boolean;
  /**
   * Retention of the log group the construct creates. Only applies when the construct creates the trail.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Name of the trail the construct creates. The name is fixed at synth time so that the key and bucket policies can
   * name this trail in `aws:SourceArn`.
   * @default - a name unique to this construct, from its path (`Names.uniqueResourceName`)
   */
  readonly trailName?: string;
  /**
   * Name of the log group the construct creates. The name is fixed at synth time so that the log group key's policy
   * can be limited to this log group (`kms:EncryptionContext:aws:logs:arn`).
   * @default - `CloudTrail/${trailName}`
   */
  readonly logGroupName?: string;
  /**
   * The customer managed KMS key that encrypts the log files of the trail the construct creates (and is the trail
   * bucket's default encryption). Its key policy must let `cloudtrail.amazonaws.com` use `kms:GenerateDataKey*` and
   * `kms:DescribeKey` for this trail, and your readers `kms:Decrypt` (see docs/security-model.md).
   * @default - the stack's one key (a key of its own with `keyPerResource`), with rotation on and AWS's documented
   * CloudTrail key policy statements
   */
  readonly trailKey?: kms.IKey;
  /**
   * The customer managed KMS key that encrypts the log group the construct creates. Its key policy must let
   * `logs.<region>.amazonaws.com` use it for this log group.
   * @default - the stack's one key (a key of its own with `keyPerResource`), with rotation on, which CloudWatch Logs
   * may use for this log group only
   */
  readonly logGroupKey?: kms.IKey;
  /**
   * One customer managed KMS key per resource: the trail's log files, the log group, the alarm topic (shared with the
   * notification topic) and the notifier each get a key of their own, as before this option existed. Each key costs
   * $1 a month, and $1 more for each of its first two yearly rotations (us-east-1 list prices, see docs/cost.md).
   * `trailKey`, `logGroupKey` and your own `topic` still replace the keys they name.
   * @default false - one key for the stack: it encrypts the trail's log files and bucket, the log group, the topics and
   * the notifier's queues and logs, with one key policy statement per service, each with the conditions (aws:SourceArn,
   * aws:SourceAccount, kms:EncryptionContext) a key of its own would have
   */
  readonly keyPerResource?: boolean;
  /**
   * Lifecycle rules of the trail bucket the construct creates. Pass `[]` for none.
   * @default - noncurrent object versions expire after 90 days, incomplete multipart uploads are aborted after 7 days;
   * current log files are kept (set a retention that meets your compliance rules)
   */
  readonly trailBucketLifecycleRules?: s3.LifecycleRule[];
  /**
   * Lifecycle rules of the server access log bucket the construct creates. Pass `[]` for none.
   * @default - access logs expire after 365 days, noncurrent versions after 30 days, incomplete multipart uploads are
   * aborted after 7 days
   */
  readonly accessLogsBucketLifecycleRules?: s3.LifecycleRule[];
  /**
   * Create an organization trail: it logs the events of every account of the AWS Organization into this account's
   * bucket and log group. Deploy the stack in the management account, or in a delegated administrator account for
   * CloudTrail (then set `organizationManagementAccountId`), with trusted access for CloudTrail enabled in
   * AWS Organizations.
   * @default false
   */
  readonly organizationTrail?: boolean;
  /**
   * The organization id (`o-...`), to limit the trail bucket's organization write statement to
   * `AWSLogs/<organizationId>/*`. Only with `organizationTrail`.
   * @default - `AWSLogs/o-*` (the statement is still limited to this trail by `aws:SourceArn`)
   */
  readonly organizationId?: string;
  /**
   * The management account of the organization, when the stack deploys the organization trail from a delegated
   * administrator account: the management account owns the trail, so its ARN (used in `aws:SourceArn`) carries that
   * account id. Only with `organizationTrail`.
   * @default - this stack's account (the stack deploys to the management account)
   */
  readonly organizationManagementAccountId?: string;
  /**
   * The SNS topic alarms notify.
   * @default - a new topic encrypted with the stack's one customer managed KMS key (its own key with `keyPerResource`),
   * which CloudWatch alarms of this account may use
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
  /**
   * Add the CloudTrail events behind each alarm to its notification. The alarms keep notifying `topic` (Security Hub,
   * Prowler and Steampipe require an SNS topic with a confirmed subscriber there); a function subscribed to it looks the
   * events up with FilterLogEvents and publishes one message per state change, with who did what, to
   * `notificationTopic` (or the detection's severity topic), where people subscribe. `false` gives the plain setup:
   * people subscribe to `topic` and get CloudWatch's own alarm message.
   * @default true
   */
  readonly eventDetails?: boolean;
  /**
   * With `eventDetails`, the topic people subscribe to (`emailAddresses` are subscribed to it). Must not be `topic`.
   * @default - a new topic, encrypted with the stack's one key (with `keyPerResource`, the alarm topic's key, or a new
   * key when `topic` is given)
   */
  readonly notificationTopic?: sns.ITopic;
  /**
   * With `eventDetails`, a topic that also gets each notification in the AWS Chatbot (Amazon Q Developer in chat
   * applications) custom notification format, for Slack or Microsoft Teams.
   * @default - no chat notifications
   */
  readonly chatbotTopic?: sns.ITopic;
  /**
   * Also deliver every detection in real time: one EventBridge rule per detection, with the exact EventBridge twin of
   * its filter pattern, sends the matching CloudTrail events to the notifier, which sends the same who-did-what
   * message within seconds of the call (one message per event, or one digest when many events of a detection arrive
   * at once). The alarms stay: they are what graders check, and what still works if the rules are deleted.
   * Needs `eventDetails`. Rules see the events of this stack's Region only (IAM, STS and console sign-in events arrive
   * in us-east-1): deploy a `CloudTrailEventForwarder` in each other Region.
   * @default false
   */
  readonly realTime?: boolean;
  /**
   * Recognise the stack's own deployments: a change that the stack's CloudFormation deployment makes to the
   * construct's own trail, log group, alarms, topics, keys or notifier (every `cdk deploy` that touches an alarm calls
   * `PutMetricAlarm` on it) is reported by the notifier as an expected change, at low severity to the LOW topic
   * (`severityTopics.low`, else `notificationTopic`) and naming the stack, instead of paging HIGH. The same change by
   * any other principal, or by a person who assumed the deployment role, still pages HIGH. A change is the
   * deployment's when its session was issued for one of `deploymentRoleArns` AND one of `deploymentInvokedBy` made the
   * call. What someone holding the deployment role could then do unnoticed, and how to tighten it, is in
   * docs/security-model.md ("Changes made by the deployment"). Needs `eventDetails` (the notifier decides).
   * @default true
   */
  readonly recognizeDeployments?: boolean;
  /**
   * The roles CloudFormation deploys this stack with, as IAM role ARNs (see `recognizeDeployments`).
   * @default - the CloudFormation execution role of the stack's synthesizer (`DefaultStackSynthesizer`:
   * `cdk-<qualifier>-cfn-exec-role-<account>-<region>`); a synthesizer without one (`CliCredentialsStackSynthesizer`,
   * `LegacyStackSynthesizer`) names none, and a synth warning says the deployments will page
   */
  readonly deploymentRoleArns?: string[];
  /**
   * The services that make a deployment's calls (`userIdentity.invokedBy`, or `sourceIPAddress` for an AWS service;
   * see `recognizeDeployments`).
   * @default ['cloudformation.amazonaws.com']
   */
  readonly deploymentInvokedBy?: string[];
  /**
   * Reserved concurrency of the notifier function: a whole number of at least 1 reserves (and caps) that many
   * concurrent executions. Lambda refuses a reservation that leaves the account less unreserved concurrency than its
   * minimum, so an account limited to 10 concurrent executions (new accounts) cannot reserve any and the deployment
   * would fail there. With `realTime` it must be at least 3 (two queue batches and one alarm). 0 is accepted and means
   * none reserved, as unset (it never becomes Lambda's 0, which would stop the function).
   * @default - none reserved: the stack deploys in any account. The real-time queue is read by at most 2 batches at
   * once (the event source mapping's maximum concurrency) and a retried state change is not published twice
   */
  readonly notifierReservedConcurrency?: number;
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
  /** The KMS key of the trail's log files, when the construct created the trail (the stack's one key by default). */
  public readonly trailKey?: kms.IKey;
  /** The KMS key of the log group, when the construct created it (the stack's one key by default). */
  public readonly logGroupKey?: kms.IKey;
  /** The KMS key of the topic, when the construct created the topic (the stack's one key by default). */
  public readonly topicKey?: kms.IKey;
  /**
   * The one customer managed key the construct created for the stack's encryption (trail, log group, topics,
   * notifier); undefined with `keyPerResource`, or when every encrypted resource was given.
   */
  public readonly encryptionKey?: kms.IKey;
  /** The topic people subscribe to: `notificationTopic` with `eventDetails`, `topic` without. */
  public readonly notificationTopic: sns.ITopic;
  /** The function that adds the CloudTrail events to each notification (with `eventDetails`). */
  public readonly notifierFunction?: lambda.IFunction;
  /** The detections, in stack order (including those added with `addDetection`). */
  public readonly detections: CloudTrailDetectionAlarm[];
  /** The EventBridge rules of real-time delivery, one per detection with an exact EventBridge twin (empty without `realTime`). */
  public readonly realTimeRules: events.IRule[];
  /**
   * The notifier construct (with `eventDetails`).
   * @internal
   */
  public readonly _notifier?: AlarmEventNotifier;
  /**
   * The real-time rules construct (with `realTime`).
   * @internal
   */
  public readonly _realTime?: DetectionRules;
  /**
   * The prefix of the physical alarm names (`<prefix>-<detection id>`): `alarmNamePrefix`, or one derived from the
   * construct's path. The alarms are named so that the tamper-protection detections can name them.
   */
  public readonly alarmNamePrefix: string;

  private readonly filtersScope: Construct;
  private readonly alarmsScope: Construct;
  private readonly detectionsScope: Construct;
  private readonly planContext: DetectionPlanContext;
  private readonly routing: { readonly severityTopics?: SeverityTopics; readonly okActions?: boolean };
  private readonly plans: PlannedDetection[];
  private readonly eventDetails: boolean;
  /** The name of the log group the construct created (known at synth time, unlike `logGroup.logGroupName`). */
  private readonly createdLogGroupName?: string;
  private readonly keyPerResource: boolean;
  private sharedKey?: kms.Key;

  constructor(scope: Construct, id: string, props: CloudTrailAlarmsProps = {}) {
    super(scope, id);
    this.validateWiring(props);
    registerAppChecks(this);
    // one name for the alarms and the notifier, unique in the app, so that tamper protection can name them
    const baseName = Names.uniqueResourceName(this, { maxLength: 48 });
    this.alarmNamePrefix = props.alarmNamePrefix ?? baseName;
    this.eventDetails = props.eventDetails ?? true;
    this.keyPerResource = props.keyPerResource ?? false;
    const notifierFunctionName = this.eventDetails ? `${baseName}-notifier` : undefined;

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
      if (props.createTrail === undefined) {
        Annotations.of(this).addWarningV2(
          'cloudtrail-alarms:newTrail',
          'This construct creates a new trail. If the account already has one recording management events (an organization or AWS Control Tower trail, or another stack\'s), this second copy costs $2.00 per 100,000 events, $20 per million (the first copy is free; us-east-1 list prices, docs/cost.md): reuse it with `trail`, or with `logGroup`, the log group it delivers to. If this is the only trail, set `createTrail: true`.',
        );
      }
      const created = this.createTrail(props);
      this.trail = created.trail;
      this.logGroup = created.logGroup;
      this.trailKey = created.trailKey;
      this.logGroupKey = created.logGroupKey;
      this.createdLogGroupName = created.logGroupName;
    }

    if (props.topic) {
      this.topic = props.topic;
    } else {
      const created = this.createTopic(`${baseName}-alarms`);
      this.topic = created.topic;
      this.topicKey = created.key;
    }
    // with eventDetails people subscribe to the notification topic; the alarm topic's subscriber is the notifier
    this.notificationTopic = this.eventDetails
      ? (props.notificationTopic ?? createNotificationTopic(this, this.keyPerResource ? this.topicKey : this.topicKeyFor('NotificationTopicKey'), `${baseName}-notifications`))
      : this.topic;
    for (const address of props.emailAddresses ?? []) {
      this.notificationTopic.addSubscription(new subscriptions.EmailSubscription(address));
    }
    if (this.eventDetails && props.topic) {
      Annotations.of(this).addWarningV2(
        'cloudtrail-alarms:alarmTopicSubscribers',
        'With `eventDetails`, the notifier subscribes to `topic` and publishes to `notificationTopic`: people still subscribed to `topic` get CloudWatch\'s own alarm message as well. Subscribe them to `notificationTopic` instead.',
      );
    }
    if (!props.topic && !props.notificationTopic && !props.chatbotTopic && (props.emailAddresses ?? []).length === 0 && !props.severityTopics) {
      Annotations.of(this).addWarningV2(
        'cloudtrail-alarms:noSubscribers',
        this.eventDetails
          ? 'The notification topic has no subscriptions: alarms will fire but nobody is told. Set `emailAddresses`, pass a `notificationTopic`, or subscribe to `notificationTopic` yourself.'
          : 'The alarm topic has no subscriptions: alarms will fire but nobody is told. Set `emailAddresses`, pass a `topic`, or subscribe to `topic` yourself.',
      );
    }

    // each detection is a CloudTrailDetectionAlarm (under Detections/) whose filter and alarm keep their historical
    // paths MetricFilters/<Key> and Alarms/<Key>, so that logical ids do not change
    this.filtersScope = new Construct(this, 'MetricFilters');
    this.alarmsScope = new Construct(this, 'Alarms');
    this.detectionsScope = new Construct(this, 'Detections');
    const scoping = { tamperScope: this.tamperScope(props, notifierFunctionName), tamperScopeOptions: { lengthOf: deployedLength } };
    this.planContext = { profile: props.profile, metricNamespace: props.metricNamespace, alarmNamePrefix: this.alarmNamePrefix, ...scoping };
    this.routing = { severityTopics: props.severityTopics, okActions: props.okActions };
    const plans = planFromProps({ ...props, alarmNamePrefix: this.alarmNamePrefix }, scoping);
    this.plans = [...plans];
    this.detections = plans.map((plan) => this.createDetection(plan, this.filtersScope, this.alarmsScope, props));
    if (this.eventDetails) {
      this._notifier = new AlarmEventNotifier(this, 'Notifier', {
        logGroup: this.logGroup,
        alarmTopics: [this.topic],
        notificationTopic: this.notificationTopic,
        chatbotTopic: props.chatbotTopic,
        metricNamespace: props.metricNamespace,
        functionName: notifierFunctionName,
        alarmNamePrefix: this.alarmNamePrefix,
        reservedConcurrency: props.notifierReservedConcurrency,
        // the stack's one key when there is one; else (everything else given, or keyPerResource) a key of its own
        encryptionKey: this.keyPerResource ? undefined : this.sharedKey,
        deployment: this.expectedDeployment(props, plans),
        detections: plans.map((plan) => notifiedDetectionOf(plan, this.deliveryTopicFor(plan.severity, props))),
      });
      this.notifierFunction = this._notifier.lambdaFunction;
      if (props.realTime) {
        this._realTime = new DetectionRules(this, 'RealTime', {
          notifier: this._notifier,
          detections: plans.map((plan) => ({ id: plan.id, pattern: plan.pattern, title: plan.title })),
        });
        if (props.organizationTrail) this.acceptOrganizationEvents(props.organizationId);
      }
    }
    // the rules construct's own list: rules added later by addDetection appear here too
    this.realTimeRules = this._realTime?.rules ?? [];
  }

  /**
   * The stack's own deployment for the notifier (`recognizeDeployments`): its roles (by default the synthesizer's
   * CloudFormation execution role, resolved at deploy time), the invoking services, the LOW delivery topic and the
   * stack name. Undefined when recognition is off, or when no role is known (then a warning, if a tamper-protection
   * detection would page on the deployments).
   */
  private expectedDeployment(props: CloudTrailAlarmsProps, plans: readonly PlannedDetection[]): ExpectedDeployment | undefined {
    if (props.recognizeDeployments === false) return undefined;
    const roleArns = props.deploymentRoleArns ?? synthesizerDeploymentRoles(Stack.of(this));
    if (roleArns.length === 0) {
      if (plans.some((p) => isTamperDetection(p.id))) {
        Annotations.of(this).addWarningV2(
          'cloudtrail-alarms:deploymentRoleUnknown',
          'The stack\'s synthesizer names no CloudFormation execution role, so changes the stack\'s own deployments make to its alarms, filters, topics, keys or trail will page HIGH through the tamper-protection detections. Set `deploymentRoleArns` to the role CloudFormation deploys with, or `recognizeDeployments: false` to page on them.',
        );
      }
      return undefined;
    }
    return {
      roleArns,
      invokedBy: props.deploymentInvokedBy,
      topic: this.deliveryTopicFor(Severity.LOW, props),
    };
  }

  /**
   * An organization trail logs every account's events, but EventBridge gets each event only in the account where it
   * happened: member accounts forward theirs (`CloudTrailEventForwarder` with `homeAccount`) to this account's
   * default bus, which then must accept PutEvents from the organization's accounts.
   */
  private acceptOrganizationEvents(organizationId: string | undefined): void {
    if (organizationId === undefined) {
      Annotations.of(this).addWarningV2(
        'cloudtrail-alarms:realTimeOrganization',
        '`realTime` with `organizationTrail` sees in real time only the events of this account: EventBridge delivers an event only in the account where it happened. Set `organizationId` so that this account\'s default event bus accepts the events that a `CloudTrailEventForwarder` (with `homeAccount`) in each member account forwards.',
      );
      return;
    }
    new events.CfnEventBusPolicy(this, 'OrganizationForwarders', {
      statementId: `${Names.uniqueResourceName(this, { maxLength: 40 })}-org-forwarders`,
      eventBusName: 'default',
      statement: {
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: `arn:${Aws.PARTITION}:events:${Stack.of(this).region}:${Stack.of(this).account}:event-bus/default`,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
      },
    });
  }

  /**
   * This deployment's own resources, by the names and ARNs CloudTrail records carry: the tamper-protection detections
   * are limited to them. Names set at synth time where the construct creates the resource (trail, log group, alarms,
   * notifier); tokens (topic ARNs, key ids) resolve at deploy time.
   */
  private tamperScope(props: CloudTrailAlarmsProps, notifierFunctionName: string | undefined): TamperScope {
    const trailNames: string[] = [];
    const trailArns: string[] = [];
    if (this.trail) {
      // the name matches the ARN too; the ARN is named only when the name is not known
      const cfn = this.trail.node.defaultChild;
      if (cfn instanceof cloudtrail.CfnTrail) trailNames.push(cfn.trailName ?? cfn.ref);
      else trailArns.push(this.trail.trailArn);
    }
    const topics: sns.ITopic[] = [];
    const routed = props.severityTopics;
    for (const t of [this.topic, this.notificationTopic, routed?.high, routed?.medium, routed?.low, props.chatbotTopic]) {
      if (t && !topics.includes(t)) topics.push(t);
    }
    const keys: kms.IKey[] = [];
    for (const k of [this.trailKey, this.logGroupKey, ...topics.map((t) => t.masterKey)]) if (k && !keys.includes(k)) keys.push(k);
    // alarms named outside the prefix (an `alarmName` of their own)
    const named = [...(props.overrides ?? []), ...(props.customDetections ?? [])]
      .map((o) => o.alarmName)
      .filter((n): n is string => typeof n === 'string' && !n.startsWith(`${this.alarmNamePrefix}-`));
    return {
      trailNames,
      trailArns,
      logGroupNames: [this.createdLogGroupName ?? this.logGroup.logGroupName],
      alarmNamePrefixes: [`${this.alarmNamePrefix}-`],
      alarmNames: named,
      // the topics this construct created are named; the others are known by their ARN
      topicNames: topics.filter((t) => t instanceof sns.Topic && t.node.scope === this).map((t) => (t.node.defaultChild as sns.CfnTopic).topicName!),
      topicArns: topics.filter((t) => !(t instanceof sns.Topic && t.node.scope === this)).map((t) => t.topicArn),
      keyIds: keys.map((k) => k.keyId),
      functionNames: notifierFunctionName ? [notifierFunctionName] : [],
      unscopedAdvice:
        'To scope it, give the construct the resource (`trail` instead of `logGroup`; `eventDetails` for the notifier); to stop it, disable the detection in `overrides`.',
    };
  }

  /**
   * Adds one detection after construction (a catalogue `detection` or your own `pattern`), with the same validation
   * and defaults as the detections given in the props; `profile`, `metricNamespace`, `alarmNamePrefix` and
   * `okActions` default to this construct's.
   *
   * @throws Error naming the property when the options are invalid, or when the id, metric or alarm name is taken
   * @example
   * alarms.addDetection({
   *   pattern: CloudTrailDetections.ec2LargeInstanceChanges({ instanceTypes: ['p4d.*'] }),
   *   detectionId: 'gpu-launches',
   *   metricName: 'GpuLaunchCount',
   *   severity: Severity.HIGH,
   * });
   */
  public addDetection(options: DetectionAlarmOptions): CloudTrailDetectionAlarm {
    if (options.pattern !== undefined && options.detectionId === undefined) {
      throw new Error('`detectionId` is required with `pattern` in `addDetection`: a stable kebab-case id such as \'gpu-launches\'.');
    }
    const plan = CloudTrailDetectionAlarm._plan(options, undefined, this.planContext);
    const taken = (what: string, same: (p: PlannedDetection) => boolean) => {
      const other = this.plans.find(same);
      if (other) throw new Error(`\`addDetection\`: ${what} is already used by detection '${other.id}' in ${this.node.path}; choose another.`);
    };
    taken(`detection id '${plan.id}'`, (p) => p.id === plan.id);
    if (!Token.isUnresolved(plan.metricName) && !Token.isUnresolved(plan.metricNamespace)) {
      taken(`metric '${plan.metricNamespace}/${plan.metricName}'`, (p) => p.metricNamespace === plan.metricNamespace && p.metricName === plan.metricName);
    }
    if (plan.alarmName !== undefined && !Token.isUnresolved(plan.alarmName)) taken(`alarm name '${plan.alarmName}'`, (p) => p.alarmName === plan.alarmName);
    if (this.plans.length + 1 > MAX_METRIC_FILTERS_PER_LOG_GROUP) {
      throw new Error(
        `\`addDetection\`: ${this.node.path} already has ${this.plans.length} metric filters on its log group; CloudWatch Logs allows at most ${MAX_METRIC_FILTERS_PER_LOG_GROUP}.`,
      );
    }
    this.plans.push(plan);
    const detection = this.createDetection(plan, this.filtersScope, this.alarmsScope, {
      severityTopics: this.routing.severityTopics,
      okActions: options.okActions ?? this.routing.okActions,
    });
    this.detections.push(detection);
    this._notifier?.addDetection(notifiedDetectionOf(plan, this.deliveryTopicFor(plan.severity, this.routing)));
    this._realTime?.addDetection({ id: plan.id, pattern: plan.pattern, title: plan.title });
    return detection;
  }

  /**
   * The detections a `CloudTrailEventForwarder` in another Region should forward to this stack's Region: every
   * detection but the tamper-protection ones, whose resources (this trail, log group, alarms, topics, keys and
   * notifier) live in this Region, so that calls on them are made, and reach EventBridge, here. Their patterns are the
   * deployed ones (exclusions applied) and hold no deploy-time values, so another Region's stack can use them.
   *
   * @example
   * new CloudTrailEventForwarder(usEast1Stack, 'Forwarder', { homeRegion: 'eu-west-1', detections: alarms.forwardedDetections() });
   */
  public forwardedDetections(): RealTimeDetection[] {
    return this.detections
      .filter((d) => !isTamperDetection(d.detectionId))
      .map((d) => {
        const pattern = d.pattern.logPatternString;
        if (Token.isUnresolved(pattern)) {
          throw new Error(`Detection '${d.detectionId}' has a pattern with deploy-time values; it cannot be used by a stack in another Region.`);
        }
        return { id: d.detectionId, pattern, title: this.plans.find((p) => p.id === d.detectionId)?.title };
      });
  }

  /**
   * The resources of one detection.
   * @throws Error naming the detections when the id is unknown
   */
  public detection(detectionId: string): CloudTrailDetectionAlarm {
    const found = this.detections.find((d) => d.detectionId === detectionId);
    if (!found) {
      throw new Error(`No detection '${detectionId}' in ${this.node.path}. Its detections are: ${this.detections.map((d) => d.detectionId).join(', ')}.`);
    }
    return found;
  }

  private validateWiring(props: CloudTrailAlarmsProps): void {
    if (props.eventDetails === false && props.notifierReservedConcurrency !== undefined) {
      throw new Error('`notifierReservedConcurrency` only applies with `eventDetails` (there is no notifier without it); remove it, or remove `eventDetails: false`.');
    }
    checkReservedConcurrency('notifierReservedConcurrency', props.notifierReservedConcurrency);
    const deploymentProps = (['recognizeDeployments', 'deploymentRoleArns', 'deploymentInvokedBy'] as const).filter((k) => props[k] !== undefined);
    if (props.eventDetails === false && deploymentProps.length > 0) {
      throw new Error(
        `\`${deploymentProps[0]}\` only applies with \`eventDetails\` (the notifier tells the deployment's changes apart); remove it, or remove \`eventDetails: false\`.`,
      );
    }
    if (props.recognizeDeployments === false && (props.deploymentRoleArns !== undefined || props.deploymentInvokedBy !== undefined)) {
      throw new Error(
        `\`${props.deploymentRoleArns !== undefined ? 'deploymentRoleArns' : 'deploymentInvokedBy'}\` names the deployment, but \`recognizeDeployments: false\` turns its recognition off; remove one of them.`,
      );
    }
    checkDeploymentPrincipals(['deploymentRoleArns', props.deploymentRoleArns], ['deploymentInvokedBy', props.deploymentInvokedBy]);
    const reserved = props.notifierReservedConcurrency;
    if (props.realTime && reserved !== undefined && !Token.isUnresolved(reserved) && reserved > 0 && reserved < REAL_TIME_RESERVED_CONCURRENCY) {
      throw new Error(
        `\`notifierReservedConcurrency\` must be at least ${REAL_TIME_RESERVED_CONCURRENCY} with \`realTime\` (the real-time queue is read by up to 2 batches at once and alarms need one more), or unset for none reserved, got ${reserved}.`,
      );
    }
    if (props.realTime && props.eventDetails === false) {
      throw new Error('`realTime` needs `eventDetails`: the notifier sends the real-time messages. Remove `eventDetails: false`, or remove `realTime`.');
    }
    if (props.eventDetails === false && (props.notificationTopic || props.chatbotTopic)) {
      throw new Error(
        '`notificationTopic` and `chatbotTopic` only apply with `eventDetails` (the notifier publishes to them); remove them, or remove `eventDetails: false`.',
      );
    }
    if (props.topic && props.notificationTopic && props.topic === props.notificationTopic) {
      throw new Error('`notificationTopic` must not be `topic`: the notifier subscribes to `topic` and would receive its own messages. Give people a separate topic.');
    }
    if (props.createTrail === true && (props.logGroup || props.trail)) {
      throw new Error(
        `\`createTrail: true\` asks for a new trail, but \`${props.logGroup ? 'logGroup' : 'trail'}\` reuses an existing one; remove one of them.`,
      );
    }
    if (props.createTrail === false && !props.logGroup && !props.trail) {
      throw new Error('`createTrail: false` needs an existing trail: pass `trail` (a trail with CloudWatch Logs delivery) or `logGroup` (the log group a trail delivers to).');
    }
    if (props.logGroup && props.trail) {
      throw new Error(
        'Pass either `logGroup` (an existing trail already delivers to it) or `trail` (an existing trail with CloudWatch Logs delivery), not both. Omit both to create a new trail.',
      );
    }
    if (props.logGroup || props.trail) {
      const trailOnly: Array<keyof CloudTrailAlarmsProps> = [
        'logRetention', 'trailName', 'logGroupName', 'trailKey', 'logGroupKey', 'trailBucketLifecycleRules',
        'accessLogsBucketLifecycleRules', 'organizationTrail', 'organizationId', 'organizationManagementAccountId',
      ];
      const set = trailOnly.filter((k) => props[k] !== undefined);
      if (set.length > 0) {
        throw new Error(
          `\`${set[0]}\` only applies to the trail, buckets, keys and log group this construct creates; with \`logGroup\` or \`trail\` set, configure it where that trail and log group are defined.`,
        );
      }
    }
    if (!props.organizationTrail) {
      for (const k of ['organizationId', 'organizationManagementAccountId'] as const) {
        if (props[k] !== undefined) throw new Error(`\`${k}\` only applies with \`organizationTrail: true\`, got '${props[k]}'.`);
      }
    }
    const checks: Array<[keyof CloudTrailAlarmsProps, RegExp, string]> = [
      ['trailName', /^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/, '3-128 letters, digits, periods, underscores and dashes, starting with a letter or digit'],
      ['logGroupName', /^[.\-_/#A-Za-z0-9]{1,512}$/, '1-512 characters among letters, digits and . - _ / #'],
      ['organizationId', /^o-[a-z0-9]{10,32}$/, "an organization id such as 'o-a1b2c3d4e5'"],
      ['organizationManagementAccountId', /^\d{12}$/, 'a 12-digit account id'],
    ];
    for (const [k, format, rule] of checks) {
      const v = props[k];
      if (typeof v === 'string' && !Token.isUnresolved(v) && !format.test(v)) throw new Error(`\`${k}\` must be ${rule}, got '${v}'.`);
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

  private createTrail(props: CloudTrailAlarmsProps): CreatedTrail {
    const { account, region, partition } = Stack.of(this);
    const trailName = props.trailName ?? Names.uniqueResourceName(this, { maxLength: 128 });
    // the account that owns the trail: the management account for an organization trail created from a delegated
    // administrator account, otherwise this stack's account
    const owner = props.organizationTrail && props.organizationManagementAccountId ? props.organizationManagementAccountId : account;
    const trailArn = `arn:${partition}:cloudtrail:${region}:${owner}:trail/${trailName}`;

    const trailKey = props.trailKey ?? this.createTrailKey(trailArn, owner);
    const accessLogs = new s3.Bucket(this, 'TrailAccessLogsBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // server access logs can only be delivered to a bucket whose default encryption is SSE-S3
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: props.accessLogsBucketLifecycleRules ?? [
        { id: 'ExpireAccessLogs', expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) },
        { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });
    const bucket = new s3.Bucket(this, 'TrailBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // default encryption with the trail key; CloudTrail encrypts each log file with it anyway (digest files are SSE-S3)
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: trailKey,
      bucketKeyEnabled: false,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: props.trailBucketLifecycleRules ?? [
        { id: 'ExpireNoncurrentVersions', noncurrentVersionExpiration: Duration.days(90) },
        { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
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
          StringEquals: { 'aws:SourceAccount': account },
        },
      }),
    );
    (bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
      destinationBucketName: accessLogs.bucketName,
      logFilePrefix: prefix,
    };
    // AWS's documented trail bucket policy, each statement limited to this trail with aws:SourceArn
    const fromThisTrail = { StringEquals: { 'aws:SourceArn': trailArn } };
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSCloudTrailAclCheck',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['s3:GetBucketAcl'],
        resources: [bucket.bucketArn],
        conditions: fromThisTrail,
      }),
    );
    const writePaths = [bucket.arnForObjects(`AWSLogs/${owner}/*`)];
    if (props.organizationTrail) writePaths.push(bucket.arnForObjects(`AWSLogs/${props.organizationId ?? 'o-*'}/*`));
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSCloudTrailWrite',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: writePaths,
        conditions: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn } },
      }),
    );

    const logGroupName = props.logGroupName ?? `CloudTrail/${trailName}`;
    const logGroupArn = `arn:${partition}:logs:${region}:${account}:log-group:${logGroupName}`;
    const logGroupKey = props.logGroupKey ?? this.createLogGroupKey(logGroupArn);
    const logGroup = new logs.LogGroup(this, 'TrailLogGroup', {
      logGroupName,
      encryptionKey: logGroupKey,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    });
    // CloudTrail's role for CloudWatch Logs delivery, with a customer managed policy (not an inline one) and a trust
    // policy limited to this trail
    const deliveryRole = new iam.Role(this, 'TrailDeliveryRole', {
      assumedBy: new iam.ServicePrincipal('cloudtrail.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceArn': trailArn } } }),
      description: 'Lets the CloudTrail trail deliver events to its CloudWatch Logs log group.',
    });
    const deliveryPolicy = new iam.ManagedPolicy(this, 'TrailDeliveryPolicy', {
      description: 'CloudTrail delivery to one log group: create log streams and put events.',
      roles: [deliveryRole],
      statements: [
        new iam.PolicyStatement({
          sid: 'DeliverTrailEventsToTheLogGroup',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logGroup.logGroupArn],
        }),
      ],
    });
    // the trail is given an imported view of the bucket, so that aws-cloudtrail's own bucket statements (which have no
    // aws:SourceArn condition) are not added: the statements above replace them
    const bucketForTrail = s3.Bucket.fromBucketAttributes(this, 'TrailBucketForTrail', { bucketArn: bucket.bucketArn, bucketName: bucket.bucketName });
    const trail = new cloudtrail.Trail(this, 'Trail', {
      trailName,
      bucket: bucketForTrail,
      encryptionKey: trailKey,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      managementEvents: cloudtrail.ReadWriteType.ALL,
    });
    const cfnTrail = trail.node.defaultChild as cloudtrail.CfnTrail;
    cfnTrail.cloudWatchLogsLogGroupArn = logGroup.logGroupArn;
    cfnTrail.cloudWatchLogsRoleArn = deliveryRole.roleArn;
    if (props.organizationTrail) cfnTrail.isOrganizationTrail = true;
    // CloudTrail checks bucket, key and role access when the trail is created
    trail.node.addDependency(bucket.policy!, deliveryPolicy);
    this.acknowledgeTrailFindings(bucket, accessLogs);
    return { trail, logGroup, logGroupName, trailKey, logGroupKey };
  }

  /**
   * AWS's documented CloudTrail key policy: CloudTrail may encrypt log files of this trail (aws:SourceArn and the
   * encryption context) and describe the key; principals of the account may decrypt log files (with IAM permission).
   */
  private createTrailKey(trailArn: string, owner: string): kms.Key {
    const { account, partition } = Stack.of(this);
    const key = this.keyFor('TrailKey', 'Encrypts the CloudTrail log files of the security alarms trail.');
    const cloudTrail = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailToEncryptLogFiles',
        principals: [cloudTrail],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceArn': trailArn },
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${partition}:cloudtrail:*:${owner}:trail/*` },
        },
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailToDescribeKey',
        principals: [cloudTrail],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceArn': trailArn } },
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowPrincipalsOfThisAccountToDecryptLogFiles',
        principals: [new iam.AccountRootPrincipal()],
        actions: ['kms:Decrypt', 'kms:ReEncryptFrom'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:CallerAccount': account },
          Null: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'false' },
        },
      }),
    );
    return key;
  }

  /** A key for the log group: CloudWatch Logs of this Region may use it for this log group only. */
  private createLogGroupKey(logGroupArn: string): kms.Key {
    const { region } = Stack.of(this);
    const key = this.keyFor('TrailLogGroupKey', 'Encrypts the CloudWatch Logs log group that receives the CloudTrail events.');
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsToUseTheKeyForTheTrailLogGroup',
        principals: [new iam.ServicePrincipal(`logs.${region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupArn } },
      }),
    );
    return key;
  }

  /** The compliance-pack findings that have no reasonable default, acknowledged on the one resource with the reason. */
  private acknowledgeTrailFindings(bucket: s3.Bucket, accessLogs: s3.Bucket): void {
    for (const target of [bucket, accessLogs]) {
      for (const pack of ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']) {
        Validations.of(target).acknowledge({
          id: `${pack}-S3BucketReplicationEnabled`,
          reason:
            'Cross-Region replication needs a second bucket (and key) in another Region that this construct cannot create in the same stack; the trail bucket is versioned, so replication can be added with s3.CfnBucket replicationConfiguration.',
        });
      }
    }
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']) {
      Validations.of(accessLogs).acknowledge({
        id: `${pack}-S3DefaultEncryptionKMS`,
        reason: 'S3 server access logs can only be delivered to a bucket whose default encryption is SSE-S3 (AES256); SSE-KMS is not supported for the target bucket.',
      });
    }
  }

  private createTopic(topicName: string): { topic: sns.Topic; key: kms.IKey } {
    return createAlarmTopic(this, {
      topicId: 'Topic',
      keyId: 'TopicKey',
      topicName,
      displayName: 'CloudTrail security alarms',
      keyDescription: 'Encrypts the CloudTrail security alarm topic; CloudWatch alarms may use it to publish.',
      key: this.keyPerResource ? undefined : this.topicKeyFor('TopicKey'),
    });
  }

  /**
   * The key of one encrypted resource. With `keyPerResource` a new key (`id`); by default the stack's one key, made on
   * first use with the construct id of the first key it stands for (`TrailKey` when the construct creates the trail),
   * so that a stack deployed with one key per resource keeps that key, and what it encrypted, when it moves to one key.
   */
  private keyFor(id: string, description: string): kms.Key {
    if (this.keyPerResource) return new kms.Key(this, id, { description, enableKeyRotation: true });
    if (!this.sharedKey) {
      this.sharedKey = new kms.Key(this, id, {
        description: 'Encrypts the CloudTrail security alarms (cdk-cloudtrail-alarms): the trail log files and bucket, the log group, the topics and the notifier\'s queues and logs, each service under its own key policy statement.',
        enableKeyRotation: true,
      });
      (this as { encryptionKey?: kms.IKey }).encryptionKey = this.sharedKey;
    }
    return this.sharedKey;
  }

  /** The stack's one key, which this account's alarms may use to publish to the topics it encrypts. */
  private topicKeyFor(id: string): kms.Key {
    const key = this.keyFor(id, '');
    allowAlarmsToUseKey(key);
    return key;
  }

  /** Where a detection's people notification goes: its severity topic, else the notification topic. */
  private deliveryTopicFor(severity: Severity, props: Pick<CloudTrailAlarmsProps, 'severityTopics'>): sns.ITopic {
    const routed = props.severityTopics;
    const byseverity: Record<Severity, sns.ITopic | undefined> = {
      [Severity.HIGH]: routed?.high,
      [Severity.MEDIUM]: routed?.medium,
      [Severity.LOW]: routed?.low,
    };
    return byseverity[severity] ?? this.notificationTopic;
  }

  private topicFor(severity: Severity, props: CloudTrailAlarmsProps): sns.ITopic {
    // with eventDetails every alarm notifies the graded topic; severity routing happens in the notifier
    if (this.eventDetails) return this.topic;
    const routed = props.severityTopics;
    const byseverity: Record<Severity, sns.ITopic | undefined> = {
      [Severity.HIGH]: routed?.high,
      [Severity.MEDIUM]: routed?.medium,
      [Severity.LOW]: routed?.low,
    };
    return byseverity[severity] ?? this.topic;
  }

  private createDetection(plan: PlannedDetection, filters: Construct, alarms: Construct, props: CloudTrailAlarmsProps): CloudTrailDetectionAlarm {
    const key = pascal(plan.id);
    return CloudTrailDetectionAlarm._fromPlan(
      this.detectionsScope,
      key,
      { logGroup: this.logGroup, topic: this.topicFor(plan.severity, props), okActions: props.okActions },
      plan,
      { filterScope: filters, filterId: key, alarmScope: alarms, alarmId: key },
    );
  }
}

/** The pseudo parameters a synthesizer's role ARN holds as `${AWS::...}` placeholders. */
const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': Aws.PARTITION,
  'AWS::AccountId': Aws.ACCOUNT_ID,
  'AWS::Region': Aws.REGION,
  'AWS::URLSuffix': Aws.URL_SUFFIX,
};

/**
 * The CloudFormation execution role of the stack's synthesizer (`DefaultStackSynthesizer` and those derived from it),
 * as a deploy-time value: its ARN holds `${AWS::Partition}` and, for environment-agnostic stacks, `${AWS::AccountId}`
 * and `${AWS::Region}`, which become references to those pseudo parameters (any other placeholder, `Fn::Sub`). None for
 * synthesizers without one.
 */
function synthesizerDeploymentRoles(stack: Stack): string[] {
  const synthesizer = stack.synthesizer;
  const arn = synthesizer instanceof DefaultStackSynthesizer ? synthesizer.cloudFormationExecutionRoleArn : undefined;
  if (arn === undefined || arn === '') return [];
  const placeholders = [...arn.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]);
  if (placeholders.some((name) => !(name in PSEUDO_PARAMETERS))) return [Fn.sub(arn)];
  return [arn.replace(/\$\{([^}]+)\}/g, (_m, name: string) => PSEUDO_PARAMETERS[name])];
}

/** What `createTrail` made. */
interface CreatedTrail {
  readonly trail: cloudtrail.Trail;
  readonly logGroup: logs.LogGroup;
  readonly logGroupName: string;
  readonly trailKey: kms.IKey;
  readonly logGroupKey: kms.IKey;
}

/** The longest a deploy-time value (a topic ARN, a key id) in a pattern is counted at against the length limit. */
const TOKEN_LENGTH_ESTIMATE = 128;

/** A pattern's length once deployed, each CDK token counted at `TOKEN_LENGTH_ESTIMATE` characters. */
function deployedLength(pattern: string): number {
  const fragments = Tokenization.reverseString(pattern);
  const withoutTokens = fragments.mapTokens({ mapToken: () => '' }).join({ join: (a: unknown, b: unknown) => `${a ?? ''}${b ?? ''}` });
  return String(withoutTokens ?? '').length + fragments.tokens.length * TOKEN_LENGTH_ESTIMATE;
}

function pascal(id: string): string {
  return id
    .split('-')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}
