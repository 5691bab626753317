/**
 * Orchestration of `cloudtrail-alarms drill`: who am I (sts), the stack's alarms (drill-stack.ts), their state and
 * actions (CloudWatch), the delivery path of each action's topic (drill-paths.ts), the judgement (drill-report.ts)
 * and, when asked, firing alarms one at a time (drill-fire.ts).
 */
import { DescribeStackResourcesCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { TemplateError } from 'cdk-cloudtrail-alarms/lib/audit/template';
import { attempt, CallProblem, toProblem } from './calls';
import { AccountClients } from './clients';
import { fireAlarm, FireOptions, drillReason } from './drill-fire';
import { DeliveryPathReader } from './drill-paths';
import { AlarmRead, DrillAlarm, DrillReport, DrillTopic, drillStatus, judgeAlarm, TopicPath } from './drill-report';
import { stackDrillPlan, StackAlarm, StackDrillPlan } from './drill-stack';

export interface DrillOptions {
  /** The deployed stack: its resources, and its template unless `template` is given. */
  readonly stack: string;
  /** A synthesized template of the stack (`--template FILE`): its document and the name shown for it. */
  readonly template?: { readonly file: string; readonly document: unknown };
  readonly region: string;
  readonly regionSource?: string;
  readonly endpoint?: string;
}

/** What the inspection found, kept for a firing that follows. */
export interface DrillInspection {
  readonly report: DrillReport;
  readonly clients: AccountClients;
}

const BATCH = 100; // DescribeAlarms takes at most 100 names

function couldNot(o: DrillOptions, reason: string, problems: CallProblem[], account?: string, caller?: string): DrillReport {
  return {
    stack: o.stack,
    source: o.template?.file ?? `stack ${o.stack}`,
    region: o.region,
    regionSource: o.regionSource,
    account,
    caller,
    ...drillStatus([], [reason]),
    couldNotDrill: [reason],
    alarms: [],
    problems,
  };
}

/** Reasons a topic's path could not be read in full (the subscriptions or a dead-letter queue). */
function unreadable(t: DrillTopic, out: Set<string>): void {
  if (!t.subscriptions) out.add(`the subscriptions of topic ${t.arn} could not be listed (sns:ListSubscriptionsByTopic failed)`);
  for (const n of t.notifiers) {
    for (const q of n.deadLetterQueues) if (q.messages === undefined) out.add(`the depth of the notifier's dead-letter queue ${q.arn} could not be read (sqs:GetQueueUrl or sqs:GetQueueAttributes failed)`);
    for (const d of n.deliveryTopics) unreadable(d, out);
  }
}

/** Reads the stack, its alarms and their delivery paths, and judges them. Makes no change. */
export async function inspectDrill(o: DrillOptions, c: AccountClients = new AccountClients(o.endpoint)): Promise<DrillInspection> {
  const region = o.region;
  const problems: CallProblem[] = [];
  let account: string | undefined;
  let caller: string | undefined;
  try {
    const id = await c.in(region).sts.send(new GetCallerIdentityCommand({}));
    account = id.Account;
    caller = id.Arn;
  } catch (e) {
    const p = toProblem(region, 'sts:GetCallerIdentity', e);
    return { report: couldNot(o, `${p.action} failed: ${p.message}`, [p]), clients: c };
  }
  const cfn = c.in(region).cloudformation;
  const resources = await attempt(problems, region, 'cloudformation:DescribeStackResources', () => cfn.send(new DescribeStackResourcesCommand({ StackName: o.stack })));
  if (!resources) {
    const p = problems[problems.length - 1];
    const why = /does not exist/i.test(p.message) ? `stack ${o.stack} does not exist in ${region}: deploy it first, or pass --region` : `the resources of stack ${o.stack} could not be read (cloudformation:DescribeStackResources failed)`;
    return { report: couldNot(o, why, problems, account, caller), clients: c };
  }
  const physical = new Map<string, string>();
  for (const r of resources.StackResources ?? []) {
    if (r.LogicalResourceId && r.PhysicalResourceId) physical.set(r.LogicalResourceId, r.PhysicalResourceId);
  }
  let document = o.template?.document;
  if (!o.template) {
    const t = await attempt(problems, region, 'cloudformation:GetTemplate', () => cfn.send(new GetTemplateCommand({ StackName: o.stack })));
    if (!t) return { report: couldNot(o, `the template of stack ${o.stack} could not be read (cloudformation:GetTemplate failed)`, problems, account, caller), clients: c };
    try {
      document = JSON.parse(t.TemplateBody ?? '');
    } catch {
      return { report: couldNot(o, `the template of stack ${o.stack} is not JSON (a YAML template?): pass the synthesized JSON with --template`, problems, account, caller), clients: c };
    }
  }
  let plan: StackDrillPlan;
  try {
    plan = stackDrillPlan(document, o.template?.file ?? `the template of stack ${o.stack}`, physical);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    return { report: couldNot(o, e.message, problems, account, caller), clients: c };
  }

  const reasons = new Set<string>();
  if (plan.alarms.length === 0) reasons.add(`the template of stack ${o.stack} has no CloudWatch alarm: nothing to drill`);
  const read = await readAlarms(c, region, plan.alarms, problems);
  if (!read) reasons.add(`the alarms of stack ${o.stack} could not be read (cloudwatch:DescribeAlarms failed)`);
  const reader = new DeliveryPathReader(c, problems);
  const topics = new Map<string, TopicPath>();
  for (const a of read?.values() ?? []) {
    for (const arn of a.alarmActions) if (arn.split(':')[2] === 'sns' && !topics.has(arn)) topics.set(arn, await reader.topic(arn));
  }
  const alarms = read ? plan.alarms.map((a) => judgeAlarm(a, a.name ? read.get(a.name) : undefined, topics, plan.notifiers)) : [];
  for (const a of alarms) for (const t of a.topics) unreadable(t, reasons);
  const couldNotDrill = [...reasons];
  const report: DrillReport = {
    stack: o.stack,
    source: o.template?.file ?? `stack ${o.stack}`,
    region,
    regionSource: o.regionSource,
    account,
    caller,
    ...drillStatus(alarms, couldNotDrill),
    couldNotDrill,
    alarms,
    problems,
  };
  return { report, clients: c };
}

async function readAlarms(
  c: AccountClients,
  region: string,
  alarms: readonly StackAlarm[],
  problems: CallProblem[],
): Promise<Map<string, AlarmRead> | undefined> {
  const names = alarms.flatMap((a) => (a.name ? [a.name] : []));
  const out = new Map<string, AlarmRead>();
  for (let i = 0; i < names.length; i += BATCH) {
    let NextToken: string | undefined;
    do {
      const r = await attempt(problems, region, 'cloudwatch:DescribeAlarms', () =>
        c.in(region).cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + BATCH), AlarmTypes: ['MetricAlarm'], NextToken })),
      );
      if (!r) return undefined;
      for (const a of r.MetricAlarms ?? []) {
        if (!a.AlarmName) continue;
        out.set(a.AlarmName, { state: a.StateValue ?? 'UNKNOWN', stateReason: a.StateReason ?? '', actionsEnabled: a.ActionsEnabled ?? false, alarmActions: a.AlarmActions ?? [] });
      }
      NextToken = r.NextToken;
    } while (NextToken);
  }
  return out;
}

