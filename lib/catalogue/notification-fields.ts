/**
 * What an alarm notification shows for each detection, as data: the CloudTrail fields that matter beyond the common
 * ones (time, principal, action, source IP, region, error code, account), and what on-call should do next.
 *
 * A field path is a dotted CloudTrail path; `[]` after a segment takes every element of an array there, e.g.
 * `requestParameters.ipPermissions.items[].ipRanges.items[].cidrIp`. Paths that are absent in a record are skipped.
 */

/** One field shown per event: a label and the CloudTrail paths it is read from (first path that has a value wins). */
export interface NotificationField {
  readonly label: string;
  readonly paths: readonly string[];
}

/** The notification content of one detection. */
export interface NotificationContent {
  readonly fields: readonly NotificationField[];
  /** Short, ordered steps for whoever is on call; shown in the email and as the chat notification's next steps. */
  readonly advice: readonly string[];
}

const field = (label: string, ...paths: string[]): NotificationField => ({ label, paths });

const USER_AGENT = field('User agent', 'userAgent');
const MFA_USED = field('MFA used', 'additionalEventData.MFAUsed');
const SIGN_IN_RESULT = field('Sign-in result', 'responseElements.ConsoleLogin');
const ERROR_MESSAGE = field('Error message', 'errorMessage');
const SG_RULES = [
  field('Security group', 'requestParameters.groupId', 'requestParameters.ModifySecurityGroupRulesRequest.GroupId', 'responseElements.groupId'),
  field('Group name', 'requestParameters.groupName'),
  field('Protocol', 'requestParameters.ipPermissions.items[].ipProtocol'),
  field('From port', 'requestParameters.ipPermissions.items[].fromPort'),
  field('To port', 'requestParameters.ipPermissions.items[].toPort'),
  field(
    'CIDR',
    'requestParameters.ipPermissions.items[].ipRanges.items[].cidrIp',
    'requestParameters.ipPermissions.items[].ipv6Ranges.items[].cidrIpv6',
    'requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule.SecurityGroupRule.CidrIpv4',
  ),
  field('Rule ids', 'requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule.SecurityGroupRuleId'),
];

/**
 * Fields and advice keyed by detection id. Every built-in detection has an entry (a catalogue test requires it);
 * custom detections get `DEFAULT_NOTIFICATION_CONTENT`.
 */
