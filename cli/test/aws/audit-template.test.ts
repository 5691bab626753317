/**
 * Issue 13 on moto_server: `audit --template` and `--stack` against the deployed examples (deploy harness of issue
 * 11), drift, not-deployed, tuned and disabled detections, and the exit statuses 0/1/3.
 */
import * as http from 'http';
import * as net from 'net';
import { DeleteAlarmsCommand, DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { DeleteMetricFilterCommand, DescribeMetricFiltersCommand, MetricFilter, PutMetricFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { DetectionId, DetectionProfile } from 'cdk-cloudtrail-alarms/lib';
import { synthStack } from './deploy/custom-stack';
import { deployTemplate, Deployment } from './deploy/deploy';
import { synthNotifierStack } from './deploy/notifier-stack';
import { cliAs } from './deploy/run-audit';
import { SynthesizedStack, synthExamples } from './deploy/synth';
import { haveMoto, MotoServer, startMoto, useMotoServer } from './moto-server';

const MOTO = haveMoto();
if (!MOTO) {
  // eslint-disable-next-line no-console
  console.warn('\n*** SKIPPED: moto_server is not installed, so audit --template/--stack did NOT run against emulated AWS. ***\n');
}
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/**
 * Changes a deployed filter's pattern, as someone editing it in the console would. moto quirk: PutMetricFilter with
 * an existing filter name adds a second filter (AWS replaces it), so the harness deletes the filter first.
 */
async function editFilter(d: Deployment, f: MetricFilter, filterPattern: string): Promise<void> {
  await d.clients.logs.send(new DeleteMetricFilterCommand({ logGroupName: f.logGroupName, filterName: f.filterName }));
  const { logGroupName, filterName, metricTransformations } = f;
  await d.clients.logs.send(new PutMetricFilterCommand({ logGroupName, filterName, filterPattern, metricTransformations }));
}

function enforceIam(endpoint: string, afterRequests: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${endpoint}/moto-api/reset-auth`, { method: 'POST' }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end(afterRequests);
  });
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

(MOTO ? describe : describe.skip)('audit --template / --stack against a deployed example (moto_server)', () => {
  let moto: MotoServer;
  let basic: SynthesizedStack;
  let d: Deployment;
  const audit = async (...extra: string[]) => {
    const args = ['audit', '--region', d.region, '--endpoint-url', moto.endpoint, ...extra];
    const json = await cliAs(d.credentials, [...args, '--json']);
    const text = await cliAs(d.credentials, args);
    return { code: json.code, report: JSON.parse(json.stdout), text: text.stdout, stderr: json.stderr };
  };
  const byId = (report: any) => Object.fromEntries(report.detections.map((x: any) => [x.id, x]));
  const filterOf = async (metricName: string) =>
    (await d.clients.logs.send(new DescribeMetricFiltersCommand({ metricName, metricNamespace: 'CloudTrailMetrics' }))).metricFilters![0];

  beforeAll(async () => {
    basic = synthExamples().find((s) => s.stackName === 'CloudTrailAlarmsBasic')!;
    moto = await startMoto();
  }, 120_000);
  afterAll(async () => {
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto.reset();
    d = await deployTemplate({ endpoint: moto.endpoint, stackName: basic.stackName, template: basic.template });
  }, 60_000);

  test('a clean deploy: every filter of the template covered, exit 0, the Region and its source printed', async () => {
    const { code, report, text } = await audit('--template', basic.templateFile);
    const all = Object.values<any>(basic.template.Resources).filter((r) => r.Type === 'AWS::Logs::MetricFilter');
    // the notifier's own filter (on its function's log group) is not a detection
    const filters = all.filter((r) => !JSON.stringify(r.Properties.LogGroupName).includes('Notifier'));
    expect(report.templates[0].ignoredFilters).toHaveLength(all.length - filters.length);
    expect(report.summary).toEqual({ covered: filters.length, partly: 0, notCovered: 0 });
    expect(report.status).toBe('covered');
    expect(code).toBe(0);
    expect(text.split('\n')[0]).toBe(`Account 123456789012, region(s) us-east-1 (from --region), template(s): ${filters.length} covered, 0 partly, 0 not covered`);
    expect(text).toContain(`Template ${basic.templateFile}: ${filters.length} metric filter(s), `);
    expect(text).toMatch(/references resolved stack CloudTrailAlarmsBasic: \d+ physical id\(s\)/);
  }, 60_000);

  test('--stack reads the deployed template with GetTemplate', async () => {
    const { code, report } = await audit('--stack', 'CloudTrailAlarmsBasic');
    expect(report.templates[0]).toMatchObject({ source: 'stack CloudTrailAlarmsBasic', stack: 'CloudTrailAlarmsBasic' });
    expect(report.summary.notCovered + report.summary.partly).toBe(0);
    expect(report.summary.covered).toBeGreaterThan(0);
    expect(code).toBe(0);
  }, 60_000);

  test('--stack of a stack that does not exist: could not audit, exit 3', async () => {
    const { code, report, text } = await audit('--stack', 'NoSuchStack');
    expect(code).toBe(3);
    expect(report.couldNotAudit).toEqual(['the template of stack NoSuchStack could not be read (cloudformation:GetTemplate failed)']);
    expect(text.split('\n')[0]).toBe('COULD NOT AUDIT account 123456789012: the template of stack NoSuchStack could not be read (cloudformation:GetTemplate failed)');
  }, 60_000);

  test('a hand-edited filter is pattern-drift, with both strings shown, exit 1', async () => {
    const f = await filterOf('RootAccountUsageEventCount');
    const edited = '{ $.userIdentity.type = "Root" && $.eventType != "AwsServiceEvent" }';
    await editFilter(d, f, edited);
    const { code, report, text } = await audit('--template', basic.templateFile);
    const root = byId(report)['root-account-usage'];
    const drift = root.findings.find((x: any) => x.code === 'pattern-drift');
    expect(drift.message).toContain(`template: ${JSON.stringify(f.filterPattern)}; deployed: ${JSON.stringify(edited)}`);
    expect(drift.message).toMatch(/a different meaning: the two disagree on fixture\(s\) 'root call made by an AWS service on its behalf \(invokedBy present\)'/);
    // the edit also lets a negative fixture through, which the semantic coverage check reports
    expect(root.findings.map((x: any) => x.code)).toContain('filter-matches-negative');
    expect(root.verdict).toBe('not covered');
    expect(code).toBe(1);
    expect(text).toMatch(/\[pattern-drift\] filter .*RootAccountUsage.*: the deployed pattern is not the template's/);
  }, 60_000);

  test('a filter stored with other spacing is pattern-reformatted (same meaning): still covered, exit 0', async () => {
    const f = await filterOf('RootAccountUsageEventCount');
    const spaced = f.filterPattern!.replace(/&&/g, ' &&  ');
    await editFilter(d, f, spaced);
    const { code, report } = await audit('--template', basic.templateFile);
    const root = byId(report)['root-account-usage'];
    expect(root.verdict).toBe('covered');
    expect(root.findings.map((x: any) => x.code)).toEqual(['pattern-reformatted']);
    expect(root.findings[0].message).toContain(`deployed: ${JSON.stringify(spaced)}`);
    expect(code).toBe(0);
  }, 60_000);

  test('a deleted alarm is not-deployed; a changed threshold is alarm-drift; exit 1', async () => {
    const alarms = (await d.clients.cloudwatch.send(new DescribeAlarmsCommand({}))).MetricAlarms!;
    const vpc = alarms.find((a) => a.MetricName === 'VpcEventCount')!;
    const trail = alarms.find((a) => a.MetricName === 'CloudTrailEventCount')!;
    await d.clients.cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: [vpc.AlarmName!] }));
    await d.clients.cloudwatch.send(new PutMetricAlarmCommand({ ...trail, Threshold: 5, Dimensions: undefined } as any));
    const { code, report } = await audit('--template', basic.templateFile);
    const ids = byId(report);
    expect(ids['vpc-changes'].verdict).toBe('partly');
    expect(ids['vpc-changes'].findings).toEqual([{ code: 'not-deployed', message: expect.stringMatching(/^alarm CloudTrailAlarmsBasicSecurityAlarms\w+-vpc-changes on CloudTrailMetrics\/VpcEventCount is not deployed$/) }]);
    expect(ids['cloudtrail-changes'].findings).toEqual([{ code: 'alarm-drift', message: expect.stringMatching(/^alarm .* differs: threshold: template 1, deployed 5$/) }]);
    expect(code).toBe(1);
  }, 60_000);

  test('a deleted filter is not-deployed and not covered', async () => {
    const f = await filterOf('GatewayEventCount');
    await d.clients.logs.send(new DeleteMetricFilterCommand({ logGroupName: f.logGroupName, filterName: f.filterName }));
    const { code, report } = await audit('--template', basic.templateFile);
    const gw = byId(report)['network-gateway-changes'];
    expect(gw.verdict).toBe('not covered');
    expect(gw.findings[0]).toEqual({ code: 'not-deployed', message: expect.stringMatching(/^metric filter SecurityAlarmsMetricFilters\w+ \(publishing CloudTrailMetrics\/GatewayEventCount on .+\) is not deployed$/) });
    expect(code).toBe(1);
  }, 60_000);

  test('two filters publishing one metric are metric-double-counted', async () => {
    const f = await filterOf('VpcEventCount');
    await d.clients.logs.send(new PutMetricFilterCommand({ logGroupName: f.logGroupName, filterName: 'copy-of-vpc', filterPattern: f.filterPattern, metricTransformations: f.metricTransformations }));
    const { code, report } = await audit('--template', basic.templateFile);
    const vpc = byId(report)['vpc-changes'];
    expect(vpc.findings.map((x: any) => x.code)).toEqual(['metric-double-counted']);
    expect(vpc.findings[0].message).toMatch(/^2 filters publish CloudTrailMetrics\/VpcEventCount: .*copy-of-vpc/);
    expect(code).toBe(1);
  }, 60_000);

  test('a closed port is exit 3, the header first', async () => {
    const port = await closedPort();
    const r = await cliAs(d.credentials, ['audit', '--template', basic.templateFile, '--region', 'us-east-1', '--endpoint-url', `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(3);
    expect(r.stdout.split('\n')[0]).toMatch(/^COULD NOT AUDIT: sts:GetCallerIdentity failed: the endpoint did not answer \(.*ECONNREFUSED.*\)\. Check --endpoint-url, --region and the network$/);
    expect(r.stdout).not.toMatch(/not covered\n.*root-account-usage/);
  }, 60_000);

  test('missing credentials are exit 3, saying how to provide them', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_CONFIG_FILE: '/nonexistent/config', AWS_EC2_METADATA_DISABLED: 'true' });
    delete process.env.AWS_PROFILE;
    try {
      const r = await cliAs(undefined, ['audit', '--region', 'us-east-1', '--endpoint-url', moto.endpoint, '--json']);
      expect(r.code).toBe(3);
      const report = JSON.parse(r.stdout);
      expect(report.status).toBe('could-not-audit');
      expect(report.couldNotAudit[0]).toMatch(/^sts:GetCallerIdentity failed: no usable AWS credentials \(.*\)\. Set AWS_PROFILE, run 'aws sso login', or export AWS_ACCESS_KEY_ID/);
      expect(report.problems[0]).toMatchObject({ action: 'sts:GetCallerIdentity', kind: 'credentials' });
    } finally {
      process.env = saved;
    }
  }, 60_000);

  test('no Region anywhere is exit 3, not a silent us-east-1', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_CONFIG_FILE: '/nonexistent/config' });
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    delete process.env.AWS_PROFILE;
    try {
      const r = await cliAs(d.credentials, ['audit', '--endpoint-url', moto.endpoint]);
      expect(r.code).toBe(3);
      expect(r.stdout.split('\n')[0]).toBe('COULD NOT AUDIT: no AWS Region: pass --region, set AWS_REGION, or set region in your AWS profile (the audit does not guess one)');
    } finally {
      process.env = saved;
    }
  }, 60_000);

  test('without --region the Region of the standard chain is used, and the report says where it came from', async () => {
    const saved = { ...process.env };
    process.env.AWS_REGION = 'us-east-1';
    try {
      const r = await cliAs(d.credentials, ['audit', '--template', basic.templateFile, '--endpoint-url', moto.endpoint]);
      expect(r.stdout.split('\n')[0]).toMatch(/^Account 123456789012, region\(s\) us-east-1 \(from AWS_REGION\), template\(s\): \d+ covered, 0 partly, 0 not covered$/);
      expect(r.code).toBe(0);
    } finally {
      process.env = saved;
    }
  }, 60_000);

  test('permission to list trails denied: could not audit, exit 3, the missing action named', async () => {
    const iam = new IAMClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: d.credentials });
    await iam.send(new CreateUserCommand({ UserName: 'auditor' }));
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'cloudtrail:DescribeTrails', Resource: '*' }] };
    await iam.send(new PutUserPolicyCommand({ UserName: 'auditor', PolicyName: 'audit', PolicyDocument: JSON.stringify(policy) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'auditor' }))).AccessKey!;
    // moto checks IAM policies only when told to (its reset-auth endpoint: enforce from the next request on)
    await enforceIam(moto.endpoint, '0');
    try {
      const r = await cliAs({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }, ['audit', '--region', 'us-east-1', '--endpoint-url', moto.endpoint, '--json']);
      const report = JSON.parse(r.stdout);
      expect(report.couldNotAudit).toEqual(['trails could not be listed (cloudtrail:DescribeTrails failed in every Region)']);
      expect(report.problems).toContainEqual(expect.objectContaining({ action: 'cloudtrail:DescribeTrails', kind: 'permission', message: expect.stringMatching(/^access denied: add cloudtrail:DescribeTrails to the auditing role's policy/) }));
      expect(r.code).toBe(3);
    } finally {
      await enforceIam(moto.endpoint, 'inf');
    }
  }, 60_000);

  test('a tuned and a disabled detection are not falsely reported', async () => {
    await moto.reset();
    const types = ['*.8xlarge', '*.12xlarge', '*.16xlarge', '*.metal'];
    const tuned = synthStack('TunedStack', {
      profile: DetectionProfile.RECOMMENDED,
      emailAddresses: ['secops@example.com'],
      largeInstanceTypes: types,
      overrides: [{ id: DetectionId.ORGANIZATIONS_CHANGES, enabled: false }],
    });
    d = await deployTemplate({ endpoint: moto.endpoint, stackName: tuned.stackName, template: tuned.template });
    const { code, report } = await audit('--template', tuned.templateFile);
    const ids = byId(report);
    expect(ids['organizations-changes']).toBeUndefined();
    expect(ids['ec2-large-instance-changes']).toMatchObject({ verdict: 'covered', findings: [] });
    expect(report.summary.partly + report.summary.notCovered).toBe(0);
    expect(code).toBe(0);
    // the profile view of the same account (what the audit did before --template) cannot know the tuning
    const profile = await audit('--profile', 'recommended');
    const large = byId(profile.report)['ec2-large-instance-changes'];
    expect(large.verdict).toBe('not covered');
    expect(large.findings[0].message).toMatch(/does not match positive fixture 'RunInstances c6i.4xlarge'/);
  }, 60_000);

  test('a graded twin: the graded filter and alarm and the tuned pair are each covered, neither is drift nor double counting', async () => {
    await moto.reset();
    const twin = synthStack('TwinStack', {
      profile: DetectionProfile.SECURITY_HUB,
      emailAddresses: ['secops@example.com'],
      overrides: [{ id: DetectionId.AUTHORIZATION_FAILURES, gradedTwin: true, threshold: 10, exclusions: { roleNames: ['ci-deployer'] } }],
    });
    d = await deployTemplate({ endpoint: moto.endpoint, stackName: twin.stackName, template: twin.template });
    const { code, report } = await audit('--template', twin.templateFile);
    const pair = report.detections.filter((x: any) => x.id === 'authorization-failures');
    expect(pair.map((x: any) => [x.title, x.verdict, x.findings]).sort()).toEqual([
      ['Unauthorized API calls (graded twin)', 'covered', []],
      ['Unauthorized API calls', 'covered', []],
    ]);
    expect(report.summary).toEqual({ covered: 15, partly: 0, notCovered: 0 });
    expect(code).toBe(0);
  }, 60_000);
});

