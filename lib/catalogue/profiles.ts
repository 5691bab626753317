import { DetectionId } from './detection-id';
import { GraderName } from './graders';
import { PatternVariant } from './patterns';

/** Why a profile's pattern does not pass a grader. */
export interface GraderFailure {
  readonly grader: GraderName;
  readonly why: string;
}

export interface ProfileEntry {
  readonly id: DetectionId;
  readonly variant: PatternVariant;
  /** Graders this pattern passes (checked by test/catalogue/graders.test.ts against the graders' written rules). */
  readonly passes: readonly GraderName[];
  /** Graders with a check for this detection that this pattern does not pass, and why. */
  readonly fails: readonly GraderFailure[];
}

export interface ProfileSpec {
  readonly name: string;
  readonly summary: string;
  readonly entries: readonly ProfileEntry[];
}

const CODES: Record<string, GraderName> = {
  SH: 'security-hub',
  P: 'prowler',
  PL: 'prowler-legacy',
  SP: 'steampipe',
  AT: 'aws-template',
};

/** Graders with a check for each detection. */
export const APPLICABLE: Record<DetectionId, readonly GraderName[]> = {
  [DetectionId.SECURITY_GROUP_CHANGES]: ['security-hub', 'prowler', 'prowler-legacy', 'steampipe', 'aws-template'],
  [DetectionId.NETWORK_ACL_CHANGES]: ['security-hub', 'prowler', 'prowler-legacy', 'steampipe', 'aws-template'],
  [DetectionId.NETWORK_GATEWAY_CHANGES]: ['security-hub', 'prowler', 'prowler-legacy', 'steampipe', 'aws-template'],
  [DetectionId.VPC_CHANGES]: ['security-hub', 'prowler', 'prowler-legacy', 'steampipe', 'aws-template'],
  [DetectionId.EC2_INSTANCE_CHANGES]: ['aws-template'],
  [DetectionId.EC2_LARGE_INSTANCE_CHANGES]: ['aws-template'],
  [DetectionId.CLOUDTRAIL_CHANGES]: ['security-hub', 'prowler', 'prowler-legacy', 'steampipe', 'aws-template'],
  [DetectionId.CONSOLE_SIGN_IN_FAILURES]: ['security-hub', 'prowler', 'prowler-legacy', 'steampipe', 'aws-template'],
  [DetectionId.AUTHORIZATION_FAILURES]: ['security-hub', 'prowler', 'prowler-legacy', 'steampipe', 'aws-template'],
  [DetectionId.IAM_POLICY_CHANGES]: ['security-hub', 'prowler', 'prowler-legacy', 'steampipe', 'aws-template'],
  [DetectionId.ROOT_ACCOUNT_USAGE]: ['security-hub', 'prowler', 'prowler-legacy', 'steampipe'],
  [DetectionId.CONSOLE_SIGN_IN_WITHOUT_MFA]: ['security-hub', 'prowler', 'prowler-legacy', 'steampipe'],
  [DetectionId.KMS_KEY_DISABLE_OR_DELETION]: ['security-hub', 'prowler', 'prowler-legacy', 'steampipe'],
  [DetectionId.S3_BUCKET_POLICY_CHANGES]: ['security-hub', 'prowler', 'prowler-legacy', 'steampipe'],
  [DetectionId.CONFIG_CHANGES]: ['security-hub', 'prowler', 'prowler-legacy', 'steampipe'],
  [DetectionId.ROUTE_TABLE_CHANGES]: ['security-hub', 'prowler', 'prowler-legacy', 'steampipe'],
  [DetectionId.ORGANIZATIONS_CHANGES]: ['prowler', 'prowler-legacy', 'steampipe'],
  // no grader checks for tampering with the alarm pipeline itself
  [DetectionId.TRAIL_TAMPERING]: [],
  [DetectionId.LOG_GROUP_TAMPERING]: [],
  [DetectionId.ALARM_TAMPERING]: [],
  [DetectionId.TOPIC_TAMPERING]: [],
  [DetectionId.KEY_TAMPERING]: [],
  [DetectionId.NOTIFIER_TAMPERING]: [],
  // nor for centralized root access sessions (CIS v7's recommendation checks that the feature is on, not an alarm)
  [DetectionId.ROOT_ASSUMED_SESSION]: [],
};

