import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Annotations, ArnFormat, Aws, Duration, IResolvable, Lazy, Stack, Tags, Token, Tokenization, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { checkDeploymentPrincipals, checkReservedConcurrency, NotifiedDetection } from './notifier-wiring';
import { DEPLOYMENT_INVOKED_BY, NOTIFIER_DEFAULTS, NotifierConfig, NotifierDeployment, NotifierDetection, notifierDetection } from '../../notifier/config';
import { REAL_TIME_RESERVED_CONCURRENCY } from '../../notifier/real-time';

/** Batches of the real-time queue read at once (the event source mapping's maximum concurrency; 2 is SQS's minimum). */
const REAL_TIME_QUEUE_CONCURRENCY = 2;

/** The prebuilt function bundle (projen's `bundle` task writes it; the npm package ships it). */
const BUNDLE = path.join(__dirname, '..', '..', '..', 'assets', 'lib', 'notifier-function', 'notifier.lambda', 'index.js');

/**
 * The stack's own deployment: the changes its CloudFormation deployment makes to the resources the tamper-protection
 * detections watch are reported as expected changes (low severity, naming the stack), not paged. A change is the
 * deployment's when its session was issued for one of `roleArns` AND one of `invokedBy` made the call for it; anyone
 * else's change, including a person who assumed the same role, pages as usual.
 */
export interface ExpectedDeployment {
  /**
   * The roles whose sessions deploy the stack (CloudFormation's execution role), as IAM role ARNs. Values known only at
   * deploy time (tokens) are allowed: the function reads them from its `DEPLOY_VALUES`.
   */
  readonly roleArns: string[];
  /**
   * The services that make the calls for the deployment (`userIdentity.invokedBy`, or `sourceIPAddress` for an AWS
   * service).
   * @default ['cloudformation.amazonaws.com']
   */
  readonly invokedBy?: string[];
  /**
   * Where the expected-change reports go.
   * @default - `notificationTopic`
   */
  readonly topic?: sns.ITopic;
  /**
   * The name the reports give the deployment.
   * @default - the name of the stack the notifier is in
   */
  readonly stackName?: string;
}

