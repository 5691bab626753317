import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DetectionCatalogue, DetectionProfile } from 'cdk-cloudtrail-alarms/lib';
import { haveMoto, useMotoServer } from './moto-server';
import * as seed from './seed';
import { AuditReport, keyPolicyAllowsCloudWatch } from '../../src/aws/audit';
import { attempt, CallProblem } from '../../src/aws/calls';
import { renderAudit } from '../../src/commands/audit';
import { cli } from '../commands/helpers';

const MOTO = haveMoto();
if (!MOTO) {
  // eslint-disable-next-line no-console
  console.warn('\n*** SKIPPED: moto_server is not installed, so the audit tests against emulated AWS APIs did NOT run. ***\n');
}

process.env.AWS_ACCESS_KEY_ID = 'testing';
process.env.AWS_SECRET_ACCESS_KEY = 'testing';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const recommended = DetectionCatalogue.list(DetectionProfile.RECOMMENDED);
const securityHub = DetectionCatalogue.list(DetectionProfile.SECURITY_HUB);

async function audit(endpoint: string, profile: string): Promise<{ code: number; report: any; text: string }> {
  const json = await cli(['audit', '--profile', profile, '--region', seed.REGION, '--endpoint-url', endpoint, '--json']);
  const text = await cli(['audit', '--profile', profile, '--region', seed.REGION, '--endpoint-url', endpoint]);
  expect(json.stderr).toBe('');
  return { code: json.code, report: JSON.parse(json.stdout), text: text.stdout };
}

