import { Severity } from './severity';

/** A grader that a pattern does not pass, and why. */
export interface GraderFailureInfo {
  /** `security-hub`, `prowler`, `prowler-legacy`, `steampipe` or `aws-template`. */
  readonly grader: string;
  /** Why the pattern does not pass it. */
  readonly why: string;
}

/** One detection of a profile, as data: what other tooling needs to recreate or grade it. */
export interface DetectionDefinition {
  /** Stable kebab-case id, e.g. `root-account-usage`. */
  readonly id: string;
  /** Short title. */
  readonly title: string;
  /** What happened, why it matters and how to investigate (used as the alarm description). */
  readonly description: string;
  /** Severity, for routing. */
  readonly severity: Severity;
  /** The filter pattern, exactly as deployed. */
  readonly pattern: string;
  /**
   * Where the pattern string comes from: `awsTemplate`, `securityHub`, `cis14`, `cis50`, `cis60`, `cis70`, `prowler`,
   * `tamperProtection` or `centralizedRootAccess`.
   */
  readonly patternSource: string;
  /** Metric name. */
  readonly metricName: string;
  /** Metric namespace. */
  readonly metricNamespace: string;
  /** Default alarm threshold (Sum of matches per period, GreaterThanOrEqualToThreshold). */
  readonly threshold: number;
  /** Default alarm period in seconds. */
  readonly periodSeconds: number;
  /** Default number of evaluation periods. */
  readonly evaluationPeriods: number;
  /** Controls satisfied, e.g. `CIS-1.4:4.3`, `SecurityHub:CloudWatch.1`, `AWSTemplate:IAMPolicyChanges`. */
  readonly controls: string[];
  /** Graders this pattern passes. */
  readonly graders: string[];
  /** Graders with a check for this detection that the pattern does not pass, with the reason. */
  readonly graderFailures: GraderFailureInfo[];
}
