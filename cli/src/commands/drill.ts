import { parseArgs } from 'util';
import { stackNameOfFile, TemplateError, templateResources } from 'cdk-cloudtrail-alarms/lib/audit/template';
import { neutralise, quoteValue } from 'cdk-cloudtrail-alarms/lib/notifier/neutralise';
import { CliIo, parseCountOption, readText, UsageError } from './io';
import { DrillAlarm, drillExitCode, DrillReport, drillStatus, DrillTopic } from '../aws/drill-report';

export const DRILL_USAGE = `Usage: cloudtrail-alarms drill --stack NAME [--template FILE] [--region R] [--endpoint-url URL] [--format text|json]
       cloudtrail-alarms drill --stack NAME --fire (ALARM ... | --all) [--dry-run] [--timeout SECONDS]

After a deploy, proves that each alarm of a stack reaches people. For every alarm of the stack's template: its state,
each SNS action's topic and its subscriptions (confirmed, pending), the notifier function when it is subscribed
(and the depth of its dead-letter queue), and the topics it delivers to. Makes no change without --fire.
  --stack NAME       the deployed stack (its template from cloudformation:GetTemplate, its resources' physical ids)
  --template FILE    the synthesized template instead (cdk.out/NAME.template.json names the stack NAME)
  --fire ALARM ...   set each named alarm (alarm name or the template's logical id) to ALARM with SetAlarmState, one
                     at a time, with a reason that says it is a drill, who ran it and when; wait until CloudWatch shows
                     ALARM, then set it back to OK and wait for that. CloudWatch runs the alarm's actions: the people
                     subscribed get the message. --all fires every alarm of the stack. Alarms already in ALARM are
                     never fired (setting them back to OK would hide a real incident)
  --dry-run          with --fire: say what would be fired, change nothing
  --timeout SECONDS  how long to wait for each state change (default 60)
  --region R         default: AWS_REGION, AWS_DEFAULT_REGION or your AWS profile's
Credentials: the standard AWS chain. Permissions: sts:GetCallerIdentity, cloudformation:DescribeStackResources,
cloudformation:GetTemplate (without --template), cloudwatch:DescribeAlarms, sns:ListSubscriptionsByTopic,
sns:GetSubscriptionAttributes, lambda:ListTags, lambda:GetFunctionConfiguration, sqs:GetQueueUrl,
sqs:GetQueueAttributes; with --fire, cloudwatch:SetAlarmState.
Exit status: 0 every alarm's path reaches people (and every drill went as planned), 1 findings, 2 usage error,
3 could not drill (credentials, endpoint, Region, stack not found, or permission to read what the drill needs).`;

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const MAX_TIMEOUT_SECONDS = 900;