export const NOTIFICATION_CONTENT: Readonly<Record<string, NotificationContent>> = {
  'root-account-usage': {
    fields: [MFA_USED, SIGN_IN_RESULT, USER_AGENT, field('Invoked by', 'userIdentity.invokedBy')],
    advice: [
      'Confirm with the account owner that this root use was planned (break-glass procedure).',
      'If not: change the root password, remove any root access keys, and check the MFA device.',
      'Look for IAM users, access keys, roles or policy changes made in the same session.',
    ],
  },
  'authorization-failures': {
    fields: [ERROR_MESSAGE, USER_AGENT],
    advice: [
      'Group the denials by principal and source IP: one workload failing the same call is usually a policy bug.',
      'A principal probing many services from an unfamiliar IP is typical of stolen credentials: disable its keys.',
    ],
  },
  'console-sign-in-without-mfa': {
    fields: [MFA_USED, SIGN_IN_RESULT, USER_AGENT, field('Identity provider', 'additionalEventData.SamlProviderArn')],
    advice: [
      'Confirm the sign-in with the user; if they did not sign in, reset their password and revoke sessions.',
      'Require MFA for the user (IAM condition aws:MultiFactorAuthPresent) or move them to IAM Identity Center.',
    ],
  },
  'iam-policy-changes': {
    fields: [
      field('Policy ARN', 'requestParameters.policyArn', 'responseElements.policy.arn'),
      field('Policy name', 'requestParameters.policyName'),
      field('Role', 'requestParameters.roleName'),
      field('User', 'requestParameters.userName'),
      field('Group', 'requestParameters.groupName'),
    ],
    advice: [
      'Compare the change with change tickets and infrastructure-as-code deployments.',
      'Read the policy document (requestParameters.policyDocument): look for "*" actions or resources and new trust.',
      'Revert unexpected changes and review what the principal did next.',
    ],
  },
  'cloudtrail-changes': {
    fields: [
      field('Trail', 'requestParameters.name', 'requestParameters.trailName'),
      field('Bucket', 'requestParameters.s3BucketName'),
      field('Log group', 'requestParameters.cloudWatchLogsLogGroupArn'),
    ],
    advice: [
      'A stopped or redirected trail hides what happens next: restart logging (StartLogging) if it was stopped.',
      'Check that the trail still delivers to the expected bucket and log group.',
      'Review everything the principal did after the change, from another trail or the S3 logs.',
    ],
  },
  'console-sign-in-failures': {
    fields: [ERROR_MESSAGE, field('User name', 'userIdentity.userName', 'additionalEventData.LoginTo'), USER_AGENT, MFA_USED],
    advice: [
      'Many failures from one IP or for many users indicate password guessing: block the IP where you can.',
      'Check whether a successful sign-in for the same user followed the failures.',
    ],
  },
  'kms-key-disable-or-deletion': {
    fields: [
      field('Key id', 'requestParameters.keyId', 'responseElements.keyId'),
      field('Pending window (days)', 'requestParameters.pendingWindowInDays'),
      field('Deletion date', 'responseElements.deletionDate'),
    ],
    advice: [
      'A key scheduled for deletion can still be saved: run CancelKeyDeletion and EnableKey before the deletion date.',
      'Find what the key encrypts (aliases, grants, services) and confirm the change with its owner.',
    ],
  },
  's3-bucket-policy-changes': {
    fields: [field('Bucket', 'requestParameters.bucketName'), field('Host', 'requestParameters.Host')],
    advice: [
      'Read the new policy or ACL: look for Principal "*", other accounts and removed conditions.',
      'Check that Block Public Access is still on for the bucket and the account.',
    ],
  },
  'config-changes': {
    fields: [
      field('Recorder', 'requestParameters.configurationRecorderName', 'requestParameters.configurationRecorder.name'),
      field('Delivery channel', 'requestParameters.deliveryChannelName', 'requestParameters.deliveryChannel.name'),
    ],
    advice: [
      'A stopped recorder or deleted delivery channel hides configuration changes: restart recording.',
      'Confirm the change with whoever owns AWS Config in this account.',
    ],
  },
  'security-group-changes': {
    fields: SG_RULES,
    advice: [
      'Look for 0.0.0.0/0 or ::/0 on administrative ports (22, 3389) or databases.',
      'Compare with infrastructure-as-code; revoke rules nobody asked for.',
    ],
  },
  'network-acl-changes': {
    fields: [
      field('Network ACL', 'requestParameters.networkAclId', 'responseElements.networkAcl.networkAclId'),
      field('CIDR', 'requestParameters.cidrBlock', 'requestParameters.ipv6CidrBlock'),
      field('Rule action', 'requestParameters.ruleAction'),
      field('Rule number', 'requestParameters.ruleNumber'),
      field('Egress', 'requestParameters.egress'),
      field('From port', 'requestParameters.portRange.from'),
      field('To port', 'requestParameters.portRange.to'),
    ],
    advice: ['Check that the change does not open or close traffic unexpectedly (allow rules for 0.0.0.0/0).', 'Compare with infrastructure-as-code.'],
  },
  'network-gateway-changes': {
    fields: [
      field('Internet gateway', 'requestParameters.internetGatewayId', 'responseElements.internetGateway.internetGatewayId'),
      field('Customer gateway', 'requestParameters.customerGatewayId'),
      field('VPC', 'requestParameters.vpcId'),
    ],
    advice: ['A new or attached gateway can expose private subnets to the internet: confirm it was planned.'],
  },
  'route-table-changes': {
    fields: [
      field('Route table', 'requestParameters.routeTableId', 'responseElements.routeTable.routeTableId'),
      field('Destination', 'requestParameters.destinationCidrBlock', 'requestParameters.destinationIpv6CidrBlock'),
      field('Target', 'requestParameters.gatewayId', 'requestParameters.natGatewayId', 'requestParameters.networkInterfaceId', 'requestParameters.instanceId'),
    ],
    advice: ['Check where traffic now goes: a route to an unknown instance or gateway can divert traffic.'],
  },
  'vpc-changes': {
    fields: [
      field('VPC', 'requestParameters.vpcId', 'responseElements.vpc.vpcId'),
      field('Peering connection', 'requestParameters.vpcPeeringConnectionId'),
      field('CIDR', 'requestParameters.cidrBlock'),
    ],
    advice: ['Peering with an unknown account, or a deleted VPC, needs a change ticket: confirm with the network owner.'],
  },
  'organizations-changes': {
    fields: [
      field('Account', 'requestParameters.accountId'),
      field('Policy', 'requestParameters.policyId'),
      field('Target', 'requestParameters.targetId'),
      field('Organizational unit', 'requestParameters.organizationalUnitId', 'requestParameters.parentId'),
    ],
    advice: [
      'Organization changes affect every account: confirm with the organization administrators.',
      'A detached service control policy or an account leaving the organization removes guardrails.',
    ],
  },
  'ec2-instance-changes': {
    fields: [
      field('Instances', 'requestParameters.instancesSet.items[].instanceId', 'responseElements.instancesSet.items[].instanceId'),
      field('Instance type', 'requestParameters.instanceType', 'responseElements.instancesSet.items[].instanceType'),
    ],
    advice: ['Confirm that the instances were started, stopped or terminated on purpose (deployments, autoscaling).'],
  },
  'ec2-large-instance-changes': {
    fields: [
      field('Instance type', 'requestParameters.instanceType'),
      field('Instances', 'responseElements.instancesSet.items[].instanceId'),
      field('Image', 'requestParameters.instancesSet.items[].imageId'),
    ],
    advice: ['Large instances are a favourite of cryptocurrency miners: confirm who needs them and terminate unknown ones.'],
  },
  'root-assumed-session': {
    fields: [
      // the AssumeRoot call names who asked (the common principal line), for which member account and which task
      field('Member account', 'requestParameters.targetPrincipal'),
      field('Task policy', 'requestParameters.taskPolicyArn.arn'),
      // the key that ties the call to the member account's records (only the key id; never the session token)
      field('Session access key', 'responseElements.credentials.accessKeyId', 'userIdentity.accessKeyId'),
    ],
    advice: [
      'Ask the management-account principal (or delegated administrator) named here whether this root task was planned.',
      "In the member account, search CloudTrail for the session access key: the session's actions (at most 15 minutes) carry it.",
      'If it was not planned: remove sts:AssumeRoot from that principal and review what the session changed (bucket or queue policies, root credentials).',
    ],
  },
  'trail-tampering': {
    fields: [
      field('Trail', 'requestParameters.name', 'requestParameters.trailName'),
      field('Event selectors', 'requestParameters.eventSelectors[].readWriteType', 'requestParameters.advancedEventSelectors[].name'),
    ],
    advice: [
      'Someone changed the trail these alarms depend on: if logging stopped, start it again (StartLogging) now.',
      'Check the event selectors still include management events (ReadWriteType All).',
      'Treat the principal as suspect until the change is explained.',
    ],
  },
  'log-group-tampering': {
    fields: [
      field('Log group', 'requestParameters.logGroupName'),
      field('Metric filter', 'requestParameters.filterName'),
      field('Filter pattern', 'requestParameters.filterPattern'),
      field('Retention (days)', 'requestParameters.retentionInDays'),
    ],
    advice: [
      'A deleted or changed metric filter silences its alarm: redeploy the stack to restore the filters.',
      'Compare the new filter pattern or retention with what the stack deploys.',
    ],
  },
  'alarm-tampering': {
    fields: [
      field('Alarms', 'requestParameters.alarmNames[]', 'requestParameters.alarmName'),
      field('New state', 'requestParameters.stateValue'),
      field('Actions enabled', 'requestParameters.actionsEnabled'),
    ],
    advice: [
      'Disabled actions or a deleted alarm mean nobody is told: redeploy the stack to restore the alarms.',
      'SetAlarmState by a person is unusual outside a test: ask who did it.',
    ],
  },
  'topic-tampering': {
    fields: [
      field('Topic', 'requestParameters.topicArn'),
      field('Subscription', 'requestParameters.subscriptionArn'),
      field('Attribute', 'requestParameters.attributeName'),
      field('Permission label', 'requestParameters.label'),
    ],
    advice: [
      'An unsubscribed or deleted topic means alarms reach nobody: check the topic still has its confirmed subscribers.',
      'Redeploy the stack to restore the topic policy and subscriptions.',
    ],
  },
  'key-tampering': {
    fields: [
      field('Key id', 'requestParameters.keyId', 'responseElements.keyId'),
      field('Policy name', 'requestParameters.policyName'),
      field('Pending window (days)', 'requestParameters.pendingWindowInDays'),
    ],
    advice: [
      'A disabled key or a key policy without CloudWatch breaks the encrypted alarm topic: alarms are dropped silently.',
      'Cancel a scheduled deletion (CancelKeyDeletion) and restore the key policy by redeploying the stack.',
    ],
  },
  'notifier-tampering': {
    fields: [
      field('Function', 'requestParameters.functionName'),
      field('Permission statement', 'requestParameters.statementId'),
      field('Runtime', 'requestParameters.runtime', 'responseElements.runtime'),
    ],
    advice: [
      'Changed notifier code could hide or forge alarm details: redeploy the stack to restore the function.',
      'Until then, read alarms in the CloudWatch console rather than trusting the notification text.',
    ],
  },
};

/** What a custom detection's notification shows: the common fields only, and generic advice. */
export const DEFAULT_NOTIFICATION_CONTENT: NotificationContent = {
  fields: [USER_AGENT],
  advice: [
    'Confirm with the principal or its owner that these calls were expected.',
    'If they were not, disable the credentials and review what the principal did in the same period.',
  ],
};

/** The notification content of a detection (the default content for ids the catalogue does not know). */
export function notificationContentOf(detectionId: string): NotificationContent {
  return Object.prototype.hasOwnProperty.call(NOTIFICATION_CONTENT, detectionId) ? NOTIFICATION_CONTENT[detectionId] : DEFAULT_NOTIFICATION_CONTENT;
}
