/**
 * The drill's report and its judgement (pure): per alarm of the stack, each SNS action's topic, its subscriptions,
 * the notifier and its dead-letter queues, whether the path reaches people, and (with --fire) what the drill did.
 */
import type { CallProblem } from 'cdk-cloudtrail-alarms/lib/audit/call-problem';
import type { ExpectedNotifier } from './drill-stack';
import { functionNameOf } from './drill-stack';

/** One subscription of a topic: `confirmed` (it receives messages) or `pending` (it waits for its confirmation link). */
export interface DrillSubscription {
  readonly protocol: string;
  readonly endpoint: string;
  readonly status: 'confirmed' | 'pending';
}

/** A dead-letter queue of the notifier: messages are alarms people did not get. */
export interface DeadLetterQueue {
  readonly arn: string;
  /** ApproximateNumberOfMessages; undefined when it could not be read (see problems). */
  readonly messages?: number;
}

/** This library's notifier function, subscribed to a topic. */
export interface NotifierPath {
  readonly function: string;
  readonly deliveryTopics: readonly TopicPath[];
  /** The subscription's redrive queue and the function's asynchronous-invocation dead-letter queue (usually the same). */
  readonly deadLetterQueues: readonly DeadLetterQueue[];
}

/** A topic as read from AWS. */
export interface TopicPath {
  readonly arn: string;
  /** undefined: the subscriptions could not be listed (see problems). */
  readonly subscriptions?: readonly DrillSubscription[];
  readonly notifiers: readonly NotifierPath[];
}

/** An alarm as read from CloudWatch (DescribeAlarms). */
export interface AlarmRead {
  readonly state: string;
  readonly stateReason: string;
  readonly actionsEnabled: boolean;
  readonly alarmActions: readonly string[];
}

export type DrillFindingCode =
  | 'alarm-not-found'
  | 'actions-disabled'
  | 'no-sns-action'
  | 'no-confirmed-subscription'
  | 'subscription-pending'
  | 'notifier-not-subscribed'
  | 'notifier-not-delivering'
  | 'dead-letter-messages'
  | 'not-fired'
  | 'alarm-state-not-reached'
  | 'did-not-return-to-ok';

export interface DrillFinding {
  readonly code: DrillFindingCode;
  readonly message: string;
}

/** One topic of an alarm, judged. */
export interface DrillTopic {
  readonly arn: string;
  readonly confirmed?: number;
  readonly pending?: number;
  readonly subscriptions?: readonly DrillSubscription[];
  readonly notifiers: ReadonlyArray<{
    readonly function: string;
    readonly deadLetterQueues: readonly DeadLetterQueue[];
    readonly deliveryTopics: readonly DrillTopic[];
    readonly delivers: boolean;
  }>;
  /** True when a confirmed subscription, or a notifier through its delivery topics, reaches someone. */
  readonly reachesPeople: boolean;
}

/** What `--fire` did to one alarm. */
export interface DrillFiring {
  /** `fired`, `dry-run` (what would be done), or `skipped` (see the alarm's `not-fired` finding). */
  readonly outcome: 'fired' | 'dry-run' | 'skipped';
  readonly reason: string;
  readonly firedAt?: string;
  /** The alarm was seen in ALARM with the drill's reason. */
  readonly reachedAlarm?: boolean;
  /** The alarm was seen in OK after the drill set it back. */
  readonly returnedToOk?: boolean;
  /** The state last read, after the drill. */
  readonly finalState?: string;
  readonly finalReason?: string;
}

export interface DrillAlarm {
  readonly logicalId: string;
  readonly name?: string;
  readonly found: boolean;
  readonly state?: string;
  readonly actionsEnabled?: boolean;
  readonly topics: readonly DrillTopic[];
  /** Alarm actions that are not SNS topics (not followed by the drill). */
  readonly otherActions: readonly string[];
  /** Every SNS action reaches people through an enabled action (before any firing). */
  readonly delivers: boolean;
  readonly findings: readonly DrillFinding[];
  readonly drill?: DrillFiring;
}

/** `delivers`: every alarm's path reaches people (and every drill went as planned); `findings`; `could-not-drill`. */
export type DrillStatus = 'delivers' | 'findings' | 'could-not-drill';

/** The `--format json` output of `cloudtrail-alarms drill` (documented in docs/audit-and-verify.md). */
export interface DrillReport {
  readonly stack: string;
  readonly source: string;
  readonly region: string;
  readonly regionSource?: string;
  readonly account?: string;
  /** The caller identity (sts:GetCallerIdentity) named in the drill's reason. */
  readonly caller?: string;
  readonly status: DrillStatus;
  readonly couldNotDrill: readonly string[];
  readonly summary: { readonly alarms: number; readonly deliver: number; readonly withFindings: number };
  readonly alarms: readonly DrillAlarm[];
  readonly problems: readonly CallProblem[];
}

/** 0 every path delivers, 1 findings, 3 could not drill (2, usage, is the CLI's): the statuses of `audit`. */
export function drillExitCode(r: DrillReport): number {
  if (r.status === 'could-not-drill') return 3;
  return r.status === 'findings' ? 1 : 0;
}

/** The report's status and summary from its alarms and the reasons it could not drill. */
export function drillStatus(alarms: readonly DrillAlarm[], couldNotDrill: readonly string[]): Pick<DrillReport, 'status' | 'summary'> {
  const withFindings = alarms.filter((a) => a.findings.length > 0).length;
  const status: DrillStatus = couldNotDrill.length > 0 ? 'could-not-drill' : withFindings > 0 ? 'findings' : 'delivers';
  return { status, summary: { alarms: alarms.length, deliver: alarms.filter((a) => a.delivers).length, withFindings } };
}

