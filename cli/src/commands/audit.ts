import { parseArgs } from 'util';
import { parseTemplate, TemplateError } from 'cdk-cloudtrail-alarms/lib/audit/template';
import { neutralise } from 'cdk-cloudtrail-alarms/lib/notifier/neutralise';
import type { AccountReport, AuditReport, TemplateInput } from '../aws';
import { CliIo, readText, UsageError } from './io';
import { profileOption } from './patterns';

export const AUDIT_USAGE = `Usage: cloudtrail-alarms audit [--profile NAME] [--detection ID ...] [--region R ...] [--json] [--endpoint-url URL]
       cloudtrail-alarms audit --template FILE ... [--stack NAME ...] [--region R] [--json]
       cloudtrail-alarms audit --organization [--role-name NAME] [--accounts ID,...] [--profile NAME] [--region R ...]

Checks a live account, per detection: a multi-Region trail that is logging, records management events (read and
write) and delivers to CloudWatch Logs; a metric filter on that log group that semantically covers the detection
(evaluated against fixture records, not a text regex); an alarm on the filter's metric that can fire (Sum or
SampleCount, reachable threshold, actions enabled); an SNS action whose topic reaches people (a confirmed
subscription, or this library's notifier function delivering to such a topic) and, if encrypted, a KMS key
CloudWatch may use.
  --profile NAME       the detections to expect (default: recommended)
  --template FILE      expect what a synthesized template deploys (e.g. cdk.out/MyStack.template.json): its filters
                       are compared with the deployed ones byte for byte and by meaning (pattern-drift), its alarms
                       field by field (alarm-drift); missing ones are not-deployed
  --stack NAME         the same with a deployed stack's template (cloudformation:GetTemplate)
  --organization       every account of the organization (Organizations ListAccounts), members through
                       --role-name (default OrganizationAccountAccessRole); --accounts limits the accounts
  --region R           the Region(s) to audit; default: AWS_REGION, AWS_DEFAULT_REGION or your AWS profile's
Credentials: the standard AWS chain (environment, profile, SSO, instance role). --endpoint-url for emulators.
Exit status: 0 every detection covered, 1 gaps or drift, 2 usage error, 3 could not audit (credentials, endpoint,
Region, or permission to list trails, metric filters, alarms, templates or accounts).`;

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export async function auditCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'profile': { type: 'string' },
      'region': { type: 'string', multiple: true },
      'detection': { type: 'string', multiple: true },
      'template': { type: 'string', multiple: true },
      'stack': { type: 'string', multiple: true },
      'organization': { type: 'boolean' },
      'role-name': { type: 'string' },
      'accounts': { type: 'string' },
      'json': { type: 'boolean' },
      'endpoint-url': { type: 'string' },
      'help': { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.stdout.write(`${AUDIT_USAGE}\n`);
    return 0;
  }
  const templateMode = (values.template?.length ?? 0) + (values.stack?.length ?? 0) > 0;
  if (templateMode && (values.profile !== undefined || values.detection !== undefined)) {
    throw new UsageError('--template and --stack judge what the template deploys: --profile and --detection do not apply to them', AUDIT_USAGE);
  }
  if (values.organization && templateMode) throw new UsageError('--organization audits with a profile: it cannot be combined with --template or --stack', AUDIT_USAGE);
  if (!values.organization && (values['role-name'] !== undefined || values.accounts !== undefined)) {
    throw new UsageError('--role-name and --accounts go with --organization', AUDIT_USAGE);
  }
  const accounts = values.accounts?.split(',').map((a) => a.trim()).filter((a) => a.length > 0);
  for (const a of accounts ?? []) {
    if (!/^\d{12}$/.test(a)) throw new UsageError(`--accounts: '${a}' is not an AWS account id (12 digits). Give ids separated by commas, e.g. --accounts 111122223333,444455556666`);
  }
  if (values['role-name'] !== undefined && !/^[\w+=,.@/-]{1,64}$/.test(values['role-name'])) {
    throw new UsageError(`--role-name: '${values['role-name']}' is not an IAM role name (1-64 letters, digits and +=,.@_-)`);
  }
  for (const r of values.region ?? []) {
    if (!REGION.test(r)) throw new UsageError(`--region: '${r}' is not an AWS Region name (like eu-west-1)`);
  }
  const profile = profileOption(values.profile);
  for (const id of values.detection ?? []) {
    if (!profile.detectionIds.includes(id)) {
      throw new UsageError(`detection '${id}' is not in profile '${profile.name}'. Its detections are: ${profile.detectionIds.join(', ')}`);
    }
  }
  const templates: TemplateInput[] = [];
  for (const file of values.template ?? []) {
    const text = await readText(file, io, 'template');
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`--template '${file}' is not JSON (${(e as Error).message}). Pass a synthesized template such as cdk.out/MyStack.template.json`);
    }
    try {
      // the same reading as the audit's (own keys only); a malformed template or resource is named here, before any call
      parseTemplate(document, `--template '${file}'`);
    } catch (e) {
      if (e instanceof TemplateError) throw new UsageError(e.message);
      throw e;
    }
    templates.push({ file, document });
  }
  for (const stack of values.stack ?? []) templates.push({ stack });

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const aws = require('../aws') as typeof import('../aws');
  const env = io.env ?? process.env;
  let regions = values.region ?? [];
  let regionSource = '--region';
  if (regions.length === 0) {
    const chosen = await aws.resolveRegion(env);
    if (!chosen) {
      const report: AuditReport = {
        profile: templateMode ? 'template' : profile.name,
        regions: [],
        status: 'could-not-audit',
        couldNotAudit: ['no AWS Region: pass --region, set AWS_REGION, or set region in your AWS profile (the audit does not guess one)'],
        summary: { covered: 0, partly: 0, notCovered: 0 },
        trails: [],
        detections: [],
        problems: [],
      };
      io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderAudit(report));
      return 3;
    }
    regions = [chosen.region];
    regionSource = chosen.source;
  }
  const options = {
    profile: profile.name,
    regions,
    regionSource,
    endpoint: values['endpoint-url'],
    detections: values.detection,
    templates: templateMode ? templates : undefined,
  };
  const report = values.organization
    ? await aws.runOrganizationAudit({ ...options, roleName: values['role-name'], accounts })
    : await aws.runAudit(options);
  io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderAudit(report));
  return aws.auditExitCode(report);
}

