/** Events to leave out of a detection. Each list is rendered with the safe `NOT EXISTS || !=` exclusion form. */
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
}
