import { Token } from 'aws-cdk-lib';
import { DetectionId } from '../catalogue/detection-id';
import type { DetectionProfile } from '../catalogue/detection-profile';
import { PATTERNS } from '../catalogue/patterns';
import { largeInstancePattern } from '../catalogue/resolve';
import { scopeTamperPattern, TamperScope } from '../catalogue/tamper-scope';
import { CloudTrailFilter } from '../filters/cloudtrail-filter';
import { chooseVariant, DETECTION_BUILDERS } from '../filters/detection-builders';
import type { DetectionExclusions } from '../filters/detection-exclusions';
import { exclusionPatterns, ssoExclusion } from '../filters/exclusions';
import { validateInstanceTypes } from '../filters/instance-types';
import { LogFilterPattern } from '../filters/log-filter-pattern';

/** Options every catalogue detection builder takes. */
export interface DetectionPatternOptions {
  /**
   * Whose spelling of the detection to use: the profile's catalogue string, byte for byte (detections outside the
   * profile use the `recommended` string, as in `CloudTrailAlarms`).
   * @default DetectionProfile.RECOMMENDED
   */
  readonly profile?: DetectionProfile;
  /**
   * Events to leave out, rendered exactly as `CloudTrailAlarms` renders `overrides[].exclusions`: each list is
   * AND-ed to the catalogue string in the safe `(($.f NOT EXISTS) || ($.f != "v"))` form. Any exclusion makes the
   * pattern lose its Security Hub and AWS-template exactness.
   * @default - no exclusions
   */
  readonly exclusions?: DetectionExclusions;
}

/** Options of `CloudTrailDetections.authorizationFailures`. */
export interface AuthorizationFailuresOptions extends DetectionPatternOptions {
  /**
   * Leave out log-delivery `HeadBucket` probes (`$.sourceIPAddress!="delivery.logs.amazonaws.com"`,
   * `$.eventName!="HeadBucket"`), as CIS v1.4+ and Steampipe require; Security Hub CloudWatch.2 forbids them. When the
   * profile's string does not match this choice, the catalogue string that does is used (the Prowler-profile string
   * for `true`, the Security Hub string for `false`). To leave out whole services, use `exclusions.eventSources`.
   * @default - as the profile: false for `recommended`, `security-hub` and `aws-template`, true for `cis-1.4`, `cis-5.0`, `cis-6.0`, `cis-7.0` and `prowler`
   */
  readonly cisExclusions?: boolean;
}

/** Options of `CloudTrailDetections.consoleSignInWithoutMfa`. */
export interface ConsoleSignInWithoutMfaOptions extends DetectionPatternOptions {
  /**
   * Only successful sign-ins of IAM users (`$.userIdentity.type = "IAMUser"` and
   * `$.responseElements.ConsoleLogin = "Success"`): the Security Hub CloudWatch.3 form. It ignores federated
   * (IAM Identity Center) sign-ins, which report `MFAUsed` "No", and root sign-ins. `false` gives the 2-clause CIS form.
   * @default - as the profile: true for `recommended`, `security-hub` and `prowler`, false for `cis-1.4`, `cis-5.0`, `cis-6.0` and `cis-7.0`
   */
  readonly successfulIamUserSignInsOnly?: boolean;
  /**
   * Leave out IAM Identity Center (SSO) sign-ins by their role
   * (`arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*`), as `overrides[].ssoAware` does in `CloudTrailAlarms`.
   * Useful with the 2-clause CIS form; it changes the pattern, so it is no longer Security Hub-exact.
   * @default false
   */
  readonly ssoAware?: boolean;
}

/** Options of `CloudTrailDetections.securityGroupChanges`. */
export interface SecurityGroupChangesOptions extends DetectionPatternOptions {
  /**
   * Also match `ModifySecurityGroupRules` (added by CIS v5.0; Steampipe requires it; the Security Hub CloudWatch.10
   * string lacks it). `true` uses the Prowler-profile string, `false` the Security Hub string, unless the profile's own
   * string already matches the choice.
   * @default - as the profile: true for `cis-5.0`, `cis-6.0`, `cis-7.0` and `prowler`, false otherwise
   */
  readonly modifySecurityGroupRules?: boolean;
}

