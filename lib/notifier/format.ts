import { AlarmStateChange } from './alarm-event';
import { NotifierDetection } from './config';
import { alarmConsoleUrl, insightsConsoleUrl, insightsQuery } from './console-links';
import { LookupResult } from './event-lookup';
import { clip, EventSummary, summarizeEvent } from './event-summary';
import { LookupWindow } from './window';

/** Everything a message is made from. */
export interface NotificationInput {
  readonly change: AlarmStateChange;
  /** The detection the alarm belongs to; undefined for an alarm the notifier was not configured for. */
  readonly detection?: NotifierDetection;
  /** The events found; undefined when no lookup was made (OK, unknown alarm). */
  readonly lookup?: LookupResult;
  /** Why no lookup was made although the alarm is in ALARM. */
  readonly noLookupReason?: string;
  readonly window?: LookupWindow;
  readonly logGroupName?: string;
  /** Alarm ARN (or name) + state change time + new state: the same for every retry of one state change. */
  readonly idempotencyKey: string;
}

/** A plain-text email: an SNS Publish with a Subject. */
export interface EmailMessage {
  readonly subject: string;
  readonly body: string;
}

/** SNS allows a Subject of fewer than 100 characters, without line breaks or control characters. */
export const MAX_SUBJECT = 99;
/** SNS allows 262,144 bytes per message; leave room for the envelope. */
export const MAX_BODY_BYTES = 250_000;
const MAX_CHAT_EVENTS = 10;
const MAX_CHAT_DESCRIPTION = 3500;

/** The key that identifies one alarm state change across retries and duplicate deliveries. */
export function idempotencyKeyOf(change: AlarmStateChange): string {
  return `${change.alarmArn ?? `${change.accountId}:${change.alarmName}`}|${new Date(change.stateChangeTime).toISOString()}|${change.newState}`;
}

function utc(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}

function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
}

function summaries(input: NotificationInput): EventSummary[] {
  const fields = input.detection?.fields ?? [];
  return (input.lookup?.events ?? []).map((e) => summarizeEvent(e.record, fields));
}

/** The account the events happened in: the member account for organization trails, else the alarm's account. */
function accountOf(input: NotificationInput, events: readonly EventSummary[]): string {
  const accounts = [...new Set(events.map((e) => e.account).filter((a): a is string => !!a))];
  if (accounts.length > 1) return `${accounts.length} accounts`;
  return accounts[0] ?? input.change.accountId;
}

function countText(lookup: LookupResult): string {
  const n = lookup.matched;
  if (n === 0) return lookup.complete ? 'no matching events found' : 'details unavailable';
  const plus = lookup.complete ? '' : '+';
  return `${n}${plus} event${n === 1 && !plus ? '' : 's'}`;
}

/** The email subject, within SNS's limits. */
export function formatSubject(input: NotificationInput): string {
  const { change, detection } = input;
  const title = detection?.title ?? change.alarmName;
  const events = summaries(input);
  const account = accountOf(input, events);
  let prefix: string;
  let suffix: string;
  if (change.newState === 'OK') {
    prefix = '[RESOLVED]';
    suffix = '';
  } else if (change.newState === 'INSUFFICIENT_DATA') {
    prefix = '[INSUFFICIENT DATA]';
    suffix = '';
  } else {
    prefix = `[${detection?.severity ?? 'ALARM'}]`;
    suffix = input.lookup ? ` (${countText(input.lookup)})` : input.noLookupReason ? ' (details unavailable)' : '';
  }
  const fixed = `${prefix}  in ${account}${suffix}`;
  return oneLine(`${prefix} ${clip(oneLine(title), Math.max(10, MAX_SUBJECT - fixed.length))} in ${account}${suffix}`).slice(0, MAX_SUBJECT);
}

function eventLine(e: EventSummary, alarmAccount: string): string {
  const parts = [e.time, e.action, e.principal, `from ${e.sourceIp}`, e.region, e.errorCode ? `error ${e.errorCode}` : 'ok'];
  if (e.account && e.account !== alarmAccount) parts.push(`account ${e.account}`);
  return clip(parts.join('  '), 400);
}

