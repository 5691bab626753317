/**
 * What an example imports instead of creating (an existing trail's log group, an existing topic by ARN) must exist
 * before it is deployed: the harness creates it, as the user's account would already have it.
 */
import { CreateTrailCommand, PutEventSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { harnessClients } from './creators';
import { credentialsFor, DEFAULT_ACCOUNT } from './deploy';

export interface Imports {
  /** SNS topic ARNs the template names literally (alarm and OK actions). */
  readonly topics: string[];
  /** Log group names metric filters name literally (an existing trail's group). */
  readonly logGroups: string[];
}

export function importsOf(template: { Resources: Record<string, any> }): Imports {
  const topics = new Set<string>();
  const logGroups = new Set<string>();
  for (const r of Object.values(template.Resources)) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::CloudWatch::Alarm') for (const a of [...(p.AlarmActions ?? []), ...(p.OKActions ?? [])]) if (typeof a === 'string' && a.startsWith('arn:aws:sns:')) topics.add(a);
    if (r.Type === 'AWS::Logs::MetricFilter' && typeof p.LogGroupName === 'string') logGroups.add(p.LogGroupName);
  }
  return { topics: [...topics], logGroups: [...logGroups] };
}

/** The account and Region to deploy in: those of the imported topics (they must agree), else the defaults. */
export function targetOf(i: Imports): { account: string; region: string } {
  const places = new Set(i.topics.map((t) => `${t.split(':')[4]}|${t.split(':')[3]}`));
  if (places.size > 1) throw new Error(`imported topics live in several accounts/Regions (${[...places].join(', ')}): the harness deploys into one`);
  const [place] = places;
  if (!place) return { account: DEFAULT_ACCOUNT, region: 'us-east-1' };
  const [account, region] = place.split('|');
  return { account, region };
}

/** Creates the imported topics (each with one email subscription) and, per imported log group, a trail delivering to it. */
export async function createImports(endpoint: string, i: Imports, account: string, region: string): Promise<void> {
  for (const arn of i.topics) {
    const [, , , r, a, name] = arn.split(':');
    const c = harnessClients(endpoint, r, await credentialsFor(endpoint, a));
    const t = await c.sns.send(new CreateTopicCommand({ Name: name }));
    await c.sns.send(new SubscribeCommand({ TopicArn: t.TopicArn, Protocol: 'email', Endpoint: `${name}@example.com` }));
  }
  const c = harnessClients(endpoint, region, await credentialsFor(endpoint, account));
  for (const [n, group] of i.logGroups.entries()) {
    const bucket = `existing-trail-bucket-${n}`;
    await c.s3.send(new CreateBucketCommand({ Bucket: bucket, ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as any } }) }));
    await c.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await c.cloudtrail.send(
      new CreateTrailCommand({
        Name: `existing-trail-${n}`,
        S3BucketName: bucket,
        IsMultiRegionTrail: true,
        CloudWatchLogsLogGroupArn: `arn:aws:logs:${region}:${account}:log-group:${group}:*`,
        CloudWatchLogsRoleArn: `arn:aws:iam::${account}:role/CloudTrailToLogs`,
      }),
    );
    await c.cloudtrail.send(new PutEventSelectorsCommand({ TrailName: `existing-trail-${n}`, EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] }));
    await c.cloudtrail.send(new StartLoggingCommand({ Name: `existing-trail-${n}` }));
  }
}