/** Options of `CloudTrailDetections.routeTableChanges`. */
export interface RouteTableChangesOptions extends DetectionPatternOptions {
  /**
   * Require `$.eventSource = ec2.amazonaws.com`, so that API Gateway's `CreateRoute`/`DeleteRoute` do not match.
   * Prowler requires the clause; Security Hub CloudWatch.13 forbids it.
   * @default - as the profile: true for `prowler`, false otherwise
   */
  readonly requireEc2EventSource?: boolean;
}

/** Options of `CloudTrailDetections.organizationsChanges`. */
export interface OrganizationsChangesOptions extends DetectionPatternOptions {
  /**
   * Only the event names of the CIS 4.15 text, without `CancelHandshake`, `CreateOrganization` and `EnableAllFeatures`
   * (which Prowler requires).
   * @default - as the profile: true for `cis-1.4`, `cis-5.0`, `cis-6.0` and `cis-7.0`, false otherwise
   */
  readonly cisEventNamesOnly?: boolean;
}

/** Options of `CloudTrailDetections.ec2LargeInstanceChanges`. */
export interface Ec2LargeInstanceChangesOptions extends DetectionPatternOptions {
  /**
   * Instance type patterns of `RunInstances` requests; `*` is a wildcard (e.g. `p4d.*`, `*.metal`, `*.48xlarge`).
   * Lower-case letters, digits, `-`, `.` and `*` only.
   * @default ['*.8xlarge', '*.4xlarge'] (AWS's template)
   */
  readonly instanceTypes?: string[];
}

/** Whether a console sign-in used MFA (`additionalEventData.MFAUsed`). */
export enum ConsoleSignInMfa {
  /** Any sign-in, with or without MFA. */
  ANY = 'ANY',
  /** Sign-ins with MFA (`MFAUsed` is "Yes"). */
  WITH_MFA = 'WITH_MFA',
  /** Sign-ins without MFA (`MFAUsed` is not "Yes", or absent). */
  WITHOUT_MFA = 'WITHOUT_MFA',
}

/** The result of a console sign-in (`responseElements.ConsoleLogin`). */
export enum ConsoleSignInOutcome {
  /** Successful and failed sign-ins. */
  ANY = 'ANY',
  /** Successful sign-ins. */
  SUCCESS = 'SUCCESS',
  /** Failed sign-ins (for example a wrong password). */
  FAILURE = 'FAILURE',
}

/** Options of `CloudTrailDetections.rootConsoleSignIn`. */
export interface RootConsoleSignInOptions {
  /**
   * Which sign-ins by MFA use.
   * @default ConsoleSignInMfa.ANY
   */
  readonly mfa?: ConsoleSignInMfa;
  /**
   * Which sign-ins by result.
   * @default ConsoleSignInOutcome.ANY
   */
  readonly outcome?: ConsoleSignInOutcome;
  /**
   * Events to leave out (e.g. `sourceIpAddresses` of a break-glass workstation).
   * @default - no exclusions
   */
  readonly exclusions?: DetectionExclusions;
}

/** Options of `CloudTrailDetections.trailTampering`: the trails to watch. */
export interface TrailTamperingOptions extends DetectionPatternOptions {
  /**
   * Names of the trails to watch (`requestParameters.name`, or `trailName` of PutEventSelectors).
   * @default - every trail (with `trailArns` unset)
   */
  readonly trailNames?: string[];
  /**
   * ARNs of the trails to watch.
   * @default - every trail (with `trailNames` unset)
   */
  readonly trailArns?: string[];
}

/** Options of `CloudTrailDetections.logGroupTampering`: the log groups to watch. */
export interface LogGroupTamperingOptions extends DetectionPatternOptions {
  /**
   * Names of the log groups to watch.
   * @default - every log group (with `logGroupArns` unset)
   */
  readonly logGroupNames?: string[];
  /**
   * ARNs of the log groups to watch (a trailing `:*` is removed).
   * @default - every log group (with `logGroupNames` unset)
   */
  readonly logGroupArns?: string[];
}