/** The alarms `--fire` names (by alarm name or template logical id), or all; the names that match none. */
export function selectAlarms(report: DrillReport, names: readonly string[] | 'all'): { selected: DrillAlarm[]; unknown: string[] } {
  if (names === 'all') return { selected: [...report.alarms], unknown: [] };
  const selected: DrillAlarm[] = [];
  const unknown: string[] = [];
  for (const n of names) {
    const a = report.alarms.find((x) => x.name === n || x.logicalId === n);
    if (!a) unknown.push(n);
    else if (!selected.includes(a)) selected.push(a);
  }
  return { selected, unknown };
}

export interface FireDrillOptions extends FireOptions {
  /** Print what would be done; change nothing. */
  readonly dryRun?: boolean;
  readonly now?: () => Date;
}

/**
 * Fires the selected alarms one at a time (each back in OK, or given up on, before the next) and returns the report
 * with what each drill did. An alarm already in ALARM (a real incident, or a drill still running) is not fired: the
 * drill would have to set it back to OK and hide it. An alarm whose actions are disabled or that was not found is
 * not fired either.
 */
export async function fireDrill(inspection: DrillInspection, selected: readonly DrillAlarm[], o: FireDrillOptions): Promise<DrillReport> {
  const r = inspection.report;
  const cw = inspection.clients.in(r.region).cloudwatch;
  const now = o.now ?? (() => new Date());
  const caller = r.caller ?? 'an unknown caller';
  const problems: CallProblem[] = [...r.problems];
  const alarms: DrillAlarm[] = [];
  for (const a of r.alarms) {
    if (!selected.includes(a)) {
      alarms.push(a);
      continue;
    }
    const signature = { caller, at: now() };
    const skip = (why: string): DrillAlarm => ({
      ...a,
      drill: { outcome: 'skipped', reason: drillReason(signature) },
      findings: [...a.findings, { code: 'not-fired', message: `alarm ${a.name ?? a.logicalId} was not fired: ${why}` }],
    });
    if (!a.found || !a.name) {
      alarms.push(skip('it is not in CloudWatch'));
    } else if (a.state === 'ALARM') {
      alarms.push(skip('it is in ALARM already (a real incident, or another drill): firing would set it back to OK and hide it. Drill it once it is OK'));
    } else if (!a.actionsEnabled) {
      alarms.push(skip('its actions are disabled, so nothing would be published'));
    } else if (o.dryRun) {
      alarms.push({ ...a, drill: { outcome: 'dry-run', reason: drillReason(signature) } });
    } else {
      try {
        const { firing, findings } = await fireAlarm(cw, a.name, signature, o);
        alarms.push({ ...a, state: firing.finalState ?? a.state, drill: firing, findings: [...a.findings, ...findings] });
      } catch (e) {
        const p = toProblem(r.region, 'cloudwatch:SetAlarmState', e);
        problems.push(p);
        alarms.push({ ...a, findings: [...a.findings, { code: 'not-fired', message: `alarm ${a.name} could not be fired: ${p.message}` }] });
      }
    }
  }
  return { ...r, ...drillStatus(alarms, r.couldNotDrill), alarms, problems };
}