/** Properties of `AlarmEventNotifier`. */
export interface AlarmEventNotifierProps {
  /** The CloudTrail log group the detections' metric filters are on. */
  readonly logGroup: logs.ILogGroup;
  /** The topics the alarms notify; the function subscribes to each of them (protocol `lambda`). */
  readonly alarmTopics: sns.ITopic[];
  /** The detections. */
  readonly detections: NotifiedDetection[];
  /**
   * The topic people subscribe to: it gets the messages of alarms that match no detection, and the notifier's own
   * alarms (function errors, dead letters).
   */
  readonly notificationTopic: sns.ITopic;
  /**
   * A topic that also gets each message as an AWS Chatbot (Amazon Q Developer in chat applications) custom notification.
   * @default - no chat notifications
   */
  readonly chatbotTopic?: sns.ITopic;
  /**
   * The customer managed KMS key of the notifier's dead-letter queue, log group and real-time queue. The notifier adds
   * its statements to the key's policy (CloudWatch Logs for its log group, SNS for undelivered alarms from the alarm
   * topics, EventBridge for the real-time rules), each with the conditions a key of its own would have; a key imported
   * from elsewhere must already allow them (a synth warning says so). `CloudTrailAlarms` passes the stack's one key.
   * @default - a new key with rotation on, for the notifier only
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * The stack's own deployment, whose changes to the watched resources are reported as expected instead of paged
   * (`CloudTrailAlarms` passes its stack's CloudFormation execution role).
   * @default - no deployment is recognised: every change is reported at its detection's severity
   */
  readonly deployment?: ExpectedDeployment;
  /**
   * Friendly names of accounts by 12-digit id, shown quoted after the id of the account the events happened in
   * (checked by `CloudTrailAlarms`' props validation).
   * @default - account ids alone
   */
  readonly accountNames?: { [accountId: string]: string };
  /**
   * Function timeout. The event lookup may use all of it but 10 seconds, which are kept for publishing.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
  /**
   * Reserved concurrency of the function: a whole number of at least 1 reserves that many concurrent executions for
   * it (and caps it there). Lambda refuses a reservation that leaves the account less unreserved concurrency than its
   * minimum, so an account limited to 10 concurrent executions (new accounts) cannot reserve any. With real-time
   * delivery it must be at least 3: the real-time queue is read by up to 2 batches at once, and alarms need one more.
   * 0 is accepted and means none reserved, the same as leaving it unset: this construct never sets Lambda's
   * `ReservedConcurrentExecutions` to 0, which would stop every invocation.
   * @default - none reserved: the function runs on the account's unreserved concurrency. The real-time queue is still
   * read by at most 2 batches at once (the event source mapping's maximum concurrency), alarms invoke it once per
   * state change, and a retried state change is never published twice (docs/notifier.md, "No message twice")
   */
  readonly reservedConcurrency?: number;
  /**
   * Margin around the alarm's evaluated periods when looking up events, for CloudTrail's delivery delay.
   * @default Duration.minutes(2)
   */
  readonly lookupMargin?: Duration;
  /**
   * Events listed per message; the rest are counted ("and N more").
   * @default 20
   */
  readonly maxListedEvents?: number;
  /**
   * Namespace of the notifier's own `PublishFailures` metric. Two notifiers in one account and Region must use
   * different namespaces, or each one's failures also count as the other's (`CloudTrailAlarms` passes its own
   * `metricNamespace` when it is set).
   * @default 'CloudTrailAlarmNotifier'
   */
  readonly metricNamespace?: string;
  /**
   * Physical name of the function. `CloudTrailAlarms` names it so that its tamper-protection detections can name it.
   * @default - a name generated by CloudFormation
   */
  readonly functionName?: string;
  /**
   * Prefix of the physical names of the notifier's own two alarms (`<prefix>-notifier-errors`,
   * `<prefix>-notifier-dead-letters`).
   * @default - names generated by CloudFormation
   */
  readonly alarmNamePrefix?: string;
}

/**
 * Adds the CloudTrail events behind a CloudWatch alarm to its notification. The alarms keep notifying their SNS
 * topic (which graders require); a Lambda function subscribed to that topic looks the events up with FilterLogEvents
 * and publishes one message per state change to the topics people subscribe to. Messages SNS cannot deliver to the
 * function, and invocations that fail after Lambda's retries, go to an encrypted dead-letter queue; an alarm on it and
 * one on the function's errors notify `notificationTopic` directly.
 */
export class AlarmEventNotifier extends Construct {
  /** Key of the tag on the function (value `notifier`), so that audits can follow alarm -> topic -> notifier -> topics. */
  public static readonly ROLE_TAG_KEY = 'cdk-cloudtrail-alarms:role';

  /** The function. */
  public readonly lambdaFunction: lambda.Function;
  /** The dead-letter queue of the subscriptions and of the function's asynchronous invocations. */
  public readonly deadLetterQueue: sqs.Queue;
  /** Alarm on the function's errors and failed publications. */
  public readonly errorsAlarm: cloudwatch.Alarm;
  /** Alarm on messages in the dead-letter queue. */
  public readonly deadLetterAlarm: cloudwatch.Alarm;
  /** The topics the function publishes to, in the order of its `DELIVERY_TOPIC_ARNS`. */
  public readonly deliveryTopics: sns.ITopic[] = [];

  private readonly alarmTopics: sns.ITopic[];
  private readonly chatbotTopicIndex?: number;
  private readonly detectionConfigs: NotifierDetection[];
  private readonly baseConfig: Omit<NotifierConfig, 'detections'>;
  private readonly policy: iam.ManagedPolicy;
  private readonly keyArns: string[] = [];
  private readonly key: kms.IKey;
  private readonly deployValues: string[] = [];
  private realTime?: sqs.Queue;
  private readonly ruleArnSources: Array<() => string[]> = [];
  private readonly reservedConcurrency?: number;
  private codeVersion = 0;