/** Options of `CloudTrailDetections.alarmTampering`: the alarms to watch. */
export interface AlarmTamperingOptions extends DetectionPatternOptions {
  /**
   * Names of the alarms to watch. More than three names cannot scope DeleteAlarms and DisableAlarmActions (a pattern
   * allows three `[*]` selectors): use `alarmNamePrefixes`.
   * @default - every alarm (with `alarmNamePrefixes` unset)
   */
  readonly alarmNames?: string[];
  /**
   * Alarm name prefixes, e.g. the `alarmNamePrefix` of `CloudTrailAlarms` (one clause covers every alarm).
   * @default - every alarm (with `alarmNames` unset)
   */
  readonly alarmNamePrefixes?: string[];
}

/** Options of `CloudTrailDetections.topicTampering`: the topics to watch. */
export interface TopicTamperingOptions extends DetectionPatternOptions {
  /**
   * ARNs of the topics to watch (Unsubscribe is matched by its subscription ARN, `<topicArn>:<id>`).
   * @default - every topic
   */
  readonly topicArns?: string[];
}

/** Options of `CloudTrailDetections.keyTampering`: the KMS keys to watch. */
export interface KeyTamperingOptions extends DetectionPatternOptions {
  /**
   * ARNs of the keys to watch (their key ids are matched too, since `keyId` holds what the caller passed).
   * @default - every key (with `keyIds` unset)
   */
  readonly keyArns?: string[];
  /**
   * Key ids (the part after `key/`); pass them when the ARNs are tokens.
   * @default - derived from literal `keyArns`
   */
  readonly keyIds?: string[];
}

/** Options of `CloudTrailDetections.notifierTampering`: the functions to watch. */
export interface NotifierTamperingOptions extends DetectionPatternOptions {
  /**
   * Names of the functions to watch (matched as a name, an ARN or a qualified ARN).
   * @default - every function (with `functionArns` unset)
   */
  readonly functionNames?: string[];
  /**
   * ARNs of the functions to watch.
   * @default - every function (with `functionNames` unset)
   */
  readonly functionArns?: string[];
}


/**
 * The catalogue's detections as filter-pattern builders, one per detection, named from CloudTrail's vocabulary.
 *
 * Each returns a `LogFilterPattern`, which `logs.MetricFilter`, `logs.SubscriptionFilter` and `FilterLogEvents`
 * accept. Called without options, a builder returns the catalogue string of the `recommended` profile byte for byte
 * (with `profile`, that profile's string); its doc comment names the graders that string passes. Options that a
 * catalogue string answers (such as `modifySecurityGroupRules`) switch to that string; options that go beyond the
 * catalogue (exclusions, instance types) render the same text `CloudTrailAlarms` deploys for the same tuning.
 *
 * @example
 * new logs.MetricFilter(this, 'LargeLaunches', {
 *   logGroup,
 *   filterPattern: CloudTrailDetections.ec2LargeInstanceChanges({ instanceTypes: ['p4d.*', '*.metal'] }),
 *   metricNamespace: 'Security',
 *   metricName: 'LargeInstanceLaunches',
 * });
 */
export class CloudTrailDetections {
  /**
   * Root user activity (`root-account-usage`; CIS 4.3, Security Hub CloudWatch.1): the root user signed in or made a
   * call that no AWS service made on its behalf.
   *
   * Default output passes: security-hub, prowler, prowler-legacy, steampipe.
   *
   * @example
   * const p = CloudTrailDetections.rootAccountUsage();
   * // {$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}
   */
  public static rootAccountUsage(options: DetectionPatternOptions = {}): LogFilterPattern {
    return catalogued(DetectionId.ROOT_ACCOUNT_USAGE, options, {});
  }

