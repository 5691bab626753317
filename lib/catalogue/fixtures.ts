import { DetectionId } from './detection-id';
import { PatternVariant } from './patterns';

/**
 * Realistic CloudTrail records per detection: positives that must match and near-miss negatives that must not,
 * in every profile that includes the detection. Where a profile's pattern legitimately answers differently (for
 * example the Security Hub console-sign-in-without-MFA pattern only covers IAM users), `differsIn` says so and why.
 * Shapes follow the CloudTrail record-contents reference and the records in ../shared/fixtures/cloudtrail.
 */
export interface DetectionFixture {
  readonly name: string;
  readonly record: Record<string, unknown>;
  readonly matches: boolean;
  readonly differsIn?: ReadonlyArray<{ readonly variant: PatternVariant; readonly matches: boolean; readonly why: string }>;
}

const ACCOUNT = '111122223333';
let counter = 0;

/** A management-event record with CloudTrail's usual fields; `over` replaces top-level fields. */
export function cloudTrailRecord(over: Record<string, unknown>): Record<string, unknown> {
  counter++;
  const hex = counter.toString(16).padStart(12, '0');
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDACKCEVSQ6C2EXAMPLE',
      arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
      accountId: ACCOUNT,
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      userName: 'alice',
    },
    eventTime: '2026-11-02T10:15:30Z',
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeInstances',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.23',
    userAgent: 'aws-cli/2.15.30 Python/3.11.8 Linux/6.5 exe/x86_64',
    requestParameters: {},
    responseElements: null,
    requestID: `5b1f6c3e-8d1a-4a8e-9b7c-${hex}`,
    eventID: `0e2b4f6a-1c3d-4e5f-8a9b-${hex}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    ...over,
  };
}

const ASSUMED_ROLE = {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLEROLEID:deployer',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/deployer`,
  accountId: ACCOUNT,
  accessKeyId: 'ASIAEXAMPLEKEY',
  sessionContext: {
    sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEROLEID', arn: `arn:aws:iam::${ACCOUNT}:role/Deployer`, accountId: ACCOUNT, userName: 'Deployer' },
    attributes: { creationDate: '2026-11-02T10:00:00Z', mfaAuthenticated: 'false' },
  },
};
const ROOT = { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, accessKeyId: 'ASIAROOTEXAMPLE' };
const SSO_ROLE = {
  type: 'AssumedRole',
  principalId: 'AROASSOEXAMPLE:jane@example.com',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/jane@example.com`,
  accountId: ACCOUNT,
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROASSOEXAMPLE',
      arn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_0123456789abcdef`,
      accountId: ACCOUNT,
      userName: 'AWSReservedSSO_AdministratorAccess_0123456789abcdef',
    },
  },
};

const api = (eventSource: string, eventName: string, extra: Record<string, unknown> = {}) =>
  cloudTrailRecord({ eventSource, eventName, ...extra });

const consoleLogin = (identity: Record<string, unknown>, result: 'Success' | 'Failure', mfa: 'Yes' | 'No', extra: Record<string, unknown> = {}) =>
  cloudTrailRecord({
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    userIdentity: identity,
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    requestParameters: null,
    responseElements: { ConsoleLogin: result },
    additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: mfa },
    eventType: 'AwsConsoleSignIn',
    readOnly: false,
    ...(result === 'Failure' ? { errorMessage: 'Failed authentication' } : {}),
    ...extra,
  });

const IAM_USER = { type: 'IAMUser', principalId: 'AIDACKCEVSQ6C2EXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, userName: 'alice' };

/** The same answer for the CIS v5.0.0, v6.0.0 and v7.0.0 strings, which are identical. */
const cisV5Onward = (matches: boolean, why: string) =>
  (['cis50', 'cis60', 'cis70'] as const).map((variant) => ({ variant, matches, why }));

// ---- centralized root access: the records AWS prints in the IAM User Guide, "Track privileged tasks in AWS
// CloudTrail" (test/fixtures/cloudtrail/centralized-root-access.json holds them as printed; a test keeps the two equal)
const MANAGEMENT_ACCOUNT = '111111111111';
const MEMBER_ACCOUNT = '222222222222';

/** Step 1: the management account's (or delegated administrator's) `sts:AssumeRoot` call. */
export const ASSUME_ROOT_CALL: Record<string, unknown> = {
  eventVersion: '1.08',
  userIdentity: {
    type: 'AssumedRole',
    principalId: 'AIDACKCEVSQ6C2EXAMPLE:JohnRole1',
    arn: `arn:aws:sts::${MANAGEMENT_ACCOUNT}:assumed-role/JohnDoe/JohnRole1`,
    accountId: MANAGEMENT_ACCOUNT,
    accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: 'AIDACKCEVSQ6C2EXAMPLE', arn: `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/JohnDoe`, accountId: MANAGEMENT_ACCOUNT, userName: 'Admin2' },
      webIdFederationData: {},
      attributes: { creationDate: '2024-10-25T20:45:28Z', mfaAuthenticated: 'false' },
      assumedRoot: 'true',
    },
  },
  eventTime: '2024-10-25T20:52:11Z',
  eventSource: 'sts.amazonaws.com',
  eventName: 'AssumeRoot',
  awsRegion: 'us-west-2',
  sourceIPAddress: '192.0.2.1',
  requestParameters: { targetPrincipal: MEMBER_ACCOUNT, taskPolicyArn: { arn: 'arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy' } },
  responseElements: {
    credentials: { accessKeyId: 'ASIAIOSFODNN7EXAMPLE', sessionToken: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', expiration: 'Oct 25, 2024, 9:07:11 PM' },
  },
};

