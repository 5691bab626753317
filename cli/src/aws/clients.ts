// The only module that loads the AWS SDK. Required lazily by the audit and verify commands, never by the construct.
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';

// the bundled SDK version is pinned by this package; its notice about future SDK releases does not apply here
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Static credentials (from STS AssumeRole); without them the standard chain is used. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface AwsOptions {
  readonly region: string;
  /** For emulators (moto_server, LocalStack): one endpoint for every service. */
  readonly endpoint?: string;
  readonly credentials?: AwsCredentials;
}

export interface AwsClients {
  readonly region: string;
  readonly cloudtrail: CloudTrailClient;
  readonly logs: CloudWatchLogsClient;
  readonly cloudwatch: CloudWatchClient;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
  readonly kms: KMSClient;
  readonly lambda: LambdaClient;
  readonly cloudformation: CloudFormationClient;
  readonly organizations: OrganizationsClient;
  readonly sts: STSClient;
}

/** Clients with the standard credential chain (environment, shared config, SSO, instance roles, ...) or the given credentials. */
export function awsClients(o: AwsOptions): AwsClients {
  const config = { region: o.region, endpoint: o.endpoint, maxAttempts: 2, ...(o.credentials ? { credentials: o.credentials } : {}) };
  return {
    region: o.region,
    cloudtrail: new CloudTrailClient(config),
    logs: new CloudWatchLogsClient(config),
    cloudwatch: new CloudWatchClient(config),
    sns: new SNSClient(config),
    sqs: new SQSClient(config),
    kms: new KMSClient(config),
    lambda: new LambdaClient(config),
    cloudformation: new CloudFormationClient(config),
    organizations: new OrganizationsClient(config),
    sts: new STSClient(config),
  };
}

/** Clients per Region for one account (one set of credentials), created on first use. */
export class AccountClients {
  private readonly byRegion = new Map<string, AwsClients>();
  constructor(private readonly endpoint?: string, private readonly credentials?: AwsCredentials) {}
  public in(region: string): AwsClients {
    let c = this.byRegion.get(region);
    if (!c) {
      c = awsClients({ region, endpoint: this.endpoint, credentials: this.credentials });
      this.byRegion.set(region, c);
    }
    return c;
  }
}

/** Where the Region came from: the flag, the environment, or the shared config file of the standard chain. */
export interface RegionChoice {
  readonly region: string;
  readonly source: string;
}

/**
 * The Region to use when `--region` is not given: AWS_REGION, AWS_DEFAULT_REGION, then the standard chain (the
 * `region` of the active profile in the shared config file). Undefined when none is set: the caller must say so
 * rather than guess.
 */
export async function resolveRegion(given: Record<string, string | undefined>): Promise<RegionChoice | undefined> {
  // the SDK's chain reads the process environment whatever the caller passes, so both are consulted
  const env = { ...process.env, ...given };
  if (env.AWS_REGION) return { region: env.AWS_REGION, source: 'AWS_REGION' };
  if (env.AWS_DEFAULT_REGION) return { region: env.AWS_DEFAULT_REGION, source: 'AWS_DEFAULT_REGION' };
  try {
    const region = await new STSClient({}).config.region();
    if (region) return { region, source: `shared config (profile ${process.env.AWS_PROFILE ?? 'default'})` };
  } catch {
    // no Region anywhere in the chain
  }
  return undefined;
}

/** The region to use when none is given and guessing is acceptable (verify): AWS_REGION, AWS_DEFAULT_REGION, else us-east-1. */
export function defaultRegion(env: Record<string, string | undefined>): string {
  return env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
}
