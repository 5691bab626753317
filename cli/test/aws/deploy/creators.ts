/**
 * The resource types moto's CloudFormation skips, created through their service APIs with the template's
 * properties. One creator per type; the deploy harness refuses (by name) a type that is in neither this table nor
 * MOTO_CLOUDFORMATION_TYPES, so a new resource in the construct makes the deploy test fail loudly.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient, CreateTrailCommand, PutEventSelectorsCommand, PutInsightSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, PutMetricFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EventBridgeClient, PutPermissionCommand } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient, PutFunctionEventInvokeConfigCommand } from '@aws-sdk/client-lambda';
import { PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { SetTopicAttributesCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export function harnessClients(endpoint: string, region: string, credentials: Credentials) {
  const cfg = { region, endpoint, credentials, maxAttempts: 1 };
  return {
    region,
    s3: new S3Client({ ...cfg, forcePathStyle: true }),
    cloudtrail: new CloudTrailClient(cfg),
    logs: new CloudWatchLogsClient(cfg),
    cloudwatch: new CloudWatchClient(cfg),
    sns: new SNSClient(cfg),
    kms: new KMSClient(cfg),
    lambda: new LambdaClient(cfg),
    sqs: new SQSClient(cfg),
    cloudformation: new CloudFormationClient(cfg),
    sts: new STSClient(cfg),
    events: new EventBridgeClient(cfg),
  };
}
export type HarnessClients = ReturnType<typeof harnessClients>;

/** What a creator made: the value of `Ref`, and the `Fn::GetAtt` attributes it knows. */
export interface Created {
  readonly ref: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

export interface CreatorContext {
  readonly c: HarnessClients;
  readonly account: string;
  readonly region: string;
  readonly stackName: string;
  readonly logicalId: string;
}

export type Creator = (props: Record<string, any>, x: CreatorContext) => Promise<Created>;

/** The name CloudFormation would generate (deterministic here, so that tests can name resources). */
export const generatedName = (x: CreatorContext) => `${x.stackName}-${x.logicalId}`;

const json = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const bool = (v: unknown) => (v === undefined ? undefined : v === true || v === 'true');
const num = (v: unknown) => (v === undefined ? undefined : Number(v));

export const API_CREATORS: Readonly<Record<string, Creator>> = {
  'AWS::S3::BucketPolicy': async (p, x) => {
    await x.c.s3.send(new PutBucketPolicyCommand({ Bucket: p.Bucket, Policy: json(p.PolicyDocument) }));
    return { ref: generatedName(x) };
  },

  'AWS::SNS::TopicPolicy': async (p, x) => {
    for (const topic of p.Topics as string[]) {
      await x.c.sns.send(new SetTopicAttributesCommand({ TopicArn: topic, AttributeName: 'Policy', AttributeValue: json(p.PolicyDocument) }));
    }
    return { ref: generatedName(x) };
  },

  // moto quirk: moto_server confirms an email subscription at once (AWS leaves it PendingConfirmation until the
  // recipient clicks the link), so right after this deploy the audit sees confirmed subscriptions.
  'AWS::SNS::Subscription': async (p, x) => {
    const attributes: Record<string, string> = {};
    for (const k of ['FilterPolicy', 'FilterPolicyScope', 'RawMessageDelivery', 'RedrivePolicy', 'DeliveryPolicy', 'SubscriptionRoleArn']) {
      if (p[k] !== undefined) attributes[k] = json(p[k]);
    }
    const r = await x.c.sns.send(
      new SubscribeCommand({ TopicArn: p.TopicArn, Protocol: p.Protocol, Endpoint: p.Endpoint, Attributes: attributes, ReturnSubscriptionArn: true }),
    );
    return { ref: r.SubscriptionArn! };
  },

  // the statement of one permission of an event bus, as its policy's statement with the StatementId as Sid
  'AWS::Events::EventBusPolicy': async (p, x) => {
    const statement = { Sid: p.StatementId, ...(p.Statement as object) };
    await x.c.events.send(new PutPermissionCommand({ EventBusName: p.EventBusName, Policy: json({ Version: '2012-10-17', Statement: [statement] }) }));
    return { ref: p.StatementId };
  },

  'AWS::SQS::QueuePolicy': async (p, x) => {
    for (const queueUrl of p.Queues as string[]) {
      await x.c.sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: json(p.PolicyDocument) } }));
    }
    return { ref: generatedName(x) };
  },

  'AWS::Lambda::EventInvokeConfig': async (p, x) => {
    await x.c.lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: p.FunctionName,
        Qualifier: p.Qualifier,
        MaximumRetryAttempts: num(p.MaximumRetryAttempts),
        MaximumEventAgeInSeconds: num(p.MaximumEventAgeInSeconds),
        DestinationConfig: p.DestinationConfig,
      }),
    );
    return { ref: generatedName(x) };
  },

  'AWS::CloudTrail::Trail': async (p, x) => {
    const name = p.TrailName ?? generatedName(x);
    const r = await x.c.cloudtrail.send(
      new CreateTrailCommand({
        Name: name,
        S3BucketName: p.S3BucketName,
        S3KeyPrefix: p.S3KeyPrefix,
        SnsTopicName: p.SnsTopicName,
        IncludeGlobalServiceEvents: bool(p.IncludeGlobalServiceEvents),
        IsMultiRegionTrail: bool(p.IsMultiRegionTrail),
        EnableLogFileValidation: bool(p.EnableLogFileValidation),
        CloudWatchLogsLogGroupArn: p.CloudWatchLogsLogGroupArn,
        CloudWatchLogsRoleArn: p.CloudWatchLogsRoleArn,
        KmsKeyId: p.KMSKeyId,
        IsOrganizationTrail: bool(p.IsOrganizationTrail),
      }),
    );
    if (p.EventSelectors || p.AdvancedEventSelectors) {
      const selectors = { TrailName: name, EventSelectors: p.EventSelectors, AdvancedEventSelectors: p.AdvancedEventSelectors };
      await x.c.cloudtrail.send(new PutEventSelectorsCommand(selectors));
    }
    if (p.InsightSelectors) await x.c.cloudtrail.send(new PutInsightSelectorsCommand({ TrailName: name, InsightSelectors: p.InsightSelectors }));
    if (bool(p.IsLogging)) await x.c.cloudtrail.send(new StartLoggingCommand({ Name: name }));
    return { ref: name, attributes: { Arn: r.TrailARN! } };
  },

  'AWS::Logs::MetricFilter': async (p, x) => {
    const name = p.FilterName ?? generatedName(x);
    await x.c.logs.send(
      new PutMetricFilterCommand({
        logGroupName: p.LogGroupName,
        filterName: name,
        filterPattern: p.FilterPattern,
        metricTransformations: (p.MetricTransformations as any[]).map((t) => ({
          metricName: t.MetricName,
          metricNamespace: t.MetricNamespace,
          metricValue: t.MetricValue,
          defaultValue: num(t.DefaultValue),
          unit: t.Unit,
          dimensions: t.Dimensions ? Object.fromEntries((t.Dimensions as any[]).map((d) => [d.Key, d.Value])) : undefined,
        })),
      }),
    );
    return { ref: name };
  },

  'AWS::CloudWatch::Alarm': async (p, x) => {
    const name = p.AlarmName ?? generatedName(x);
    await x.c.cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: name,
        AlarmDescription: p.AlarmDescription,
        ActionsEnabled: bool(p.ActionsEnabled),
        AlarmActions: p.AlarmActions,
        OKActions: p.OKActions,
        InsufficientDataActions: p.InsufficientDataActions,
        MetricName: p.MetricName,
        Namespace: p.Namespace,
        Statistic: p.Statistic,
        ExtendedStatistic: p.ExtendedStatistic,
        Dimensions: p.Dimensions,
        Period: num(p.Period),
        Unit: p.Unit,
        EvaluationPeriods: num(p.EvaluationPeriods),
        DatapointsToAlarm: num(p.DatapointsToAlarm),
        Threshold: num(p.Threshold),
        ComparisonOperator: p.ComparisonOperator,
        TreatMissingData: p.TreatMissingData,
        EvaluateLowSampleCountPercentile: p.EvaluateLowSampleCountPercentile,
        Metrics: p.Metrics,
        ThresholdMetricId: p.ThresholdMetricId,
      }),
    );
    return { ref: name, attributes: { Arn: `arn:aws:cloudwatch:${x.region}:${x.account}:alarm:${name}` } };
  },
};

/** The types moto_server 5's CloudFormation creates itself (of those a CDK app of this library can contain). */
export const MOTO_CLOUDFORMATION_TYPES: ReadonlySet<string> = new Set([
  'AWS::S3::Bucket',
  'AWS::Logs::LogGroup',
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::KMS::Key',
  'AWS::KMS::Alias',
  'AWS::SNS::Topic',
  'AWS::SQS::Queue',
  'AWS::Lambda::Function',
  'AWS::Lambda::Permission',
  'AWS::Events::Rule',
  'AWS::Lambda::EventSourceMapping',
]);

/** Types that describe the template rather than create anything. */
export const NOT_RESOURCES: ReadonlySet<string> = new Set(['AWS::CDK::Metadata']);