/** Step 3: the member account's record of what the root session did (AWS's example has no `assumedRoot`). */
export const ROOT_SESSION_ACTION: Record<string, unknown> = {
  eventVersion: '1.10',
  userIdentity: {
    type: 'Root',
    principalId: MEMBER_ACCOUNT,
    arn: `arn:aws:iam::${MEMBER_ACCOUNT}:root`,
    accountId: MEMBER_ACCOUNT,
    accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
    sessionContext: { attributes: { creationDate: '2024-10-25T20:52:11Z', mfaAuthenticated: 'false' } },
  },
  eventTime: '2024-10-25T20:53:47Z',
  eventSource: 's3.amazonaws.com',
  eventName: 'DeleteBucketPolicy',
  awsRegion: 'us-west-2',
  sourceIPAddress: '192.0.2.1',
  requestParameters: { bucketName: 'resource-policy-JohnDoe', Host: 'resource-policy-JohnDoe.s3.amazonaws.com', policy: '' },
  responseElements: null,
  requestID: '1234567890abcdef0',
  eventID: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
  readOnly: false,
  resources: [{ accountId: MEMBER_ACCOUNT, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::resource-policy-JohnDoe' }],
  eventType: 'AwsApiCall',
  managementEvent: true,
  recipientAccountId: MEMBER_ACCOUNT,
  eventCategory: 'Management',
  tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 'resource-policy-JohnDoe.s3.amazonaws.com' },
};

/**
 * The same record with the `userIdentity.sessionContext.assumedRoot` "true" that the CloudTrail userIdentity reference
 * documents for sessions opened by AssumeRoot (an optional field).
 */
export const MARKED_ROOT_SESSION_ACTION: Record<string, unknown> = {
  ...ROOT_SESSION_ACTION,
  userIdentity: {
    ...(ROOT_SESSION_ACTION.userIdentity as Record<string, unknown>),
    sessionContext: { attributes: { creationDate: '2024-10-25T20:52:11Z', mfaAuthenticated: 'false' }, assumedRoot: 'true' },
  },
};

/** A denied AssumeRoot call (errorCode and errorMessage as on any denied call; no credentials returned). */
const DENIED_ASSUME_ROOT_CALL: Record<string, unknown> = {
  ...ASSUME_ROOT_CALL,
  requestParameters: { targetPrincipal: MEMBER_ACCOUNT, taskPolicyArn: { arn: 'arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials' } },
  responseElements: null,
  errorCode: 'AccessDenied',
  errorMessage: 'User is not authorized to perform: sts:AssumeRoot',
};

const eventNamesFixtures = (source: string, positives: string[], negatives: string[], negativeNotes: string[]): DetectionFixture[] => [
  ...positives.map((n) => ({ name: `${n} by an IAM user`, record: api(source, n), matches: true })),
  ...negatives.map((n, i) => ({ name: negativeNotes[i] ?? `${n} (a different event)`, record: api(source, n), matches: false })),
];

export const FIXTURES: Record<DetectionId, readonly DetectionFixture[]> = {
  [DetectionId.ROOT_ACCOUNT_USAGE]: [
    { name: 'root console sign-in', record: consoleLogin(ROOT, 'Success', 'Yes'), matches: true },
    { name: 'root creates an access key', record: api('iam.amazonaws.com', 'CreateAccessKey', { userIdentity: ROOT }), matches: true },
    { name: 'root lists buckets from the CLI', record: api('s3.amazonaws.com', 'ListBuckets', { userIdentity: ROOT, readOnly: true }), matches: true },
    { name: 'root call made by an AWS service on its behalf (invokedBy present)', record: api('iam.amazonaws.com', 'GetAccountSummary', { userIdentity: { ...ROOT, invokedBy: 'support.amazonaws.com' } }), matches: false },
    { name: 'AwsServiceEvent attributed to root', record: api('kms.amazonaws.com', 'RotateKey', { userIdentity: ROOT, eventType: 'AwsServiceEvent' }), matches: false },
    { name: 'IAM user sign-in', record: consoleLogin(IAM_USER, 'Success', 'Yes'), matches: false },
    { name: 'assumed role named Root-like', record: api('s3.amazonaws.com', 'ListBuckets', { userIdentity: { ...ASSUMED_ROLE, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Root/x` } }), matches: false },
    // centralized root access: every graded string counts the member account's actions as root use (exclude them with
    // `exclusions.assumedRootSessions`); the management account's call is made by a role, not by root
    { name: 'member-account action of an AssumeRoot session, as AWS prints it', record: ROOT_SESSION_ACTION, matches: true },
    { name: 'member-account action of an AssumeRoot session, marked assumedRoot "true"', record: MARKED_ROOT_SESSION_ACTION, matches: true },
    { name: "the management account's AssumeRoot call (made by a role)", record: ASSUME_ROOT_CALL, matches: false },
  ],
  [DetectionId.AUTHORIZATION_FAILURES]: [
    { name: 'AccessDenied on GetObject', record: api('s3.amazonaws.com', 'GetObject', { errorCode: 'AccessDenied', errorMessage: 'Access Denied' }), matches: true },
    { name: 'AccessDeniedException from IAM', record: api('iam.amazonaws.com', 'ListUsers', { errorCode: 'AccessDeniedException', userIdentity: ASSUMED_ROLE }), matches: true },
    { name: 'Client.UnauthorizedOperation from EC2', record: api('ec2.amazonaws.com', 'RunInstances', { errorCode: 'Client.UnauthorizedOperation' }), matches: true },
    { name: 'successful call', record: api('s3.amazonaws.com', 'GetObject'), matches: false },
    { name: 'throttled call (a different error)', record: api('ec2.amazonaws.com', 'DescribeInstances', { errorCode: 'Client.RequestLimitExceeded' }), matches: false },
    { name: 'NoSuchBucket error', record: api('s3.amazonaws.com', 'GetBucketPolicy', { errorCode: 'NoSuchBucketPolicy' }), matches: false },
    {
      name: 'HeadBucket denied for the log delivery service',
      record: api('s3.amazonaws.com', 'HeadBucket', { errorCode: 'AccessDenied', sourceIPAddress: 'delivery.logs.amazonaws.com' }),
      matches: true,
      differsIn: [
        { variant: 'cis14', matches: false, why: 'CIS v1.4+ excludes log-delivery HeadBucket probes' },
        ...cisV5Onward(false, 'CIS v1.4+ excludes log-delivery HeadBucket probes'),
        { variant: 'prowler', matches: false, why: 'the Prowler/Steampipe pattern carries the CIS v1.4+ exclusions' },
      ],
    },
  ],
  [DetectionId.CONSOLE_SIGN_IN_WITHOUT_MFA]: [
    { name: 'IAM user signs in with a password only', record: consoleLogin(IAM_USER, 'Success', 'No'), matches: true },
    { name: 'another IAM user, mobile console', record: consoleLogin({ ...IAM_USER, userName: 'bob', arn: `arn:aws:iam::${ACCOUNT}:user/bob` }, 'Success', 'No'), matches: true },
    { name: 'IAM user from a new IP', record: consoleLogin(IAM_USER, 'Success', 'No', { sourceIPAddress: '203.0.113.99' }), matches: true },
    { name: 'IAM user signs in with MFA', record: consoleLogin(IAM_USER, 'Success', 'Yes'), matches: false },
    { name: 'an API call that is not a sign-in', record: api('iam.amazonaws.com', 'ListUsers', { additionalEventData: { MFAUsed: 'No' } }), matches: false },
    {
      name: 'IAM Identity Center (SSO) federated sign-in reports MFAUsed "No"',
      record: consoleLogin(SSO_ROLE, 'Success', 'No'),
      matches: false,
      differsIn: [
        { variant: 'cis14', matches: true, why: 'the 2-clause CIS pattern flags SSO sign-ins; use the ssoAware option' },
        ...cisV5Onward(true, 'the 2-clause CIS pattern flags SSO sign-ins; use the ssoAware option'),
      ],
    },
    {
      name: 'failed sign-in without MFA',
      record: consoleLogin(IAM_USER, 'Failure', 'No'),
      matches: false,
      differsIn: [
        { variant: 'cis14', matches: true, why: 'the 2-clause CIS pattern does not require a successful sign-in' },
        ...cisV5Onward(true, 'the 2-clause CIS pattern does not require a successful sign-in'),
      ],
    },
  ],
  [DetectionId.IAM_POLICY_CHANGES]: [
    ...eventNamesFixtures('iam.amazonaws.com', ['PutRolePolicy', 'AttachUserPolicy', 'CreatePolicyVersion', 'DeleteGroupPolicy'], ['GetPolicy', 'ListAttachedRolePolicies', 'CreateRole'], ['GetPolicy (read-only)', 'ListAttachedRolePolicies (read-only)', 'CreateRole (not a policy change)']),
  ],
  [DetectionId.CLOUDTRAIL_CHANGES]: [
    ...eventNamesFixtures('cloudtrail.amazonaws.com', ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'CreateTrail', 'StartLogging'], ['DescribeTrails', 'GetTrailStatus', 'PutEventSelectors'], ['DescribeTrails (read-only)', 'GetTrailStatus (read-only)', 'PutEventSelectors (not in the CIS list)']),
  ],
  [DetectionId.CONSOLE_SIGN_IN_FAILURES]: [
    { name: 'IAM user wrong password', record: consoleLogin(IAM_USER, 'Failure', 'No'), matches: true },
    { name: 'unknown user name (HIDDEN_DUE_TO_SECURITY_REASONS)', record: consoleLogin({ type: 'IAMUser', principalId: '', accountId: ACCOUNT, accessKeyId: '', userName: 'HIDDEN_DUE_TO_SECURITY_REASONS' }, 'Failure', 'No'), matches: true },
    { name: 'root wrong password', record: consoleLogin(ROOT, 'Failure', 'No'), matches: true },
    { name: 'successful sign-in', record: consoleLogin(IAM_USER, 'Success', 'Yes'), matches: false },
    { name: 'failed sign-in for another reason', record: consoleLogin(IAM_USER, 'Failure', 'No', { errorMessage: 'Account locked' }), matches: false },
    { name: 'Failed authentication on a non-console event', record: api('sts.amazonaws.com', 'GetSessionToken', { errorMessage: 'Failed authentication' }), matches: false },
  ],
  [DetectionId.KMS_KEY_DISABLE_OR_DELETION]: [
    { name: 'DisableKey', record: api('kms.amazonaws.com', 'DisableKey', { requestParameters: { keyId: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd' } }), matches: true },
    { name: 'ScheduleKeyDeletion with 7 days', record: api('kms.amazonaws.com', 'ScheduleKeyDeletion', { requestParameters: { keyId: '1234abcd', pendingWindowInDays: 7 } }), matches: true },
    { name: 'ScheduleKeyDeletion by an assumed role', record: api('kms.amazonaws.com', 'ScheduleKeyDeletion', { userIdentity: ASSUMED_ROLE }), matches: true },
    { name: 'EnableKey', record: api('kms.amazonaws.com', 'EnableKey'), matches: false },
    { name: 'CancelKeyDeletion', record: api('kms.amazonaws.com', 'CancelKeyDeletion'), matches: false },
    { name: 'DisableKey name from another service', record: api('payment-cryptography.amazonaws.com', 'DisableKey'), matches: false },
  ],
  [DetectionId.S3_BUCKET_POLICY_CHANGES]: [
    { name: 'PutBucketPolicy', record: api('s3.amazonaws.com', 'PutBucketPolicy', { requestParameters: { bucketName: 'data' } }), matches: true },
    { name: 'PutBucketAcl', record: api('s3.amazonaws.com', 'PutBucketAcl'), matches: true },
    { name: 'DeleteBucketReplication', record: api('s3.amazonaws.com', 'DeleteBucketReplication'), matches: true },
    { name: 'GetBucketPolicy (read-only)', record: api('s3.amazonaws.com', 'GetBucketPolicy', { readOnly: true }), matches: false },
    { name: 'PutObject', record: api('s3.amazonaws.com', 'PutObject'), matches: false },
    { name: 'PutBucketPolicy on a different service endpoint', record: api('s3-outposts.amazonaws.com', 'PutBucketPolicy'), matches: false },
  ],
  [DetectionId.CONFIG_CHANGES]: [
    ...eventNamesFixtures('config.amazonaws.com', ['StopConfigurationRecorder', 'DeleteDeliveryChannel', 'PutConfigurationRecorder'], ['StartConfigurationRecorder', 'DescribeConfigurationRecorders'], ['StartConfigurationRecorder (not a tampering event)', 'DescribeConfigurationRecorders (read-only)']),
    { name: 'StopConfigurationRecorder name on another service', record: api('example.amazonaws.com', 'StopConfigurationRecorder'), matches: false },
  ],
  [DetectionId.SECURITY_GROUP_CHANGES]: [
    { name: 'AuthorizeSecurityGroupIngress 0.0.0.0/0:22', record: api('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', { requestParameters: { groupId: 'sg-0123', ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] } } }), matches: true },
    { name: 'CreateSecurityGroup', record: api('ec2.amazonaws.com', 'CreateSecurityGroup'), matches: true },
    { name: 'RevokeSecurityGroupEgress', record: api('ec2.amazonaws.com', 'RevokeSecurityGroupEgress'), matches: true },
    { name: 'DescribeSecurityGroups (read-only)', record: api('ec2.amazonaws.com', 'DescribeSecurityGroups', { readOnly: true }), matches: false },
    { name: 'DescribeSecurityGroupRules (read-only)', record: api('ec2.amazonaws.com', 'DescribeSecurityGroupRules', { readOnly: true }), matches: false },
    { name: 'AuthorizeDBSecurityGroupIngress (RDS, a different event)', record: api('rds.amazonaws.com', 'AuthorizeDBSecurityGroupIngress'), matches: false },
    {
      name: 'ModifySecurityGroupRules',
      record: api('ec2.amazonaws.com', 'ModifySecurityGroupRules'),
      matches: false,
      differsIn: [
        ...cisV5Onward(true, 'CIS v5.0 adds ModifySecurityGroupRules'),
        { variant: 'prowler', matches: true, why: 'the Prowler/Steampipe pattern includes ModifySecurityGroupRules' },
      ],
    },
  ],
  [DetectionId.NETWORK_ACL_CHANGES]: [
    ...eventNamesFixtures('ec2.amazonaws.com', ['CreateNetworkAclEntry', 'ReplaceNetworkAclAssociation', 'DeleteNetworkAcl'], ['DescribeNetworkAcls', 'CreateNetworkInterface', 'CreateNetworkInsightsPath'], ['DescribeNetworkAcls (read-only)', 'CreateNetworkInterface (similar name)', 'CreateNetworkInsightsPath (similar name)']),
  ],
  [DetectionId.NETWORK_GATEWAY_CHANGES]: [
    ...eventNamesFixtures('ec2.amazonaws.com', ['CreateInternetGateway', 'AttachInternetGateway', 'DeleteCustomerGateway'], ['CreateNatGateway', 'CreateTransitGateway', 'DescribeInternetGateways'], ['CreateNatGateway (not in the list)', 'CreateTransitGateway (not in the list)', 'DescribeInternetGateways (read-only)']),
  ],
  [DetectionId.ROUTE_TABLE_CHANGES]: [
    ...eventNamesFixtures('ec2.amazonaws.com', ['CreateRoute', 'ReplaceRouteTableAssociation', 'DisassociateRouteTable'], ['DescribeRouteTables', 'CreateRouteServer'], ['DescribeRouteTables (read-only)', 'CreateRouteServer (similar name)']),
    {
      name: 'API Gateway v2 CreateRoute (same event name, another service)',
      record: api('apigateway.amazonaws.com', 'CreateRoute'),
      matches: false,
      differsIn: [
        { variant: 'securityHub', matches: true, why: 'the Security Hub string has no eventSource clause' },
        { variant: 'cis14', matches: true, why: 'the CIS remediation string has no eventSource clause' },
        ...cisV5Onward(true, 'the CIS remediation string has no eventSource clause'),
      ],
    },
  ],
  [DetectionId.VPC_CHANGES]: [
    ...eventNamesFixtures('ec2.amazonaws.com', ['CreateVpc', 'ModifyVpcAttribute', 'AcceptVpcPeeringConnection'], ['DescribeVpcs', 'CreateVpcEndpoint', 'ModifyVpcEndpoint'], ['DescribeVpcs (read-only)', 'CreateVpcEndpoint (not in the list)', 'ModifyVpcEndpoint (not in the list)']),
  ],
  [DetectionId.ORGANIZATIONS_CHANGES]: [
    ...eventNamesFixtures('organizations.amazonaws.com', ['LeaveOrganization', 'DetachPolicy', 'CreateAccount', 'MoveAccount'], ['ListAccounts', 'DescribeOrganization'], ['ListAccounts (read-only)', 'DescribeOrganization (read-only)']),
    { name: 'CreatePolicy on IAM (same event name, another service)', record: api('iam.amazonaws.com', 'CreatePolicy'), matches: false },
    {
      name: 'EnableAllFeatures',
      record: api('organizations.amazonaws.com', 'EnableAllFeatures'),
      matches: true,
      differsIn: [
        { variant: 'cis14', matches: false, why: 'the CIS 4.15 text lacks EnableAllFeatures' },
        ...cisV5Onward(false, 'the CIS 4.15 text lacks EnableAllFeatures'),
      ],
    },
  ],
  [DetectionId.EC2_INSTANCE_CHANGES]: [
    ...eventNamesFixtures('ec2.amazonaws.com', ['RunInstances', 'StopInstances', 'TerminateInstances'], ['DescribeInstances', 'ModifyInstanceAttribute', 'RunScheduledInstances'], ['DescribeInstances (read-only)', 'ModifyInstanceAttribute (not in the list)', 'RunScheduledInstances (similar name)']),
  ],
  [DetectionId.EC2_LARGE_INSTANCE_CHANGES]: [
    { name: 'RunInstances m5.8xlarge', record: api('ec2.amazonaws.com', 'RunInstances', { requestParameters: { instanceType: 'm5.8xlarge', minCount: 1, maxCount: 1 } }), matches: true },
    { name: 'RunInstances c6i.4xlarge', record: api('ec2.amazonaws.com', 'RunInstances', { requestParameters: { instanceType: 'c6i.4xlarge', minCount: 1, maxCount: 10 } }), matches: true },
    { name: 'RunInstances p4d.8xlarge by a role', record: api('ec2.amazonaws.com', 'RunInstances', { userIdentity: ASSUMED_ROLE, requestParameters: { instanceType: 'g5.8xlarge' } }), matches: true },
    { name: 'RunInstances t3.micro', record: api('ec2.amazonaws.com', 'RunInstances', { requestParameters: { instanceType: 't3.micro' } }), matches: false },
    { name: 'RunInstances m5.48xlarge (a different size)', record: api('ec2.amazonaws.com', 'RunInstances', { requestParameters: { instanceType: 'm5.48xlarge' } }), matches: false },
    { name: 'StartInstances of a large instance (no instanceType in the request)', record: api('ec2.amazonaws.com', 'StartInstances', { requestParameters: { instancesSet: { items: [{ instanceId: 'i-0abc' }] } } }), matches: false },
    { name: 'RunInstances with a launch template (type not in the request)', record: api('ec2.amazonaws.com', 'RunInstances', { requestParameters: { launchTemplate: { launchTemplateId: 'lt-0abc' } } }), matches: false },
  ],
  [DetectionId.ROOT_ASSUMED_SESSION]: [
    { name: "the management account's AssumeRoot call (S3UnlockBucketPolicy)", record: ASSUME_ROOT_CALL, matches: true },
    { name: 'a denied AssumeRoot call (IAMDeleteRootUserCredentials)', record: DENIED_ASSUME_ROOT_CALL, matches: true },
    { name: 'member-account action of the session, marked assumedRoot "true"', record: MARKED_ROOT_SESSION_ACTION, matches: true },
    {
      name: 'member-account action of the session without the assumedRoot mark (AWS\'s example): indistinguishable from other root use',
      record: ROOT_SESSION_ACTION,
      matches: false,
    },
    { name: 'root console sign-in', record: consoleLogin(ROOT, 'Success', 'Yes'), matches: false },
    { name: 'sts AssumeRole (an ordinary role session)', record: api('sts.amazonaws.com', 'AssumeRole', { userIdentity: ASSUMED_ROLE, readOnly: true }), matches: false },
    { name: 'sts GetCallerIdentity', record: api('sts.amazonaws.com', 'GetCallerIdentity', { readOnly: true }), matches: false },
    { name: 'AssumeRoot name on another event source', record: api('example.amazonaws.com', 'AssumeRoot'), matches: false },
  ],
  // tamper protection: written records; the real corpus records (Stratus Red Team, Panther) are checked in
  // test/catalogue/tamper-protection.test.ts
  [DetectionId.TRAIL_TAMPERING]: [
    { name: 'StopLogging of the alarm trail', record: api('cloudtrail.amazonaws.com', 'StopLogging', { requestParameters: { name: 'org-trail' } }), matches: true },
    { name: 'UpdateTrail dropping the CloudWatch Logs group', record: api('cloudtrail.amazonaws.com', 'UpdateTrail', { requestParameters: { name: 'org-trail', cloudWatchLogsLogGroupArn: '', cloudWatchLogsRoleArn: '' } }), matches: true },
    { name: 'PutEventSelectors excluding management events', record: api('cloudtrail.amazonaws.com', 'PutEventSelectors', { requestParameters: { trailName: 'org-trail', eventSelectors: [{ readWriteType: 'ReadOnly', includeManagementEvents: false }] } }), matches: true },
    { name: 'DeleteTrail by an assumed role', record: api('cloudtrail.amazonaws.com', 'DeleteTrail', { userIdentity: ASSUMED_ROLE, requestParameters: { name: 'org-trail' } }), matches: true },
    { name: 'StartLogging (restores the pipeline)', record: api('cloudtrail.amazonaws.com', 'StartLogging', { requestParameters: { name: 'org-trail' } }), matches: false },
    { name: 'GetTrailStatus (read-only)', record: api('cloudtrail.amazonaws.com', 'GetTrailStatus', { readOnly: true, requestParameters: { name: 'org-trail' } }), matches: false },
    { name: 'UpdateTrail name on another service', record: api('example.amazonaws.com', 'UpdateTrail'), matches: false },
  ],
  [DetectionId.LOG_GROUP_TAMPERING]: [
    { name: 'DeleteLogGroup of the trail log group', record: api('logs.amazonaws.com', 'DeleteLogGroup', { requestParameters: { logGroupName: 'CloudTrail/alarms' } }), matches: true },
    { name: 'PutMetricFilter replacing a filter', record: api('logs.amazonaws.com', 'PutMetricFilter', { requestParameters: { logGroupName: 'CloudTrail/alarms', filterName: 'RootAccountUsage', filterPattern: '{ $.nothing = 1 }' } }), matches: true },
    { name: 'DeleteMetricFilter', record: api('logs.amazonaws.com', 'DeleteMetricFilter', { requestParameters: { logGroupName: 'CloudTrail/alarms', filterName: 'RootAccountUsage' } }), matches: true },
    { name: 'PutRetentionPolicy of one day', record: api('logs.amazonaws.com', 'PutRetentionPolicy', { requestParameters: { logGroupName: 'CloudTrail/alarms', retentionInDays: 1 } }), matches: true },
    { name: 'DisassociateKmsKey', record: api('logs.amazonaws.com', 'DisassociateKmsKey', { requestParameters: { logGroupName: 'CloudTrail/alarms' } }), matches: true },
    { name: 'DescribeMetricFilters (read-only)', record: api('logs.amazonaws.com', 'DescribeMetricFilters', { readOnly: true }), matches: false },
    { name: 'CreateLogStream (routine delivery)', record: api('logs.amazonaws.com', 'CreateLogStream', { requestParameters: { logGroupName: 'CloudTrail/alarms', logStreamName: '111122223333_CloudTrail_us-east-1' } }), matches: false },
    { name: 'PutSubscriptionFilter (not in the list)', record: api('logs.amazonaws.com', 'PutSubscriptionFilter'), matches: false },
  ],
  [DetectionId.ALARM_TAMPERING]: [
    { name: 'DeleteAlarms of two alarms', record: api('monitoring.amazonaws.com', 'DeleteAlarms', { requestParameters: { alarmNames: ['RootAccountUsage', 'CloudTrailChanges'] } }), matches: true },
    { name: 'DisableAlarmActions', record: api('monitoring.amazonaws.com', 'DisableAlarmActions', { requestParameters: { alarmNames: ['RootAccountUsage'] } }), matches: true },
    { name: 'SetAlarmState to OK', record: api('monitoring.amazonaws.com', 'SetAlarmState', { requestParameters: { alarmName: 'RootAccountUsage', stateValue: 'OK', stateReason: 'test' } }), matches: true },
    { name: 'PutMetricAlarm with no actions', record: api('monitoring.amazonaws.com', 'PutMetricAlarm', { requestParameters: { alarmName: 'RootAccountUsage', alarmActions: [] } }), matches: true },
    { name: 'DescribeAlarms (read-only)', record: api('monitoring.amazonaws.com', 'DescribeAlarms', { readOnly: true }), matches: false },
    { name: 'EnableAlarmActions (restores)', record: api('monitoring.amazonaws.com', 'EnableAlarmActions', { requestParameters: { alarmNames: ['RootAccountUsage'] } }), matches: false },
    { name: 'PutMetricData', record: api('monitoring.amazonaws.com', 'PutMetricData'), matches: false },
    { name: 'SetAlarmState name with another event source (CloudWatch uses monitoring.amazonaws.com)', record: api('cloudwatch.amazonaws.com', 'SetAlarmState'), matches: false },
  ],
  [DetectionId.TOPIC_TAMPERING]: [
    { name: 'DeleteTopic', record: api('sns.amazonaws.com', 'DeleteTopic', { requestParameters: { topicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:alarms-high` } }), matches: true },
    { name: 'Unsubscribe (authenticated)', record: api('sns.amazonaws.com', 'Unsubscribe', { requestParameters: { subscriptionArn: `arn:aws:sns:us-east-1:${ACCOUNT}:alarms-high:0b9c3c6e-1234-4a1b-9c1d-0123456789ab` } }), matches: true },
    { name: 'SetTopicAttributes replacing the policy', record: api('sns.amazonaws.com', 'SetTopicAttributes', { requestParameters: { topicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:alarms-high`, attributeName: 'Policy' } }), matches: true },
    { name: 'RemovePermission on a topic', record: api('sns.amazonaws.com', 'RemovePermission', { requestParameters: { topicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:alarms-high`, label: 'cloudwatch' } }), matches: true },
    { name: 'Subscribe (adds a subscriber)', record: api('sns.amazonaws.com', 'Subscribe'), matches: false },
    { name: 'ListSubscriptionsByTopic (read-only)', record: api('sns.amazonaws.com', 'ListSubscriptionsByTopic', { readOnly: true }), matches: false },
    { name: 'Publish', record: api('sns.amazonaws.com', 'Publish'), matches: false },
    { name: 'RemovePermission on Lambda (same event name, another service)', record: api('lambda.amazonaws.com', 'RemovePermission'), matches: false },
  ],
  [DetectionId.KEY_TAMPERING]: [
    { name: 'DisableKey of the topic key', record: api('kms.amazonaws.com', 'DisableKey', { requestParameters: { keyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab` } }), matches: true },
    { name: 'ScheduleKeyDeletion in 7 days', record: api('kms.amazonaws.com', 'ScheduleKeyDeletion', { requestParameters: { keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', pendingWindowInDays: 7 } }), matches: true },
    { name: 'PutKeyPolicy removing the CloudWatch grant', record: api('kms.amazonaws.com', 'PutKeyPolicy', { requestParameters: { keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', policyName: 'default' } }), matches: true },
    { name: 'EnableKey', record: api('kms.amazonaws.com', 'EnableKey'), matches: false },
    { name: 'Decrypt (routine use)', record: api('kms.amazonaws.com', 'Decrypt', { readOnly: true }), matches: false },
    { name: 'GetKeyPolicy (read-only)', record: api('kms.amazonaws.com', 'GetKeyPolicy', { readOnly: true }), matches: false },
  ],
  [DetectionId.NOTIFIER_TAMPERING]: [
    { name: 'UpdateFunctionCode20150331v2', record: api('lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', { requestParameters: { functionName: 'alarm-notifier' } }), matches: true },
    { name: 'UpdateFunctionConfiguration20150331v2', record: api('lambda.amazonaws.com', 'UpdateFunctionConfiguration20150331v2', { requestParameters: { functionName: 'alarm-notifier' } }), matches: true },
    { name: 'DeleteFunction20150331', record: api('lambda.amazonaws.com', 'DeleteFunction20150331', { requestParameters: { functionName: 'alarm-notifier' } }), matches: true },
    { name: 'RemovePermission20150331v2', record: api('lambda.amazonaws.com', 'RemovePermission20150331v2', { requestParameters: { functionName: 'alarm-notifier', statementId: 'cloudwatch' } }), matches: true },
    { name: 'DeleteFunction without a version suffix', record: api('lambda.amazonaws.com', 'DeleteFunction', { requestParameters: { functionName: 'alarm-notifier' } }), matches: true },
    { name: 'DeleteFunctionConcurrency (a different API with the same prefix)', record: api('lambda.amazonaws.com', 'DeleteFunctionConcurrency20171031'), matches: false },
    { name: 'GetFunction20150331v2 (read-only)', record: api('lambda.amazonaws.com', 'GetFunction20150331v2', { readOnly: true }), matches: false },
    { name: 'AddPermission20150331v2', record: api('lambda.amazonaws.com', 'AddPermission20150331v2'), matches: false },
    { name: 'UpdateFunctionCode name on another service', record: api('example.amazonaws.com', 'UpdateFunctionCode20150331v2'), matches: false },
  ],
};
