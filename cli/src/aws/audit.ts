/**
 * Orchestration of `cloudtrail-alarms audit`: preflight (who am I, can I reach AWS), collect (collect.ts), judge
 * (judge-*.ts), and the report. Three modes: a detection profile, templates (--template/--stack), an organization.
 */
import { GetTemplateCommand, DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { catalogueFixtures } from 'cdk-cloudtrail-alarms/lib/audit/judge-coverage';
import { DetectionAudit, judgeContext, judgeDetection } from 'cdk-cloudtrail-alarms/lib/audit/judge-detections';
import { judgeTemplate } from 'cdk-cloudtrail-alarms/lib/audit/judge-template';
import { TrailAudit } from 'cdk-cloudtrail-alarms/lib/audit/judge-trails';
import { AccountSnapshot, LogGroupRef } from 'cdk-cloudtrail-alarms/lib/audit/snapshot';
import { parseTemplate, resolveValue, stackNameOfFile, TemplateError, TemplateExpectation } from 'cdk-cloudtrail-alarms/lib/audit/template';
import { profileSpec, resolveEntry } from 'cdk-cloudtrail-alarms/lib/catalogue/resolve';
import { attempt, CallProblem, toProblem } from './calls';
import { AccountClients, AwsCredentials } from './clients';
import { collectAccount } from './collect';

export type { Verdict, DetectionAudit } from 'cdk-cloudtrail-alarms/lib/audit/judge-detections';
export type { TrailAudit } from 'cdk-cloudtrail-alarms/lib/audit/judge-trails';
export type { TopicAudit } from 'cdk-cloudtrail-alarms/lib/audit/judge-topics';
export type { AuditFinding, FindingCode } from 'cdk-cloudtrail-alarms/lib/audit/findings';
export { keyPolicyAllowsCloudWatch } from 'cdk-cloudtrail-alarms/lib/audit/judge-topics';
export { parseFilter, filterCovers, alarmFindings } from 'cdk-cloudtrail-alarms/lib/audit/judge-coverage';

/** `covered`: every detection covered; `gaps`: something is not; `could-not-audit`: the audit could not see what it must. */
export type AuditStatus = 'covered' | 'gaps' | 'could-not-audit';

/** A template given to the audit: a synthesized file's content or a deployed stack's name. */
export interface TemplateInput {
  /** File name (for messages); the stack name is taken from `NAME.template.json`. */
  readonly file?: string;
  readonly document?: unknown;
  /** `--stack NAME`: the template is read with cloudformation:GetTemplate. */
  readonly stack?: string;
}

export interface AuditOptions {
  readonly profile: string;
  readonly regions: readonly string[];
  /** Where the Region came from (`--region`, `AWS_REGION`, ...), printed in the report. */
  readonly regionSource?: string;
  readonly endpoint?: string;
  /** Restrict to these detection ids (profile mode). */
  readonly detections?: readonly string[];
  /** Template mode: judge what these templates deploy instead of a profile. */
  readonly templates?: readonly TemplateInput[];
  /** Credentials instead of the standard chain. */
  readonly credentials?: AwsCredentials;
}

export interface TemplateSummary {
  readonly source: string;
  readonly stack?: string;
  /** How references were resolved: the stack's physical ids, or by metric only (stack not found). */
  readonly resolution: string;
  readonly filters: number;
  readonly alarms: number;
  /** Metric filters of the template that watch something else than a trail's log group (not judged). */
  readonly ignoredFilters: string[];
}

/** The report of one account. */
export interface AccountReport {
  readonly account?: string;
  readonly profile: string;
  readonly regions: string[];
  readonly regionSource?: string;
  readonly templates?: TemplateSummary[];
  readonly status: AuditStatus;
  /** Why the audit could not see what it must (empty unless status is `could-not-audit`). */
  readonly couldNotAudit: string[];
  readonly summary: { readonly covered: number; readonly partly: number; readonly notCovered: number };
  readonly trails: TrailAudit[];
  readonly detections: DetectionAudit[];
  readonly problems: CallProblem[];
}

export interface OrganizationSummary {
  readonly managementAccount?: string;
  readonly roleName: string;
  readonly accounts: number;
  readonly covered: number;
  readonly gaps: number;
  readonly couldNotAudit: number;
  /** Organization trails that cover member accounts. */
  readonly organizationTrails: Array<{ readonly account: string; readonly trail: string; readonly logGroup: string; readonly controlTower: boolean }>;
  readonly caveat?: string;
}

/** The `--json` output of `cloudtrail-alarms audit` (documented in docs/audit-and-verify.md; stable). */
export interface AuditReport extends AccountReport {
  readonly organization?: OrganizationSummary;
  readonly accounts?: AccountReport[];
}

/** 0 all covered, 1 gaps or drift, 3 could not audit (2, usage, is the CLI's). */
export function auditExitCode(r: AuditReport): number {
  const all = r.accounts ?? [r];
  if (r.status === 'could-not-audit' || all.some((a) => a.status === 'could-not-audit')) return 3;
  if (r.status === 'gaps' || all.some((a) => a.status === 'gaps')) return 1;
  return 0;
}


/** Reasons the audit could not see what it must list. */
export function couldNotAuditReasons(s: AccountSnapshot): string[] {
  const out: string[] = [];
  if (!s.trailsListed) out.push('trails could not be listed (cloudtrail:DescribeTrails failed in every Region)');
  for (const g of s.logGroups) if (!g.listed) out.push(`metric filters of log group ${g.name} (${g.region}) could not be listed (logs:DescribeMetricFilters failed)`);
  for (const a of s.alarmRegions) if (!a.listed) out.push(`alarms in ${a.region} could not be listed (cloudwatch:DescribeAlarms failed)`);
  return out;
}

function finish(base: Omit<AccountReport, 'status' | 'summary'>): AccountReport {
  const d = base.detections;
  const summary = {
    covered: d.filter((x) => x.verdict === 'covered').length,
    partly: d.filter((x) => x.verdict === 'partly').length,
    notCovered: d.filter((x) => x.verdict === 'not covered').length,
  };
  const status: AuditStatus = base.couldNotAudit.length > 0 ? 'could-not-audit' : summary.partly + summary.notCovered > 0 ? 'gaps' : 'covered';
  return { ...base, status, summary };
}

/** sts:GetCallerIdentity: the account, or the reason nothing else will work (credentials, endpoint, Region). */
async function preflight(c: AccountClients, region: string): Promise<{ account?: string; problem?: CallProblem }> {
  try {
    const r = await c.in(region).sts.send(new GetCallerIdentityCommand({}));
    return { account: r.Account };
  } catch (e) {
    return { problem: toProblem(region, 'sts:GetCallerIdentity', e) };
  }
}

function failed(o: AuditOptions, problem: CallProblem, account?: string): AccountReport {
  return finish({
    account,
    profile: o.profile,
    regions: [...o.regions],
    regionSource: o.regionSource,
    couldNotAudit: [`${problem.action} failed: ${problem.message}`],
    trails: [],
    detections: [],
    problems: [problem],
  });
}

async function loadTemplates(c: AccountClients, region: string, inputs: readonly TemplateInput[], problems: CallProblem[], reasons: string[]) {
  const out: Array<{ exp: TemplateExpectation; physical: Map<string, string>; summary: TemplateSummary }> = [];
  for (const t of inputs) {
    let doc = t.document;
    const stack = t.stack ?? (t.file ? stackNameOfFile(t.file) : undefined);
    const source = t.file ?? `stack ${t.stack}`;
    if (t.stack) {
      const r = await attempt(problems, region, 'cloudformation:GetTemplate', () => c.in(region).cloudformation.send(new GetTemplateCommand({ StackName: t.stack })));
      if (!r) {
        reasons.push(`the template of stack ${t.stack} could not be read (cloudformation:GetTemplate failed)`);
        continue;
      }
      try {
        doc = JSON.parse(r.TemplateBody ?? '');
      } catch {
        reasons.push(`the template of stack ${t.stack} is not JSON (a YAML template?): pass the synthesized JSON with --template`);
        continue;
      }
    }
    let exp: TemplateExpectation;
    try {
      exp = parseTemplate(doc, source, stack);
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      reasons.push(e.message);
      continue;
    }
    const physical = new Map<string, string>();
    let resolution = 'by metric (no stack name)';
    if (stack) {
      const own: CallProblem[] = [];
      const r = await attempt(own, region, 'cloudformation:DescribeStackResources', () =>
        c.in(region).cloudformation.send(new DescribeStackResourcesCommand({ StackName: stack })),
      );
      if (r) {
        for (const x of r.StackResources ?? []) {
          if (x.LogicalResourceId && x.PhysicalResourceId) physical.set(x.LogicalResourceId, x.PhysicalResourceId);
        }
        resolution = `stack ${stack}: ${physical.size} physical id(s)`;
      } else {
        const p = own[0];
        // a template whose stack is not deployed (or not readable) is still judged, by log group and metric
        resolution = /does not exist/i.test(p.message) ? `by metric (stack ${stack} not found)` : `by metric (stack ${stack} not readable: ${p.message})`;
        if (t.stack || !/does not exist/i.test(p.message)) problems.push(p);
      }
    }
    out.push({
      exp,
      physical,
      summary: {
        source,
        stack,
        resolution,
        filters: exp.filters.length,
        alarms: exp.alarms.length,
        ignoredFilters: [...exp.ignoredFilters],
      },
    });
  }
  return out;
}

/** Audits one account with the given clients. */
export async function auditAccount(c: AccountClients, o: AuditOptions): Promise<AccountReport> {
  const region = o.regions[0];
  const pre = await preflight(c, region);
  if (pre.problem) return failed(o, pre.problem);
  const account = pre.account;
  const problems: CallProblem[] = [];
  const reasons: string[] = [];
  const templates = o.templates ? await loadTemplates(c, region, o.templates, problems, reasons) : undefined;
  const extraLogGroups: LogGroupRef[] = [];
  for (const t of templates ?? []) {
    for (const f of t.exp.filters) {
      const name = resolveValue(f.logGroup, t.physical, t.exp.types, region, account);
      if (name) extraLogGroups.push({ region, name, account });
    }
  }
  const snapshot = await collectAccount(c, { regions: o.regions, account, extraLogGroups });
  const ctx = judgeContext(snapshot);
  let detections: DetectionAudit[];
  if (templates) {
    detections = templates.flatMap((t) => judgeTemplate(ctx, t.exp, { physical: t.physical, region, account }));
  } else {
    let entries = profileSpec(o.profile).entries;
    if (o.detections && o.detections.length > 0) entries = entries.filter((e) => o.detections!.includes(e.id));
    detections = entries.map((pe) => {
      const r = resolveEntry(pe);
      return judgeDetection(ctx, { id: r.entry.id, title: r.entry.title, pattern: r.pattern, fixtures: catalogueFixtures(r.entry.id) });
    });
  }
  return finish({
    account,
    profile: templates ? 'template' : o.profile,
    regions: [...o.regions],
    regionSource: o.regionSource,
    templates: templates?.map((t) => t.summary),
    couldNotAudit: [...reasons, ...couldNotAuditReasons(snapshot)],
    trails: ctx.trails,
    detections,
    problems: [...problems, ...ctx.problems],
  });
}

/** Audits the account of the given (or standard-chain) credentials. */
export async function runAudit(o: AuditOptions): Promise<AuditReport> {
  return auditAccount(new AccountClients(o.endpoint, o.credentials), o);
}

export interface OrganizationOptions extends AuditOptions {
  /** The role assumed in each member account (default OrganizationAccountAccessRole). */
  readonly roleName?: string;
  /** Only these account ids. */
  readonly accounts?: readonly string[];
}

export const DEFAULT_MEMBER_ROLE = 'OrganizationAccountAccessRole';

export const SECURITY_HUB_ORG_CAVEAT =
  'Security Hub CloudWatch.1-14 still evaluate each account on its own: in a member account whose events reach the filters only through an organization trail owned by another account they report NO_DATA, so those controls do not pass there although the events are watched';

/** Marks a member's detections covered by the organization trail's account. */
function withOrganizationTrail(member: AccountReport, owner: AccountReport, trail: TrailAudit): AccountReport {
  const ownerById = new Map(owner.detections.map((d) => [d.id, d]));
  const detections = member.detections.map((d) => {
    const o = ownerById.get(d.id);
    if (d.verdict === 'covered' || !o || o.verdict !== 'covered') return d;
    return {
      ...o,
      findings: [
        {
          code: 'organization-trail' as const,
          message: `covered through organization trail ${trail.name} of account ${owner.account} (log group ${trail.logGroup!.name}${trail.controlTower ? ', Control Tower' : ''}). ${SECURITY_HUB_ORG_CAVEAT}`,
        },
      ],
      evidence: { ...o.evidence, organizationTrail: { account: owner.account ?? '', trail: trail.name, logGroup: trail.logGroup!.name } },
    };
  });
  return finish({ ...member, detections });
}

/** Audits every (or the listed) account of the organization: the management account with its own credentials, members through the role. */
export async function runOrganizationAudit(o: OrganizationOptions): Promise<AuditReport> {
  const roleName = o.roleName ?? DEFAULT_MEMBER_ROLE;
  const region = o.regions[0];
  const mgmt = new AccountClients(o.endpoint, o.credentials);
  const pre = await preflight(mgmt, region);
  if (pre.problem) return failed(o, pre.problem);
  const problems: CallProblem[] = [];
  const ids: string[] = [];
  let token: string | undefined;
  let listed = true;
  do {
    const r = await attempt(problems, region, 'organizations:ListAccounts', () => mgmt.in(region).organizations.send(new ListAccountsCommand({ NextToken: token })));
    if (!r) {
      listed = false;
      break;
    }
    for (const a of r.Accounts ?? []) if (a.Id && (a.Status ?? 'ACTIVE') === 'ACTIVE') ids.push(a.Id);
    token = r.NextToken;
  } while (token);
  if (!listed) {
    return finish({
      account: pre.account,
      profile: o.profile,
      regions: [...o.regions],
      regionSource: o.regionSource,
      couldNotAudit: ['the accounts of the organization could not be listed (organizations:ListAccounts failed: run from the management account or a delegated administrator)'],
      trails: [],
      detections: [],
      problems,
    });
  }
  const unknown = (o.accounts ?? []).filter((a) => !ids.includes(a));
  const chosen = o.accounts && o.accounts.length ? ids.filter((a) => o.accounts!.includes(a)) : ids;
  const reports: AccountReport[] = [];
  for (const id of unknown) {
    reports.push(finish({ account: id, profile: o.profile, regions: [...o.regions], couldNotAudit: [`account ${id} is not an active account of the organization`], trails: [], detections: [], problems: [] }));
  }
  for (const id of chosen) {
    if (id === pre.account) {
      reports.push(await auditAccount(mgmt, o));
      continue;
    }
    const roleArn = `arn:aws:iam::${id}:role/${roleName}`;
    const own: CallProblem[] = [];
    const r = await attempt(own, region, 'sts:AssumeRole', () =>
      mgmt.in(region).sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'cloudtrail-alarms-audit' })),
    );
    const cr = r?.Credentials;
    if (!cr?.AccessKeyId || !cr.SecretAccessKey) {
      reports.push(
        finish({
          account: id,
          profile: o.profile,
          regions: [...o.regions],
          couldNotAudit: [`could not assume ${roleArn} (${own[0]?.message ?? 'no credentials returned'}); pass --role-name if the role has another name`],
          trails: [],
          detections: [],
          problems: own,
        }),
      );
      continue;
    }
    const creds = { accessKeyId: cr.AccessKeyId, secretAccessKey: cr.SecretAccessKey, sessionToken: cr.SessionToken };
    reports.push(await auditAccount(new AccountClients(o.endpoint, creds), o));
  }
  // organization trails: a good organization trail covers every member account for what its account covers. The
  // management account owns every organization trail, so it is read even when --accounts leaves it out.
  const owners = reports.some((x) => x.account === pre.account) ? reports : [...reports, await auditAccount(mgmt, o)];
  const orgTrails: OrganizationSummary['organizationTrails'] = [];
  let accounts = reports;
  for (const owner of owners) {
    for (const t of owner.trails.filter((x) => x.ok && x.organizationTrail)) {
      orgTrails.push({ account: owner.account ?? '', trail: t.name, logGroup: t.logGroup!.name, controlTower: t.controlTower });
      accounts = accounts.map((m) => (m === owner || m.status === 'could-not-audit' ? m : withOrganizationTrail(m, owner, t)));
    }
  }
  const management = accounts.find((a) => a.account === pre.account);
  const organization: OrganizationSummary = {
    managementAccount: pre.account,
    roleName,
    accounts: accounts.length,
    covered: accounts.filter((a) => a.status === 'covered').length,
    gaps: accounts.filter((a) => a.status === 'gaps').length,
    couldNotAudit: accounts.filter((a) => a.status === 'could-not-audit').length,
    organizationTrails: orgTrails,
    caveat: orgTrails.length ? SECURITY_HUB_ORG_CAVEAT : undefined,
  };
  const totals = accounts.flatMap((a) => a.detections);
  const status: AuditStatus = organization.couldNotAudit > 0 ? 'could-not-audit' : organization.gaps > 0 ? 'gaps' : 'covered';
  return {
    account: pre.account,
    profile: o.profile,
    regions: [...o.regions],
    regionSource: o.regionSource,
    status,
    couldNotAudit: accounts.filter((a) => a.status === 'could-not-audit').map((a) => `account ${a.account}: ${a.couldNotAudit.join('; ')}`),
    summary: {
      covered: totals.filter((x) => x.verdict === 'covered').length,
      partly: totals.filter((x) => x.verdict === 'partly').length,
      notCovered: totals.filter((x) => x.verdict === 'not covered').length,
    },
    trails: management?.trails ?? [],
    detections: [],
    problems,
    organization,
    accounts,
  };
}