function judgeTopic(t: TopicPath, findings: DrillFinding[], via: ReadonlySet<string>): DrillTopic {
  const subs = t.subscriptions;
  const notifierFunctions = new Set(t.notifiers.map((x) => x.function));
  const notifiers = t.notifiers.map((x) => {
    const next = new Set([...via, t.arn]);
    const deliveryTopics = x.deliveryTopics.filter((d) => !next.has(d.arn)).map((d) => judgeTopic(d, findings, next));
    for (const q of x.deadLetterQueues) {
      if (q.messages !== undefined && q.messages > 0) {
        findings.push({
          code: 'dead-letter-messages',
          message: `the notifier's dead-letter queue ${q.arn} holds ${q.messages} message(s): alarms people did not get. Read them, fix the cause, then purge the queue`,
        });
      }
    }
    const delivers = deliveryTopics.some((d) => d.reachesPeople);
    if (!delivers) {
      const why = deliveryTopics.length === 0 ? 'it has no delivery topic' : `none of its delivery topics (${deliveryTopics.map((d) => d.arn).join(', ')}) has a confirmed subscription`;
      findings.push({ code: 'notifier-not-delivering', message: `notifier ${x.function} on topic ${t.arn} reaches nobody: ${why}` });
    }
    return { function: x.function, deadLetterQueues: x.deadLetterQueues, deliveryTopics, delivers };
  });
  if (!subs) return { arn: t.arn, notifiers, reachesPeople: false };
  const confirmed = subs.filter((s) => s.status === 'confirmed');
  const pending = subs.filter((s) => s.status === 'pending');
  // a confirmed subscription other than the notifier reaches someone (a person, a chat channel, a queue): as audit judges it
  const direct = confirmed.filter((s) => !(s.protocol === 'lambda' && notifierFunctions.has(s.endpoint)));
  const reachesPeople = direct.length > 0 || notifiers.some((x) => x.delivers);
  if (!reachesPeople && notifiers.length === 0) {
    findings.push({
      code: 'no-confirmed-subscription',
      message: `topic ${t.arn} has no confirmed subscription: nobody receives the alarm${pending.length ? ` (${pending.length} waiting for confirmation)` : ''}`,
    });
  }
  for (const p of pending) {
    findings.push({ code: 'subscription-pending', message: `topic ${t.arn}: the ${p.protocol} subscription of ${p.endpoint} waits for confirmation: confirm it (the link in the message SNS sent)` });
  }
  return { arn: t.arn, confirmed: confirmed.length, pending: pending.length, subscriptions: subs, notifiers, reachesPeople };
}

/**
 * Judges one alarm's delivery path. `alarm` undefined: the alarm of the template is not in CloudWatch. `expected`:
 * the notifier subscriptions the stack's template creates (a missing one is `notifier-not-subscribed`).
 */
export function judgeAlarm(
  target: { readonly logicalId: string; readonly name?: string },
  alarm: AlarmRead | undefined,
  topics: ReadonlyMap<string, TopicPath>,
  expected: readonly ExpectedNotifier[],
): DrillAlarm {
  const base = { logicalId: target.logicalId, name: target.name };
  if (!alarm) {
    const where = target.name ? `alarm ${target.name} (${target.logicalId})` : `alarm ${target.logicalId} (its name is not known: the stack's resources could not be read)`;
    return {
      ...base,
      found: false,
      topics: [],
      otherActions: [],
      delivers: false,
      findings: [{ code: 'alarm-not-found', message: `${where} of the stack's template is not in CloudWatch: deploy the stack, or check the Region` }],
    };
  }
  const findings: DrillFinding[] = [];
  const snsActions = alarm.alarmActions.filter((a) => a.split(':')[2] === 'sns');
  const otherActions = alarm.alarmActions.filter((a) => a.split(':')[2] !== 'sns');
  if (!alarm.actionsEnabled) findings.push({ code: 'actions-disabled', message: `alarm ${target.name}: actions are disabled, so going to ALARM notifies nobody. Enable them (EnableAlarmActions)` });
  if (snsActions.length === 0) {
    findings.push({
      code: 'no-sns-action',
      message: `alarm ${target.name} has no SNS topic among its alarm actions${otherActions.length ? ` (only ${otherActions.join(', ')}, which the drill does not follow)` : ''}: nobody is notified through a topic`,
    });
  }
  const judged = snsActions.map((arn) => {
    const t = topics.get(arn) ?? { arn, notifiers: [] };
    const topicFindings: DrillFinding[] = [];
    const j = judgeTopic(t, topicFindings, new Set());
    for (const e of expected.filter((x) => x.topicArn === arn)) {
      const live = (t.subscriptions ?? []).some((s) => s.protocol === 'lambda' && s.status === 'confirmed' && functionNameOf(s.endpoint) === e.functionName);
      if (t.subscriptions && !live) {
        topicFindings.push({
          code: 'notifier-not-subscribed',
          message: `the stack subscribes its notifier function ${e.functionName} to topic ${arn}, but the topic has no confirmed subscription of it: redeploy the stack`,
        });
      }
    }
    findings.push(...topicFindings);
    return j;
  });
  const delivers = alarm.actionsEnabled && judged.length > 0 && judged.every((t) => t.reachesPeople);
  return { ...base, found: true, state: alarm.state, actionsEnabled: alarm.actionsEnabled, topics: judged, otherActions, delivers, findings };
}
