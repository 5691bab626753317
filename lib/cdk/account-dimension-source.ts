/**
 * Where a per-account metric filter (`perAccountAlarms`) reads the account and Region of each event from.
 */
export enum AccountDimensionSource {
  /**
   * The CloudTrail record's own fields: `$.recipientAccountId` and `$.awsRegion`, as dimensions `Account` and
   * `Region`. For the log group of an organization trail, or of any trail: every CloudTrail record carries them.
   */
  RECORD_FIELDS = 'RECORD_FIELDS',
  /**
   * The log event's system fields `@aws.account` and `@aws.region` (the metric filter's `EmitSystemFieldDimensions`),
   * the account and Region the event was sent from. For a log group that CloudWatch Logs centralization fills from
   * other accounts' log groups.
   */
  SYSTEM_FIELDS = 'SYSTEM_FIELDS',
}