export async function drillCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      'stack': { type: 'string' },
      'template': { type: 'string' },
      'region': { type: 'string' },
      'endpoint-url': { type: 'string' },
      'fire': { type: 'boolean' },
      'all': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      'timeout': { type: 'string' },
      'format': { type: 'string', default: 'text' },
      'help': { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout.write(`${DRILL_USAGE}\n`);
    return 0;
  }
  const format = values.format!;
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, got '${format}'`, DRILL_USAGE);
  if (!values.fire) {
    if (positionals.length > 0) throw new UsageError(`alarm names go with --fire, got '${positionals.join("', '")}' without it. Add --fire to set them to ALARM`, DRILL_USAGE);
    if (values.all) throw new UsageError('--all goes with --fire (it fires every alarm of the stack)', DRILL_USAGE);
    if (values['dry-run']) throw new UsageError('--dry-run goes with --fire (without --fire the drill changes nothing anyway)', DRILL_USAGE);
  } else if (positionals.length === 0 && !values.all) {
    throw new UsageError(
      '--fire sets alarms to ALARM and notifies people: name the alarms to fire (alarm names or the template\'s logical ids), or pass --all for every alarm of the stack. Run without --fire to list them',
      DRILL_USAGE,
    );
  } else if (positionals.length > 0 && values.all) {
    throw new UsageError('--fire takes alarm names or --all, not both', DRILL_USAGE);
  }
  const timeout = parseCountOption(values.timeout, '--timeout') ?? 60;
  if (timeout > MAX_TIMEOUT_SECONDS) throw new UsageError(`--timeout must be at most ${MAX_TIMEOUT_SECONDS} seconds, got '${values.timeout}'`);
  if (values.region !== undefined && !REGION.test(values.region)) throw new UsageError(`--region: '${values.region}' is not an AWS Region name (like eu-west-1)`);

  let template: { file: string; document: unknown } | undefined;
  if (values.template !== undefined) {
    const file = values.template;
    const text = await readText(file, io, 'template');
    try {
      template = { file, document: JSON.parse(text) };
    } catch (e) {
      throw new UsageError(`--template '${file}' is not JSON (${(e as Error).message}). Pass a synthesized template such as cdk.out/MyStack.template.json`);
    }
    try {
      templateResources(template.document, `--template '${file}'`);
    } catch (e) {
      if (e instanceof TemplateError) throw new UsageError(e.message);
      throw e;
    }
  }
  const stack = values.stack ?? (template ? stackNameOfFile(template.file) : undefined);
  if (stack === undefined) {
    throw new UsageError(
      values.template !== undefined
        ? `--template '${values.template}' does not name its stack (NAME.template.json): pass --stack NAME`
        : 'name the stack to drill: --stack NAME (or --template cdk.out/NAME.template.json)',
      DRILL_USAGE,
    );
  }

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const aws = require('../aws/drill') as typeof import('../aws/drill');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { resolveRegion } = require('../aws/clients') as typeof import('../aws/clients');
  const write = (r: DrillReport) => io.stdout.write(format === 'json' ? `${JSON.stringify(r, null, 2)}\n` : renderDrill(r));
  let region = values.region;
  let regionSource = '--region';
  if (region === undefined) {
    const chosen = await resolveRegion(io.env ?? process.env);
    if (!chosen) {
      const reason = 'no AWS Region: pass --region, set AWS_REGION, or set region in your AWS profile (the drill does not guess one)';
      const report: DrillReport = { stack, source: template?.file ?? `stack ${stack}`, region: '', ...drillStatus([], [reason]), couldNotDrill: [reason], alarms: [], problems: [] };
      write(report);
      return 3;
    }
    region = chosen.region;
    regionSource = chosen.source;
  }
  const inspection = await aws.inspectDrill({ stack, template, region, regionSource, endpoint: values['endpoint-url'] });
  let report = inspection.report;
  if (values.fire && report.alarms.length > 0) {
    const { selected, unknown } = aws.selectAlarms(report, values.all ? 'all' : positionals);
    if (unknown.length > 0) {
      const known = report.alarms.map((a) => `${a.name ?? '(no name)'} (${a.logicalId})`).join(', ');
      throw new UsageError(`--fire: no alarm of stack ${stack} is named '${unknown.join("', '")}'. Its alarms: ${known}`);
    }
    report = await aws.fireDrill(inspection, selected, { timeoutMs: timeout * 1000, pollMs: 2000, dryRun: values['dry-run'] });
  }
  write(report);
  return drillExitCode(report);
}

/** A value from AWS or a template, shown neutralised (names, ARNs and reasons are not ours to trust). */
const n = (v: string | number | undefined): string => neutralise(String(v ?? ''));

function topicLines(t: DrillTopic, indent: string, lines: string[]): void {
  const subs = t.subscriptions
    ? `${t.confirmed} confirmed, ${t.pending} pending${t.subscriptions.length ? `: ${t.subscriptions.map((s) => `${n(s.protocol)} ${n(s.endpoint)} (${s.status})`).join(', ')}` : ''}`
    : 'subscriptions not listed';
  lines.push(`${indent}topic ${n(t.arn)}: ${subs}${t.reachesPeople ? '' : ' -> reaches nobody'}`);
  for (const x of t.notifiers) {
    const queues = x.deadLetterQueues.length
      ? x.deadLetterQueues.map((q) => `dead-letter queue ${n(q.arn)}: ${q.messages === undefined ? 'depth not read' : `${q.messages} message(s)`}`).join(', ')
      : 'no dead-letter queue';
    lines.push(`${indent}  notifier ${n(x.function)} subscribed (${queues}), delivers to:`);
    for (const d of x.deliveryTopics) topicLines(d, `${indent}    `, lines);
  }
}

function drillLine(a: DrillAlarm): string | undefined {
  const d = a.drill;
  if (!d) return undefined;
  if (d.outcome === 'dry-run') return `  drill (dry run): would set ALARM with reason ${quoteValue(d.reason)}, then OK`;
  if (d.outcome === 'skipped') return '  drill: not fired';
  const alarm = d.reachedAlarm ? 'ALARM seen' : 'ALARM not seen';
  const ok = d.returnedToOk ? 'back to OK' : `not back to OK (${n(d.finalState ?? 'unknown')}: ${quoteValue(d.finalReason ?? '')})`;
  return `  drill: fired at ${n(d.firedAt)} with reason ${quoteValue(d.reason)}; ${alarm}; ${ok}`;
}

/**
 * The human-readable drill report. Alarm names and reasons are quoted, and every name, ARN, endpoint and message
 * from AWS or a template is neutralised: no value can start a line or hide a character in the report.
 */
export function renderDrill(r: DrillReport): string {
  const lines: string[] = [];
  for (const reason of r.couldNotDrill) lines.push(`COULD NOT DRILL: ${n(reason)}`);
  const where = `${r.account ? `account ${n(r.account)}, ` : ''}${r.region ? `${n(r.region)}${r.regionSource ? ` (from ${n(r.regionSource)})` : ''}` : 'no Region'}`;
  lines.push(`Stack ${n(r.stack)} (${where}), ${n(r.source)}: ${r.summary.alarms} alarm(s), ${r.summary.deliver} deliver, ${r.summary.withFindings} with findings`);
  if (r.caller) lines.push(`Run by ${n(r.caller)}`);
  for (const a of r.alarms) {
    lines.push('');
    const state = a.found ? `${n(a.state)}${a.actionsEnabled ? '' : ', actions disabled'}` : 'not in CloudWatch';
    lines.push(`alarm ${a.name !== undefined ? quoteValue(a.name) : '(no name)'} (${n(a.logicalId)}): ${state}, ${a.delivers ? 'delivers' : 'does NOT deliver'}`);
    for (const t of a.topics) topicLines(t, '  ', lines);
    if (a.otherActions.length) lines.push(`  other actions (not followed): ${a.otherActions.map(n).join(', ')}`);
    for (const f of a.findings) lines.push(`  [${f.code}] ${n(f.message)}`);
    const drill = drillLine(a);
    if (drill) lines.push(drill);
  }
  if (r.problems.length > 0) {
    lines.push('');
    lines.push('Calls that failed:');
    for (const p of r.problems) lines.push(`  ${n(p.region)} ${n(p.action)}: ${n(p.message)}`);
  }
  return `${lines.join('\n')}\n`;
}
