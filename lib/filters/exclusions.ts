import { CloudTrailFilter } from './cloudtrail-filter';
import type { DetectionExclusions } from './detection-exclusions';
import type { LogFilterPattern } from './log-filter-pattern';

/**
 * The CloudTrail field each `DetectionExclusions` list applies to, in the order the clauses are appended. The order
 * is part of the output: builders and the construct render the same exclusions to the same bytes.
 */
export const EXCLUSION_FIELDS: ReadonlyArray<readonly [ExclusionListName, string]> = [
  ['principalArns', 'userIdentity.arn'],
  ['roleNames', 'userIdentity.sessionContext.sessionIssuer.userName'],
  ['userAgents', 'userAgent'],
  ['sourceIpAddresses', 'sourceIPAddress'],
  ['eventSources', 'eventSource'],
];

/** The `DetectionExclusions` properties that are lists of values. */
export type ExclusionListName = Exclude<keyof DetectionExclusions, 'assumedRootSessions'>;

/** Where CloudTrail marks the records of a centralized root access (`sts:AssumeRoot`) session, and the mark. */
export const ASSUMED_ROOT_FIELD = 'userIdentity.sessionContext.assumedRoot';
export const ASSUMED_ROOT_VALUE = 'true';

/** `sessionIssuer.arn` of IAM Identity Center (SSO) permission-set roles, in every account. */
export const SSO_ISSUER_ARN = 'arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*';

/** The exclusions (the public `DetectionExclusions`, or the CDK-free planner's copy of it). */
export type ExclusionLists = { readonly [K in ExclusionListName]?: readonly string[] } & {
  readonly assumedRootSessions?: boolean;
};

/**
 * One `CloudTrailFilter.exclude` clause per non-empty list (the `NOT EXISTS || !=` form, so events that lack the
 * field are kept). Throws an Error naming `where` and the list for an empty list or an unresolved token. Free of CDK:
 * the caller says what an unresolved value is (`Token.isUnresolved` in the construct).
 */
export function exclusionPatterns(ex: ExclusionLists | undefined, where: string, unresolved: (v: unknown) => boolean): LogFilterPattern[] {
  if (!ex) return [];
  const out: LogFilterPattern[] = [];
  for (const [prop, path] of EXCLUSION_FIELDS) {
    const values = ex[prop];
    if (values === undefined) continue;
    if (values.length === 0) {
      throw new Error(`${where}: \`exclusions.${prop}\` is an empty list; remove it or add values.`);
    }
    values.forEach((v, i) => {
      if (unresolved(v)) {
        throw new Error(`${where}: \`exclusions.${prop}[${i}]\` must be known at synth time (it becomes part of the filter pattern), got a token.`);
      }
    });
    out.push(CloudTrailFilter.exclude(path, ...values));
  }
  const assumedRoot: unknown = ex.assumedRootSessions;
  if (assumedRoot !== undefined && !unresolved(assumedRoot) && typeof assumedRoot !== 'boolean') {
    throw new Error(`${where}: \`exclusions.assumedRootSessions\` must be true or false, got ${JSON.stringify(assumedRoot)}.`);
  }
  if (assumedRoot === true) out.push(assumedRootExclusion());
  return out;
}

/**
 * Leaves out the records of centralized root access sessions (`exclusions.assumedRootSessions`); records without the
 * mark are kept.
 */
export function assumedRootExclusion(): LogFilterPattern {
  return CloudTrailFilter.exclude(ASSUMED_ROOT_FIELD, ASSUMED_ROOT_VALUE);
}

/** The IAM Identity Center exclusion of the SSO-aware console-sign-in-without-MFA detection. */
export function ssoExclusion(): LogFilterPattern {
  return CloudTrailFilter.exclude('userIdentity.sessionContext.sessionIssuer.arn', SSO_ISSUER_ARN);
}
