// The log group lookup: a CloudFormation custom resource handler that finds the one log group whose name starts with
// a prefix (AWS Control Tower's `aws-controltower/CloudTrailLogs-<suffix>`) and returns its name and ARN.
// Bundled by projen (esbuild, @aws-sdk/* external) into assets/; CloudTrailLogGroupLookup stages the bundle.
import * as http from 'http';
import * as https from 'https';
// the Lambda runtime provides the SDK (a devDependency, left out of the bundle as notifier-function's is)
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';

/** Names listed in the failure message when several log groups match. */
export const LISTED_MATCHES = 5;
/** Time kept back from the function's timeout for sending the response to CloudFormation. */
export const RESPONSE_RESERVE_MS = 10_000;
/** CloudFormation refuses a response body over 4,096 bytes: the reason is cut well below that. */
const MAX_REASON = 2_000;

/** A log group as DescribeLogGroups lists it. */
export interface FoundLogGroup {
  readonly logGroupName: string;
  /** The ARN ending in `:*`, as CloudFormation's `AWS::Logs::LogGroup` `Arn` attribute and CDK's `logGroupArn`. */
  readonly arn: string;
}

/** One page of DescribeLogGroups with `logGroupNamePrefix`. */
export type DescribeLogGroupsPage = (prefix: string, nextToken: string | undefined) => Promise<{ groups: FoundLogGroup[]; nextToken?: string }>;

/** Where the lookup runs, for the failure messages. */
export interface LookupPlace {
  readonly account?: string;
  readonly region?: string;
}

/** DescribeLogGroups through the AWS SDK v3 (the Lambda runtime provides it). */
export function sdkDescribeLogGroups(client: CloudWatchLogsClient, pageSize = 50): DescribeLogGroupsPage {
  return async (prefix, nextToken) => {
    const out = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, nextToken, limit: pageSize }));
    const groups = (out.logGroups ?? []).map((g) => {
      const name = g.logGroupName ?? '';
      // `arn` ends in ':*'; `logGroupArn` (newer) does not: either way the result ends in ':*'
      const base = (g.arn ?? g.logGroupArn ?? '').replace(/:\*$/, '');
      return { logGroupName: name, arn: `${base}:*` };
    });
    return { groups, nextToken: out.nextToken };
  };
}

/**
 * The one log group whose name starts with `prefix`, read page by page. Throws, naming the prefix, when none or
 * several match (listing at most LISTED_MATCHES of them), or when `deadline` (epoch milliseconds) passes between pages.
 */
export async function findLogGroup(
  describe: DescribeLogGroupsPage,
  prefix: string,
  place: LookupPlace = {},
  deadline = Infinity,
  now = Date.now,
): Promise<FoundLogGroup> {
  if (prefix.length === 0) throw new Error('The log group name prefix is empty: set `namePrefix` to the start of the log group name.');
  const where = place.account && place.region ? ` in account ${place.account}, Region ${place.region}` : '';
  const matches: FoundLogGroup[] = [];
  let token: string | undefined;
  do {
    if (now() > deadline) {
      throw new Error(`Timed out listing the log groups whose names start with ${quote(prefix)}${where} after ${matches.length} matches: set \`namePrefix\` to a longer prefix.`);
    }
    const page = await describe(prefix, token);
    // the API matches by prefix; checked again so that a wider answer can never pass for a match
    matches.push(...page.groups.filter((g) => g.logGroupName.startsWith(prefix)));
    token = page.nextToken;
  } while (token);
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) {
    const advice = prefix.startsWith('aws-controltower/')
      ? "AWS Control Tower's trail delivers to its log group in the management account, in the landing zone's home Region: deploy there, or set `namePrefix` to the start of the log group name."
      : 'Deploy to the account and Region of the log group, or set `namePrefix` to the start of its name.';
    throw new Error(`No log group name starts with ${quote(prefix)}${where}. ${advice}`);
  }
  const listed = matches.slice(0, LISTED_MATCHES).map((g) => quote(g.logGroupName)).join(', ');
  const more = matches.length > LISTED_MATCHES ? ` and ${matches.length - LISTED_MATCHES} more` : '';
  throw new Error(
    `${matches.length} log group names start with ${quote(prefix)}${where}: ${listed}${more}. Set \`namePrefix\` to a longer prefix that only one of them starts with.`,
  );
}

