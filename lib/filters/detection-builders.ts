// Which `CloudTrailDetections` builder stands for each catalogue detection, and what its options mean in terms of
// the catalogue's pattern strings. Pure data and functions (no CDK): `detections.json` is written from it.
import { DetectionId } from '../catalogue/detection-id';
import { PATTERNS, PatternVariant } from '../catalogue/patterns';
import { PROFILES } from '../catalogue/profiles';
import { DEFAULT_LARGE_INSTANCE_TYPES, recommendedEntry } from '../catalogue/resolve';

/** A boolean option that picks between catalogue strings: the variants whose string has the property. */
export interface ContentOption {
  readonly variants: readonly PatternVariant[];
  readonly description: string;
}

/** An option that tunes the pattern beyond the catalogue strings. */
export interface TuningOption {
  readonly default: unknown;
  readonly description: string;
}

export interface DetectionBuilderSpec {
  /** The static method of `CloudTrailDetections`. */
  readonly method: string;
  /** Options answered by choosing a catalogue string. */
  readonly content?: Readonly<Record<string, ContentOption>>;
  /** Options that change the pattern text. */
  readonly tuning?: Readonly<Record<string, TuningOption>>;
}

const EXCLUSIONS: TuningOption = {
  default: null,
  description:
    'Events to leave out (principalArns, roleNames, userAgents, sourceIpAddresses, eventSources): each list is AND-ed as "(($.f NOT EXISTS) || ($.f != v1) && ...)", in that order, after the catalogue string; assumedRootSessions: true then AND-s (($.userIdentity.sessionContext.assumedRoot NOT EXISTS) || ($.userIdentity.sessionContext.assumedRoot != "true")), leaving out the records of centralized root access (sts:AssumeRoot) sessions.',
};

const COMMON = { exclusions: EXCLUSIONS };

/** The scope lists of a tamper-protection builder (null: unscoped, the catalogue string). */
function scopeOptions(names: readonly string[], what: string): Record<string, TuningOption> {
  const out: Record<string, TuningOption> = {};
  for (const name of names) {
    out[name] = {
      default: null,
      description: `Limit the pattern to these ${what} (scoped as tamper-scope.ts renders it: one equality clause per value and field, OR-ed, AND-ed to the catalogue string's clauses).`,
    };
  }
  return { ...out, ...COMMON };
}

/** The builder of each catalogue detection. */
export const DETECTION_BUILDERS: Partial<Record<DetectionId, DetectionBuilderSpec>> = {
  [DetectionId.ROOT_ACCOUNT_USAGE]: { method: 'rootAccountUsage', tuning: COMMON },
  [DetectionId.AUTHORIZATION_FAILURES]: {
    method: 'authorizationFailures',
    content: {
      cisExclusions: {
        variants: ['cis14', 'cis50', 'cis60', 'cis70', 'prowler'],
        description:
          'Leave out log-delivery HeadBucket probes ($.sourceIPAddress != "delivery.logs.amazonaws.com", $.eventName != "HeadBucket"), as CIS v1.4+ and Steampipe require; Security Hub CloudWatch.2 forbids them.',
      },
    },
    tuning: COMMON,
  },
  [DetectionId.CONSOLE_SIGN_IN_WITHOUT_MFA]: {
    method: 'consoleSignInWithoutMfa',
    content: {
      successfulIamUserSignInsOnly: {
        variants: ['securityHub', 'prowler'],
        description:
          'Only successful sign-ins of IAM users ($.userIdentity.type = "IAMUser", $.responseElements.ConsoleLogin = "Success"): the Security Hub form, which ignores federated (SSO) and root sign-ins.',
      },
    },
    tuning: {
      ssoAware: {
        default: false,
        description:
          'Leave out IAM Identity Center (SSO) sign-ins, which report MFAUsed "No" even when the identity provider enforced MFA: appends (($.userIdentity.sessionContext.sessionIssuer.arn NOT EXISTS) || ($.userIdentity.sessionContext.sessionIssuer.arn != "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*")) after the exclusions.',
      },
      ...COMMON,
    },
  },
  [DetectionId.IAM_POLICY_CHANGES]: { method: 'iamPolicyChanges', tuning: COMMON },
  [DetectionId.CLOUDTRAIL_CHANGES]: { method: 'cloudTrailChanges', tuning: COMMON },
  [DetectionId.CONSOLE_SIGN_IN_FAILURES]: { method: 'consoleSignInFailures', tuning: COMMON },
  [DetectionId.KMS_KEY_DISABLE_OR_DELETION]: { method: 'kmsKeyDisableOrDeletion', tuning: COMMON },
  [DetectionId.S3_BUCKET_POLICY_CHANGES]: { method: 's3BucketPolicyChanges', tuning: COMMON },
  [DetectionId.CONFIG_CHANGES]: { method: 'configChanges', tuning: COMMON },
  [DetectionId.SECURITY_GROUP_CHANGES]: {
    method: 'securityGroupChanges',
    content: {
      modifySecurityGroupRules: {
        variants: ['cis50', 'cis60', 'cis70', 'prowler'],
        description: 'Also ModifySecurityGroupRules (CIS v5.0 onward, required by Steampipe); the Security Hub CloudWatch.10 string lacks it.',
      },
    },
    tuning: COMMON,
  },
  [DetectionId.NETWORK_ACL_CHANGES]: { method: 'networkAclChanges', tuning: COMMON },
  [DetectionId.NETWORK_GATEWAY_CHANGES]: { method: 'networkGatewayChanges', tuning: COMMON },
  [DetectionId.ROUTE_TABLE_CHANGES]: {
    method: 'routeTableChanges',
    content: {
      requireEc2EventSource: {
        variants: ['prowler'],
        description:
          'Require $.eventSource = ec2.amazonaws.com, so API Gateway CreateRoute/DeleteRoute calls do not match (required by Prowler; forbidden by Security Hub CloudWatch.13).',
      },
    },
    tuning: COMMON,
  },
  [DetectionId.VPC_CHANGES]: { method: 'vpcChanges', tuning: COMMON },
  [DetectionId.ORGANIZATIONS_CHANGES]: {
    method: 'organizationsChanges',
    content: {
      cisEventNamesOnly: {
        variants: ['cis14', 'cis50', 'cis60', 'cis70'],
        description:
          'Only the event names of the CIS 4.15 (v6.0 onward: 5.15) text, without CancelHandshake, CreateOrganization and EnableAllFeatures (which Prowler requires).',
      },
    },
    tuning: COMMON,
  },
  [DetectionId.EC2_INSTANCE_CHANGES]: { method: 'ec2InstanceChanges', tuning: COMMON },
  [DetectionId.ROOT_ASSUMED_SESSION]: { method: 'rootAssumedSession', tuning: COMMON },
  [DetectionId.TRAIL_TAMPERING]: { method: 'trailTampering', tuning: scopeOptions(['trailNames', 'trailArns'], 'trails') },
  [DetectionId.LOG_GROUP_TAMPERING]: { method: 'logGroupTampering', tuning: scopeOptions(['logGroupNames', 'logGroupArns'], 'log groups') },
  [DetectionId.ALARM_TAMPERING]: { method: 'alarmTampering', tuning: scopeOptions(['alarmNames', 'alarmNamePrefixes'], 'alarms') },
  [DetectionId.TOPIC_TAMPERING]: { method: 'topicTampering', tuning: scopeOptions(['topicArns'], 'topics') },
  [DetectionId.KEY_TAMPERING]: { method: 'keyTampering', tuning: scopeOptions(['keyArns', 'keyIds'], 'KMS keys') },
  [DetectionId.NOTIFIER_TAMPERING]: { method: 'notifierTampering', tuning: scopeOptions(['functionNames', 'functionArns'], 'functions') },
  [DetectionId.EC2_LARGE_INSTANCE_CHANGES]: {
    method: 'ec2LargeInstanceChanges',
    tuning: {
      instanceTypes: {
        default: [...DEFAULT_LARGE_INSTANCE_TYPES],
        description:
          'Instance type patterns (* is a wildcard): { ($.eventName = RunInstances) && (($.requestParameters.instanceType = t1) || ...) }, each type unquoted when it is only letters, digits and _.*- (AWS\'s exact string for the default).',
      },
      ...COMMON,
    },
  },
};

