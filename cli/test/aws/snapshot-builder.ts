/** Hand-built account snapshots for the judgement tests (no SDK, no moto). */
import { DetectionCatalogue, DetectionProfile } from 'cdk-cloudtrail-alarms/lib';
import { AccountSnapshot, AlarmState, FilterState, TopicState, TrailState } from 'cdk-cloudtrail-alarms/lib/audit/snapshot';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const GROUP = 'CloudTrail/Main';

export function goodTrail(over: Partial<TrailState> = {}): TrailState {
  return {
    name: 'main',
    arn: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/main`,
    homeRegion: REGION,
    multiRegion: true,
    organizationTrail: false,
    logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${GROUP}:*`,
    isLogging: true,
    selectors: { basic: [{ includeManagementEvents: true, readWriteType: 'All' }], advanced: [] },
    ...over,
  };
}

export const topicArn = (name: string) => `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`;

export function filter(metricName: string, pattern: string, over: Partial<FilterState> = {}): FilterState {
  return { logGroup: { region: REGION, name: GROUP, account: ACCOUNT }, name: metricName, pattern, namespace: 'CloudTrailMetrics', metricName, metricValue: '1', ...over };
}

export function alarm(metricName: string, topics: string[], over: Partial<AlarmState> = {}): AlarmState {
  return {
    region: REGION,
    name: `${metricName}-alarm`,
    namespace: 'CloudTrailMetrics',
    metricName,
    statistic: 'Sum',
    threshold: 1,
    period: 300,
    evaluationPeriods: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
    actionsEnabled: true,
    alarmActions: topics,
    okActions: [],
    ...over,
  };
}

export function emailTopic(name: string, confirmed: string[], pending: string[] = [], attributes: Record<string, string> = {}): TopicState {
  return {
    arn: topicArn(name),
    attributes,
    subscriptions: [
      ...confirmed.map((e, i) => ({ arn: `${topicArn(name)}:sub-${i}`, protocol: 'email', endpoint: e })),
      ...pending.map((e) => ({ arn: 'PendingConfirmation', protocol: 'email', endpoint: e })),
    ],
  };
}

export function snapshot(over: Partial<AccountSnapshot> = {}): AccountSnapshot {
  return {
    account: ACCOUNT,
    regions: [REGION],
    trailsListed: true,
    trails: [goodTrail()],
    logGroups: [{ region: REGION, name: GROUP, account: ACCOUNT, listed: true }],
    filters: [],
    alarmRegions: [{ region: REGION, listed: true }],
    alarms: [],
    topics: {},
    keys: {},
    functions: {},
    problems: [],
    ...over,
  };
}

/** A snapshot where every detection of the profile has a filter with the catalogue pattern and an alarm to a read topic. */
export function coveredSnapshot(profile = DetectionProfile.SECURITY_HUB, over: Partial<AccountSnapshot> = {}): AccountSnapshot {
  const detections = DetectionCatalogue.list(profile);
  const t = emailTopic('alarms', ['secops@example.com']);
  return snapshot({
    filters: detections.map((d) => filter(d.metricName, d.pattern)),
    alarms: detections.map((d) => alarm(d.metricName, [t.arn], { threshold: d.threshold })),
    topics: { [t.arn]: t },
    ...over,
  });
}