function links(input: NotificationInput): Array<[string, string]> {
  const { change } = input;
  if (!change.region) return [];
  // a real-time event has no alarm to link to
  const out: Array<[string, string]> = change.source === 'real-time' ? [] : [['Alarm', alarmConsoleUrl(change.partition, change.region, change.alarmName)]];
  if (input.detection && input.logGroupName && input.window) {
    const q = insightsQuery(input.detection.pattern);
    out.push(['Logs Insights', insightsConsoleUrl(change.partition, change.region, input.logGroupName, q, input.window.startMs, input.window.endMs)]);
  }
  return out;
}

/** Why the message has fewer details than usual, or undefined when it has them all. */
export function missingDetails(input: NotificationInput): string | undefined {
  const l = input.lookup;
  if (input.change.newState !== 'ALARM') return undefined;
  if (!l) return input.noLookupReason;
  if (l.failure) {
    const found = l.matched > 0 ? ` The ${l.matched} event${l.matched === 1 ? '' : 's'} found before that are listed.` : '';
    return `The events could not all be looked up: ${l.failure.message}.${found}`;
  }
  if (!l.complete) return `The lookup ${l.stoppedBecause}; there may be more events than listed.`;
  if (l.matched === 0) {
    return 'No log event in the window matched the filter. CloudTrail may not have delivered them yet, or they are outside the window: use the Logs Insights link.';
  }
  return undefined;
}

/** The plain-text email. */
export function formatEmail(input: NotificationInput): EmailMessage {
  const { change, detection, lookup, window } = input;
  const title = detection?.title ?? change.alarmName;
  const events = summaries(input);
  const lines: string[] = [];
  const where = `account ${accountOf(input, events)}${change.region ? ` (${change.region})` : ''}`;
  if (change.newState === 'OK') {
    lines.push(`${title}: resolved in ${where}.`, '');
    lines.push(`The alarm ${change.alarmName} returned to OK at ${utc(change.stateChangeTime)}.`);
    if (change.reason) lines.push(`Reason: ${oneLine(change.reason)}`);
  } else if (change.newState === 'INSUFFICIENT_DATA') {
    lines.push(`${title}: the alarm ${change.alarmName} has insufficient data since ${utc(change.stateChangeTime)} (${where}).`);
    if (change.reason) lines.push(`Reason: ${oneLine(change.reason)}`);
  } else {
    lines.push(`${title} in ${where}.`, '');
    if (lookup && lookup.matched > 0 && window) {
      lines.push(
        change.source === 'real-time'
          ? `${countText(lookup)} matched the detection's EventBridge rule${lookup.matched > 1 ? ` from ${utc(window.evaluatedStartMs)} to ${utc(window.evaluatedEndMs)}` : ''}:`
          : `${countText(lookup)} matched the alarm's filter between ${utc(window.startMs)} and ${utc(window.endMs)}:`,
        '',
      );
      for (const e of events) {
        lines.push(eventLine(e, change.accountId));
        if (e.fields.length > 0) lines.push(`    ${clip(e.fields.map((f) => `${f.label}: ${f.value}`).join('; '), 600)}`);
      }
      const more = lookup.matched - events.length;
      if (more > 0) lines.push(`and ${more} more${lookup.complete ? '' : ' (or more)'} (see the Logs Insights link).`);
      lines.push('');
    }
    const missing = missingDetails(input);
    if (missing) lines.push(`Details missing: ${missing}`, '');
    if (detection) {
      lines.push('What happened', detection.summary, '');
      lines.push('What to do', ...detection.advice.map((a, i) => `${i + 1}. ${a}`), '');
    } else if (change.alarmDescription) {
      lines.push(change.alarmDescription, '');
    }
  }
  const l = links(input);
  if (l.length > 0) {
    if (lines[lines.length - 1] !== '') lines.push('');
    for (const [name, url] of l) lines.push(`${name}: ${url}`);
  }
  lines.push(
    '',
    change.source === 'real-time'
      ? (lookup?.matched ?? 1) > 1 && window
        ? `EventBridge rule of ${change.alarmName} matched ${lookup!.matched} events from ${utc(window.evaluatedStartMs)} to ${utc(window.evaluatedEndMs)}.`
        : `EventBridge rule of ${change.alarmName} matched the event at ${utc(change.stateChangeTime)}.`
      : `Alarm ${change.alarmName}: ${change.oldState ?? '?'} -> ${change.newState} at ${utc(change.stateChangeTime)}.`,
    ...(change.newState === 'ALARM' && change.reason ? [`Reason: ${oneLine(change.reason)}`] : []),
    `Notification id: ${input.idempotencyKey}`,
  );
  return { subject: formatSubject(input), body: fitBytes(lines.join('\n'), MAX_BODY_BYTES) };
}

