/** A call that failed, or an answer the audit cannot interpret; the audit goes on with what it can see. */
export interface CallProblem {
  readonly region: string;
  /** The IAM action of the failed call, e.g. `logs:DescribeMetricFilters`. */
  readonly action: string;
  /**
   * `permission` for access denied (the action is missing from your IAM policy), `credentials` when no usable
   * credentials were found, `unreachable` when the endpoint did not answer (closed port, wrong URL, unknown Region),
   * `error` otherwise; `cannot-judge` when the call answered but the audit cannot interpret the answer (for
   * example a key policy that is not valid JSON).
   */
  readonly kind: 'permission' | 'credentials' | 'unreachable' | 'error' | 'cannot-judge';
  readonly message: string;
}