const VARIANT_NAMES: Record<PatternVariant, string> = {
  awsTemplate: "AWS's template",
  securityHub: 'the Security Hub',
  cis14: 'the CIS v1.4.0',
  cis50: 'the CIS v5.0.0',
  cis60: 'the CIS v6.0.0',
  cis70: 'the CIS v7.0.0',
  prowler: 'the Prowler-compatible',
  tamperProtection: 'the tamper-protection',
  centralizedRootAccess: 'the centralized-root-access',
};

/** Specific reasons; anything not listed falls back to `genericReason`. */
const REASONS: Record<string, string> = {
  'security-group-changes/steampipe':
    'Steampipe demands ModifySecurityGroupRules (CIS v5.0 wording); the Security Hub and AWS template strings lack it, and adding it breaks the Security Hub exact match.',
  'authorization-failures/steampipe':
    'Steampipe demands the CIS v1.4+ exclusions ($.sourceIPAddress!="delivery.logs.amazonaws.com", $.eventName!="HeadBucket"), which Security Hub CloudWatch.2 does not allow.',
  'route-table-changes/prowler':
    'Prowler requires $.eventSource = ec2.amazonaws.com, which Security Hub CloudWatch.13 does not allow: no single route-table pattern passes both.',
  'route-table-changes/prowler-legacy':
    'Prowler up to 5.x requires $.eventSource = ec2.amazonaws.com, which Security Hub CloudWatch.13 does not allow: no single route-table pattern passes both.',
  'organizations-changes/prowler':
    'Prowler also requires CancelHandshake, CreateOrganization and EnableAllFeatures, which the CIS 4.15 (v6.0+: 5.15) text lacks.',
  'organizations-changes/prowler-legacy':
    'Prowler up to 5.x also requires CancelHandshake, CreateOrganization and EnableAllFeatures, which the CIS 4.15 (v6.0+: 5.15) text lacks.',
};

function genericReason(grader: GraderName, variant: PatternVariant): string {
  const source = VARIANT_NAMES[variant];
  switch (grader) {
    case 'security-hub':
      return `Security Hub accepts only the exact CloudWatch.N string; this profile uses ${source} spelling${variant === 'prowler' ? ', whose extra clauses Security Hub rejects' : ''}.`;
    case 'aws-template':
      return `Not byte-identical to AWS's template; this profile uses ${source} spelling.`;
    default:
      return `The ${grader} check does not find its required clauses in ${source} pattern.`;
  }
}

function entry(id: DetectionId, variant: PatternVariant, passes: string): ProfileEntry {
  const passing = passes.split(',').filter((c) => c.length > 0).map((c) => CODES[c]);
  const fails = APPLICABLE[id]
    .filter((g) => !passing.includes(g))
    .map((grader) => ({ grader, why: REASONS[`${id}/${grader}`] ?? genericReason(grader, variant) }));
  return { id, variant, passes: passing, fails };
}

const D = DetectionId;

const SECURITY_HUB_ENTRIES: ProfileEntry[] = [
  entry(D.ROOT_ACCOUNT_USAGE, 'securityHub', 'SH,P,PL,SP'),
  entry(D.AUTHORIZATION_FAILURES, 'securityHub', 'SH,P,PL'),
  entry(D.CONSOLE_SIGN_IN_WITHOUT_MFA, 'securityHub', 'SH,P,PL,SP'),
  entry(D.IAM_POLICY_CHANGES, 'securityHub', 'SH,P,PL,SP'),
  entry(D.CLOUDTRAIL_CHANGES, 'securityHub', 'SH,P,PL,SP'),
  entry(D.CONSOLE_SIGN_IN_FAILURES, 'securityHub', 'SH,P,PL,SP'),
  entry(D.KMS_KEY_DISABLE_OR_DELETION, 'securityHub', 'SH,P,PL,SP'),
  entry(D.S3_BUCKET_POLICY_CHANGES, 'securityHub', 'SH,P,PL,SP'),
  entry(D.CONFIG_CHANGES, 'securityHub', 'SH,P,PL,SP'),
  entry(D.SECURITY_GROUP_CHANGES, 'securityHub', 'SH,P,PL'),
  entry(D.NETWORK_ACL_CHANGES, 'securityHub', 'SH,P,PL,SP'),
  entry(D.NETWORK_GATEWAY_CHANGES, 'securityHub', 'SH,P,PL,SP'),
  entry(D.ROUTE_TABLE_CHANGES, 'securityHub', 'SH,SP'),
  entry(D.VPC_CHANGES, 'securityHub', 'SH,P,PL,SP'),
];

