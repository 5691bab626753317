import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { FilterLogEvents } from './event-lookup';
import { Publish } from './notify';

/** Where the SDK clients connect (an endpoint override points them at moto in tests, or a VPC endpoint). */
export interface AwsClientOptions {
  readonly region?: string;
  readonly endpoint?: string;
  /** Static credentials (tests); by default the SDK's credential chain. */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * FilterLogEvents through the SDK. One call per page; the SDK retries throttling itself only twice, so a throttled
 * lookup stays short and the message goes out without details rather than late.
 */
export function sdkFilterLogEvents(options: AwsClientOptions = {}): FilterLogEvents {
  const client = new CloudWatchLogsClient({ region: options.region, endpoint: options.endpoint, credentials: options.credentials, maxAttempts: 2 });
  return async (req, signal) => {
    const out = await client.send(
      new FilterLogEventsCommand({
        logGroupName: req.logGroupName,
        filterPattern: req.filterPattern,
        startTime: req.startTime,
        endTime: req.endTime,
        nextToken: req.nextToken,
        limit: req.limit,
      }),
      { abortSignal: signal },
    );
    return {
      events: (out.events ?? []).map((e) => ({ timestamp: e.timestamp, message: e.message, eventId: e.eventId, logStreamName: e.logStreamName })),
      nextToken: out.nextToken,
    };
  };
}

/** SNS Publish through the SDK; the idempotency key travels as a message attribute for subscribers that deduplicate. */
export function sdkPublish(options: AwsClientOptions = {}): Publish {
  const client = new SNSClient({ region: options.region, endpoint: options.endpoint, credentials: options.credentials, maxAttempts: 4 });
  return async (p) => {
    await client.send(
      new PublishCommand({
        TopicArn: p.topicArn,
        Subject: p.subject,
        Message: p.message,
        MessageAttributes: { 'notification-id': { DataType: 'String', StringValue: p.idempotencyKey } },
      }),
    );
  };
}