  constructor(scope: Construct, id: string, props: AlarmEventNotifierProps) {
    super(scope, id);
    validate(props);
    // 0 means none reserved, as unset: Lambda's own 0 would throttle every invocation
    this.reservedConcurrency = props.reservedConcurrency === 0 ? undefined : props.reservedConcurrency;
    this.alarmTopics = [...props.alarmTopics];
    const fallbackTopic = this.topicIndex(props.notificationTopic);
    this.chatbotTopicIndex = props.chatbotTopic ? this.topicIndex(props.chatbotTopic) : undefined;
    this.detectionConfigs = props.detections.map((d) => this.configOf(d));
    this.baseConfig = {
      version: 1,
      fallbackTopic,
      fallbackChatbotTopic: this.chatbotTopicIndex,
      marginSeconds: props.lookupMargin?.toSeconds() ?? NOTIFIER_DEFAULTS.marginSeconds,
      maxListedEvents: props.maxListedEvents ?? NOTIFIER_DEFAULTS.maxListedEvents,
      maxScannedEvents: NOTIFIER_DEFAULTS.maxScannedEvents,
      maxPages: NOTIFIER_DEFAULTS.maxPages,
      deployment: props.deployment ? this.deploymentConfigOf(props.deployment, props.notificationTopic) : undefined,
      // written only when given, so that a stack without names keeps its config.json (and its asset hash)
      ...(props.accountNames !== undefined && Object.keys(props.accountNames).length > 0 ? { accountNames: { ...props.accountNames } } : {}),
    };
    this.checkNoLoop();
    const topics = this.deliveryTopics;

    const key = props.encryptionKey ?? new kms.Key(this, 'Key', {
      description: 'Encrypts the CloudTrail alarm notifier\'s dead-letter queue and logs.',
      enableKeyRotation: true,
    });
    this.key = key;
    this.addToKeyPolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsForTheNotifierLogGroup',
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` } },
      }),
    );
    this.addToKeyPolicy(
      new iam.PolicyStatement({
        sid: 'AllowSnsToSendUndeliveredAlarmsToTheDeadLetterQueue',
        principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { ArnEquals: { 'aws:SourceArn': props.alarmTopics.map((t) => sourceArnOf(t, key)) } },
      }),
    );
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    suppress(this.deadLetterQueue, [
      ['AwsSolutions-SQS3', 'This queue is itself the dead-letter queue of the notifier subscriptions and function.'],
    ]);

    const functionLogs = new logs.LogGroup(this, 'FunctionLogs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: key });
    const role = new iam.Role(this, 'ServiceRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'CloudTrail alarm notifier: reads the trail log group, publishes to the notification topics.',
    });
    const stack = Stack.of(this);
    // one customer managed policy with every statement (no inline policy: the NIST, HIPAA and PCI packs flag those)
    const statements = [
      new iam.PolicyStatement({
        sid: 'LookUpTheEventsBehindAnAlarm',
        actions: ['logs:FilterLogEvents'],
        resources: [
          stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: props.logGroup.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
        ],
      }),
      new iam.PolicyStatement({ sid: 'PublishNotifications', actions: ['sns:Publish'], resources: topics.map((t) => t.topicArn) }),
      new iam.PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [functionLogs.logGroupArn] }),
      new iam.PolicyStatement({ sid: 'KeepFailedInvocations', actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
    ];
    const keys = [...new Set([...uniqueKeys(topics).map((k) => k.keyArn), key.keyArn])];
    this.keyArns.push(...keys);
    // through SNS (publishing to encrypted topics) and SQS (its queues) only: the key may also be the one of the trail
    // and log group, whose data the function has no business decrypting directly
    statements.push(
      new iam.PolicyStatement({ sid: 'UseTheTopicAndQueueKeys', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: keys, conditions: this.viaSnsAndSqs() }),
    );
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'CloudTrail alarm notifier: read the trail log group, publish the notifications, keep failed invocations.',
      statements,
      roles: [role],
    });
    this.policy = policy;
    suppress(policy, [
      [
        'AwsSolutions-IAM5',
        'The function writes log streams it names at run time inside its own log group (log-group:<name>:*); every other statement names its resources exactly.',
      ],
    ]);

    // the function is given a view of the role by its ARN: lambda.Function makes the function depend on the role it is
    // given, which on the role itself would repeat the dependency its GetAtt already makes (cfn-lint W3005). Grants to
    // the function still reach the role (a policy attached by the role's name, on which the function then depends).
    const roleView = iam.Role.fromRoleArn(this, 'FunctionRole', role.roleArn, { mutable: true });
    this.lambdaFunction = new lambda.Function(this, 'Function', {
      functionName: props.functionName,
      description: 'Adds the CloudTrail events behind a CloudTrail security alarm to its notification (cdk-cloudtrail-alarms).',
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: stageCode(this.config()),
      role: roleView,
      memorySize: 256,
      timeout: props.timeout ?? Duration.seconds(60),
      reservedConcurrentExecutions: this.reservedConcurrency,
      logGroup: functionLogs,
      retryAttempts: 2,
      environment: {
        DELIVERY_TOPIC_ARNS: topics.map((t) => t.topicArn).join(','),
        LOG_GROUP_NAME: props.logGroup.logGroupName,
        AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
        // values of the patterns known only at deploy time (see NotifierDetection.patternParts)
        DEPLOY_VALUES: Lazy.string({ produce: () => (this.deployValues.length === 0 ? '[]' : Stack.of(this).toJsonString(this.deployValues)) }),
      },
    });
    // the dead-letter queue of asynchronous invocations, set on the L1 so that its grant stays in the managed policy
    (this.lambdaFunction.node.defaultChild as lambda.CfnFunction).deadLetterConfig = { targetArn: this.deadLetterQueue.queueArn };
    this.lambdaFunction.node.addDependency(policy);
    Tags.of(this.lambdaFunction).add(AlarmEventNotifier.ROLE_TAG_KEY, 'notifier');
    suppress(this.lambdaFunction, [
      ['AwsSolutions-L1', 'Node.js 22 is the runtime the bundle is built and tested for (esbuild target node22); it is supported by Lambda until 2027.'],
      ['HIPAA.Security-LambdaInsideVPC', 'The function calls only the CloudWatch Logs and SNS APIs; a VPC would add NAT or interface endpoints and protect no data.'],
      ['PCI.DSS.321-LambdaInsideVPC', 'The function calls only the CloudWatch Logs and SNS APIs; a VPC would add NAT or interface endpoints and protect no data.'],
      ['NIST.800.53.R5-LambdaInsideVPC', 'The function calls only the CloudWatch Logs and SNS APIs; a VPC would add NAT or interface endpoints and protect no data.'],
    ]);
    if (this.reservedConcurrency === undefined) {
      const reason =
        'No concurrency is reserved by default: Lambda refuses any reservation in accounts limited to 10 concurrent executions, so the stack would not deploy there. The real-time queue is read by at most 2 batches at once (event source mapping maximum concurrency) and alarms invoke the function once per state change; set `reservedConcurrency` to reserve.';
      suppress(this.lambdaFunction, [
        ['NIST.800.53.R5-LambdaConcurrency', reason],
        ['HIPAA.Security-LambdaConcurrency', reason],
      ]);
    }

    const subscriptionTopics: sns.ITopic[] = [];
    for (const t of props.alarmTopics) if (!subscriptionTopics.includes(t)) subscriptionTopics.push(t);
    for (const t of subscriptionTopics) {
      t.addSubscription(new subscriptions.LambdaSubscription(this.lambdaFunction, { deadLetterQueue: this.deadLetterQueue }));
    }

    // failed publications after a partial success are logged, not thrown (a throw would resend what went out)
    const publishFailures = new logs.MetricFilter(this, 'PublishFailures', {
      logGroup: functionLogs,
      filterPattern: logs.FilterPattern.stringValue('$.level', '=', 'ERROR'),
      metricNamespace: props.metricNamespace ?? 'CloudTrailAlarmNotifier',
      metricName: 'PublishFailures',
      metricValue: '1',
    });
    const action = new cwActions.SnsAction(props.notificationTopic);
    this.errorsAlarm = new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      alarmName: props.alarmNamePrefix !== undefined ? `${props.alarmNamePrefix}-notifier-errors` : undefined,
      alarmDescription:
        'The CloudTrail alarm notifier failed: an invocation failed or a notification could not be published. Security alarms may not have reached people; read the function logs and the alarm topic.',
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(errors, 0) + FILL(failures, 0)',
        usingMetrics: {
          errors: this.lambdaFunction.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
          failures: publishFailures.metric({ statistic: 'Sum', period: Duration.minutes(5) }),
        },
        period: Duration.minutes(5),
        label: 'Notifier errors and failed publications',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.errorsAlarm.addAlarmAction(action);
    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmName: props.alarmNamePrefix !== undefined ? `${props.alarmNamePrefix}-notifier-dead-letters` : undefined,
      alarmDescription:
        'Alarm notifications are waiting in the notifier\'s dead-letter queue: the function could not be invoked or kept failing. Read the messages in the queue; they are the alarms people did not get.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.deadLetterAlarm.addAlarmAction(action);
  }

  /**
   * Adds a detection after construction (as `CloudTrailAlarms.addDetection` does): the function code is staged again
   * with the new configuration; a new notification topic joins its environment and its policy.
   */
  public addDetection(detection: NotifiedDetection): void {
    validateDetection(detection);
    const known = this.deliveryTopics.length;
    this.detectionConfigs.push(this.configOf(detection));
    if (this.deliveryTopics.length > known) {
      const added = this.deliveryTopics.slice(known);
      this.checkNoLoop();
      this.lambdaFunction.addEnvironment('DELIVERY_TOPIC_ARNS', this.deliveryTopics.map((t) => t.topicArn).join(','));
      this.policy.addStatements(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: added.map((t) => t.topicArn) }));
      const keys = uniqueKeys(added)
        .map((k) => k.keyArn)
        .filter((k) => !this.keyArns.includes(k));
      if (keys.length > 0) {
        this.keyArns.push(...keys);
        this.policy.addStatements(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: keys, conditions: this.viaSnsAndSqs() }));
      }
    }
    // a new asset with the new config.json becomes the function's code
    this.codeVersion++;
    const code = stageCode(this.config()).bind(new Construct(this, `Code${this.codeVersion}`));
    (this.lambdaFunction.node.defaultChild as lambda.CfnFunction).code = {
      s3Bucket: code.s3Location!.bucketName,
      s3Key: code.s3Location!.objectKey,
    };
  }

  private topicIndex(t: sns.ITopic): number {
    let i = this.deliveryTopics.indexOf(t);
    if (i < 0) i = this.deliveryTopics.push(t) - 1;
    return i;
  }

  private configOf(d: NotifiedDetection): NotifierDetection {
    const facts = {
      id: d.detectionId,
      title: d.title,
      severity: d.severity,
      summary: d.summary,
      pattern: d.pattern,
      metricNamespace: d.metricNamespace,
      metricName: d.metricName,
    };
    const detection = {
      ...notifierDetection(facts, this.topicIndex(d.notificationTopic), this.chatbotTopicIndex),
      ...(d.gradedMetricName !== undefined ? { gradedMetricName: d.gradedMetricName } : {}),
    };
    return Token.isUnresolved(d.pattern) ? { ...detection, ...this.patternPartsOf(d.pattern) } : detection;
  }

  /**
   * A pattern with deploy-time values (e.g. the topic ARNs a tamper-protection detection is scoped to): its literal
   * parts go into config.json, its tokens into DEPLOY_VALUES, which CloudFormation resolves to the same strings it
   * puts into the metric filter.
   */
  private patternPartsOf(pattern: string): Pick<NotifierDetection, 'pattern' | 'patternParts'> {
    const marked = Tokenization.reverseString(pattern)
      .mapTokens({
        mapToken: (t: IResolvable) => `\u0000${this.deployValueIndex(Token.asString(t))}\u0000`,
      })
      .join({ join: (a: unknown, b: unknown) => `${a}${b}` });
    const pieces = String(marked).split('\u0000');
    const parts: Array<string | { value: number }> = pieces.map((piece, i) => (i % 2 === 1 ? { value: Number(piece) } : piece)).filter((p) => p !== '');
    const readable = parts.map((p) => (typeof p === 'string' ? p : `<deploy-time value #${p.value}>`)).join('');
    return { pattern: readable, patternParts: parts };
  }