  /**
   * Centralized root access (`root-assumed-session`; opt-in, in no profile): the management account's `sts:AssumeRoot`
   * call, which opens a root session in a member account, or a member-account record that CloudTrail marks as made in
   * such a session (`userIdentity.sessionContext.assumedRoot` "true").
   *
   * Default output passes: none (no grader has a check for it).
   *
   * @example
   * const p = CloudTrailDetections.rootAssumedSession();
   */
  public static rootAssumedSession(options: DetectionPatternOptions = {}): LogFilterPattern {
    return catalogued(DetectionId.ROOT_ASSUMED_SESSION, options, {});
  }

  /**
   * Console sign-ins by the root user (`ConsoleLogin` with `userIdentity.type` "Root"), optionally only those with
   * or without MFA, or only successful or failed ones. Not a catalogue detection and not graded: no benchmark has a
   * control for it (root sign-ins are part of `rootAccountUsage`); use it to page on root console access alone.
   *
   * Default output passes: none (no grader has a check for it).
   *
   * @example
   * const p = CloudTrailDetections.rootConsoleSignIn({ mfa: ConsoleSignInMfa.WITHOUT_MFA });
   * // { ($.eventName = "ConsoleLogin") && ($.userIdentity.type = "Root") && (($.additionalEventData.MFAUsed NOT EXISTS) || ($.additionalEventData.MFAUsed != "Yes")) }
   */
  public static rootConsoleSignIn(options: RootConsoleSignInOptions = {}): LogFilterPattern {
    const method = 'CloudTrailDetections.rootConsoleSignIn';
    const clauses = [CloudTrailFilter.eventName('ConsoleLogin'), CloudTrailFilter.userIdentityType('Root')];
    const mfa = options.mfa ?? ConsoleSignInMfa.ANY;
    switch (mfa) {
      case ConsoleSignInMfa.ANY:
        break;
      case ConsoleSignInMfa.WITH_MFA:
        clauses.push(CloudTrailFilter.stringValue('additionalEventData.MFAUsed', 'Yes'));
        break;
      case ConsoleSignInMfa.WITHOUT_MFA:
        clauses.push(CloudTrailFilter.exclude('additionalEventData.MFAUsed', 'Yes'));
        break;
      default:
        throw new Error(`${method}: \`mfa\` must be a ConsoleSignInMfa (ANY, WITH_MFA or WITHOUT_MFA), got '${String(mfa)}'.`);
    }
    const outcome = options.outcome ?? ConsoleSignInOutcome.ANY;
    switch (outcome) {
      case ConsoleSignInOutcome.ANY:
        break;
      case ConsoleSignInOutcome.SUCCESS:
        clauses.push(CloudTrailFilter.stringValue('responseElements.ConsoleLogin', 'Success'));
        break;
      case ConsoleSignInOutcome.FAILURE:
        clauses.push(CloudTrailFilter.stringValue('responseElements.ConsoleLogin', 'Failure'));
        break;
      default:
        throw new Error(`${method}: \`outcome\` must be a ConsoleSignInOutcome (ANY, SUCCESS or FAILURE), got '${String(outcome)}'.`);
    }
    return CloudTrailFilter.all(...clauses, ...exclusionPatterns(options.exclusions, method, Token.isUnresolved));
  }

  /**
   * Unauthorized API calls (`authorization-failures`; CIS 4.1, Security Hub CloudWatch.2, AWS template
   * AuthorizationFailures): `errorCode` `*UnauthorizedOperation` or `AccessDenied*`.
   *
   * Default output passes: security-hub, prowler, prowler-legacy. With `cisExclusions: true`: prowler,
   * prowler-legacy, steampipe.
   *
   * @example
   * const p = CloudTrailDetections.authorizationFailures({ cisExclusions: true, exclusions: { eventSources: ['s3.amazonaws.com'] } });
   */
  public static authorizationFailures(options: AuthorizationFailuresOptions = {}): LogFilterPattern {
    return catalogued(DetectionId.AUTHORIZATION_FAILURES, options, { cisExclusions: options.cisExclusions });
  }

