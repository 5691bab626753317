/**
 * Issue 13 point 4 on moto_server: `audit --organization` lists the accounts with Organizations, reaches the members
 * through STS AssumeRole, and counts a member covered through the management account's organization trail (with the
 * Security Hub per-account caveat).
 */
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { DetectionCatalogue, DetectionProfile } from 'cdk-cloudtrail-alarms/lib';
import { harnessClients } from './deploy/creators';
import { synthStack } from './deploy/custom-stack';
import { deployTemplate, credentialsFor } from './deploy/deploy';
import { createImports } from './deploy/imports';
import { cliAs } from './deploy/run-audit';
import { haveMoto, MotoServer, startMoto } from './moto-server';
import * as seed from './seed';

const MOTO = haveMoto();
if (!MOTO) {
  // eslint-disable-next-line no-console
  console.warn('\n*** SKIPPED: moto_server is not installed, so audit --organization did NOT run against emulated AWS. ***\n');
}
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const MANAGEMENT = '123456789012';
const TESTING = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const securityHub = DetectionCatalogue.list(DetectionProfile.SECURITY_HUB);

(MOTO ? describe : describe.skip)('audit --organization (moto_server)', () => {
  let moto: MotoServer;
  let members: string[];
  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto.reset();
    const org = new OrganizationsClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: TESTING });
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    members = [];
    for (const name of ['workloads', 'sandbox']) {
      const r = await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
      members.push(r.CreateAccountStatus!.AccountId!);
    }
  });

  const run = async (...extra: string[]) => {
    const args = ['audit', '--organization', '--profile', 'security-hub', '--region', 'us-east-1', '--endpoint-url', moto.endpoint, ...extra];
    const json = await cliAs(TESTING, [...args, '--json']);
    const text = await cliAs(TESTING, args);
    return { code: json.code, report: JSON.parse(json.stdout), text: text.stdout };
  };

  test('an organization trail in the management account covers both members; a member with its own trail is audited as itself', async () => {
    const stack = synthStack('OrgTrail', { organizationTrail: true, profile: DetectionProfile.SECURITY_HUB, emailAddresses: ['secops@example.com'] });
    await deployTemplate({ endpoint: moto.endpoint, stackName: stack.stackName, template: stack.template });
    // the second member also has a trail of its own, with half of the detections on it
    const [workloads, sandbox] = members;
    const own = harnessClients(moto.endpoint, 'us-east-1', await credentialsFor(moto.endpoint, sandbox));
    await createImports(moto.endpoint, { topics: [], logGroups: ['Sandbox/Trail'] }, sandbox, 'us-east-1');
    const topic = await seed.topic(own as any, 'sandbox-alarms', {});
    const half = securityHub.slice(0, 7);
    for (const d of half) {
      await seed.detection(own as any, { logGroup: 'Sandbox/Trail', filterName: d.id, pattern: d.pattern, metric: d.metricName, alarm: { threshold: d.threshold, topics: [topic] } });
    }

    const { code, report, text } = await run();
    expect(report.organization).toMatchObject({ managementAccount: MANAGEMENT, roleName: 'OrganizationAccountAccessRole', accounts: 3, covered: 3, gaps: 0, couldNotAudit: 0 });
    expect(report.organization.organizationTrails).toEqual([{ account: MANAGEMENT, trail: 'OrgTrailSecurityAlarms20C6BB63', logGroup: expect.any(String), controlTower: false }]);
    const byAccount = Object.fromEntries(report.accounts.map((a: any) => [a.account, a]));
    expect(Object.keys(byAccount).sort()).toEqual([MANAGEMENT, workloads, sandbox].sort());
    // the management account is covered by its own filters, with no organization caveat
    expect(byAccount[MANAGEMENT].detections.every((d: any) => d.verdict === 'covered' && d.findings.length === 0)).toBe(true);
    // the first member has nothing of its own: every detection covered there, through the organization trail
    const w = byAccount[workloads];
    expect(w.summary).toEqual({ covered: securityHub.length, partly: 0, notCovered: 0 });
    expect(w.detections[0].evidence.organizationTrail).toEqual({ account: MANAGEMENT, trail: 'OrgTrailSecurityAlarms20C6BB63', logGroup: expect.any(String) });
    expect(w.detections[0].findings).toEqual([{ code: 'organization-trail', message: expect.stringMatching(/^covered through organization trail OrgTrailSecurityAlarms20C6BB63 of account 123456789012 .*Security Hub CloudWatch.1-14 still evaluate each account on its own.*NO_DATA/) }]);
    // the second member: its own seven by its own filters, the other seven through the organization trail
    const s = byAccount[sandbox];
    const viaOrg = s.detections.filter((d: any) => d.evidence.organizationTrail).map((d: any) => d.id);
    expect(viaOrg).toEqual(securityHub.slice(7).map((d) => d.id));
    expect(s.detections.filter((d: any) => d.evidence.trail === 'existing-trail-0').map((d: any) => d.id)).toEqual(half.map((d) => d.id));
    expect(code).toBe(0);
    expect(text).toMatch(/^Organization \(management account 123456789012, member role OrganizationAccountAccessRole\), region\(s\) us-east-1 \(from --region\): 3 account\(s\), 3 covered, 0 with gaps, 0 could not be audited\n/);
    expect(text).toContain(`== account ${workloads}: covered`);
    expect(text).toMatch(/Note: Security Hub CloudWatch.1-14 still evaluate each account on its own/);
  }, 120_000);

  test('without an organization trail the members are gaps; --accounts limits the report', async () => {
    const stack = synthStack('PlainTrail', { profile: DetectionProfile.SECURITY_HUB, emailAddresses: ['secops@example.com'] });
    await deployTemplate({ endpoint: moto.endpoint, stackName: stack.stackName, template: stack.template });
    const [workloads] = members;
    const { code, report } = await run('--accounts', workloads);
    expect(report.accounts.map((a: any) => a.account)).toEqual([workloads]);
    expect(report.accounts[0].status).toBe('gaps');
    expect(report.accounts[0].detections[0].findings[0]).toMatchObject({ code: 'no-trail', message: expect.stringMatching(/no trail found/) });
    expect(report.organization.organizationTrails).toEqual([]);
    expect(code).toBe(1);
  }, 120_000);

  test('an account outside the organization cannot be audited: exit 3', async () => {
    const { code, report } = await run('--accounts', '999988887777');
    expect(report.accounts).toEqual([expect.objectContaining({ account: '999988887777', status: 'could-not-audit', couldNotAudit: ['account 999988887777 is not an active account of the organization'] })]);
    expect(code).toBe(3);
  }, 60_000);
});
