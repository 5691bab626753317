/** Judgement of trails (pure): does a trail give the metric filters every management event of the account? */
import { accountOf, LogGroupRef, logGroupOf, TrailState } from './snapshot';

export interface TrailAudit {
  readonly name: string;
  readonly arn: string;
  readonly homeRegion: string;
  readonly multiRegion: boolean;
  readonly logging?: boolean;
  /** `All`, `ReadOnly`, `WriteOnly`, `none` or `unknown`. */
  readonly managementEvents: string;
  readonly logGroup?: LogGroupRef;
  readonly organizationTrail: boolean;
  /** The account that owns the trail (an organization trail seen from a member account is owned by the management account). */
  readonly ownerAccount?: string;
  /** The log group is one Control Tower creates (`aws-controltower/CloudTrailLogs`, with or without a suffix). */
  readonly controlTower: boolean;
  readonly ok: boolean;
  readonly problems: string[];
}

/** Control Tower's organization trail log group: `aws-controltower/CloudTrailLogs`, with a suffix in newer landing zones. */
export function isControlTowerLogGroup(name: string): boolean {
  return /^aws-controltower\/CloudTrailLogs([-_/].*)?$/.test(name);
}

function managementEvents(t: TrailState): string {
  const sel = t.selectors;
  if (!sel) return 'unknown';
  const basic = sel.basic.filter((s) => s.includeManagementEvents !== false);
  const advanced = sel.advanced.filter((s) => s.fieldSelectors.some((f) => f.field === 'eventCategory' && (f.equals ?? []).includes('Management')));
  if (basic.some((s) => (s.readWriteType ?? 'All') === 'All')) return 'All';
  if (advanced.some((s) => !s.fieldSelectors.some((f) => f.field === 'readOnly'))) return 'All';
  if (basic.length > 0) return basic[0].readWriteType ?? 'All';
  if (advanced.length > 0) return 'ReadOnly or WriteOnly';
  return 'none';
}

/** Judges one trail. `account` is the audited account: a trail owned by another one is not this account's to use. */
export function judgeTrail(t: TrailState, account?: string): TrailAudit {
  const management = managementEvents(t);
  const logGroup = logGroupOf(t.logGroupArn);
  const owner = accountOf(t.arn);
  const problems: string[] = [];
  // an organization trail created by a delegated administrator is owned by the management account but delivers to a
  // log group of the delegated administrator's account: there, it is this account's trail to judge
  const groupHere = logGroup?.account !== undefined && logGroup.account === account;
  const foreign = account !== undefined && owner !== undefined && owner !== account && !groupHere;
  if (foreign) {
    problems.push(
      `${t.organizationTrail ? 'organization trail' : 'trail'} owned by account ${owner}: its log group, filters and alarms are in that account (audit it with --organization)`,
    );
  } else {
    if (!t.multiRegion) problems.push('not multi-Region');
    if (t.isLogging === false) problems.push('not logging');
    if (t.isLogging === undefined) problems.push('logging status unknown');
    if (management !== 'All') problems.push(`management events: ${management} (needs read and write)`);
    if (!logGroup) problems.push('does not deliver to CloudWatch Logs');
  }
  return {
    name: t.name,
    arn: t.arn,
    homeRegion: t.homeRegion,
    multiRegion: t.multiRegion,
    logging: t.isLogging,
    managementEvents: management,
    logGroup,
    organizationTrail: t.organizationTrail,
    ownerAccount: owner,
    controlTower: logGroup ? isControlTowerLogGroup(logGroup.name) : false,
    ok: problems.length === 0,
    problems,
  };
}

/** Why no trail is usable, in one sentence. */
export function noTrailReason(trails: readonly TrailAudit[], trailsListed: boolean): string {
  if (trails.length > 0) return trails.map((t) => `trail ${t.name}: ${t.problems.join(', ')}`).join('; ');
  return trailsListed ? 'no trail found' : 'trails could not be listed: see the failed cloudtrail:DescribeTrails call';
}