/** A value from AWS or a template, shown neutralised (names, ARNs and messages are not ours to trust). */
const n = (v: string | number | undefined): string => neutralise(String(v ?? ''));

function renderAccount(r: AccountReport, lines: string[]): void {
  if (r.status === 'could-not-audit') {
    lines.push(`COULD NOT AUDIT${r.account ? ` account ${n(r.account)}` : ''}: ${n(r.couldNotAudit[0])}`);
    for (const reason of r.couldNotAudit.slice(1)) lines.push(`  also: ${n(reason)}`);
  }
  const what = r.templates ? 'template(s)' : `profile ${n(r.profile)}`;
  const where = `${r.account ? `Account ${n(r.account)}, ` : ''}region(s) ${r.regions.map(n).join(', ') || '(none)'}${r.regionSource ? ` (from ${n(r.regionSource)})` : ''}`;
  if (r.status === 'could-not-audit' && r.detections.length === 0) {
    lines.push(`${where}, ${what}: nothing judged`);
    for (const p of r.problems) lines.push(`  ${n(p.region)} ${n(p.action)}: ${n(p.message)}`);
    return;
  }
  lines.push(
    `${where}, ${what}: ${r.summary.covered} covered, ${r.summary.partly} partly, ${r.summary.notCovered} not covered`,
  );
  for (const t of r.templates ?? []) {
    const ignored = t.ignoredFilters.length ? `; not judged (not on a trail's log group): ${t.ignoredFilters.map(n).join(', ')}` : '';
    lines.push(`Template ${n(t.source)}: ${t.filters} metric filter(s), ${t.alarms} alarm(s); references resolved ${n(t.resolution)}${ignored}`);
  }
  lines.push('');
  if (r.trails.length === 0) lines.push('Trails: none found');
  for (const t of r.trails) {
    const org = t.organizationTrail ? ' [organization trail]' : '';
    const ct = t.controlTower ? ' [Control Tower]' : '';
    lines.push(`Trail ${n(t.name)} (${n(t.homeRegion)})${org}${ct}: ${t.ok ? `OK, delivers to ${n(t.logGroup!.name)}` : t.problems.map(n).join(', ')}`);
  }
  lines.push('');
  lines.push(`${'detection'.padEnd(30)} ${'verdict'.padEnd(12)} evidence / reason`);
  for (const d of r.detections) {
    const e = d.evidence;
    const topic = (arn: string, confirmed: number | undefined) => `${n(arn.split(':').pop())} (${confirmed ?? '?'} confirmed`;
    const chain = e.filter
      ? `${e.organizationTrail ? `account ${n(e.organizationTrail.account)}: ` : ''}filter ${n(e.filter.name)}${e.alarm ? ` -> alarm ${n(e.alarm.name)} (${n(e.alarm.statistic)} >= ${n(e.alarm.threshold)})` : ''}${
        e.topics && e.topics.length
          ? ` -> ${e.topics
            .map((t) => `${topic(t.arn, t.confirmedSubscriptions)}${t.notifiers?.length ? `, notifier -> ${t.notifiers.flatMap((x) => x.deliveryTopics.map((dt) => `${topic(dt.arn, dt.confirmedSubscriptions)})`)).join(', ')}` : ''})`)
            .join(', ')}`
          : ''
      }`
      : '';
    lines.push(`${n(d.id).padEnd(30)} ${d.verdict.padEnd(12)} ${chain}`);
    for (const f of d.findings) lines.push(`${''.padEnd(43)} [${n(f.code)}] ${n(f.message)}`);
  }
  if (r.problems.length > 0) {
    lines.push('');
    lines.push('Calls that failed or could not be judged (the audit went on with what it could see):');
    for (const p of r.problems) lines.push(`  ${n(p.region)} ${n(p.action)}: ${n(p.message)}`);
  }
}

