/** A call that failed; the audit goes on with what it can see. */
export interface CallProblem {
  readonly region: string;
  /** The IAM action of the failed call, e.g. `logs:DescribeMetricFilters`. */
  readonly action: string;
  /** `permission` for access denied (the action is missing from your IAM policy), `error` otherwise. */
  readonly kind: 'permission' | 'error';
  readonly message: string;
}

const DENIED = /AccessDenied|UnauthorizedOperation|AuthorizationError|NotAuthorized|Forbidden/i;

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
    const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const denied = DENIED.test(err.name ?? '') || err.$metadata?.httpStatusCode === 403;
    problems.push({
      region,
      action,
      kind: denied ? 'permission' : 'error',
      message: denied ? `access denied: add ${action} to the auditing role's policy (${err.message ?? err.name})` : `${err.name ?? 'Error'}: ${err.message ?? String(e)}`,
    });
    return undefined;
  }
}
