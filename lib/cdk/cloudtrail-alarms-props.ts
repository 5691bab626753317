import { Duration } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AccountDimensionSource } from './account-dimension-source';
import { DetectionSelectionProps, SeverityTopics } from './detection-settings';

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
  /**
   * Friendly names of AWS accounts, by 12-digit account id: `{ '111122223333': 'prod' }`. With `eventDetails` every
   * notification names the account and Region of the matching events (`recipientAccountId`, the member account of an
   * organization trail) in its subject and first line, as `111122223333 "prod"`; a name is shown quoted and escaped,
   * as any text. Keys must be 12-digit account ids; names 1-64 characters, without control or invisible characters,
   * known at synth time. Needs `eventDetails`.
   * @default - account ids alone
   */
  readonly accountNames?: { [accountId: string]: string };
  /**
   * Also alarm on each account and Region on its own (for an organization trail's or a centralized log group): for
   * each detection, beside its own metric filter and alarm (unchanged, so the graders still pass), a metric filter
   * that counts the same metric name with account and Region dimensions (from `accountDimensionSource`; another
   * metric to CloudWatch) and a Metrics Insights alarm grouped by them (`<alarm name>-by-account`). CloudWatch evaluates each (account, Region)
   * on its own and notifies once per account and Region that crosses the threshold, so a noisy account cannot hide
   * another. Each extra filter counts against the log group's 100-filter quota; each (account, Region, detection)
   * with events is a custom metric ($0.30 a month, docs/cost.md).
   * @default false
   */
  readonly perAccountAlarms?: boolean;
  /**
   * Where the per-account filters read the account and Region from (see `AccountDimensionSource`). Only with
   * `perAccountAlarms`.
   * @default AccountDimensionSource.RECORD_FIELDS
   */
  readonly accountDimensionSource?: AccountDimensionSource;
  /**
   * An alarm when the log group receives no events at all for `pipelineHealthWindow`: `AWS/Logs` `IncomingLogEvents`
   * of the log group, missing data breaching, routed like a HIGH detection (straight to the HIGH topic, else the
   * notification topic, without the notifier) and notifying again when delivery resumes. Without it, a trail that
   * stops delivering silences every detection and looks like a quiet account. Off: a synth warning says so.
   * @default true
   */
  readonly pipelineHealth?: boolean;
  /**
   * How long the log group may receive nothing before the pipeline-health alarm fires: whole hours, 1 to 24. An
   * account where nothing at all calls an AWS API for that long (no person, no workload, no AWS service acting for
   * it) trips it too: lengthen it for accounts that can be idle for longer.
   * @default Duration.hours(6)
   */
  readonly pipelineHealthWindow?: Duration;
}