  /**
   * Console sign-in without MFA (`console-sign-in-without-mfa`; CIS 4.2, Security Hub CloudWatch.3).
   *
   * Default output passes: security-hub, prowler, prowler-legacy, steampipe.
   *
   * @example
   * // the 2-clause CIS form, without IAM Identity Center false positives
   * const p = CloudTrailDetections.consoleSignInWithoutMfa({ successfulIamUserSignInsOnly: false, ssoAware: true });
   */
  public static consoleSignInWithoutMfa(options: ConsoleSignInWithoutMfaOptions = {}): LogFilterPattern {
    const method = DETECTION_BUILDERS[DetectionId.CONSOLE_SIGN_IN_WITHOUT_MFA]!.method;
    if (options.ssoAware !== undefined && typeof options.ssoAware !== 'boolean') {
      throw new Error(`CloudTrailDetections.${method}: \`ssoAware\` must be true or false, got ${JSON.stringify(options.ssoAware)}.`);
    }
    return catalogued(
      DetectionId.CONSOLE_SIGN_IN_WITHOUT_MFA,
      options,
      { successfulIamUserSignInsOnly: options.successfulIamUserSignInsOnly },
      options.ssoAware ? [ssoExclusion()] : [],
    );
  }

  /**
   * IAM policy changes (`iam-policy-changes`; CIS 4.4, Security Hub CloudWatch.4, AWS template IAMPolicyChanges).
   *
   * Default output passes: security-hub, prowler, prowler-legacy, steampipe.
   *
   * @example
   * const p = CloudTrailDetections.iamPolicyChanges({ exclusions: { roleNames: ['cdk-hnb659fds-cfn-exec-role-111122223333-eu-west-1'] } });
   */
  public static iamPolicyChanges(options: DetectionPatternOptions = {}): LogFilterPattern {
    return catalogued(DetectionId.IAM_POLICY_CHANGES, options, {});
  }

  /**
   * CloudTrail configuration changes (`cloudtrail-changes`; CIS 4.5, Security Hub CloudWatch.5, AWS template
   * CloudTrailChanges): trails created, updated or deleted, logging started or stopped.
   *
   * Default output passes: security-hub, prowler, prowler-legacy, steampipe.
   *
   * @example
   * const p = CloudTrailDetections.cloudTrailChanges({ profile: DetectionProfile.AWS_TEMPLATE });
   */
  public static cloudTrailChanges(options: DetectionPatternOptions = {}): LogFilterPattern {
    return catalogued(DetectionId.CLOUDTRAIL_CHANGES, options, {});
  }

  /**
   * Console sign-in failures (`console-sign-in-failures`; CIS 4.6, Security Hub CloudWatch.6, AWS template
   * ConsoleSignInFailures): `ConsoleLogin` with `errorMessage` "Failed authentication".
   *
   * Default output passes: security-hub, prowler, prowler-legacy, steampipe.
   *
   * @example
   * const p = CloudTrailDetections.consoleSignInFailures();
   * // {($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}
   */
  public static consoleSignInFailures(options: DetectionPatternOptions = {}): LogFilterPattern {
    return catalogued(DetectionId.CONSOLE_SIGN_IN_FAILURES, options, {});
  }

  /**
   * KMS customer managed keys disabled or scheduled for deletion (`kms-key-disable-or-deletion`; CIS 4.7,
   * Security Hub CloudWatch.7).
   *
   * Default output passes: security-hub, prowler, prowler-legacy, steampipe.
   *
   * @example
   * const p = CloudTrailDetections.kmsKeyDisableOrDeletion();
   */
  public static kmsKeyDisableOrDeletion(options: DetectionPatternOptions = {}): LogFilterPattern {
    return catalogued(DetectionId.KMS_KEY_DISABLE_OR_DELETION, options, {});
  }

  /**
   * S3 bucket policy changes (`s3-bucket-policy-changes`; CIS 4.8, Security Hub CloudWatch.8): bucket ACL, policy,
   * CORS, lifecycle or replication put or deleted.
   *
   * Default output passes: security-hub, prowler, prowler-legacy, steampipe.
   *
   * @example
   * const p = CloudTrailDetections.s3BucketPolicyChanges();
   */
  public static s3BucketPolicyChanges(options: DetectionPatternOptions = {}): LogFilterPattern {
    return catalogued(DetectionId.S3_BUCKET_POLICY_CHANGES, options, {});
  }

