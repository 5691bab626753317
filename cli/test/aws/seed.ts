import { CloudTrailClient, CreateTrailCommand, PutEventSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, CreateLogGroupCommand, PutMetricFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

/** SDK clients against the emulator. */
export function clients(endpoint: string) {
  const cfg = { region: REGION, endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  return {
    s3: new S3Client({ ...cfg, forcePathStyle: true }),
    cloudtrail: new CloudTrailClient(cfg),
    logs: new CloudWatchLogsClient(cfg),
    cloudwatch: new CloudWatchClient(cfg),
    sns: new SNSClient(cfg),
    kms: new KMSClient(cfg),
  };
}
type Clients = ReturnType<typeof clients>;

export interface TrailSpec {
  readonly name: string;
  readonly logGroup?: string;
  readonly multiRegion?: boolean;
  readonly logging?: boolean;
  readonly readWrite?: 'All' | 'ReadOnly' | 'WriteOnly';
}

export async function trail(c: Clients, t: TrailSpec): Promise<void> {
  const bucket = `${t.name}-bucket`;
  await c.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  if (t.logGroup) await c.logs.send(new CreateLogGroupCommand({ logGroupName: t.logGroup }));
  await c.cloudtrail.send(
    new CreateTrailCommand({
      Name: t.name,
      S3BucketName: bucket,
      IsMultiRegionTrail: t.multiRegion ?? true,
      CloudWatchLogsLogGroupArn: t.logGroup ? `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${t.logGroup}:*` : undefined,
      CloudWatchLogsRoleArn: t.logGroup ? `arn:aws:iam::${ACCOUNT}:role/CloudTrailToLogs` : undefined,
    }),
  );
  if (t.logging ?? true) await c.cloudtrail.send(new StartLoggingCommand({ Name: t.name }));
  await c.cloudtrail.send(new PutEventSelectorsCommand({ TrailName: t.name, EventSelectors: [{ ReadWriteType: t.readWrite ?? 'All', IncludeManagementEvents: true }] }));
}

const CLOUDWATCH_MAY_USE = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
    { Sid: 'CloudWatch', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*' },
  ],
};
const OWNER_ONLY = { Version: '2012-10-17', Statement: [CLOUDWATCH_MAY_USE.Statement[0]] };

/** A topic: encrypted with a key CloudWatch may (or may not) use, with (or without) a confirmed subscription. */
export async function topic(c: Clients, name: string, o: { encrypted?: 'cloudwatch-allowed' | 'cloudwatch-denied'; subscribers?: number } = {}): Promise<string> {
  let kmsKey: string | undefined;
  if (o.encrypted) {
    const key = await c.kms.send(new CreateKeyCommand({ Policy: JSON.stringify(o.encrypted === 'cloudwatch-allowed' ? CLOUDWATCH_MAY_USE : OWNER_ONLY) }));
    kmsKey = key.KeyMetadata!.Arn;
  }
  const t = await c.sns.send(new CreateTopicCommand({ Name: name, Attributes: kmsKey ? { KmsMasterKeyId: kmsKey } : undefined }));
  for (let i = 0; i < (o.subscribers ?? 1); i++) {
    await c.sns.send(new SubscribeCommand({ TopicArn: t.TopicArn, Protocol: 'email', Endpoint: `secops${i}@example.com` }));
  }
  return t.TopicArn!;
}

export interface DetectionSeed {
  readonly logGroup: string;
  readonly filterName: string;
  readonly pattern: string;
  readonly metric: string;
  readonly alarm?: {
    readonly statistic?: 'Sum' | 'Average' | 'SampleCount';
    readonly threshold?: number;
    readonly actionsEnabled?: boolean;
    readonly topics?: string[];
  };
}

export async function detection(c: Clients, d: DetectionSeed): Promise<void> {
  await c.logs.send(
    new PutMetricFilterCommand({
      logGroupName: d.logGroup,
      filterName: d.filterName,
      filterPattern: d.pattern,
      metricTransformations: [{ metricName: d.metric, metricNamespace: 'CloudTrailMetrics', metricValue: '1' }],
    }),
  );
  if (!d.alarm) return;
  await c.cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: `${d.filterName}-alarm`,
      Namespace: 'CloudTrailMetrics',
      MetricName: d.metric,
      Statistic: d.alarm.statistic ?? 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: d.alarm.threshold ?? 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      ActionsEnabled: d.alarm.actionsEnabled ?? true,
      AlarmActions: d.alarm.topics ?? [],
      TreatMissingData: 'notBreaching',
    }),
  );
}
