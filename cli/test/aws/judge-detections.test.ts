/** Trail and detection judgement on hand-built snapshots, and the exit status rules. No moto. */
import { DetectionCatalogue, DetectionId, DetectionProfile } from 'cdk-cloudtrail-alarms/lib';
import { FINDING_CODES, INFORMATIONAL_CODES } from 'cdk-cloudtrail-alarms/lib/audit/findings';
import { catalogueFixtures } from 'cdk-cloudtrail-alarms/lib/audit/judge-coverage';
import { judgeDetections } from 'cdk-cloudtrail-alarms/lib/audit/judge-detections';
import { isControlTowerLogGroup, judgeTrail } from 'cdk-cloudtrail-alarms/lib/audit/judge-trails';
import { ACCOUNT, alarm, coveredSnapshot, emailTopic, filter, goodTrail, GROUP, REGION, snapshot } from './snapshot-builder';
import { auditExitCode, AuditReport, couldNotAuditReasons } from '../../src/aws/audit';

const securityHub = DetectionCatalogue.list(DetectionProfile.SECURITY_HUB);
const expected = securityHub.map((d) => ({ id: d.id, title: d.title, pattern: d.pattern, fixtures: catalogueFixtures(d.id as DetectionId) }));

describe('trails', () => {
  test('a good trail', () => {
    expect(judgeTrail(goodTrail(), ACCOUNT)).toMatchObject({ ok: true, problems: [], managementEvents: 'All', logGroup: { name: GROUP }, controlTower: false });
  });
  test('each problem is named', () => {
    const t = judgeTrail(goodTrail({ multiRegion: false, isLogging: false, logGroupArn: undefined, selectors: { basic: [{ readWriteType: 'WriteOnly' }], advanced: [] } }), ACCOUNT);
    expect(t.problems).toEqual(['not multi-Region', 'not logging', 'management events: WriteOnly (needs read and write)', 'does not deliver to CloudWatch Logs']);
    expect(judgeTrail(goodTrail({ isLogging: undefined, selectors: undefined }), ACCOUNT).problems).toEqual(['logging status unknown', 'management events: unknown (needs read and write)']);
  });
  test("an organization trail seen from a member account is the management account's to judge", () => {
    const member = { arn: 'arn:aws:cloudtrail:eu-west-1:999999999999:trail/org', organizationTrail: true, logGroupArn: 'arn:aws:logs:eu-west-1:999999999999:log-group:Org/Trail:*' };
    const t = judgeTrail(goodTrail(member), ACCOUNT);
    expect(t).toMatchObject({ ok: false, ownerAccount: '999999999999', organizationTrail: true });
    expect(t.problems).toEqual(['organization trail owned by account 999999999999: its log group, filters and alarms are in that account (audit it with --organization)']);
  });
  test('an organization trail of a delegated administrator (owned by the management account, log group here) is judged here', () => {
    const delegated = judgeTrail(
      goodTrail({ arn: 'arn:aws:cloudtrail:eu-west-1:999999999999:trail/org', organizationTrail: true, logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:Org/Trail:*` }),
      ACCOUNT,
    );
    expect(delegated).toMatchObject({ ok: true, ownerAccount: '999999999999', organizationTrail: true, logGroup: { name: 'Org/Trail', account: ACCOUNT } });
  });

  test('Control Tower log group names, with and without the landing zone suffix', () => {
    expect(isControlTowerLogGroup('aws-controltower/CloudTrailLogs')).toBe(true);
    expect(isControlTowerLogGroup('aws-controltower/CloudTrailLogs-xyz')).toBe(true);
    expect(isControlTowerLogGroup('aws-controltower/CloudTrailLogsX')).toBe(false);
    expect(isControlTowerLogGroup('CloudTrail/Main')).toBe(false);
    const arn = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:aws-controltower/CloudTrailLogs-abc:*`;
    expect(judgeTrail(goodTrail({ logGroupArn: arn, organizationTrail: true }), ACCOUNT)).toMatchObject({ ok: true, controlTower: true, logGroup: { name: 'aws-controltower/CloudTrailLogs-abc' } });
  });
});

describe('detections', () => {
  test('a covered account: every detection covered with its chain as evidence', () => {
    const r = judgeDetections(coveredSnapshot(), expected);
    expect(r.detections.filter((d) => d.verdict !== 'covered')).toEqual([]);
    expect(r.detections[0].evidence).toMatchObject({ trail: 'main', logGroup: GROUP, alarm: { name: `${securityHub[0].metricName}-alarm`, statistic: 'Sum' } });
  });

  test('no trail: no-trail with the reason, for every detection', () => {
    const r = judgeDetections(coveredSnapshot(DetectionProfile.SECURITY_HUB, { trails: [] }), expected);
    expect(new Set(r.detections.map((d) => d.findings[0].message))).toEqual(new Set(['no multi-Region trail that is logging, records management events (read and write) and delivers to CloudWatch Logs (no trail found)']));
    const unlisted = judgeDetections(snapshot({ trails: [], trailsListed: false }), expected.slice(0, 1));
    expect(unlisted.detections[0].findings[0].message).toMatch(/trails could not be listed: see the failed cloudtrail:DescribeTrails call/);
  });

  test('two filters publishing one metric: metric-double-counted on the detection, naming both', () => {
    const base = coveredSnapshot();
    const root = securityHub.find((d) => d.id === 'root-account-usage')!;
    const dup = filter(root.metricName, root.pattern, { name: 'other-team-root', logGroup: { region: REGION, name: 'Other/Group', account: ACCOUNT } });
    const r = judgeDetections({ ...base, filters: [...base.filters, dup] }, expected);
    const d = r.detections.find((x) => x.id === 'root-account-usage')!;
    expect(d.verdict).toBe('partly');
    expect(d.findings).toEqual([
      {
        code: 'metric-double-counted',
        message: expect.stringMatching(/^2 filters publish CloudTrailMetrics\/RootAccountUsageEventCount: RootAccountUsageEventCount \(log group CloudTrail\/Main\), other-team-root \(log group Other\/Group\)\./),
      },
    ]);
  });

  test('an alarm on a topic whose subscriptions are pending is partly, saying whom to ask', () => {
    const t = emailTopic('alarms', [], ['secops@example.com']);
    const d = securityHub[0];
    const s = snapshot({ filters: [filter(d.metricName, d.pattern)], alarms: [alarm(d.metricName, [t.arn])], topics: { [t.arn]: t } });
    const r = judgeDetections(s, expected.slice(0, 1));
    expect(r.detections[0].verdict).toBe('partly');
    expect(r.detections[0].findings[0].message).toMatch(/confirm the subscription sent to secops@example.com$/);
  });
});

describe('exit statuses and could-not-audit', () => {
  test('reasons when something that must be listed could not be', () => {
    const s = snapshot({
      trailsListed: false,
      logGroups: [{ region: REGION, name: GROUP, listed: false }],
      alarmRegions: [{ region: REGION, listed: false }],
    });
    expect(couldNotAuditReasons(s)).toEqual([
      'trails could not be listed (cloudtrail:DescribeTrails failed in every Region)',
      `metric filters of log group ${GROUP} (${REGION}) could not be listed (logs:DescribeMetricFilters failed)`,
      `alarms in ${REGION} could not be listed (cloudwatch:DescribeAlarms failed)`,
    ]);
    expect(couldNotAuditReasons(coveredSnapshot())).toEqual([]);
  });

  test('0 covered, 1 gaps, 3 could not audit (in any account of an organization)', () => {
    const r = (status: AuditReport['status'], accounts?: AuditReport[]) => ({ status, accounts }) as unknown as AuditReport;
    expect(auditExitCode(r('covered'))).toBe(0);
    expect(auditExitCode(r('gaps'))).toBe(1);
    expect(auditExitCode(r('could-not-audit'))).toBe(3);
    expect(auditExitCode(r('gaps', [r('covered'), r('could-not-audit')]))).toBe(3);
  });

  test('finding codes: a fixed list, the informational ones part of it', () => {
    expect(new Set(FINDING_CODES).size).toBe(FINDING_CODES.length);
    for (const c of INFORMATIONAL_CODES) expect(FINDING_CODES).toContain(c);
    expect([...INFORMATIONAL_CODES].sort()).toEqual(['organization-trail', 'pattern-reformatted', 'subscription-pending']);
  });
});