/** A name in a message: JSON-quoted, so that no character of it can pass for the message's own. */
function quote(s: string): string {
  return JSON.stringify(s.length > 200 ? `${s.slice(0, 200)}...` : s);
}

/** The parts of a CloudFormation custom resource request the handler reads. */
export interface CustomResourceRequest {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: { readonly NamePrefix?: unknown; readonly [k: string]: unknown };
}

/** The response CloudFormation reads from the request's pre-signed URL. */
export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: { readonly LogGroupName: string; readonly Arn: string };
}

/** What `handleRequest` works with; the defaults are the function's. */
export interface LookupHandlerOptions {
  readonly describe?: DescribeLogGroupsPage;
  readonly send?: (url: string, body: string) => Promise<void>;
  readonly log?: (line: string) => void;
  readonly now?: () => number;
  readonly env?: Record<string, string | undefined>;
}

/** The part of the Lambda context the handler uses. */
export interface InvocationContext {
  readonly invokedFunctionArn?: string;
  getRemainingTimeInMillis(): number;
}

/**
 * Answers one custom resource request: Create and Update look the log group up (the physical id is its name), Delete
 * does nothing. Every request gets a response, a failure included, so that CloudFormation never waits for one.
 */
export async function handleRequest(
  event: CustomResourceRequest,
  context: InvocationContext,
  options: LookupHandlerOptions = {},
): Promise<CustomResourceResponse> {
  const now = options.now ?? Date.now;
  const log = options.log ?? ((line: string) => console.log(line));
  const env = options.env ?? process.env;
  const base = { StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId };
  let response: CustomResourceResponse;
  if (event.RequestType === 'Delete') {
    response = { ...base, Status: 'SUCCESS', PhysicalResourceId: event.PhysicalResourceId ?? event.LogicalResourceId };
  } else {
    try {
      const prefix = event.ResourceProperties.NamePrefix;
      if (typeof prefix !== 'string') throw new Error(`The custom resource's \`NamePrefix\` must be a string, got ${JSON.stringify(prefix)}.`);
      const describe = options.describe ?? sdkDescribeLogGroups(new CloudWatchLogsClient({}));
      const place = { account: context.invokedFunctionArn?.split(':')[4], region: env.AWS_REGION };
      const found = await findLogGroup(describe, prefix, place, now() + context.getRemainingTimeInMillis() - RESPONSE_RESERVE_MS, now);
      response = { ...base, Status: 'SUCCESS', PhysicalResourceId: found.logGroupName, Data: { LogGroupName: found.logGroupName, Arn: found.arn } };
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      response = {
        ...base,
        Status: 'FAILED',
        Reason: reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON)}...` : reason,
        // a failed Create has no log group: CloudFormation's Delete of this id then does nothing
        PhysicalResourceId: event.PhysicalResourceId ?? `${event.LogicalResourceId}-not-found`,
      };
    }
  }
  const { Status: status, Reason: reason, Data: data } = response;
  log(JSON.stringify({ requestType: event.RequestType, status, reason, logGroupName: data?.LogGroupName }));
  await (options.send ?? putResponse)(event.ResponseURL, JSON.stringify(response));
  return response;
}

/** PUTs the response to CloudFormation's pre-signed URL (https; http for a local test server). */
export function putResponse(url: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = (url.startsWith('http:') ? http : https).request(
      url,
      { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode !== undefined && res.statusCode < 300 ? resolve() : reject(new Error(`CloudFormation's response URL answered ${res.statusCode}`))));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** The Lambda entry point. */
export async function handler(event: CustomResourceRequest, context: InvocationContext): Promise<void> {
  await handleRequest(event, context);
}