(MOTO ? describe : describe.skip)('cloudtrail-alarms audit against moto_server (skipped, loudly, where moto is absent)', () => {
  const moto = useMotoServer();

  test('a well-covered account: every detection of the profile is covered, exit 0', async () => {
    const c = seed.clients(moto.endpoint);
    await seed.trail(c, { name: 'org-trail', logGroup: 'CloudTrail/Main' });
    const t = await seed.topic(c, 'security-alarms', { encrypted: 'cloudwatch-allowed', subscribers: 1 });
    for (const d of recommended) {
      await seed.detection(c, { logGroup: 'CloudTrail/Main', filterName: d.id, pattern: d.pattern, metric: d.metricName, alarm: { threshold: d.threshold, topics: [t] } });
    }
    const { code, report, text } = await audit(moto.endpoint, 'recommended');
    expect(report.summary).toEqual({ covered: recommended.length, partly: 0, notCovered: 0 });
    expect(report.trails).toEqual([expect.objectContaining({ name: 'org-trail', ok: true, multiRegion: true, logging: true, managementEvents: 'All' })]);
    expect(report.detections[0].evidence).toMatchObject({
      trail: 'org-trail',
      logGroup: 'CloudTrail/Main',
      alarm: { name: 'root-account-usage-alarm', statistic: 'Sum', threshold: 1, actionsEnabled: true },
      topics: [expect.objectContaining({ confirmedSubscriptions: 1, keyAllowsCloudWatch: true, findings: [] })],
    });
    expect(report.problems).toEqual([]);
    expect(code).toBe(0);
    expect(text).toContain(`${recommended.length} covered, 0 partly, 0 not covered`);
    expect(text).toMatch(/root-account-usage +covered +filter root-account-usage -> alarm root-account-usage-alarm \(Sum >= 1\) -> security-alarms \(1 confirmed\)/);
  }, 60_000);

  test('a broken account: each failure mode is named', async () => {
    const c = seed.clients(moto.endpoint);
    // a second trail that is single-Region and not logging is reported, but the good one is used
    await seed.trail(c, { name: 'old-trail', logGroup: 'CloudTrail/Old', multiRegion: false, logging: false });
    await seed.trail(c, { name: 'main-trail', logGroup: 'CloudTrail/Main' });
    const good = await seed.topic(c, 'good', { encrypted: 'cloudwatch-allowed' });
    const unread = await seed.topic(c, 'nobody-listens', { subscribers: 0 });
    const badKey = await seed.topic(c, 'bad-key', { encrypted: 'cloudwatch-denied' });
    const p = (id: string) => recommended.find((d) => d.id === id)!;
    const lg = 'CloudTrail/Main';
    // words right, never matches: type must be both Root and IAMUser
    await seed.detection(c, { logGroup: lg, filterName: 'root', metric: 'Root', pattern: '{ ($.userIdentity.type = "Root") && ($.userIdentity.type = "IAMUser") && ($.userIdentity.invokedBy NOT EXISTS) }', alarm: { topics: [good] } });
    // an exclusion written with != alone silently drops every event without invokedBy
    await seed.detection(c, {
      logGroup: lg,
      filterName: 'sg',
      metric: 'SG',
      pattern: `{ (${p('security-group-changes').pattern.slice(1, -1)}) && ($.userIdentity.invokedBy != "cloudformation.amazonaws.com") }`,
      alarm: { topics: [good] },
    });
    await seed.detection(c, { logGroup: lg, filterName: 'authz', metric: 'Authz', pattern: p('authorization-failures').pattern, alarm: { statistic: 'Average', threshold: 2, topics: [good] } });
    await seed.detection(c, { logGroup: lg, filterName: 'trail', metric: 'Trail', pattern: p('cloudtrail-changes').pattern, alarm: { actionsEnabled: false, topics: [good] } });
    await seed.detection(c, { logGroup: lg, filterName: 'iam', metric: 'Iam', pattern: p('iam-policy-changes').pattern, alarm: { topics: [unread] } });
    await seed.detection(c, { logGroup: lg, filterName: 'kms', metric: 'Kms', pattern: p('kms-key-disable-or-deletion').pattern, alarm: { topics: [badKey] } });
    await seed.detection(c, { logGroup: lg, filterName: 'signin', metric: 'SignIn', pattern: p('console-sign-in-failures').pattern });
    await seed.detection(c, { logGroup: lg, filterName: 'vpc', metric: 'Vpc', pattern: p('vpc-changes').pattern, alarm: { topics: [] } });
    // a filter on the wrong trail's log group does not count
    await seed.detection(c, { logGroup: 'CloudTrail/Old', filterName: 'nacl', metric: 'Nacl', pattern: p('network-acl-changes').pattern, alarm: { topics: [good] } });

    const { code, report, text } = await audit(moto.endpoint, 'recommended');
    expect(code).toBe(1);
    const byId = Object.fromEntries(report.detections.map((d: any) => [d.id, d]));
    const codes = (id: string) => byId[id].findings.map((f: any) => f.code);
    expect(report.trails.find((t: any) => t.name === 'old-trail')).toMatchObject({ ok: false, problems: ['not multi-Region', 'not logging'] });
    expect(byId['root-account-usage'].verdict).toBe('not covered');
    expect(codes('root-account-usage')).toEqual(expect.arrayContaining(['filter-misses-positive']));
    expect(byId['root-account-usage'].findings[0].message).toMatch(/filter root does not match positive fixture 'root console sign-in'/);
    expect(byId['security-group-changes'].verdict).toBe('not covered');
    expect(byId['security-group-changes'].findings[0].message).toMatch(/filter sg does not match positive fixture '.*'/);
    expect(byId['authorization-failures']).toMatchObject({ verdict: 'partly' });
    expect(codes('authorization-failures')).toEqual(['average-never-fires']);
    expect(byId['authorization-failures'].findings[0].message).toMatch(/Average with threshold > 1 never fires/);
    expect([byId['cloudtrail-changes'].verdict, codes('cloudtrail-changes')]).toEqual(['partly', ['actions-disabled']]);
    expect([byId['iam-policy-changes'].verdict, codes('iam-policy-changes')]).toEqual(['partly', ['no-confirmed-subscription']]);
    expect([byId['kms-key-disable-or-deletion'].verdict, codes('kms-key-disable-or-deletion')]).toEqual(['partly', ['kms-key-denies-cloudwatch']]);
    expect([byId['console-sign-in-failures'].verdict, codes('console-sign-in-failures')]).toEqual(['partly', ['no-alarm']]);
    expect([byId['vpc-changes'].verdict, codes('vpc-changes')]).toEqual(['partly', ['no-sns-action']]);
    expect([byId['network-acl-changes'].verdict, codes('network-acl-changes')]).toEqual(['not covered', ['no-filter']]);
    expect(text).toMatch(/\[average-never-fires\] alarm authz-alarm uses statistic Average with threshold 2/);
    expect(text).toMatch(/\[kms-key-denies-cloudwatch\] topic arn:aws:sns:us-east-1:123456789012:bad-key is encrypted with KMS key/);
  }, 60_000);

  test('a half-covered account: some detections covered, the rest not, exit 1', async () => {
    const c = seed.clients(moto.endpoint);
    await seed.trail(c, { name: 'main-trail', logGroup: 'CloudTrail/Main' });
    const t = await seed.topic(c, 'alarms', {});
    const half = securityHub.slice(0, 7);
    for (const d of half) {
      await seed.detection(c, { logGroup: 'CloudTrail/Main', filterName: d.id, pattern: d.pattern, metric: d.metricName, alarm: { threshold: d.threshold, topics: [t] } });
    }
    const { code, report } = await audit(moto.endpoint, 'security-hub');
    expect(code).toBe(1);
    expect(report.summary).toEqual({ covered: 7, partly: 0, notCovered: 7 });
    expect(report.detections.filter((d: any) => d.verdict === 'covered').map((d: any) => d.id)).toEqual(half.map((d) => d.id));
  }, 60_000);

  test('no usable trail: every detection is not covered, with the trail problems named', async () => {
    const c = seed.clients(moto.endpoint);
    await seed.trail(c, { name: 'write-only', logGroup: 'CloudTrail/Main', readWrite: 'WriteOnly' });
    await seed.trail(c, { name: 'no-logs' });
    const { code, report } = await audit(moto.endpoint, 'security-hub');
    expect(code).toBe(1);
    expect(report.summary.notCovered).toBe(14);
    expect(report.detections[0].findings[0]).toMatchObject({ code: 'no-trail' });
    expect(report.detections[0].findings[0].message).toMatch(/trail write-only: management events: WriteOnly \(needs read and write\)/);
    expect(report.detections[0].findings[0].message).toMatch(/trail no-logs: does not deliver to CloudWatch Logs/);
  }, 60_000);
});

