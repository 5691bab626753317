// The only module that loads the AWS SDK. Required lazily by the audit and verify commands, never by the construct.
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { KMSClient } from '@aws-sdk/client-kms';
import { SNSClient } from '@aws-sdk/client-sns';

// the bundled SDK version is pinned by this package; its notice about future SDK releases does not apply here
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface AwsOptions {
  readonly region: string;
  /** For emulators (moto_server, LocalStack): one endpoint for every service. */
  readonly endpoint?: string;
}

export interface AwsClients {
  readonly region: string;
  readonly cloudtrail: CloudTrailClient;
  readonly logs: CloudWatchLogsClient;
  readonly cloudwatch: CloudWatchClient;
  readonly sns: SNSClient;
  readonly kms: KMSClient;
}

/** Clients with the standard credential chain (environment, shared config, SSO, instance roles, ...). */
export function awsClients(o: AwsOptions): AwsClients {
  const config = { region: o.region, endpoint: o.endpoint, maxAttempts: 3 };
  return {
    region: o.region,
    cloudtrail: new CloudTrailClient(config),
    logs: new CloudWatchLogsClient(config),
    cloudwatch: new CloudWatchClient(config),
    sns: new SNSClient(config),
    kms: new KMSClient(config),
  };
}

/** The region to use when none is given: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1. */
export function defaultRegion(env: Record<string, string | undefined>): string {
  return env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
}
