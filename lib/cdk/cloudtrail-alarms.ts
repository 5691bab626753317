import { Annotations, Aws, DefaultStackSynthesizer, Fn, Names, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { CloudTrailAlarmsProps } from './cloudtrail-alarms-props';
import { CloudTrailDetectionAlarm, DetectionAlarmOptions } from './cloudtrail-detection-alarm';
import { SeverityTopics } from './detection-settings';
import { AlarmEventNotifier, ExpectedDeployment } from './private/alarm-notifier';
import { allowAlarmsToUseKey, createAlarmTopic } from './private/alarm-topic';
import { registerAppChecks } from './private/app-checks';
import { DetectionRules } from './private/detection-rules';
import { createPipelineHealthAlarm } from './private/pipeline-health';
import { createSecureTrail } from './private/secure-trail';
import { validateProps } from './private/validate-props';
import { Severity } from '../catalogue/severity';
import { isTamperDetection, TamperScope } from '../catalogue/tamper-scope';
import type { DetectionPlanContext } from './private/detection-alarm-placement';
import { MAX_METRIC_FILTERS_PER_LOG_GROUP, PlannedDetection, planFromProps } from './private/detection-plan';
import { createNotificationTopic, notifiedDetectionOf } from './private/notifier-wiring';
import { RealTimeDetection } from './real-time-detection';


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
  /**
   * The alarm on the log group's `IncomingLogEvents` that fires when the trail stops delivering (`pipelineHealth`,
   * on by default).
   */
  public readonly pipelineHealthAlarm?: cloudwatch.Alarm;
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
  private readonly routing: Pick<CloudTrailAlarmsProps, 'severityTopics' | 'okActions' | 'perAccountAlarms' | 'accountDimensionSource'>;
  private readonly plans: PlannedDetection[];
  private readonly eventDetails: boolean;
  /** The name of the log group the construct created (known at synth time, unlike `logGroup.logGroupName`). */
  private readonly createdLogGroupName?: string;
  private readonly keyPerResource: boolean;
  private sharedKey?: kms.Key;

  constructor(scope: Construct, id: string, props: CloudTrailAlarmsProps = {}) {
    super(scope, id);
    validateProps(props);
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
      const created = createSecureTrail(this, props, (keyId, description) => this.keyFor(keyId, description));
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
    this.routing = {
      severityTopics: props.severityTopics,
      okActions: props.okActions,
      perAccountAlarms: props.perAccountAlarms,
      accountDimensionSource: props.accountDimensionSource,
    };
    const plans = planFromProps({ ...props, alarmNamePrefix: this.alarmNamePrefix }, scoping);
    this.plans = [...plans];
    this.detections = plans.map((plan) => this.createDetection(plan, this.filtersScope, this.alarmsScope, props));
    if (props.pipelineHealth ?? true) {
      this.pipelineHealthAlarm = createPipelineHealthAlarm(this, 'PipelineHealthAlarm', {
        logGroup: this.logGroup,
        logGroupName: this.createdLogGroupName,
        window: props.pipelineHealthWindow,
        topic: this.deliveryTopicFor(Severity.HIGH, props),
        alarmName: `${this.alarmNamePrefix}-pipeline-health`,
      });
    } else {
      if (props.pipelineHealthWindow !== undefined) {
        throw new Error(`\`pipelineHealthWindow\` only applies with \`pipelineHealth\` on, got ${props.pipelineHealthWindow.toHumanString()} with \`pipelineHealth: false\`.`);
      }
      Annotations.of(this).addWarningV2(
        'cloudtrail-alarms:pipelineHealthOff',
        '`pipelineHealth: false`: nothing tells you when the trail stops delivering to the log group; every detection alarm then stays quiet and looks healthy. Keep it on, or watch the log group\'s IncomingLogEvents yourself.',
      );
    }
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
        accountNames: props.accountNames,
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
      ...this.routing,
      okActions: options.okActions ?? this.routing.okActions,
      perAccountAlarms: options.perAccountAlarms ?? this.routing.perAccountAlarms,
      accountDimensionSource: options.accountDimensionSource ?? this.routing.accountDimensionSource,
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
    return severityTopic(severity, props.severityTopics) ?? this.notificationTopic;
  }

  /** Where a detection's alarm notifies: with eventDetails the graded topic (the notifier routes), else by severity. */
  private topicFor(severity: Severity, props: CloudTrailAlarmsProps): sns.ITopic {
    if (this.eventDetails) return this.topic;
    return severityTopic(severity, props.severityTopics) ?? this.topic;
  }

  private createDetection(plan: PlannedDetection, filters: Construct, alarms: Construct, props: CloudTrailAlarmsProps): CloudTrailDetectionAlarm {
    const key = pascal(plan.id);
    return CloudTrailDetectionAlarm._fromPlan(
      this.detectionsScope,
      key,
      {
        logGroup: this.logGroup,
        topic: this.topicFor(plan.severity, props),
        okActions: props.okActions,
        perAccountAlarms: props.perAccountAlarms,
        accountDimensionSource: props.accountDimensionSource,
      },
      plan,
      { filterScope: filters, filterId: key, alarmScope: alarms, alarmId: key, gradedTopic: this.eventDetails ? this.topic : undefined },
    );
  }
}

/** The topic a severity is routed to, when `severityTopics` names one. */
function severityTopic(severity: Severity, topics: SeverityTopics | undefined): sns.ITopic | undefined {
  const bySeverity: Record<Severity, sns.ITopic | undefined> = {
    [Severity.HIGH]: topics?.high,
    [Severity.MEDIUM]: topics?.medium,
    [Severity.LOW]: topics?.low,
  };
  return bySeverity[severity];
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