(MOTO ? describe : describe.skip)('audit --template follows alarm topic -> notifier function -> delivery topic (moto_server)', () => {
  const moto = useMotoServer();

  const auditOf = async (s: SynthesizedStack) => {
    const d = await deployTemplate({ endpoint: moto.endpoint, stackName: s.stackName, template: s.template });
    const r = await cliAs(d.credentials, ['audit', '--template', s.templateFile, '--region', d.region, '--endpoint-url', moto.endpoint, '--json']);
    return { code: r.code, report: JSON.parse(r.stdout) };
  };

  test('the notifier delivers to a topic with a confirmed subscription: covered, the chain in the evidence', async () => {
    const { code, report } = await auditOf(synthNotifierStack('WithPeople', 'people@example.com'));
    expect(report.templates[0].ignoredFilters).toEqual([expect.stringMatching(/NotifierPublishFailures/)]);
    expect(report.summary.partly + report.summary.notCovered).toBe(0);
    const topic = report.detections[0].evidence.topics[0];
    expect(topic.notifiers).toEqual([
      expect.objectContaining({ function: expect.stringMatching(/^arn:aws:lambda:us-east-1:123456789012:function:/), delivers: true, deliveryTopics: [expect.objectContaining({ confirmedSubscriptions: 1 })] }),
    ]);
    expect(code).toBe(0);
  }, 120_000);

  test('the notifier delivers to a topic nobody subscribed to: notifier-not-delivering, exit 1', async () => {
    const { code, report } = await auditOf(synthNotifierStack('NoPeople'));
    expect(report.detections.every((d: any) => d.verdict === 'partly')).toBe(true);
    expect(report.detections[0].findings.map((f: any) => f.code)).toEqual(['notifier-not-delivering']);
    expect(report.detections[0].findings[0].message).toMatch(/reaches nobody through the notifier: notifier arn:aws:lambda:.* delivers to arn:aws:sns:.*People.* \(topic .* has no confirmed subscription/);
    expect(code).toBe(1);
  }, 120_000);
});
