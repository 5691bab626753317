/** The compliance graders whose verdicts the catalogue states for every pattern. */
export const GRADERS = {
  'security-hub': 'AWS Security Hub CloudWatch.1-14 (exact string match)',
  'prowler': 'Prowler, current (order-independent clause look-aheads)',
  'prowler-legacy': 'Prowler up to 5.x (clauses in a fixed order)',
  'steampipe': 'Steampipe / Powerpipe aws_compliance CIS benchmark (sequential regex, CIS v1.4+/v5 wording)',
  'aws-template': "AWS's CloudWatch_Alarms_for_CloudTrail_API_Activity.json template (byte-identical)",
} as const;

export type GraderName = keyof typeof GRADERS;

export const GRADER_NAMES = Object.keys(GRADERS) as GraderName[];