  /**
   * AWS Config configuration changes (`config-changes`; CIS 4.9, Security Hub CloudWatch.9): the recorder stopped
   * or changed, a delivery channel changed or deleted.
   *
   * Default output passes: security-hub, prowler, prowler-legacy, steampipe.
   *
   * @example
   * const p = CloudTrailDetections.configChanges();
   */
  public static configChanges(options: DetectionPatternOptions = {}): LogFilterPattern {
    return catalogued(DetectionId.CONFIG_CHANGES, options, {});
  }

  /**
   * Security group changes (`security-group-changes`; CIS 4.10, Security Hub CloudWatch.10, AWS template
   * SecurityGroupChanges).
   *
   * Default output passes: security-hub, prowler, prowler-legacy. With `modifySecurityGroupRules: true`: prowler,
   * prowler-legacy, steampipe.
   *
   * @example
   * const p = CloudTrailDetections.securityGroupChanges({ modifySecurityGroupRules: true });
   */
  public static securityGroupChanges(options: SecurityGroupChangesOptions = {}): LogFilterPattern {
    return catalogued(DetectionId.SECURITY_GROUP_CHANGES, options, { modifySecurityGroupRules: options.modifySecurityGroupRules });
  }

  /**
   * Network ACL changes (`network-acl-changes`; CIS 4.11, Security Hub CloudWatch.11, AWS template NetworkAclChanges).
   *
   * Default output passes: security-hub, prowler, prowler-legacy, steampipe.
   *
   * @example
   * const p = CloudTrailDetections.networkAclChanges();
   */
  public static networkAclChanges(options: DetectionPatternOptions = {}): LogFilterPattern {
    return catalogued(DetectionId.NETWORK_ACL_CHANGES, options, {});
  }

  /**
   * Customer and internet gateway changes (`network-gateway-changes`; CIS 4.12, Security Hub CloudWatch.12, AWS
   * template GatewayChanges).
   *
   * Default output passes: security-hub, prowler, prowler-legacy, steampipe.
   *
   * @example
   * const p = CloudTrailDetections.networkGatewayChanges();
   */
  public static networkGatewayChanges(options: DetectionPatternOptions = {}): LogFilterPattern {
    return catalogued(DetectionId.NETWORK_GATEWAY_CHANGES, options, {});
  }

  /**
   * Route table changes (`route-table-changes`; CIS 4.13, Security Hub CloudWatch.13).
   *
   * Default output passes: security-hub, steampipe. With `requireEc2EventSource: true`: prowler, prowler-legacy,
   * steampipe.
   *
   * @example
   * const p = CloudTrailDetections.routeTableChanges({ requireEc2EventSource: true });
   */
  public static routeTableChanges(options: RouteTableChangesOptions = {}): LogFilterPattern {
    return catalogued(DetectionId.ROUTE_TABLE_CHANGES, options, { requireEc2EventSource: options.requireEc2EventSource });
  }

  /**
   * VPC changes (`vpc-changes`; CIS 4.14, Security Hub CloudWatch.14, AWS template VpcChanges): VPCs, peering
   * connections and ClassicLink.
   *
   * Default output passes: security-hub, prowler, prowler-legacy, steampipe.
   *
   * @example
   * const p = CloudTrailDetections.vpcChanges();
   */
  public static vpcChanges(options: DetectionPatternOptions = {}): LogFilterPattern {
    return catalogued(DetectionId.VPC_CHANGES, options, {});
  }

  /**
   * AWS Organizations changes (`organizations-changes`; CIS 4.15, no Security Hub control).
   *
   * Default output passes: prowler, prowler-legacy, steampipe. With `cisEventNamesOnly: true`: steampipe.
   *
   * @example
   * const p = CloudTrailDetections.organizationsChanges();
   */
  public static organizationsChanges(options: OrganizationsChangesOptions = {}): LogFilterPattern {
    return catalogued(DetectionId.ORGANIZATIONS_CHANGES, options, { cisEventNamesOnly: options.cisEventNamesOnly });
  }

