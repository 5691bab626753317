/**
 * The graders' rules, written down independently from ../shared/docs/graders.md, to check the catalogue's claims.
 * These are deliberately NOT imported by the library: a profile's claim is data, these rules are the judge.
 */
import { DetectionId } from '../../lib';

export type GraderName = 'security-hub' | 'prowler' | 'prowler-legacy' | 'steampipe' | 'aws-template';

/** Security Hub CloudWatch.1-14 prescribed strings (Security Hub User Guide, cloudwatch-controls.md @47bfe2f). */
export const SECURITY_HUB: Partial<Record<DetectionId, string>> = {
  [DetectionId.ROOT_ACCOUNT_USAGE]: '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
  [DetectionId.AUTHORIZATION_FAILURES]: '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
  [DetectionId.CONSOLE_SIGN_IN_WITHOUT_MFA]:
    '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
  [DetectionId.IAM_POLICY_CHANGES]:
    '{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}',
  [DetectionId.CLOUDTRAIL_CHANGES]:
    '{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}',
  [DetectionId.CONSOLE_SIGN_IN_FAILURES]: '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
  [DetectionId.KMS_KEY_DISABLE_OR_DELETION]:
    '{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}',
  [DetectionId.S3_BUCKET_POLICY_CHANGES]:
    '{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}',
  [DetectionId.CONFIG_CHANGES]:
    '{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}',
  [DetectionId.SECURITY_GROUP_CHANGES]:
    '{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}',
  [DetectionId.NETWORK_ACL_CHANGES]:
    '{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}',
  [DetectionId.NETWORK_GATEWAY_CHANGES]:
    '{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}',
  [DetectionId.ROUTE_TABLE_CHANGES]:
    '{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}',
  [DetectionId.VPC_CHANGES]:
    '{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}',
};

/** AWS's CloudWatch_Alarms_for_CloudTrail_API_Activity.json filter patterns (CloudTrail User Guide). */
export const AWS_TEMPLATE: Partial<Record<DetectionId, string>> = {
  [DetectionId.SECURITY_GROUP_CHANGES]:
    '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }',
  [DetectionId.NETWORK_ACL_CHANGES]:
    '{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }',
  [DetectionId.NETWORK_GATEWAY_CHANGES]:
    '{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }',
  [DetectionId.VPC_CHANGES]:
    '{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }',
  [DetectionId.EC2_INSTANCE_CHANGES]:
    '{ ($.eventName = RunInstances) || ($.eventName = RebootInstances) || ($.eventName = StartInstances) || ($.eventName = StopInstances) || ($.eventName = TerminateInstances) }',
  [DetectionId.EC2_LARGE_INSTANCE_CHANGES]:
    '{ ($.eventName = RunInstances) && (($.requestParameters.instanceType = *.8xlarge) || ($.requestParameters.instanceType = *.4xlarge)) }',
  [DetectionId.CLOUDTRAIL_CHANGES]:
    '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }',
  [DetectionId.CONSOLE_SIGN_IN_FAILURES]: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
  [DetectionId.AUTHORIZATION_FAILURES]: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
  [DetectionId.IAM_POLICY_CHANGES]:
    '{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}',
};

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A Prowler clause: `$.field`, optional spaces, operator, optional spaces, one optional character, the value. */
function clause(field: string, op: '=' | '!=', value: string, wholeWord: boolean): string {
  return `\\$\\.${esc(field)}\\s*${esc(op)}\\s*.?${esc(value)}${wholeWord ? '\\b' : ''}`;
}

interface ProwlerCheck {
  readonly eventSource?: string;
  readonly eventNames: readonly string[];
  readonly other: readonly string[];
  /** Root and unauthorized-API checks are sequential in every Prowler version. */
  readonly alwaysOrdered?: boolean;
}