  /**
   * The queue the real-time detection rules (`DetectionRules`) send matched events to; the function reads it in
   * batches (so that a burst becomes a digest) and reports the records it could not publish, which SQS retries and
   * finally moves to the dead-letter queue. Created on first use, encrypted with the notifier's key.
   * @internal
   */
  public _realTimeQueue(): sqs.Queue {
    if (this.realTime) return this.realTime;
    if (this.reservedConcurrency !== undefined && this.reservedConcurrency < REAL_TIME_RESERVED_CONCURRENCY) {
      throw new Error(
        `Real-time delivery needs a \`reservedConcurrency\` of at least ${REAL_TIME_RESERVED_CONCURRENCY}, or none reserved (unset): the queue is read by up to ${REAL_TIME_QUEUE_CONCURRENCY} concurrent batches and alarms need one more, got ${this.reservedConcurrency}.`,
      );
    }
    const queue = new sqs.Queue(this, 'RealTimeQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      // six times the function timeout, as Lambda recommends for an SQS event source
      visibilityTimeout: Duration.seconds(Math.max(360, (this.lambdaFunction.timeout?.toSeconds() ?? 60) * 6)),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });
    new lambda.EventSourceMapping(this, 'RealTimeEvents', {
      target: this.lambdaFunction,
      eventSourceArn: queue.queueArn,
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(5),
      reportBatchItemFailures: true,
      // the bound on real-time invocations, whether or not concurrency is reserved: at most this many batches at once
      maxConcurrency: REAL_TIME_QUEUE_CONCURRENCY,
    });
    this.policy.addStatements(
      new iam.PolicyStatement({
        sid: 'ReadTheRealTimeQueue',
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'],
        resources: [queue.queueArn],
      }),
    );
    this.realTime = queue;
    return queue;
  }

  /**
   * Lets EventBridge rules of this account and Region send to the real-time queue (queue policy and key policy,
   * limited to the given rules by `aws:SourceArn`).
   * @internal
   */
  public _allowRules(ruleArns: () => string[]): void {
    const first = this.ruleArnSources.length === 0;
    this.ruleArnSources.push(ruleArns);
    if (!first) return;
    const queue = this._realTimeQueue();
    const events = new iam.ServicePrincipal('events.amazonaws.com');
    const fromRules = { ArnEquals: { 'aws:SourceArn': Lazy.list({ produce: () => this.ruleArnSources.flatMap((f) => f()) }) } };
    // the queue, and the dead-letter queue of the rule targets (events EventBridge could not deliver)
    for (const [q, sid] of [[queue, 'AllowTheDetectionRulesToSend'], [this.deadLetterQueue, 'AllowTheDetectionRulesToSendUndeliveredEvents']] as const) {
      q.addToResourcePolicy(new iam.PolicyStatement({ sid, principals: [events], actions: ['sqs:SendMessage'], resources: [q.queueArn], conditions: fromRules }));
    }
    // the key policy cannot name the rules (a rule refers to the queue, which refers to the key): it admits the
    // rules of this account and Region; the queue policies above admit only these rules
    this.addToKeyPolicy(
      new iam.PolicyStatement({
        sid: 'AllowTheDetectionRulesToUseTheQueueKey',
        principals: [events],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:events:${Stack.of(this).region}:${Stack.of(this).account}:rule/*` },
        },
      }),
    );
  }

  /** Adds a statement to the key's policy; an imported key's policy cannot be changed here, which a warning says. */
  private addToKeyPolicy(statement: iam.PolicyStatement): void {
    if (this.key.addToResourcePolicy(statement).statementAdded) return;
    Annotations.of(this).addWarningV2(
      'cloudtrail-alarms:notifierKeyPolicy',
      `The notifier's \`encryptionKey\` is not defined in this app, so its key policy cannot be extended: add statement '${statement.sid}' to it yourself (${statement.principals.map((p) => p.toString()).join(', ')}: ${statement.actions.join(', ')}).`,
    );
  }

  /** KMS used on the function's behalf by SNS and SQS of this Region only. */
  private viaSnsAndSqs(): Record<string, unknown> {
    const region = Stack.of(this).region;
    return { StringEquals: { 'kms:ViaService': [`sns.${region}.amazonaws.com`, `sqs.${region}.amazonaws.com`] } };
  }

  /** The deployment as config.json has it: deploy-time role ARNs as `{ value: i }` of DEPLOY_VALUES, topics as indexes. */
  private deploymentConfigOf(d: ExpectedDeployment, notificationTopic: sns.ITopic): NotifierDeployment {
    const stack = Stack.of(this);
    return {
      roleArns: d.roleArns.map((arn) => (Token.isUnresolved(arn) ? { value: this.deployValueIndex(arn) } : arn)),
      invokedBy: [...(d.invokedBy ?? DEPLOYMENT_INVOKED_BY)],
      topic: this.topicIndex(d.topic ?? notificationTopic),
      chatbotTopic: this.chatbotTopicIndex,
      stackName: d.stackName ?? (Token.isUnresolved(stack.stackName) ? stack.node.path : stack.stackName),
    };
  }

  /** The index of a deploy-time value in DEPLOY_VALUES (added once). */
  private deployValueIndex(text: string): number {
    let i = this.deployValues.indexOf(text);
    if (i < 0) i = this.deployValues.push(text) - 1;
    return i;
  }

  private config(): NotifierConfig {
    return { ...this.baseConfig, detections: [...this.detectionConfigs] };
  }

  private checkNoLoop(): void {
    for (const alarmTopic of this.alarmTopics) {
      if (this.deliveryTopics.some((t) => sameTopic(t, alarmTopic))) {
        throw new Error(
          `Topic ${alarmTopic.node.path} is both an alarm topic and a topic the notifier publishes to; the function would receive its own messages. Give people a separate topic (\`notificationTopic\`).`,
        );
      }
    }
  }
}

function sameTopic(a: sns.ITopic, b: sns.ITopic): boolean {
  if (a === b) return true;
  return !Token.isUnresolved(a.topicArn) && !Token.isUnresolved(b.topicArn) && a.topicArn === b.topicArn;
}

/**
 * The topic's ARN for a condition in the policy of `key`. A topic that `key` encrypts cannot be named by reference
 * (the key would depend on the topic, which depends on the key): it is named by its fixed name, or, when it has none,
 * as any topic of its account and Region.
 */
function sourceArnOf(topic: sns.ITopic, key: kms.IKey): string {
  if (topic.masterKey !== key) return topic.topicArn;
  const cfn = topic.node.defaultChild;
  const name = cfn instanceof sns.CfnTopic ? cfn.topicName : undefined;
  const known = typeof name === 'string' && !Token.isUnresolved(name);
  return Stack.of(topic).formatArn({ service: 'sns', resource: known ? name : '*' });
}

function uniqueKeys(topics: readonly sns.ITopic[]): kms.IKey[] {
  const out: kms.IKey[] = [];
  for (const t of topics) if (t.masterKey && !out.includes(t.masterKey)) out.push(t.masterKey);
  return out;
}

function validate(props: AlarmEventNotifierProps): void {
  if (props.alarmTopics.length === 0) throw new Error('`alarmTopics` is empty: give the topics the alarms notify, so the notifier can subscribe to them.');
  checkReservedConcurrency('reservedConcurrency', props.reservedConcurrency);
  const n = props.maxListedEvents;
  if (n !== undefined && (!Number.isInteger(n) || n < 1 || n > 200)) {
    throw new Error(`\`maxListedEvents\` must be a whole number from 1 to 200, got ${n}.`);
  }
  const t = props.timeout;
  if (t && !t.isUnresolved() && (t.toSeconds() < 15 || t.toSeconds() > 900)) {
    throw new Error(`\`timeout\` must be between 15 seconds and 15 minutes (10 seconds are kept for publishing), got ${t.toHumanString()}.`);
  }
  if (props.deployment) checkDeploymentPrincipals(['deployment.roleArns', props.deployment.roleArns], ['deployment.invokedBy', props.deployment.invokedBy]);
  props.detections.forEach(validateDetection);
}

function validateDetection(d: NotifiedDetection): void {
  const known: Array<[string, string]> = [
    ['detectionId', d.detectionId],
    ['metricName', d.metricName],
    ['metricNamespace', d.metricNamespace],
    ['title', d.title],
  ];
  for (const [name, v] of known) {
    if (Token.isUnresolved(v)) {
      throw new Error(`Detection '${d.detectionId}': \`${name}\` must be known at synth time for the notifier (its configuration is written into the function code), got a token.`);
    }
  }
}

/**
 * The function code: the prebuilt bundle plus this stack's configuration as config.json, staged in a directory named
 * by their hash (CDK then copies it into the cloud assembly). The configuration is a file, not an environment
 * variable, because Lambda allows 4 KB of environment and 17 patterns alone take more.
 */
function stageCode(config: NotifierConfig): lambda.Code {
  let bundle: Buffer;
  try {
    bundle = fs.readFileSync(BUNDLE);
  } catch {
    throw new Error(
      `The notifier function bundle is missing (${BUNDLE}). The npm package ships it; in a clone of the repository run 'npx projen bundle' (the build and 'npm test' run it), or set \`eventDetails: false\`.`,
    );
  }
  const json = `${JSON.stringify(config, null, 1)}\n`;
  const hash = crypto.createHash('sha256').update(bundle).update(json).digest('hex').slice(0, 20);
  const dir = path.join(os.tmpdir(), `cdk-cloudtrail-alarms-notifier-${hash}`);
  if (!fs.existsSync(path.join(dir, 'config.json'))) {
    const tmp = `${dir}.${process.pid}.${Date.now()}`;
    fs.mkdirSync(tmp, { recursive: true });
    fs.writeFileSync(path.join(tmp, 'index.js'), bundle);
    fs.writeFileSync(path.join(tmp, 'config.json'), json);
    try {
      fs.renameSync(tmp, dir);
    } catch {
      // another synth staged the same content first
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  return lambda.Code.fromAsset(dir);
}

/** Acknowledges compliance-pack findings on the construct that carries them, with the reason. */
function suppress(scope: IConstruct, rules: Array<[string, string]>): void {
  for (const [id, reason] of rules) Validations.of(scope).acknowledge({ id, reason });
}