/** Detections of changes that blind this pipeline, one per component; unscoped here, scoped by the construct. */
const TAMPER_PROTECTION_ENTRIES: ProfileEntry[] = [
  entry(D.TRAIL_TAMPERING, 'tamperProtection', ''),
  entry(D.LOG_GROUP_TAMPERING, 'tamperProtection', ''),
  entry(D.ALARM_TAMPERING, 'tamperProtection', ''),
  entry(D.TOPIC_TAMPERING, 'tamperProtection', ''),
  entry(D.KEY_TAMPERING, 'tamperProtection', ''),
  entry(D.NOTIFIER_TAMPERING, 'tamperProtection', ''),
];

/**
 * The CIS monitoring section (4.1-4.15 up to v5.0.0, 5.1-5.15 from v6.0.0) in the benchmark's order, with one pattern
 * variant. v5.0.0, v6.0.0 and v7.0.0 print the same strings, so they pass the same graders.
 */
function cisEntries(variant: 'cis50' | 'cis60' | 'cis70'): ProfileEntry[] {
  return [
    entry(D.AUTHORIZATION_FAILURES, variant, 'P,PL,SP'),
    entry(D.CONSOLE_SIGN_IN_WITHOUT_MFA, variant, 'P,PL,SP'),
    entry(D.ROOT_ACCOUNT_USAGE, variant, 'P,PL,SP'),
    entry(D.IAM_POLICY_CHANGES, variant, 'P,PL,SP,AT'),
    entry(D.CLOUDTRAIL_CHANGES, variant, 'P,PL,SP,AT'),
    entry(D.CONSOLE_SIGN_IN_FAILURES, variant, 'P,PL,SP,AT'),
    entry(D.KMS_KEY_DISABLE_OR_DELETION, variant, 'P,PL,SP'),
    entry(D.S3_BUCKET_POLICY_CHANGES, variant, 'P,PL,SP'),
    entry(D.CONFIG_CHANGES, variant, 'P,PL,SP'),
    entry(D.SECURITY_GROUP_CHANGES, variant, 'P,PL,SP'),
    entry(D.NETWORK_ACL_CHANGES, variant, 'P,PL,SP,AT'),
    entry(D.NETWORK_GATEWAY_CHANGES, variant, 'P,PL,SP,AT'),
    entry(D.ROUTE_TABLE_CHANGES, variant, 'SP'),
    entry(D.VPC_CHANGES, variant, 'P,PL,SP,AT'),
    entry(D.ORGANIZATIONS_CHANGES, variant, 'SP'),
  ];
}

/** What the CIS profiles say about Security Hub, whose CloudWatch.1-14 controls only some of its standards run. */
const SECURITY_HUB_NOTE =
  'Security Hub CSPM still evaluates CloudWatch.1-14, but only under its CIS v1.2.0 and v1.4.0, NIST SP 800-171 Rev. 2 and PCI DSS v3.2.1 standards, with the exact Security Hub strings (use the security-hub profile for those); its CIS v3.0.0 and v5.0.0 and NIST SP 800-53 Rev. 5 standards have no control for these alarms, so missing alarms produce no finding there.';

/**
 * Catalogue detections that no profile turns on. An override turns one on (`overrides: [{ id }]`); this is the entry
 * it gets, as `recommended` gives detections outside other profiles theirs.
 */
export const OPT_IN_ENTRIES: readonly ProfileEntry[] = [entry(D.ROOT_ASSUMED_SESSION, 'centralizedRootAccess', '')];