/** What each Prowler check requires (graders.md, "What each Prowler check requires"). */
export const PROWLER: Partial<Record<DetectionId, ProwlerCheck>> = {
  [DetectionId.AUTHORIZATION_FAILURES]: {
    eventNames: [],
    other: [clause('errorCode', '=', '*UnauthorizedOperation', false), clause('errorCode', '=', 'AccessDenied*', false)],
    alwaysOrdered: true,
  },
  [DetectionId.CONSOLE_SIGN_IN_WITHOUT_MFA]: { eventNames: ['ConsoleLogin'], other: [clause('additionalEventData.MFAUsed', '!=', 'Yes', false)] },
  [DetectionId.ROOT_ACCOUNT_USAGE]: {
    eventNames: [],
    other: [
      clause('userIdentity.type', '=', 'Root', false),
      '\\$\\.userIdentity\\.invokedBy NOT EXISTS',
      clause('eventType', '!=', 'AwsServiceEvent', false),
    ],
    alwaysOrdered: true,
  },
  [DetectionId.IAM_POLICY_CHANGES]: {
    eventNames: ['DeleteGroupPolicy', 'DeleteRolePolicy', 'DeleteUserPolicy', 'PutGroupPolicy', 'PutRolePolicy', 'PutUserPolicy', 'CreatePolicy', 'DeletePolicy', 'CreatePolicyVersion', 'DeletePolicyVersion', 'AttachRolePolicy', 'DetachRolePolicy', 'AttachUserPolicy', 'DetachUserPolicy', 'AttachGroupPolicy', 'DetachGroupPolicy'],
    other: [],
  },
  [DetectionId.CLOUDTRAIL_CHANGES]: { eventNames: ['CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging'], other: [] },
  [DetectionId.CONSOLE_SIGN_IN_FAILURES]: { eventNames: ['ConsoleLogin'], other: [clause('errorMessage', '=', 'Failed authentication', false)] },
  [DetectionId.KMS_KEY_DISABLE_OR_DELETION]: { eventSource: 'kms.amazonaws.com', eventNames: ['DisableKey', 'ScheduleKeyDeletion'], other: [] },
  [DetectionId.S3_BUCKET_POLICY_CHANGES]: {
    eventSource: 's3.amazonaws.com',
    eventNames: ['PutBucketAcl', 'PutBucketPolicy', 'PutBucketCors', 'PutBucketLifecycle', 'PutBucketReplication', 'DeleteBucketPolicy', 'DeleteBucketCors', 'DeleteBucketLifecycle', 'DeleteBucketReplication'],
    other: [],
  },
  [DetectionId.CONFIG_CHANGES]: {
    eventSource: 'config.amazonaws.com',
    eventNames: ['StopConfigurationRecorder', 'DeleteDeliveryChannel', 'PutDeliveryChannel', 'PutConfigurationRecorder'],
    other: [],
  },
  [DetectionId.SECURITY_GROUP_CHANGES]: {
    eventNames: ['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress', 'CreateSecurityGroup', 'DeleteSecurityGroup'],
    other: [],
  },
  [DetectionId.NETWORK_ACL_CHANGES]: {
    eventNames: ['CreateNetworkAcl', 'CreateNetworkAclEntry', 'DeleteNetworkAcl', 'DeleteNetworkAclEntry', 'ReplaceNetworkAclEntry', 'ReplaceNetworkAclAssociation'],
    other: [],
  },
  [DetectionId.NETWORK_GATEWAY_CHANGES]: {
    eventNames: ['CreateCustomerGateway', 'DeleteCustomerGateway', 'AttachInternetGateway', 'CreateInternetGateway', 'DeleteInternetGateway', 'DetachInternetGateway'],
    other: [],
  },
  [DetectionId.ROUTE_TABLE_CHANGES]: {
    eventSource: 'ec2.amazonaws.com',
    eventNames: ['CreateRoute', 'CreateRouteTable', 'ReplaceRoute', 'ReplaceRouteTableAssociation', 'DeleteRouteTable', 'DeleteRoute', 'DisassociateRouteTable'],
    other: [],
  },
  [DetectionId.VPC_CHANGES]: {
    eventNames: ['CreateVpc', 'DeleteVpc', 'ModifyVpcAttribute', 'AcceptVpcPeeringConnection', 'CreateVpcPeeringConnection', 'DeleteVpcPeeringConnection', 'RejectVpcPeeringConnection', 'AttachClassicLinkVpc', 'DetachClassicLinkVpc', 'DisableVpcClassicLink', 'EnableVpcClassicLink'],
    other: [],
  },
  [DetectionId.ORGANIZATIONS_CHANGES]: {
    eventSource: 'organizations.amazonaws.com',
    eventNames: ['AcceptHandshake', 'AttachPolicy', 'CancelHandshake', 'CreateAccount', 'CreateOrganization', 'CreateOrganizationalUnit', 'CreatePolicy', 'DeclineHandshake', 'DeleteOrganization', 'DeleteOrganizationalUnit', 'DeletePolicy', 'EnableAllFeatures', 'EnablePolicyType', 'InviteAccountToOrganization', 'LeaveOrganization', 'DetachPolicy', 'DisablePolicyType', 'MoveAccount', 'RemoveAccountFromOrganization', 'UpdateOrganizationalUnit', 'UpdatePolicy'],
    other: [],
  },
};