describe('audit building blocks', () => {
  test('key policies: CloudWatch needs kms:Decrypt and kms:GenerateDataKey*', () => {
    const stmt = (Action: unknown, Principal: unknown = { Service: 'cloudwatch.amazonaws.com' }) => JSON.stringify({ Statement: [{ Effect: 'Allow', Principal, Action, Resource: '*' }] });
    expect(keyPolicyAllowsCloudWatch(stmt(['kms:Decrypt', 'kms:GenerateDataKey*']))).toBe(true);
    expect(keyPolicyAllowsCloudWatch(stmt('kms:*'))).toBe(true);
    expect(keyPolicyAllowsCloudWatch(stmt('kms:Decrypt'))).toBe(false);
    expect(keyPolicyAllowsCloudWatch(stmt(['kms:Decrypt', 'kms:GenerateDataKey*'], { Service: 'sns.amazonaws.com' }))).toBe(false);
    expect(keyPolicyAllowsCloudWatch('not json')).toBe(false);
  });

  test('a denied call is recorded with the IAM action that is missing, and the caller goes on', async () => {
    const problems: CallProblem[] = [];
    const denied = Object.assign(new Error('User is not authorized to perform: logs:DescribeMetricFilters'), { name: 'AccessDeniedException' });
    const r = await attempt(problems, 'eu-west-1', 'logs:DescribeMetricFilters', () => Promise.reject(denied));
    expect(r).toBeUndefined();
    expect(problems).toEqual([
      { region: 'eu-west-1', action: 'logs:DescribeMetricFilters', kind: 'permission', message: expect.stringMatching(/^access denied: add logs:DescribeMetricFilters to the auditing role's policy/) },
    ]);
  });

  test.each([
    [['--template', 'x.json', '--profile', 'recommended'], /--template and --stack judge what the template deploys: --profile and --detection do not apply to them/],
    [['--organization', '--stack', 'S'], /--organization audits with a profile: it cannot be combined with --template or --stack/],
    [['--role-name', 'Auditor'], /--role-name and --accounts go with --organization/],
    [['--organization', '--accounts', '1234,111122223333'], /--accounts: '1234' is not an AWS account id \(12 digits\)/],
    [['--organization', '--role-name', 'bad role'], /--role-name: 'bad role' is not an IAM role name/],
    [['--region', 'Ireland'], /--region: 'Ireland' is not an AWS Region name \(like eu-west-1\)/],
    [['--template', '/nonexistent/x.template.json'], /cannot read template '\/nonexistent\/x.template.json': no such file/],
  ])('usage error, exit 2: audit %j', async (args, message) => {
    const r = await cli(['audit', ...args]);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
  });

  test('a template file that is not JSON or not a template is a usage error naming it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cta-audit-'));
    fs.writeFileSync(path.join(dir, 'a.json'), 'Resources: {}');
    fs.writeFileSync(path.join(dir, 'b.json'), '{"foo": 1}');
    const a = await cli(['audit', '--template', path.join(dir, 'a.json')]);
    expect([a.code, a.stderr]).toEqual([2, expect.stringMatching(/--template '.*a\.json' is not JSON \(.*\)\. Pass a synthesized template such as cdk.out\/MyStack.template.json/)]);
    const b = await cli(['audit', '--template', path.join(dir, 'b.json')]);
    expect([b.code, b.stderr]).toEqual([2, expect.stringMatching(/--template '.*b\.json' is not a CloudFormation template: it has no Resources section/)]);
  });

  test.each([
    ['{"Resources": {"Topic": null}}', "resource 'Topic' is null, not an object with a Type"],
    ['{"Resources": ["x"]}', 'is not a CloudFormation template: its Resources section is an array, not an object of resources'],
    ['{"Resources": {"F": {"Type": "AWS::Logs::MetricFilter", "Properties": []}}}', "resource 'F' (AWS::Logs::MetricFilter) has Properties an array, not an object"],
    ['{"Resources": {"Fake\\nCOVERED\\u202e": 1}}', "resource 'Fake\\u000aCOVERED\\u202e' is the number 1, not an object with a Type"],
  ])('fails with exit 2 on the template %s, naming the file and the resource on one line', async (text, message) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cta-audit-')), 'bad.template.json');
    fs.writeFileSync(file, text);
    const r = await cli(['audit', '--template', file]);
    const where = message.startsWith('is not') ? `--template '${file}' ` : `--template '${file}': `;
    expect([r.code, r.stderr]).toEqual([2, `cloudtrail-alarms audit: ${where}${message}\n`]);
  });

  test('fails with exit 2 on a detection outside the profile', async () => {
    const r = await cli(['audit', '--profile', 'aws-template', '--detection', 'root-account-usage']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/detection 'root-account-usage' is not in profile 'aws-template'/);
  });
});