/** When the profile's own string lacks a requested property, the first of these that has it is used. */
export const VARIANT_PREFERENCE: readonly PatternVariant[] = ['securityHub', 'prowler', 'cis50', 'cis14', 'awsTemplate'];

/**
 * The variant a profile uses for a detection; the `recommended` one for a detection outside the profile (an opt-in
 * detection's only one).
 */
export function profileVariant(id: DetectionId, profileName: string): PatternVariant {
  const spec = PROFILES[profileName] ?? PROFILES.recommended;
  return (spec.entries.find((e) => e.id === id) ?? recommendedEntry(id)).variant;
}

/** The values of the content options that a variant's string has. */
export function contentOf(id: DetectionId, variant: PatternVariant): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const [name, c] of Object.entries(DETECTION_BUILDERS[id]?.content ?? {})) out[name] = c.variants.includes(variant);
  return out;
}

/**
 * The catalogue string to start from: the profile's own when it has every requested property, otherwise the first
 * variant in `VARIANT_PREFERENCE` that has them. Throws when no catalogue string has them all.
 */
export function chooseVariant(
  id: DetectionId,
  profileName: string,
  wanted: Readonly<Record<string, boolean | undefined>>,
  method: string,
): PatternVariant {
  const has = (v: PatternVariant) =>
    PATTERNS[id][v] !== undefined &&
    Object.entries(contentOf(id, v)).every(([name, value]) => wanted[name] === undefined || wanted[name] === value);
  const own = profileVariant(id, profileName);
  if (has(own)) return own;
  const other = VARIANT_PREFERENCE.find(has);
  if (!other) {
    const asked = Object.entries(wanted).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${v}`).join(', ');
    throw new Error(`${method}: no catalogue pattern has ${asked}; change one of these options.`);
  }
  return other;
}

/** The builder call, with every option at the value that reproduces a profile's string (for `detections.json`). */
export function builderCall(id: DetectionId, profileName: string): { method: string; options: Record<string, unknown> } | undefined {
  const spec = DETECTION_BUILDERS[id];
  if (!spec) return undefined;
  const options: Record<string, unknown> = { profile: profileName, ...contentOf(id, profileVariant(id, profileName)) };
  for (const [name, t] of Object.entries(spec.tuning ?? {})) options[name] = t.default;
  return { method: `CloudTrailDetections.${spec.method}`, options };
}