function clauses(check: ProwlerCheck): string[] {
  return [
    ...(check.eventSource ? [clause('eventSource', '=', check.eventSource, false)] : []),
    ...check.eventNames.map((n) => clause('eventName', '=', n, true)),
    ...check.other,
  ];
}

/** Current Prowler: one look-ahead per clause (order-independent), except the hand-written sequential checks. */
export function prowlerCurrent(id: DetectionId, pattern: string): boolean | undefined {
  const check = PROWLER[id];
  if (!check) return undefined;
  const cs = clauses(check);
  if (check.alwaysOrdered) return new RegExp(cs.join('.+'), 's').test(pattern);
  return cs.every((c) => new RegExp(c, 's').test(pattern));
}

/** Prowler up to 5.x: the same clauses, in the listed order (`clause1.+clause2.+...`). */
export function prowlerLegacy(id: DetectionId, pattern: string): boolean | undefined {
  const check = PROWLER[id];
  if (!check) return undefined;
  return new RegExp(clauses(check).join('.+'), 's').test(pattern);
}

/**
 * Steampipe (turbot/steampipe-mod-aws-compliance): sequential regexes in CIS v1.4+/v5 wording. graders.md documents
 * three specific demands (unauthorized-API exclusions with double quotes, ModifySecurityGroupRules, parenthesised
 * ConsoleLogin clause); otherwise the CIS clause order with an optional quote, no eventSource demanded for routes,
 * and the CIS 4.15 event-name order for Organizations.
 */
export function steampipe(id: DetectionId, pattern: string): boolean | undefined {
  const check = PROWLER[id];
  if (!check) return undefined;
  let cs: string[];
  switch (id) {
    case DetectionId.AUTHORIZATION_FAILURES:
      cs = [
        clause('errorCode', '=', '*UnauthorizedOperation', false),
        clause('errorCode', '=', 'AccessDenied*', false),
        '\\$\\.sourceIPAddress\\s*!=\\s*"delivery\\.logs\\.amazonaws\\.com"',
        '\\$\\.eventName\\s*!=\\s*"HeadBucket"',
      ];
      break;
    case DetectionId.CONSOLE_SIGN_IN_WITHOUT_MFA:
      cs = ['\\(\\s*\\$\\.eventName\\s*=\\s*"ConsoleLogin"\\)\\s+&&\\s+\\(\\s*\\$\\.additionalEventData\\.MFAUsed\\s*!=\\s*"Yes"'];
      break;
    case DetectionId.SECURITY_GROUP_CHANGES:
      cs = [...clauses(check), clause('eventName', '=', 'ModifySecurityGroupRules', true)];
      break;
    case DetectionId.ROUTE_TABLE_CHANGES:
      cs = clauses({ ...check, eventSource: undefined });
      break;
    case DetectionId.ORGANIZATIONS_CHANGES:
      cs = clauses({
        ...check,
        eventNames: ['AcceptHandshake', 'AttachPolicy', 'CreateAccount', 'CreateOrganizationalUnit', 'CreatePolicy', 'DeclineHandshake', 'DeleteOrganization', 'DeleteOrganizationalUnit', 'DeletePolicy', 'DetachPolicy', 'DisablePolicyType', 'EnablePolicyType', 'InviteAccountToOrganization', 'LeaveOrganization', 'MoveAccount', 'RemoveAccountFromOrganization', 'UpdatePolicy', 'UpdateOrganizationalUnit'],
      });
      break;
    default:
      cs = clauses(check);
  }
  return new RegExp(cs.join('.+'), 's').test(pattern);
}

/** Every grader's verdict on one pattern; undefined where the grader has no check for the detection. */
export function judge(id: DetectionId, pattern: string): Partial<Record<GraderName, boolean>> {
  const out: Partial<Record<GraderName, boolean>> = {};
  if (SECURITY_HUB[id] !== undefined) out['security-hub'] = SECURITY_HUB[id] === pattern;
  const pc = prowlerCurrent(id, pattern);
  if (pc !== undefined) out.prowler = pc;
  const pl = prowlerLegacy(id, pattern);
  if (pl !== undefined) out['prowler-legacy'] = pl;
  const sp = steampipe(id, pattern);
  if (sp !== undefined) out.steampipe = sp;
  if (AWS_TEMPLATE[id] !== undefined) out['aws-template'] = AWS_TEMPLATE[id] === pattern;
  return out;
}