  /**
   * EC2 instance changes (`ec2-instance-changes`; AWS template EC2InstanceChanges): instances launched, rebooted,
   * started, stopped or terminated.
   *
   * Default output passes: aws-template.
   *
   * @example
   * const p = CloudTrailDetections.ec2InstanceChanges();
   */
  public static ec2InstanceChanges(options: DetectionPatternOptions = {}): LogFilterPattern {
    return catalogued(DetectionId.EC2_INSTANCE_CHANGES, options, {});
  }

  /**
   * Large EC2 instance launches (`ec2-large-instance-changes`; AWS template EC2LargeInstanceChanges): `RunInstances`
   * of the given instance types. Only `RunInstances` carries `requestParameters.instanceType`; a launch from a launch
   * template that sets the type does not match.
   *
   * Default output passes: aws-template (custom `instanceTypes`: none).
   *
   * @example
   * const p = CloudTrailDetections.ec2LargeInstanceChanges({ instanceTypes: ['p4d.*', 'p5.*', '*.metal'] });
   * // { ($.eventName = RunInstances) && (($.requestParameters.instanceType = p4d.*) || ($.requestParameters.instanceType = p5.*) || ($.requestParameters.instanceType = *.metal)) }
   */
  public static ec2LargeInstanceChanges(options: Ec2LargeInstanceChangesOptions = {}): LogFilterPattern {
    const method = `CloudTrailDetections.${DETECTION_BUILDERS[DetectionId.EC2_LARGE_INSTANCE_CHANGES]!.method}`;
    const types = options.instanceTypes;
    const base = types === undefined ? undefined : largeInstancePattern(validateInstanceTypes(types, method, Token.isUnresolved));
    return catalogued(DetectionId.EC2_LARGE_INSTANCE_CHANGES, options, {}, [], base);
  }

  /**
   * The trail stops feeding CloudWatch Logs (`trail-tampering`: StopLogging, DeleteTrail, UpdateTrail,
   * PutEventSelectors), optionally only for the given trails.
   *
   * Default output passes: none (no grader checks tampering with the alarm pipeline).
   *
   * @example
   * const p = CloudTrailDetections.trailTampering({ trailNames: ['org-trail'] });
   */
  public static trailTampering(options: TrailTamperingOptions = {}): LogFilterPattern {
    return tampering(DetectionId.TRAIL_TAMPERING, options, { trailNames: options.trailNames, trailArns: options.trailArns });
  }

  /**
   * The log group or its metric filters are deleted, replaced or shortened (`log-group-tampering`), optionally only for
   * the given log groups.
   *
   * Default output passes: none (no grader checks tampering with the alarm pipeline).
   *
   * @example
   * const p = CloudTrailDetections.logGroupTampering({ logGroupNames: ['CloudTrail/DefaultLogGroup'] });
   */
  public static logGroupTampering(options: LogGroupTamperingOptions = {}): LogFilterPattern {
    return tampering(DetectionId.LOG_GROUP_TAMPERING, options, { logGroupNames: options.logGroupNames, logGroupArns: options.logGroupArns });
  }

  /**
   * Alarms are deleted, silenced, redefined or set to a false state (`alarm-tampering`), optionally only for the given
   * alarms.
   *
   * Default output passes: none (no grader checks tampering with the alarm pipeline).
   *
   * @example
   * const p = CloudTrailDetections.alarmTampering({ alarmNamePrefixes: ['security-'] });
   */
  public static alarmTampering(options: AlarmTamperingOptions = {}): LogFilterPattern {
    return tampering(DetectionId.ALARM_TAMPERING, options, { alarmNames: options.alarmNames, alarmNamePrefixes: options.alarmNamePrefixes });
  }

  /**
   * Notification topics are deleted, unsubscribed from or reconfigured (`topic-tampering`), optionally only for the
   * given topics.
   *
   * Default output passes: none (no grader checks tampering with the alarm pipeline).
   *
   * @example
   * const p = CloudTrailDetections.topicTampering({ topicArns: ['arn:aws:sns:us-east-1:111122223333:security-paging'] });
   */
  public static topicTampering(options: TopicTamperingOptions = {}): LogFilterPattern {
    return tampering(DetectionId.TOPIC_TAMPERING, options, { topicArns: options.topicArns });
  }

