/** Stable ids of the built-in detections. Ids are part of the public contract (construct ids derive from them). */
export enum DetectionId {
  /** AWS template SecurityGroupChanges; CIS 4.10; Security Hub CloudWatch.10. */
  SECURITY_GROUP_CHANGES = 'security-group-changes',
  /** AWS template NetworkAclChanges; CIS 4.11; Security Hub CloudWatch.11. */
  NETWORK_ACL_CHANGES = 'network-acl-changes',
  /** AWS template GatewayChanges; CIS 4.12; Security Hub CloudWatch.12. */
  NETWORK_GATEWAY_CHANGES = 'network-gateway-changes',
  /** AWS template VpcChanges; CIS 4.14; Security Hub CloudWatch.14. */
  VPC_CHANGES = 'vpc-changes',
  /** AWS template EC2InstanceChanges. */
  EC2_INSTANCE_CHANGES = 'ec2-instance-changes',
  /** AWS template EC2LargeInstanceChanges. */
  EC2_LARGE_INSTANCE_CHANGES = 'ec2-large-instance-changes',
  /** AWS template CloudTrailChanges; CIS 4.5; Security Hub CloudWatch.5. */
  CLOUDTRAIL_CHANGES = 'cloudtrail-changes',
  /** AWS template ConsoleSignInFailures; CIS 4.6; Security Hub CloudWatch.6. */
  CONSOLE_SIGN_IN_FAILURES = 'console-sign-in-failures',
  /** AWS template AuthorizationFailures; CIS 4.1; Security Hub CloudWatch.2. */
  AUTHORIZATION_FAILURES = 'authorization-failures',
  /** AWS template IAMPolicyChanges; CIS 4.4; Security Hub CloudWatch.4. */
  IAM_POLICY_CHANGES = 'iam-policy-changes',
  /** CIS 4.3; Security Hub CloudWatch.1. */
  ROOT_ACCOUNT_USAGE = 'root-account-usage',
  /** CIS 4.2; Security Hub CloudWatch.3. */
  CONSOLE_SIGN_IN_WITHOUT_MFA = 'console-sign-in-without-mfa',
  /** CIS 4.7; Security Hub CloudWatch.7. */
  KMS_KEY_DISABLE_OR_DELETION = 'kms-key-disable-or-deletion',
  /** CIS 4.8; Security Hub CloudWatch.8. */
  S3_BUCKET_POLICY_CHANGES = 's3-bucket-policy-changes',
  /** CIS 4.9; Security Hub CloudWatch.9. */
  CONFIG_CHANGES = 'config-changes',
  /** CIS 4.13; Security Hub CloudWatch.13. */
  ROUTE_TABLE_CHANGES = 'route-table-changes',
  /** CIS 4.15 (no Security Hub control). */
  ORGANIZATIONS_CHANGES = 'organizations-changes',
  /**
   * Centralized root access: the management account (or the delegated administrator for IAM) called `sts:AssumeRoot`,
   * or a member account recorded an action of the short-term root session it opened. In no profile; turn it on with
   * an override.
   */
  ROOT_ASSUMED_SESSION = 'root-assumed-session',
  /** Tamper protection: the trail stops feeding CloudWatch Logs (StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors). */
  TRAIL_TAMPERING = 'trail-tampering',
  /** Tamper protection: the log group or its metric filters are deleted, replaced or shortened. */
  LOG_GROUP_TAMPERING = 'log-group-tampering',
  /** Tamper protection: alarms are deleted, silenced, redefined or set to a false state. */
  ALARM_TAMPERING = 'alarm-tampering',
  /** Tamper protection: notification topics are deleted, unsubscribed from or reconfigured. */
  TOPIC_TAMPERING = 'topic-tampering',
  /** Tamper protection: KMS keys are disabled, scheduled for deletion or given a new key policy. */
  KEY_TAMPERING = 'key-tampering',
  /** Tamper protection: the notifier function is deleted, its code or configuration replaced, or its invoke permission removed. */
  NOTIFIER_TAMPERING = 'notifier-tampering',
}
