import type { CallProblem } from 'cdk-cloudtrail-alarms/lib/audit/call-problem';

export type { CallProblem } from 'cdk-cloudtrail-alarms/lib/audit/call-problem';

const DENIED = /AccessDenied|UnauthorizedOperation|AuthorizationError|NotAuthorized|Forbidden/i;
const NO_CREDENTIALS = /CredentialsProviderError|Could not load credentials|InvalidClientTokenId|UnrecognizedClient|ExpiredToken|InvalidAccessKeyId|SignatureDoesNotMatch/i;
// whole words: 'ResourceNotFoundException' holds the letters of ENOTFOUND, and is an answer, not a silence
const UNREACHABLE = /\b(?:ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|TimeoutError)\b|socket hang up/i;

/** Sorts an SDK error into a `CallProblem` kind. */
export function problemKind(e: unknown): CallProblem['kind'] {
  const err = e as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const text = `${err.name ?? ''} ${err.code ?? ''} ${err.message ?? ''}`;
  if (NO_CREDENTIALS.test(text)) return 'credentials';
  if (DENIED.test(err.name ?? '') || err.$metadata?.httpStatusCode === 403) return 'permission';
  if (UNREACHABLE.test(text)) return 'unreachable';
  return 'error';
}

/** The problem a failed call makes, with a message that says what to do. */
export function toProblem(region: string, action: string, e: unknown): CallProblem {
  const err = e as { name?: string; code?: string; message?: string };
  const kind = problemKind(e);
  const detail = `${err.name ?? 'Error'}: ${err.message || err.code || String(e)}`;
  const message =
    kind === 'permission'
      ? `access denied: add ${action} to the auditing role's policy (${err.message ?? err.name})`
      : kind === 'credentials'
        ? `no usable AWS credentials (${detail}). Set AWS_PROFILE, run 'aws sso login', or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`
        : kind === 'unreachable'
          ? `the endpoint did not answer (${detail}). Check --endpoint-url, --region and the network`
          : detail;
  return { region, action, kind, message };
}

/** Runs one SDK call; on failure records the IAM action and returns undefined. */
export async function attempt<T>(
  problems: CallProblem[],
  region: string,
  action: string,
  fn: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    problems.push(toProblem(region, action, e));
    return undefined;
  }
}