/**
 * The human-readable audit report. Every name, ARN, account, Region and message from AWS or a template is
 * neutralised: no value can start a line or hide a character in the report.
 */
export function renderAudit(r: AuditReport): string {
  const lines: string[] = [];
  if (r.organization) {
    const o = r.organization;
    if (r.status === 'could-not-audit') lines.push(`COULD NOT AUDIT: ${r.couldNotAudit.map(n).join('; ')}`);
    lines.push(
      `Organization (management account ${n(o.managementAccount)}, member role ${n(o.roleName)}), region(s) ${r.regions.map(n).join(', ')}${r.regionSource ? ` (from ${n(r.regionSource)})` : ''}: ${o.accounts} account(s), ${o.covered} covered, ${o.gaps} with gaps, ${o.couldNotAudit} could not be audited`,
    );
    for (const t of o.organizationTrails) lines.push(`Organization trail ${n(t.trail)} of account ${n(t.account)} delivers to ${n(t.logGroup)}${t.controlTower ? ' (Control Tower)' : ''}`);
    if (o.caveat) lines.push(`Note: ${n(o.caveat)}.`);
    if (!r.accounts) renderAccount(r, lines);
    for (const a of r.accounts ?? []) {
      lines.push('');
      lines.push(`== account ${n(a.account)}: ${a.status}`);
      renderAccount(a, lines);
    }
  } else {
    renderAccount(r, lines);
  }
  return `${lines.join('\n')}\n`;
}
