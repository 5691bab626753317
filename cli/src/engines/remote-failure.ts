// Why a remote engine could not read its data, said in one line that names the resource and the Region: a missing
// log group or table, a wrong Region, denied access, no credentials, an endpoint that does not answer. The CLI prints
// the line and exits 3 (as `audit` does when it cannot audit); anything else stays an unexpected error.
import { problemKind } from '../aws/calls';

/** What kind of failure: the resource is not there, access is denied, no credentials, no answer, no Region, the query failed. */
export type RemoteFailureKind = 'not-found' | 'denied' | 'credentials' | 'unreachable' | 'no-region' | 'query-failed';

/** The data could not be read where it is: the message is one line naming the resource, the Region and what to do. */
export class RemoteDataError extends Error {
  constructor(message: string, public readonly kind: RemoteFailureKind) {
    super(message);
    Object.setPrototypeOf(this, RemoteDataError.prototype);
  }
}

interface SdkError {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/** `Name: message` of an SDK error, on one line. */
function detail(e: unknown): string {
  const err = e as SdkError;
  const message = (err.message || err.code || String(e)).replace(/\s+/g, ' ').trim();
  // the SDK wraps what is not an Error of its own realm: `AWS SDK error wrapper for Error: connect ECONNREFUSED ...`
  const wrapped = /^AWS SDK error wrapper for (.*)$/.exec(message);
  return wrapped ? wrapped[1] : `${err.name ?? 'Error'}: ${message}`;
}

const NO_REGION = /Region is missing|Unexpected region|region.*not (?:configured|set)/i;
const CREDENTIALS_HINT = "set AWS_PROFILE, run 'aws sso login', or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY";

/**
 * The Region a client sends to: the one given, else the one the SDK resolved (environment or profile), else
 * undefined when none is configured.
 */
export async function regionOfClient(client: unknown, given: string | undefined): Promise<string | undefined> {
  if (given !== undefined) return given;
  const provider = (client as { config?: { region?: unknown } } | undefined)?.config?.region;
  if (typeof provider !== 'function') return typeof provider === 'string' ? provider : undefined;
  try {
    const r: unknown = await (provider as () => Promise<unknown>)();
    return typeof r === 'string' && r !== '' ? r : undefined;
  } catch {
    return undefined;
  }
}

/** `in us-east-1`, or where the SDK sends when no Region is known here. */
function inRegion(region: string | undefined): string {
  return `in ${region ?? "the SDK's default Region"}`;
}

/** The failures every service shares: no Region, no credentials, no answer, access denied. */
function common(e: unknown, what: string, region: string | undefined, action: string, where: string): RemoteDataError | undefined {
  const err = e as SdkError;
  const text = `${err.name ?? ''} ${err.message ?? ''}`;
  if (NO_REGION.test(text)) {
    return new RemoteDataError(`no AWS Region to read ${what} in: pass --region, or set AWS_REGION or the region of your AWS profile`, 'no-region');
  }
  const kind = problemKind(e);
  if (kind === 'credentials') return new RemoteDataError(`no usable AWS credentials to read ${what} ${inRegion(region)} (${detail(e)}): ${CREDENTIALS_HINT}`, 'credentials');
  if (kind === 'permission' || /AccessDenied|not authorized|Insufficient permissions|Permission denied/i.test(text)) {
    return new RemoteDataError(`access denied to ${what} ${inRegion(region)}: allow ${action} for these credentials (${detail(e)})`, 'denied');
  }
  if (kind === 'unreachable') {
    return new RemoteDataError(`${where} ${inRegion(region)} did not answer for ${what} (${detail(e)}): check --region, --endpoint-url and the network`, 'unreachable');
  }
  return undefined;
}

/** A FilterLogEvents failure on a log group, as one line; undefined for an error that is not about reaching the data. */
export function cloudWatchLogsFailure(e: unknown, logGroupName: string, region: string | undefined): RemoteDataError | undefined {
  const what = `log group '${logGroupName}'`;
  const shared = common(e, what, region, 'logs:FilterLogEvents on the log group', 'CloudWatch Logs');
  if (shared) return shared;
  if ((e as SdkError).name === 'ResourceNotFoundException') {
    return new RemoteDataError(`${what} does not exist ${inRegion(region)} (${detail(e)}): check --log-group and --region`, 'not-found');
  }
  return undefined;
}

/** Where an Athena query runs, for messages. */
export interface AthenaTarget {
  readonly table: string;
  readonly workgroup: string;
  readonly region: string | undefined;
}

/**
 * A failure to run an Athena query (the API call, or a query that ended FAILED), as one line; undefined for an
 * error that is not about reaching the data.
 */
export function athenaFailure(e: unknown, t: AthenaTarget): RemoteDataError | undefined {
  const what = `Athena table ${t.table} (workgroup ${t.workgroup})`;
  const err = e as SdkError & { state?: string; queryExecutionId?: string };
  const text = `${err.name ?? ''} ${err.message ?? ''}`;
  const actions = 'athena:StartQueryExecution, athena:GetQueryExecution, athena:GetQueryResults, glue:GetTable, and s3:GetObject on the data and s3:PutObject on the results';
  const shared = common(e, what, t.region, actions, 'Athena');
  if (shared) return shared;
  if (/TABLE_NOT_FOUND|SCHEMA_NOT_FOUND|Table .* does not exist|Schema .* does not exist|EntityNotFound/i.test(text)) {
    return new RemoteDataError(`${what} does not exist in the data catalog ${inRegion(t.region)} (${detail(e)}): check --table and --region`, 'not-found');
  }
  if (/WorkGroup .*(?:not found|does not exist)/i.test(text)) {
    return new RemoteDataError(`Athena workgroup ${t.workgroup} does not exist ${inRegion(t.region)} (${detail(e)}): check --workgroup and --region`, 'not-found');
  }
  if (err.name === 'InvalidRequestException' || err.state === 'FAILED') {
    return new RemoteDataError(`the Athena query on ${what} ${inRegion(t.region)} failed (${detail(e)})`, 'query-failed');
  }
  return undefined;
}