function fitBytes(text: string, max: number): string {
  if (new TextEncoder().encode(text).length <= max) return text;
  let cut = text.slice(0, max);
  while (new TextEncoder().encode(cut).length > max - 40) cut = cut.slice(0, Math.floor(cut.length * 0.95));
  return `${cut}\n[message cut to SNS's size limit]`;
}

/** An AWS Chatbot (Amazon Q Developer in chat applications) custom notification. */
export interface ChatbotNotification {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id: string;
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps: readonly string[];
    readonly keywords: readonly string[];
  };
  readonly metadata: {
    readonly threadId: string;
    readonly summary: string;
    readonly eventType: string;
    readonly relatedResources: readonly string[];
    readonly additionalContext: Readonly<Record<string, string>>;
  };
}

function md(text: string): string {
  return text.replace(/[`*_~]/g, (c) => `\\${c}`);
}

/** The chat notification of the same state change, in Chatbot's custom notification format. */
export function formatChatbot(input: NotificationInput): ChatbotNotification {
  const { change, detection, lookup, window } = input;
  const subject = formatSubject(input);
  const icon = change.newState === 'OK' ? ':white_check_mark:' : change.newState === 'ALARM' ? ':rotating_light:' : ':grey_question:';
  const events = summaries(input);
  const lines: string[] = [];
  if (change.newState === 'ALARM') {
    for (const e of events.slice(0, MAX_CHAT_EVENTS)) {
      const extra = e.fields.length > 0 ? ` (${e.fields.map((f) => `${f.label}: ${f.value}`).join('; ')})` : '';
      lines.push(
        `• \`${e.time}\` *${md(e.action)}* by \`${e.principal}\` from \`${e.sourceIp}\` in ${e.region}${e.errorCode ? ` error \`${e.errorCode}\`` : ''}${md(extra)}`,
      );
    }
    const more = (lookup?.matched ?? 0) - Math.min(events.length, MAX_CHAT_EVENTS);
    if (more > 0) lines.push(`and ${more} more`);
    const missing = missingDetails(input);
    if (missing) lines.push(`_Details missing: ${md(missing)}_`);
    if (detection) lines.push('', md(detection.summary));
  } else {
    lines.push(`The alarm ${md(change.alarmName)} changed to ${change.newState} at ${new Date(change.stateChangeTime).toISOString()}.`);
  }
  const nextSteps = change.newState === 'ALARM' ? [...(detection?.advice ?? [])] : [];
  // plain URLs: Slack and Teams both link them, while their link markdown differs
  for (const [name, url] of links(input)) nextSteps.push(`${name}: ${url}`);
  const context: Record<string, string> = { alarmName: change.alarmName, state: change.newState, account: change.accountId };
  if (detection) context.detection = detection.id;
  if (window) context.window = `${new Date(window.startMs).toISOString()}/${new Date(window.endMs).toISOString()}`;
  if (lookup) context.events = String(lookup.matched);
  return {
    version: '1.0',
    source: 'custom',
    id: input.idempotencyKey,
    content: {
      textType: 'client-markdown',
      title: `${icon} ${subject}`,
      description: clip(lines.join('\n'), MAX_CHAT_DESCRIPTION),
      nextSteps,
      keywords: [detection?.severity ?? change.newState, detection?.id ?? change.alarmName, change.accountId],
    },
    metadata: {
      threadId: change.alarmArn ?? change.alarmName,
      summary: subject,
      eventType: 'CloudWatch Alarm State Change',
      relatedResources: change.alarmArn ? [change.alarmArn] : [],
      additionalContext: context,
    },
  };
}
