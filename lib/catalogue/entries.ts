import { DetectionId } from './detection-id';
import { Severity } from './severity';

/** One built-in detection as data: what it means, how to alarm on it, which controls it satisfies. */
export interface CatalogueEntry {
  readonly id: DetectionId;
  readonly title: string;
  /** What happened and why it matters. */
  readonly summary: string;
  /** How to investigate: which CloudTrail fields to look at. */
  readonly investigate: string;
  readonly severity: Severity;
  readonly metricName: string;
  /** Alarm threshold (matches per period). */
  readonly threshold: number;
  /** Control ids, e.g. `CIS-1.4:4.3`, `SecurityHub:CloudWatch.1`, `AWSTemplate:RootAccountUsage`. */
  readonly controls: readonly string[];
}

const cis = (n: number, v12?: boolean) => [
  ...(v12 === false ? [] : [`CIS-1.2:3.${n}`]),
  `CIS-1.4:4.${n}`,
  `CIS-5.0:4.${n}`,
  `CIS-6.0:5.${n}`,
  `CIS-7.0:5.${n}`,
];

export const ENTRIES: readonly CatalogueEntry[] = [
  {
    id: DetectionId.ROOT_ACCOUNT_USAGE,
    title: 'Root user activity',
    summary:
      'The root user of the account signed in or made an API call that no AWS service made on its behalf. Root has unrestricted access that IAM policies cannot limit, so any use outside a documented break-glass procedure is a potential compromise.',
    investigate:
      'Look at eventName, sourceIPAddress, userAgent and additionalEventData.MFAUsed; confirm with the account owner; rotate root credentials and check for new IAM users, access keys or policy changes made in the same session.',
    severity: Severity.HIGH,
    metricName: 'RootAccountUsageEventCount',
    threshold: 1,
    controls: ['CIS-1.2:1.1', ...cis(3), 'CIS-1.4:1.7', 'SecurityHub:CloudWatch.1'],
  },
  {
    id: DetectionId.AUTHORIZATION_FAILURES,
    title: 'Unauthorized API calls',
    summary:
      'An API call was denied (errorCode AccessDenied* or *UnauthorizedOperation). Bursts of denials are typical of reconnaissance with stolen credentials or of a misconfigured workload.',
    investigate:
      'Group by userIdentity.arn, sourceIPAddress and eventName; a principal probing many services from an unfamiliar IP is suspicious, one workload failing the same call is usually a policy bug.',
    severity: Severity.LOW,
    metricName: 'AuthorizationFailureCount',
    threshold: 1,
    controls: [...cis(1), 'SecurityHub:CloudWatch.2', 'AWSTemplate:AuthorizationFailures'],
  },
  {
    id: DetectionId.CONSOLE_SIGN_IN_WITHOUT_MFA,
    title: 'Console sign-in without MFA',
    summary:
      'Someone signed in to the AWS Management Console without multi-factor authentication. A password alone is easy to phish or reuse; console access without MFA is a common path to account takeover.',
    investigate:
      'Look at userIdentity.arn, sourceIPAddress, userAgent and responseElements.ConsoleLogin; require MFA for the user (IAM policy condition aws:MultiFactorAuthPresent) and confirm the sign-in with them.',
    severity: Severity.HIGH,
    metricName: 'ConsoleSignInWithoutMfaCount',
    threshold: 1,
    controls: [...cis(2), 'SecurityHub:CloudWatch.3'],
  },
  {
    id: DetectionId.IAM_POLICY_CHANGES,
    title: 'IAM policy changes',
    summary:
      'An IAM policy was created, changed, attached, detached or deleted. Policy changes are how privileges are escalated and how backdoors are left behind.',
    investigate:
      'Look at eventName, requestParameters (policyArn, policyDocument, roleName/userName/groupName) and userIdentity.arn; compare with change tickets and infrastructure-as-code deployments.',
    severity: Severity.MEDIUM,
    metricName: 'IAMPolicyEventCount',
    threshold: 1,
    controls: [...cis(4), 'SecurityHub:CloudWatch.4', 'AWSTemplate:IAMPolicyChanges'],
  },
  {
    id: DetectionId.CLOUDTRAIL_CHANGES,
    title: 'CloudTrail configuration changes',
    summary:
      'A trail was created, updated or deleted, or logging was started or stopped. Attackers stop or redirect trails to hide what they do next.',
    investigate:
      'Look at eventName (StopLogging and DeleteTrail first), requestParameters.name and userIdentity.arn; re-enable logging and review activity from the same principal since.',
    severity: Severity.HIGH,
    metricName: 'CloudTrailEventCount',
    threshold: 1,
    controls: [...cis(5), 'SecurityHub:CloudWatch.5', 'AWSTemplate:CloudTrailChanges'],
  },
  {
    id: DetectionId.CONSOLE_SIGN_IN_FAILURES,
    title: 'Console sign-in failures',
    summary:
      'Console sign-ins failed with "Failed authentication". Several failures in a short time suggest password guessing or credential stuffing.',
    investigate:
      'Group by userIdentity (userName or principalId) and sourceIPAddress; many users from one IP is spraying, many IPs against one user is a targeted attack. Check for a later successful ConsoleLogin.',
    severity: Severity.MEDIUM,
    metricName: 'ConsoleSignInFailureCount',
    threshold: 3,
    controls: [...cis(6), 'SecurityHub:CloudWatch.6', 'AWSTemplate:ConsoleSignInFailures'],
  },
  {
    id: DetectionId.KMS_KEY_DISABLE_OR_DELETION,
    title: 'KMS key disabled or scheduled for deletion',
    summary:
      'A customer managed KMS key was disabled or scheduled for deletion. Data encrypted under a deleted key is lost for good, so this is both a sabotage and a ransom technique.',
    investigate:
      'Look at requestParameters.keyId, requestParameters.pendingWindowInDays and userIdentity.arn; cancel the deletion (CancelKeyDeletion) or re-enable the key while you investigate.',
    severity: Severity.HIGH,
    metricName: 'KmsKeyDisableOrDeletionEventCount',
    threshold: 1,
    controls: [...cis(7), 'SecurityHub:CloudWatch.7'],
  },
  {
    id: DetectionId.S3_BUCKET_POLICY_CHANGES,
    title: 'S3 bucket policy changes',
    summary:
      "A bucket's ACL, policy, CORS, lifecycle or replication configuration was changed or deleted. These settings decide who can read the data and where copies of it go.",
    investigate:
      'Look at requestParameters.bucketName, the new policy or ACL in requestParameters, and userIdentity.arn; check for public grants or replication to an unknown account.',
    severity: Severity.MEDIUM,
    metricName: 'S3BucketPolicyEventCount',
    threshold: 1,
    controls: [...cis(8), 'SecurityHub:CloudWatch.8'],
  },
  {
    id: DetectionId.CONFIG_CHANGES,
    title: 'AWS Config configuration changes',
    summary:
      'The AWS Config recorder was stopped or changed, or a delivery channel was changed or deleted. Without Config, configuration history and compliance rules go dark.',
    investigate:
      'Look at eventName (StopConfigurationRecorder and DeleteDeliveryChannel first), requestParameters and userIdentity.arn; restart the recorder.',
    severity: Severity.HIGH,
    metricName: 'ConfigEventCount',
    threshold: 1,
    controls: [...cis(9), 'SecurityHub:CloudWatch.9'],
  },
  {
    id: DetectionId.SECURITY_GROUP_CHANGES,
    title: 'Security group changes',
    summary:
      'A security group was created or deleted, or its ingress or egress rules changed. Opening a port to the internet is a common first step of an intrusion and a common mistake.',
    investigate:
      'Look at requestParameters.groupId and requestParameters.ipPermissions (look for 0.0.0.0/0 or ::/0) and userIdentity.arn.',
    severity: Severity.MEDIUM,
    metricName: 'SecurityGroupEventCount',
    threshold: 1,
    controls: [...cis(10), 'SecurityHub:CloudWatch.10', 'AWSTemplate:SecurityGroupChanges'],
  },
  {
    id: DetectionId.NETWORK_ACL_CHANGES,
    title: 'Network ACL changes',
    summary: 'A network ACL or one of its entries was created, replaced or deleted, changing which traffic may enter or leave subnets.',
    investigate: 'Look at requestParameters.networkAclId, the rule in requestParameters (cidrBlock, ruleAction, portRange) and userIdentity.arn.',
    severity: Severity.MEDIUM,
    metricName: 'NetworkAclEventCount',
    threshold: 1,
    controls: [...cis(11), 'SecurityHub:CloudWatch.11', 'AWSTemplate:NetworkAclChanges'],
  },
  {
    id: DetectionId.NETWORK_GATEWAY_CHANGES,
    title: 'Network gateway changes',
    summary: 'A customer or internet gateway was created, attached, detached or deleted, which can open a path between a VPC and the internet or another network.',
    investigate: 'Look at requestParameters (internetGatewayId, vpcId, customerGatewayId) and userIdentity.arn.',
    severity: Severity.MEDIUM,
    metricName: 'GatewayEventCount',
    threshold: 1,
    controls: [...cis(12), 'SecurityHub:CloudWatch.12', 'AWSTemplate:GatewayChanges'],
  },
  {
    id: DetectionId.ROUTE_TABLE_CHANGES,
    title: 'Route table changes',
    summary: 'A route or route table was created, replaced, disassociated or deleted, which can send traffic around inspection or out of the VPC.',
    investigate: 'Look at requestParameters (routeTableId, destinationCidrBlock, gatewayId, natGatewayId) and userIdentity.arn.',
    severity: Severity.MEDIUM,
    metricName: 'RouteTableEventCount',
    threshold: 1,
    controls: [...cis(13), 'SecurityHub:CloudWatch.13'],
  },
  {
    id: DetectionId.VPC_CHANGES,
    title: 'VPC changes',
    summary: 'A VPC, a VPC peering connection or a ClassicLink attachment was created, changed or deleted.',
    investigate: 'Look at requestParameters (vpcId, vpcPeeringConnectionId, peerOwnerId for cross-account peering) and userIdentity.arn.',
    severity: Severity.MEDIUM,
    metricName: 'VpcEventCount',
    threshold: 1,
    controls: [...cis(14), 'SecurityHub:CloudWatch.14', 'AWSTemplate:VpcChanges'],
  },
  {
    id: DetectionId.ORGANIZATIONS_CHANGES,
    title: 'AWS Organizations changes',
    summary: 'The organization, its accounts, organizational units, policies or handshakes changed. An account leaving the organization escapes its guardrails (SCPs).',
    investigate: 'Look at eventName (LeaveOrganization, RemoveAccountFromOrganization, DetachPolicy first), requestParameters and userIdentity.arn.',
    severity: Severity.HIGH,
    metricName: 'OrganizationsEventCount',
    threshold: 1,
    controls: ['CIS-1.4:4.15', 'CIS-5.0:4.15', 'CIS-6.0:5.15', 'CIS-7.0:5.15'],
  },
  {
    id: DetectionId.EC2_INSTANCE_CHANGES,
    title: 'EC2 instance changes',
    summary: 'An EC2 instance was launched, rebooted, started, stopped or terminated.',
    investigate: 'Look at eventName, requestParameters.instancesSet and responseElements.instancesSet, and userIdentity.arn.',
    severity: Severity.LOW,
    metricName: 'EC2InstanceEventCount',
    threshold: 1,
    controls: ['AWSTemplate:EC2InstanceChanges'],
  },
  {
    id: DetectionId.EC2_LARGE_INSTANCE_CHANGES,
    title: 'Large EC2 instance launches',
    summary:
      'An EC2 instance of a large type (by default *.8xlarge or *.4xlarge) was launched. Large instances are what crypto-mining with stolen credentials runs on, and they are expensive.',
    investigate: 'Look at requestParameters.instanceType, requestParameters.maxCount, awsRegion (unused Regions are a red flag) and userIdentity.arn.',
    severity: Severity.LOW,
    metricName: 'EC2LargeInstanceEventCount',
    threshold: 1,
    controls: ['AWSTemplate:EC2LargeInstanceChanges'],
  },
  {
    id: DetectionId.ROOT_ASSUMED_SESSION,
    title: 'Centralized root access session',
    summary:
      'The management account or the delegated administrator for IAM called sts:AssumeRoot to open a short-term root session (at most 15 minutes) in a member account, or the member account recorded an action of such a session. This is the designed replacement for root passwords, but it still unlocks bucket and queue policies and deletes or recovers root credentials.',
    investigate:
      'On the AssumeRoot record: userIdentity.arn (who), requestParameters.targetPrincipal (which member account), requestParameters.taskPolicyArn.arn (which task) and responseElements.credentials.accessKeyId; in the member account, search CloudTrail for that access key to see what the session did.',
    severity: Severity.MEDIUM,
    metricName: 'RootAssumedSessionEventCount',
    threshold: 1,
    controls: [],
  },
  // ---- tamper protection: changes that blind this pipeline (trail -> log group + filters -> alarms -> topics -> people)
  {
    id: DetectionId.TRAIL_TAMPERING,
    title: 'Trail tampering',
    summary:
      'The trail that feeds these alarms was stopped, deleted, updated (an update can drop its CloudWatch Logs group or make it single-Region) or given event selectors that can exclude management events. Every metric-filter detection goes blind after it.',
    investigate:
      'Look at eventName, requestParameters (name/trailName, cloudWatchLogsLogGroupArn, isMultiRegionTrail, eventSelectors[].includeManagementEvents) and userIdentity.arn; restore the trail from infrastructure as code and review what the same principal did next.',
    severity: Severity.HIGH,
    metricName: 'TrailTamperingEventCount',
    threshold: 1,
    controls: [],
  },
  {
    id: DetectionId.LOG_GROUP_TAMPERING,
    title: 'Log group or metric filter tampering',
    summary:
      'The log group that receives the trail, or one of its metric filters, was deleted or replaced, its retention changed, or its KMS key disassociated. A replaced filter (PutMetricFilter with the same name) can silently stop counting.',
    investigate:
      'Look at eventName, requestParameters (logGroupName, filterName, filterPattern, retentionInDays) and userIdentity.arn; compare the filter patterns with the deployed stack.',
    severity: Severity.HIGH,
    metricName: 'LogGroupTamperingEventCount',
    threshold: 1,
    controls: [],
  },
  {
    id: DetectionId.ALARM_TAMPERING,
    title: 'Alarm tampering',
    summary:
      'Alarms were deleted, had their actions disabled, were redefined (PutMetricAlarm) or were forced into a state (SetAlarmState runs the actions of a false state). An alarm that is deleted cannot report its own deletion: this detection is also delivered in real time through EventBridge.',
    investigate:
      'Look at eventName, requestParameters (alarmName/alarmNames, stateValue, actionsEnabled, alarmActions) and userIdentity.arn; a deployment of the stack itself calls PutMetricAlarm, so compare with the deployment history.',
    severity: Severity.HIGH,
    metricName: 'AlarmTamperingEventCount',
    threshold: 1,
    controls: [],
  },
  {
    id: DetectionId.TOPIC_TAMPERING,
    title: 'Notification topic tampering',
    summary:
      "A topic that carries the alarms was deleted, a subscription removed, or the topic's attributes (policy, KMS key, delivery policy) or permissions changed, so notifications stop reaching people. An email unsubscribe from the link is not logged by CloudTrail at all.",
    investigate:
      'Look at eventName, requestParameters (topicArn, subscriptionArn, attributeName, attributeValue, label) and userIdentity.arn; re-subscribe the on-call addresses and confirm them with AuthenticateOnUnsubscribe.',
    severity: Severity.HIGH,
    metricName: 'TopicTamperingEventCount',
    threshold: 1,
    controls: [],
  },
  {
    id: DetectionId.KEY_TAMPERING,
    title: 'Alarm topic or log key tampering',
    summary:
      'A KMS key was disabled, scheduled for deletion or given a new key policy. When it is the key of the alarm topics or of the log group, CloudWatch can no longer publish or CloudTrail can no longer deliver, and every alarm goes quiet.',
    investigate:
      'Look at requestParameters.keyId, requestParameters.policy, requestParameters.pendingWindowInDays and userIdentity.arn; cancel the deletion (CancelKeyDeletion) or re-enable the key and restore its policy.',
    severity: Severity.HIGH,
    metricName: 'KeyTamperingEventCount',
    threshold: 1,
    controls: [],
  },
  {
    id: DetectionId.NOTIFIER_TAMPERING,
    title: 'Notifier function tampering',
    summary:
      'The function that turns alarms into who-did-what messages was deleted, its code or configuration replaced, or its invoke permission removed. A replaced function can drop or forge notifications.',
    investigate:
      'Look at eventName, requestParameters.functionName, the new code or configuration in requestParameters, and userIdentity.arn; redeploy the stack and compare the function code hash with the deployed one.',
    severity: Severity.HIGH,
    metricName: 'NotifierTamperingEventCount',
    threshold: 1,
    controls: [],
  },
];
