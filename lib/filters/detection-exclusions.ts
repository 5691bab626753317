/**
 * Events to leave out of a detection. Each list (and `assumedRootSessions`) is rendered with the safe
 * `NOT EXISTS || !=` exclusion form.
 */
export interface DetectionExclusions {
  /**
   * `userIdentity.arn` values to ignore; `*` is a wildcard (e.g. `arn:aws:sts::*:assumed-role/Deployer/*`).
   * @default - none excluded
   */
  readonly principalArns?: string[];
  /**
   * Role names to ignore (`userIdentity.sessionContext.sessionIssuer.userName` of assumed-role sessions).
   * @default - none excluded
   */
  readonly roleNames?: string[];
  /**
   * `userAgent` values to ignore; `*` is a wildcard.
   * @default - none excluded
   */
  readonly userAgents?: string[];
  /**
   * `sourceIPAddress` values to ignore (addresses or service names such as `cloudformation.amazonaws.com`).
   * @default - none excluded
   */
  readonly sourceIpAddresses?: string[];
  /**
   * `eventSource` values to ignore (e.g. `s3.amazonaws.com`).
   * @default - none excluded
   */
  readonly eventSources?: string[];
  /**
   * Leave out the records of centralized root access sessions: those CloudTrail marks with
   * `userIdentity.sessionContext.assumedRoot` "true", opened by the management account or the delegated administrator
   * for IAM with `sts:AssumeRoot`. Meant for `root-account-usage`, which otherwise counts them as root use (turn on
   * `root-assumed-session` to be told about them instead). A member-account record without the mark (AWS documents the
   * field as optional) is kept, so real root use is never left out. Appended as
   * `(($.userIdentity.sessionContext.assumedRoot NOT EXISTS) || ($.userIdentity.sessionContext.assumedRoot != "true"))`.
   * @default false
   */
  readonly assumedRootSessions?: boolean;
}