/** Profiles by name. The order of entries is the order of resources in the stack. */
export const PROFILES: Record<string, ProfileSpec> = {
  'recommended': {
    name: 'recommended',
    summary:
      "All seventeen benchmark detections and the six tamper-protection detections: the exact Security Hub CloudWatch.1-14 strings where a control exists, AWS's template patterns for the two EC2 detections, for AWS Organizations (no Security Hub control) a pattern that passes both Prowler generations and Steampipe, where the CIS 4.15 text fails Prowler, and detections of changes to the trail, log group, alarms, topics, keys and notifier that would blind the others.",
    entries: [
      ...SECURITY_HUB_ENTRIES,
      entry(D.ORGANIZATIONS_CHANGES, 'prowler', 'P,PL,SP'),
      entry(D.EC2_INSTANCE_CHANGES, 'awsTemplate', 'AT'),
      entry(D.EC2_LARGE_INSTANCE_CHANGES, 'awsTemplate', 'AT'),
      ...TAMPER_PROTECTION_ENTRIES,
    ],
  },
  'aws-template': {
    name: 'aws-template',
    summary: "The ten filters of AWS's CloudWatch_Alarms_for_CloudTrail_API_Activity.json template, byte-identical.",
    entries: [
      entry(D.SECURITY_GROUP_CHANGES, 'awsTemplate', 'P,PL,AT'),
      entry(D.NETWORK_ACL_CHANGES, 'awsTemplate', 'P,PL,SP,AT'),
      entry(D.NETWORK_GATEWAY_CHANGES, 'awsTemplate', 'P,PL,SP,AT'),
      entry(D.VPC_CHANGES, 'awsTemplate', 'P,PL,SP,AT'),
      entry(D.EC2_INSTANCE_CHANGES, 'awsTemplate', 'AT'),
      entry(D.EC2_LARGE_INSTANCE_CHANGES, 'awsTemplate', 'AT'),
      entry(D.CLOUDTRAIL_CHANGES, 'awsTemplate', 'P,PL,SP,AT'),
      entry(D.CONSOLE_SIGN_IN_FAILURES, 'awsTemplate', 'P,PL,SP,AT'),
      entry(D.AUTHORIZATION_FAILURES, 'awsTemplate', 'P,PL,AT'),
      entry(D.IAM_POLICY_CHANGES, 'awsTemplate', 'P,PL,SP,AT'),
    ],
  },
  'security-hub': {
    name: 'security-hub',
    summary: 'Security Hub CloudWatch.1-14, byte-identical to the strings in the Security Hub User Guide.',
    entries: SECURITY_HUB_ENTRIES,
  },
  'cis-1.4': {
    name: 'cis-1.4',
    summary:
      `CIS AWS Foundations Benchmark v1.4.0 section 4.1-4.15 wording. 4.1 as published ORs two negations and matches almost every event; here its precedence is fixed to ((A || B) && C && D). ${SECURITY_HUB_NOTE}`,
    entries: [
      entry(D.AUTHORIZATION_FAILURES, 'cis14', 'P,PL,SP'),
      entry(D.CONSOLE_SIGN_IN_WITHOUT_MFA, 'cis14', 'P,PL,SP'),
      entry(D.ROOT_ACCOUNT_USAGE, 'cis14', 'P,PL,SP'),
      entry(D.IAM_POLICY_CHANGES, 'cis14', 'P,PL,SP,AT'),
      entry(D.CLOUDTRAIL_CHANGES, 'cis14', 'P,PL,SP,AT'),
      entry(D.CONSOLE_SIGN_IN_FAILURES, 'cis14', 'P,PL,SP,AT'),
      entry(D.KMS_KEY_DISABLE_OR_DELETION, 'cis14', 'P,PL,SP'),
      entry(D.S3_BUCKET_POLICY_CHANGES, 'cis14', 'P,PL,SP'),
      entry(D.CONFIG_CHANGES, 'cis14', 'P,PL,SP'),
      entry(D.SECURITY_GROUP_CHANGES, 'cis14', 'P,PL,AT'),
      entry(D.NETWORK_ACL_CHANGES, 'cis14', 'P,PL,SP,AT'),
      entry(D.NETWORK_GATEWAY_CHANGES, 'cis14', 'P,PL,SP,AT'),
      entry(D.ROUTE_TABLE_CHANGES, 'cis14', 'SP'),
      entry(D.VPC_CHANGES, 'cis14', 'P,PL,SP,AT'),
      entry(D.ORGANIZATIONS_CHANGES, 'cis14', 'SP'),
    ],
  },
  'cis-5.0': {
    name: 'cis-5.0',
    summary: `CIS AWS Foundations Benchmark v5.0.0 section 4.1-4.15 wording (4.10 adds ModifySecurityGroupRules). 4.1 as published (A || B && C && D) lets any A through unexcluded; here it is ((A || B) && C && D). ${SECURITY_HUB_NOTE}`,
    entries: cisEntries('cis50'),
  },
  'cis-6.0': {
    name: 'cis-6.0',
    summary: `CIS AWS Foundations Benchmark v6.0.0: the monitoring section is renumbered 5.1-5.15 (5.16, Security Hub enabled, is no metric filter) and keeps the v5.0.0 strings, 5.1 with its precedence fixed to ((A || B) && C && D). ${SECURITY_HUB_NOTE}`,
    entries: cisEntries('cis60'),
  },
  'cis-7.0': {
    name: 'cis-7.0',
    summary: `CIS AWS Foundations Benchmark v7.0.0, the latest: monitoring 5.1-5.15 with the v5.0.0 strings, 5.1 with its precedence fixed to ((A || B) && C && D). Its new centralized root access recommendation is a configuration check; root-assumed-session (an override) tells those root sessions apart. ${SECURITY_HUB_NOTE}`,
    entries: cisEntries('cis70'),
  },
  'prowler': {
    name: 'prowler',
    summary:
      'Passes all fifteen Prowler checks in both generations (current and up to 5.x, clause order preserved) and the Steampipe CIS checks; Security Hub-exact wherever that does not cost a Prowler check.',
    entries: [
      entry(D.AUTHORIZATION_FAILURES, 'prowler', 'P,PL,SP'),
      entry(D.CONSOLE_SIGN_IN_WITHOUT_MFA, 'prowler', 'SH,P,PL,SP'),
      entry(D.ROOT_ACCOUNT_USAGE, 'prowler', 'SH,P,PL,SP'),
      entry(D.IAM_POLICY_CHANGES, 'prowler', 'SH,P,PL,SP'),
      entry(D.CLOUDTRAIL_CHANGES, 'prowler', 'SH,P,PL,SP'),
      entry(D.CONSOLE_SIGN_IN_FAILURES, 'prowler', 'SH,P,PL,SP'),
      entry(D.KMS_KEY_DISABLE_OR_DELETION, 'prowler', 'SH,P,PL,SP'),
      entry(D.S3_BUCKET_POLICY_CHANGES, 'prowler', 'SH,P,PL,SP'),
      entry(D.CONFIG_CHANGES, 'prowler', 'SH,P,PL,SP'),
      entry(D.SECURITY_GROUP_CHANGES, 'prowler', 'P,PL,SP'),
      entry(D.NETWORK_ACL_CHANGES, 'prowler', 'SH,P,PL,SP'),
      entry(D.NETWORK_GATEWAY_CHANGES, 'prowler', 'SH,P,PL,SP'),
      entry(D.ROUTE_TABLE_CHANGES, 'prowler', 'P,PL,SP'),
      entry(D.VPC_CHANGES, 'prowler', 'SH,P,PL,SP'),
      entry(D.ORGANIZATIONS_CHANGES, 'prowler', 'P,PL,SP'),
    ],
  },
  'tamper-protection': {
    name: 'tamper-protection',
    summary:
      'Changes that blind this pipeline, one detection per component: the trail (StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors), the log group and its filters, the alarms, the topics, the KMS keys and the notifier function. Listed unscoped; the construct scopes each to its own resources.',
    entries: TAMPER_PROTECTION_ENTRIES,
  },
};