  /**
   * KMS keys are disabled, scheduled for deletion or given a new key policy (`key-tampering`), optionally only for the
   * given keys.
   *
   * Default output passes: none (no grader checks tampering with the alarm pipeline).
   *
   * @example
   * const p = CloudTrailDetections.keyTampering({ keyArns: ['arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'] });
   */
  public static keyTampering(options: KeyTamperingOptions = {}): LogFilterPattern {
    return tampering(DetectionId.KEY_TAMPERING, options, { keyArns: options.keyArns, keyIds: options.keyIds });
  }

  /**
   * The notifier function is deleted, its code or configuration replaced, or its invoke permission removed
   * (`notifier-tampering`), optionally only for the given functions.
   *
   * Default output passes: none (no grader checks tampering with the alarm pipeline).
   *
   * @example
   * const p = CloudTrailDetections.notifierTampering({ functionNames: ['alarm-notifier'] });
   */
  public static notifierTampering(options: NotifierTamperingOptions = {}): LogFilterPattern {
    return tampering(DetectionId.NOTIFIER_TAMPERING, options, { functionNames: options.functionNames, functionArns: options.functionArns });
  }

  /**
   * The pattern of any catalogue detection by id, with the options every builder takes; for data-driven code.
   * Detection-specific options keep the profile's choice.
   *
   * @param detectionId a catalogue detection id (see `DetectionId`)
   * @throws Error naming the catalogue ids when the id is unknown
   * @example
   * const p = CloudTrailDetections.of('vpc-changes', { profile: DetectionProfile.CIS_5_0 });
   */
  public static of(detectionId: string, options: DetectionPatternOptions = {}): LogFilterPattern {
    const id = Object.values(DetectionId).find((v) => v === detectionId);
    if (!id || !DETECTION_BUILDERS[id] || !PATTERNS[id]) {
      throw new Error(
        `CloudTrailDetections.of: \`detectionId\` must be a catalogue detection id, got '${detectionId}'. Use one of: ${Object.keys(DETECTION_BUILDERS).join(', ')}.`,
      );
    }
    return catalogued(id, options, {});
  }

  private constructor() {}
}

function catalogued(
  id: DetectionId,
  options: DetectionPatternOptions,
  wanted: Record<string, boolean | undefined>,
  extra: LogFilterPattern[] = [],
  baseText?: string,
): LogFilterPattern {
  const method = `CloudTrailDetections.${DETECTION_BUILDERS[id]?.method ?? 'of'}`;
  for (const [name, value] of Object.entries(wanted)) {
    if (value !== undefined && typeof value !== 'boolean') {
      throw new Error(`${method}: \`${name}\` must be true or false, got ${JSON.stringify(value)}.`);
    }
  }
  const profileName = options.profile?.name ?? 'recommended';
  const variant = chooseVariant(id, profileName, wanted, method);
  const base = LogFilterPattern.parse(baseText ?? PATTERNS[id][variant]!);
  const clauses = [...exclusionPatterns(options.exclusions, method, Token.isUnresolved), ...extra];
  return clauses.length > 0 ? CloudTrailFilter.all(base, ...clauses) : base;
}

/** A tamper-protection pattern: the catalogue string, or scoped to the given resources (tamper-scope.ts). */
function tampering(id: DetectionId, options: DetectionPatternOptions, scope: TamperScope): LogFilterPattern {
  if (Object.values(scope).every((v) => v === undefined || v === null)) return catalogued(id, options, {});
  const method = `CloudTrailDetections.${DETECTION_BUILDERS[id]!.method}`;
  const scoped = scopeTamperPattern(id, scope);
  if (scoped.warnings.length > 0) {
    // the builder has nowhere to put a warning, and an unscoped pattern is not what was asked for
    throw new Error(`${method}: cannot scope the pattern as asked. ${scoped.warnings.join(' ')}`);
  }
  return catalogued(id, options, {}, [], scoped.pattern);
}
