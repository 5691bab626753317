/**
 * The finding codes of `cloudtrail-alarms audit`. They are a stable JSON contract (documented in docs/audit-and-verify.md): a code
 * is never renamed or reused for another meaning; new codes may be added.
 */
export type FindingCode =
  // trail
  | 'no-trail'
  // metric filter
  | 'no-filter'
  | 'invalid-pattern'
  | 'filter-misses-positive'
  | 'filter-matches-negative'
  | 'metric-double-counted'
  // alarm
  | 'no-alarm'
  | 'average-never-fires'
  | 'statistic-not-sum'
  | 'comparison-never-fires'
  | 'actions-disabled'
  | 'no-sns-action'
  // topic and people
  | 'no-confirmed-subscription'
  | 'kms-key-denies-cloudwatch'
  | 'notifier-not-delivering'
  // against a template (--template, --stack)
  | 'not-deployed'
  | 'pattern-drift'
  | 'alarm-drift'
  // informational: recorded, but the detection stays covered
  | 'pattern-reformatted'
  | 'subscription-pending'
  | 'organization-trail';

/** Every finding code, in the order docs/audit-and-verify.md documents them. */
export const FINDING_CODES: readonly FindingCode[] = [
  'no-trail',
  'no-filter',
  'invalid-pattern',
  'filter-misses-positive',
  'filter-matches-negative',
  'metric-double-counted',
  'no-alarm',
  'average-never-fires',
  'statistic-not-sum',
  'comparison-never-fires',
  'actions-disabled',
  'no-sns-action',
  'no-confirmed-subscription',
  'kms-key-denies-cloudwatch',
  'notifier-not-delivering',
  'not-deployed',
  'pattern-drift',
  'alarm-drift',
  'pattern-reformatted',
  'subscription-pending',
  'organization-trail',
];

/** Codes that inform without making a detection less than covered. */
export const INFORMATIONAL_CODES: ReadonlySet<FindingCode> = new Set<FindingCode>(['pattern-reformatted', 'subscription-pending', 'organization-trail']);

/** One reason a detection is not (fully) covered; `code` is stable, `message` names the resource. */
export interface AuditFinding {
  readonly code: FindingCode;
  readonly message: string;
}

/** The findings that count against coverage (informational ones removed). */
export function gaps(findings: readonly AuditFinding[]): AuditFinding[] {
  return findings.filter((f) => !INFORMATIONAL_CODES.has(f.code));
}