describe('the audit report neutralises what comes from AWS', () => {
  test('names, ARNs, findings and call problems cannot add a line or hide a character', () => {
    const forged = '\nroot-account-usage             covered      (forged)';
    const report = {
      account: '123456789012',
      profile: 'recommended',
      regions: ['us-east-1'],
      regionSource: '--region',
      status: 'gaps',
      couldNotAudit: [],
      summary: { covered: 0, partly: 1, notCovered: 0 },
      trails: [
        { name: `main${forged}`, arn: 'arn', homeRegion: 'us-east-1', multiRegion: true, managementEvents: 'All', organizationTrail: false, controlTower: false, ok: true, problems: [], logGroup: { region: 'us-east-1', name: 'CloudTrail/\u202eevil' } },
      ],
      detections: [
        {
          id: 'root-account-usage',
          title: 'Root',
          verdict: 'partly',
          findings: [{ code: 'alarm-drift', message: `alarm a\u200bb differs${forged}` }],
          evidence: {
            filter: { name: 'f\u001b[2J', pattern: '{}', metric: 'M' },
            alarm: { name: 'al\rarm', statistic: 'Sum', threshold: 1 },
            topics: [{ arn: 'arn:aws:sns:us-east-1:123456789012:t\u2028x', confirmedSubscriptions: 1 }],
          },
        },
      ],
      problems: [{ region: 'us-east-1', action: 'logs:DescribeMetricFilters', kind: 'error', message: `boom${forged}` }],
    } as unknown as AuditReport;
    const lines = renderAudit(report).split('\n');
    expect(lines).toEqual([
      'Account 123456789012, region(s) us-east-1 (from --region), profile recommended: 0 covered, 1 partly, 0 not covered',
      '',
      'Trail main\\u000aroot-account-usage             covered      (forged) (us-east-1): OK, delivers to CloudTrail/\\u202eevil',
      '',
      `${'detection'.padEnd(30)} ${'verdict'.padEnd(12)} evidence / reason`,
      `${'root-account-usage'.padEnd(30)} ${'partly'.padEnd(12)} filter f\\u001b[2J -> alarm al\\u000darm (Sum >= 1) -> t\\u2028x (1 confirmed)`,
      `${''.padEnd(43)} [alarm-drift] alarm a\\u200bb differs\\u000aroot-account-usage             covered      (forged)`,
      '',
      'Calls that failed or could not be judged (the audit went on with what it could see):',
      '  us-east-1 logs:DescribeMetricFilters: boom\\u000aroot-account-usage             covered      (forged)',
      '',
    ]);
  });
});
