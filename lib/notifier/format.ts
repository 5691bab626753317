// The messages people read: the plain-text email (SNS subject + body) and the chat notification (AWS Chatbot custom
// notification). Every value from a record or an alarm event is neutralised and quoted (`shown-value.ts`), so it can
// add no line, field, mention, link or formatting; the lines are made here only. Limits are met by listing fewer
// events, never by cutting text blindly, and the number of matching events not listed is always said.
import { AccountNames } from './account-names';
import { AlarmStateChange } from './alarm-event';
import { NotifierDetection } from './config';
import { alarmConsoleUrl, insightsConsoleUrl, insightsQuery } from './console-links';
import { DeploymentFinding } from './deployment';
import { LookupResult } from './event-lookup';
import { AccountOrigin, accountText, byAccount, lineOrigins, originsOf, subjectOrigins, subjectOriginsMin } from './event-origin';
import { clip, EventSummary, Principal, ShownField, summarizeEvent } from './event-summary';
import { chatText, neutralise } from './neutralise';
import { CHAT_STYLE, EMAIL_STYLE, hasShape, MAX_VALUE, quoted, quotedWithin, shaped, shapedWithin, ValueStyle } from './shown-value';
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
  /** For a tamper-protection detection with a configured deployment: which events the stack's deployment made. */
  readonly deployment?: DeploymentFinding;
  /** Friendly names of accounts by id (the configuration's `accountNames`). */
  readonly accountNames?: AccountNames;
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
/** Events listed in a chat message at most. */
export const MAX_CHAT_EVENTS = 10;
/** Characters of the chat notification's description at most. */
export const MAX_CHAT_DESCRIPTION = 3500;
/** Values listed per field at most (the rest are counted). */
const MAX_FIELD_VALUES = 10;
/** Code points of a state reason or an alarm description at most. */
const MAX_REASON = 1000;
/** Code points of a field value in a chat message at most (the email shows `MAX_VALUE`). */
const MAX_CHAT_VALUE = 80;
/** Characters of the "details missing" note and of the detection summary in a chat message at most. */
const MAX_CHAT_MISSING = 600;
const MAX_CHAT_SUMMARY = 1500;
/** Characters of the chat description's first line (where the events happened) at most. */
const MAX_CHAT_WHERE = 700;
/** The severity of an expected change made by the stack's own deployment. */
export const EXPECTED_CHANGE_SEVERITY = 'LOW';

/** The key that identifies one alarm state change across retries and duplicate deliveries. */
export function idempotencyKeyOf(change: AlarmStateChange): string {
  return `${change.alarmArn ?? `${change.accountId}:${change.alarmName}`}|${new Date(change.stateChangeTime).toISOString()}|${change.newState}`;
}

function utc(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}

function summaries(input: NotificationInput): EventSummary[] {
  const fields = input.detection?.fields ?? [];
  return (input.lookup?.events ?? []).map((e) => summarizeEvent(e.record, fields));
}

/**
 * The accounts the matching events happened in (`recipientAccountId`: the member accounts of an organization trail),
 * with their Regions, counted over every matching event found; none without a lookup or when nothing was found.
 */
function accountsOf(input: NotificationInput): AccountOrigin[] {
  const l = input.lookup;
  if (!l) return [];
  return byAccount(l.origins ?? originsOf(l.events.map((e) => e.record)));
}

/** The alarm's own account and Region (the deployment's, from the alarm event), said to be the alarm's. */
function alarmWhere(input: NotificationInput, style: ValueStyle): string {
  const { change } = input;
  const region = change.region ? `, ${shaped(change.region, 'region', style)}` : '';
  return `alarm in account ${accountText(change.accountId, input.accountNames, style, MAX_VALUE)}${region}`;
}

/** Whether the message is about matching events (an ALARM with a lookup) rather than about the alarm alone. */
function aboutEvents(input: NotificationInput): boolean {
  return input.change.newState === 'ALARM' && input.lookup !== undefined;
}

/** `n event(s)`, with `+` when the lookup did not finish. */
function countText(lookup: LookupResult): string {
  const n = lookup.matched;
  if (n === 0) return lookup.complete ? 'no matching events found' : 'details unavailable';
  const plus = lookup.complete ? '' : '+';
  return `${n}${plus} event${n === 1 && !plus ? '' : 's'}`;
}

/** The line that counts the matching events a message does not list; it survives every cut. */
export function notShownLine(notShown: number, complete: boolean): string {
  return `and ${complete ? '' : 'at least '}${notShown} more matching event${notShown === 1 ? '' : 's'} not shown`;
}

/** Whether the message is an expected-change report of the stack's own deployment (not paged). */
function isExpectedChange(input: NotificationInput): boolean {
  return input.change.newState === 'ALARM' && input.deployment?.allExpected === true;
}

/** A stack name within `width` characters: CloudFormation's shape shown bare, anything else quoted. */
function stackNameIn(name: string, style: ValueStyle, width: number): string {
  return /^[A-Za-z][-A-Za-z0-9]{0,127}$/.test(name) && name.length <= width ? name : quotedWithin(name, style, width);
}

/** The severity a message goes out with. */
export function severityOf(input: NotificationInput): string {
  if (isExpectedChange(input)) return EXPECTED_CHANGE_SEVERITY;
  return input.detection?.severity ?? 'ALARM';
}

/** A part of a subject that may be shortened to fit: rendered within `width` characters, never below `min`. */
interface SubjectPart {
  readonly render: (width: number) => string;
  readonly min: number;
}

/**
 * The subject in a style, under `MAX_SUBJECT` characters: the parts that may be shortened (title, stack, account) give
 * way, widest first; the state and the event count are never cut.
 */
function subjectIn(input: NotificationInput, style: ValueStyle): string {
  const { change, detection } = input;
  const titlePart: SubjectPart = detection
    ? { render: (w) => clip(neutralise(style === CHAT_STYLE ? md(detection.title) : detection.title), w), min: 10 }
    : { render: (w) => quotedWithin(change.alarmName, style, w), min: 12 };
  // the events' accounts and Regions; without events to name them, the alarm's own account, said to be the alarm's
  const accounts = accountsOf(input);
  const accountPart: SubjectPart = aboutEvents(input)
    ? { render: (w) => subjectOrigins(accounts, input.accountNames, style, w), min: subjectOriginsMin(accounts, style) }
    : { render: (w) => `, alarm in ${shapedWithin(change.accountId, 'account', style, Math.max(1, w - 11))}`, min: hasShape(change.accountId, 'account') ? 23 : 20 };
  let head: string;
  let suffix = '';
  const parts: Array<SubjectPart | string> = [];
  if (change.newState === 'OK') {
    head = '[RESOLVED]';
  } else if (change.newState === 'INSUFFICIENT_DATA') {
    head = '[INSUFFICIENT DATA]';
  } else {
    head = `[${neutralise(severityOf(input))}]`;
    suffix = input.lookup ? ` (${countText(input.lookup)})` : input.noLookupReason ? ' (details unavailable)' : '';
  }
  if (change.drill) parts.push('[DRILL] ');
  if (isExpectedChange(input)) {
    const stack = input.deployment!.stackName;
    parts.push(`${head} Expected change, deployment of `, { render: (w) => stackNameIn(stack, style, w), min: 10 }, ': ');
  } else {
    parts.push(`${head} `);
  }
  parts.push(titlePart, accountPart, suffix);
  const widths = parts.map((p) => (typeof p === 'string' ? p.length : MAX_SUBJECT));
  const render = () => parts.map((p, i) => (typeof p === 'string' ? p : p.render(widths[i]))).join('');
  // parts that reached the narrowest they can be
  const stuck = new Set<number>();
  for (let text = render(); ; text = render()) {
    const excess = text.length - MAX_SUBJECT;
    if (excess <= 0) return text;
    // the widest part that can still give way
    const lengths = parts.map((p, i) => (typeof p === 'string' ? -1 : p.render(widths[i]).length));
    const candidates = lengths.map((l, i) => [l, i] as const).filter(([l, i]) => l > (parts[i] as SubjectPart).min && !stuck.has(i));
    if (candidates.length === 0) return `${head}${suffix}`.slice(0, MAX_SUBJECT);
    // shrink the widest down to the next widest at most, so the parts give way in turn
    const [l, i] = candidates.reduce((a, b) => (b[0] > a[0] ? b : a));
    const next = Math.max(0, ...lengths.filter((_x, j) => j !== i));
    const step = l > next ? Math.min(excess, l - next) : Math.max(1, Math.ceil(excess / 2));
    const before = widths[i];
    widths[i] = Math.max((parts[i] as SubjectPart).min, l - step);
    if (widths[i] >= before) stuck.add(i);
  }
}

/** The email subject, within SNS's limits (no line break, no control character, fewer than 100 characters). */
export function formatSubject(input: NotificationInput): string {
  return subjectIn(input, EMAIL_STYLE);
}

function principalIn(p: Principal, style: ValueStyle): string {
  const kind = p.kind === undefined ? undefined : p.kind === 'root' || p.kind === 'unknown principal' ? p.kind : shaped(p.kind, 'identityType', style);
  const name = p.name === undefined ? undefined : quoted(p.name, style);
  return [kind, name].filter((x) => x !== undefined).join(' ');
}

function actionIn(e: EventSummary, style: ValueStyle, bold: (t: string) => string): string {
  const name = e.eventName ?? '?';
  if ((e.source === undefined || hasShape(e.source, 'source')) && (e.eventName === undefined || hasShape(e.eventName, 'eventName'))) {
    return bold(e.source ? `${e.source}:${name}` : name);
  }
  return quoted(e.source ? `${e.source}:${name}` : name, style);
}

function fieldIn(f: ShownField, style: ValueStyle, max: number = MAX_VALUE): string {
  const shown = f.values.slice(0, MAX_FIELD_VALUES).map((v) => (typeof v === 'string' ? quoted(v, style, max) : String(v)));
  const more = f.values.length - MAX_FIELD_VALUES;
  return `${f.label}: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

function deploymentMark(input: NotificationInput, expected: boolean | undefined, style: ValueStyle): string {
  if (!input.deployment || input.deployment.allExpected || !expected) return '';
  return ` (made by the deployment of ${stackNameIn(input.deployment.stackName, style, 128)})`;
}

/** Whether an event line names its account: when the events come from several accounts, or not from the alarm's. */
function showsAccount(input: NotificationInput, e: EventSummary): e is EventSummary & { account: string } {
  return !!e.account && (e.account !== input.change.accountId || accountsOf(input).length > 1);
}

/** One event in the email: its line and, when the detection's fields have values, a line of fields. */
function emailEventLines(input: NotificationInput, e: EventSummary, expected: boolean | undefined): string[] {
  const s = EMAIL_STYLE;
  const parts = [
    e.time === undefined ? '?' : shaped(e.time, 'time', s),
    actionIn(e, s, (t) => t),
    principalIn(e.principal, s),
    `from ${e.sourceIp === undefined ? '?' : shaped(e.sourceIp, 'sourceIp', s)}`,
    e.region === undefined ? '?' : shaped(e.region, 'region', s),
    e.errorCode ? `error ${shaped(e.errorCode, 'errorCode', s)}` : 'ok',
  ];
  if (showsAccount(input, e)) parts.push(`account ${accountText(e.account, input.accountNames, s, MAX_VALUE)}`);
  const lines = [`${parts.join('  ')}${deploymentMark(input, expected, s)}`];
  if (e.fields.length > 0) lines.push(`    ${e.fields.map((f) => fieldIn(f, s)).join('; ')}`);
  return lines;
}

/** The console links, made only from values of a checked shape (partition, Region) and encoded names. */
function links(input: NotificationInput): Array<[string, string]> {
  const { change } = input;
  if (!hasShape(change.region, 'region') || !hasShape(change.partition, 'partition')) return [];
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

/** What the message says about the stack's deployment, as the lines of a paragraph (none when nothing to say). */
function deploymentLines(input: NotificationInput, style: ValueStyle): string[] {
  const d = input.deployment;
  if (!d || input.change.newState !== 'ALARM' || d.expected === 0) return [];
  const stack = stackNameIn(d.stackName, style, 128);
  const services = d.invokedBy.map((x) => neutralise(x)).join(' or ');
  if (d.allExpected) {
    return [
      `Expected change: every matching event was made for the deployment of stack ${stack}, by its deployment role and ` +
        `invoked by ${services}, so it is reported at ${EXPECTED_CHANGE_SEVERITY} severity instead of paging. ` +
        `If nobody deployed ${stack} at that time, treat it as tampering: the deployment role itself may be misused.`,
    ];
  }
  const matched = input.lookup?.matched ?? d.expected;
  return [
    `Not only the deployment: ${d.expected} of ${matched}${input.lookup?.complete === false ? '+' : ''} matching events ` +
      `${d.expected === 1 ? 'was' : 'were'} made by the deployment of stack ${stack} (marked below); the others were not, so this pages as usual.`,
  ];
}

/** What on-call should do: the detection's advice, after a first step for an expected change. */
function adviceOf(input: NotificationInput, style: ValueStyle): string[] {
  const advice = [...(input.detection?.advice ?? [])];
  if (isExpectedChange(input)) {
    const stack = stackNameIn(input.deployment!.stackName, style, 128);
    advice.unshift(`Nothing to do if stack ${stack} was deployed at that time; if nobody deployed it, treat this as tampering.`);
  }
  return advice;
}

/**
 * Where the events of an ALARM happened, after the title: ` in account 111122223333 "prod" (us-east-1)`, ` in 2
 * accounts: ...`; with no event found ` in an unknown account: ...` and the alarm's own account, said to be the alarm's.
 */
function eventsWhere(input: NotificationInput, style: ValueStyle, maxChars = Infinity): string {
  const line = lineOrigins(accountsOf(input), input.accountNames, style, maxChars);
  if (line !== undefined) return ` in ${line}`;
  if (!input.lookup) return `, ${alarmWhere(input, style)} (the events were not looked up)`;
  return ` in an unknown account: no matching event was found to name it (${alarmWhere(input, style)})`;
}

/** The email body as blocks; `listed` events are shown, the rest counted. */
function emailBody(input: NotificationInput, events: readonly EventSummary[], listed: number): string[] {
  const { change, detection, lookup, window } = input;
  const s = EMAIL_STYLE;
  const title = detection?.title ?? quoted(change.alarmName, s);
  const lines: string[] = [];
  const alarm = alarmWhere(input, s);
  // a real-time message names its detection (known: it is in the configuration) and gives the notifier's own reason
  const realTime = change.source === 'real-time';
  const alarmName = realTime && detection?.id === change.alarmName ? detection.id : quoted(change.alarmName, s);
  const reasonText = realTime ? neutralise(change.reason) : quoted(change.reason, s, MAX_REASON);
  const reason = change.reason ? [`Reason: ${reasonText}`] : [];
  if (change.drill) {
    lines.push('DRILL: `cloudtrail-alarms drill` set this alarm, not a CloudTrail event; nothing to do. Who ran it and when:', `Reason: ${reasonText}`, '');
  }
  if (change.newState === 'OK') {
    lines.push(`${title}: resolved, ${alarm}.`, '');
    lines.push(`The alarm ${alarmName} returned to OK at ${utc(change.stateChangeTime)}.`, ...reason);
  } else if (change.newState === 'INSUFFICIENT_DATA') {
    lines.push(`${title}: the alarm ${alarmName} has insufficient data since ${utc(change.stateChangeTime)} (${alarm}).`, ...reason);
  } else {
    const where = eventsWhere(input, s);
    lines.push(isExpectedChange(input) ? `${title}${where}: an expected change by the deployment of stack ${stackNameIn(input.deployment!.stackName, s, 128)}.` : `${title}${where}.`, '');
    const dep = deploymentLines(input, s);
    if (dep.length > 0) lines.push(...dep, '');
    if (lookup && lookup.matched > 0 && window) {
      lines.push(
        change.source === 'real-time'
          ? `${countText(lookup)} matched the detection's EventBridge rule${lookup.matched > 1 ? ` from ${utc(window.evaluatedStartMs)} to ${utc(window.evaluatedEndMs)}` : ''}:`
          : `${countText(lookup)} matched the alarm's filter between ${utc(window.startMs)} and ${utc(window.endMs)}:`,
        '',
      );
      for (let i = 0; i < listed; i++) lines.push(...emailEventLines(input, events[i], lookup.events[i]?.expected));
      const notShown = lookup.matched - listed;
      if (notShown > 0) lines.push(`${notShownLine(notShown, lookup.complete)} (see the Logs Insights link).`);
      lines.push('');
    }
    const missing = missingDetails(input);
    if (missing) lines.push(`Details missing: ${clip(neutralise(missing), 2000)}`, '');
    if (detection) {
      lines.push('What happened', detection.summary, '');
      lines.push('What to do', ...adviceOf(input, s).map((a, i) => `${i + 1}. ${a}`), '');
    } else if (change.alarmDescription) {
      lines.push(`Alarm description: ${quoted(change.alarmDescription, s, MAX_REASON)}`, '');
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
        ? `EventBridge rule of ${alarmName} matched ${lookup!.matched} events from ${utc(window.evaluatedStartMs)} to ${utc(window.evaluatedEndMs)}.`
        : `EventBridge rule of ${alarmName} matched the event at ${utc(change.stateChangeTime)}.`
      : `Alarm ${alarmName}: ${change.oldState === undefined ? '?' : shaped(change.oldState, 'state', s)} -> ${change.newState} at ${utc(change.stateChangeTime)}.`,
    ...(change.newState === 'ALARM' ? reason : []),
    `Notification id: ${quoted(input.idempotencyKey, s, 600)}`,
  );
  return lines;
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * The plain-text email. It fits SNS's size limit by listing fewer events (the "and N more matching events not shown"
 * line counts them); only if the message is still too long are whole lines dropped from its end, with a note and
 * the count kept.
 */
export function formatEmail(input: NotificationInput): EmailMessage {
  const events = summaries(input);
  let listed = events.length;
  let body = emailBody(input, events, listed).join('\n');
  while (bytes(body) > MAX_BODY_BYTES && listed > 0) {
    // drop events from the end, by as many as the excess suggests (at least one)
    const excess = bytes(body) - MAX_BODY_BYTES;
    const perEvent = Math.max(1, Math.floor(bytes(body) / (listed + 4)));
    listed = Math.max(0, listed - Math.max(1, Math.ceil(excess / perEvent)));
    body = emailBody(input, events, listed).join('\n');
  }
  if (bytes(body) > MAX_BODY_BYTES) body = cutLines(body, MAX_BODY_BYTES, input.lookup);
  return { subject: formatSubject(input), body };
}

/**
 * The body that forwards a message that is no alarm (someone published to the alarm topic, or the real-time queue got
 * a body that is no detection rule's input): it says so, and gives the message as one quoted, neutralised value, cut to
 * SNS's size limit with the cut said.
 */
export function formatForward(message: string, where: string): string {
  const head = `A message that is not a CloudWatch alarm notification reached ${where}. It is forwarded as one quoted value ` +
    '(control and invisible characters escaped):';
  let max = message.length;
  for (;;) {
    const value = quoted(message, EMAIL_STYLE, max);
    const cut = value.endsWith('"…');
    const body = `${head}\n\n${value}${cut ? `\n\n[message cut to SNS's size limit: the first ${max} characters are shown]` : ''}`;
    if (bytes(body) <= MAX_BODY_BYTES || max === 0) return body;
    max = Math.floor(max * Math.min(0.95, MAX_BODY_BYTES / bytes(body)));
  }
}

/** Whole lines from the start that fit `max` bytes, a note, and the count of the events not shown. */
function cutLines(text: string, max: number, lookup: LookupResult | undefined): string {
  const note = `[message cut to SNS's size limit]${lookup && lookup.matched > 0 ? `\n${notShownLine(lookup.matched, lookup.complete)}.` : ''}`;
  const out: string[] = [];
  let size = bytes(note) + 1;
  for (const line of text.split('\n')) {
    const n = bytes(line) + 1;
    if (size + n > max) break;
    out.push(line);
    size += n;
  }
  return [...out, note].join('\n');
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

/** The notifier's own text (detection summaries and titles) made inert for markdown. */
function md(text: string): string {
  return text.replace(/[`*_~]/g, (c) => `\\${c}`);
}

/** One event in the chat message, on one line. */
function chatEventLine(input: NotificationInput, e: EventSummary, expected: boolean | undefined, withFields: boolean): string {
  const s = CHAT_STYLE;
  const code = (t: string) => `\`${t}\``;
  const time = e.time !== undefined && hasShape(e.time, 'time') ? code(e.time) : e.time === undefined ? '?' : quoted(e.time, s, MAX_CHAT_VALUE);
  const ip = e.sourceIp !== undefined && hasShape(e.sourceIp, 'sourceIp') ? code(e.sourceIp) : e.sourceIp === undefined ? '?' : quoted(e.sourceIp, s, MAX_CHAT_VALUE);
  const region = e.region === undefined ? '?' : shaped(e.region, 'region', s, MAX_CHAT_VALUE);
  const error = e.errorCode ? ` error ${hasShape(e.errorCode, 'errorCode') ? code(e.errorCode) : quoted(e.errorCode, s, MAX_CHAT_VALUE)}` : '';
  const account = showsAccount(input, e) ? ` account ${accountText(e.account, input.accountNames, s, MAX_CHAT_VALUE)}` : '';
  const fields = withFields && e.fields.length > 0 ? ` (${e.fields.map((f) => fieldIn(f, s, MAX_CHAT_VALUE)).join('; ')})` : '';
  return `• ${time} ${actionIn(e, s, (t) => `*${t}*`)} by ${principalIn(e.principal, s)} from ${ip} in ${region}${error}${account}${fields}${deploymentMark(input, expected, s)}`;
}

/**
 * The chat description: the events that fit `MAX_CHAT_DESCRIPTION` (at most `MAX_CHAT_EVENTS`), the count of those
 * not shown, what is missing, and the detection's summary.
 */
function chatDescription(input: NotificationInput): string {
  const { change, detection, lookup } = input;
  if (change.newState !== 'ALARM') {
    return `The alarm ${quoted(change.alarmName, CHAT_STYLE)} changed to ${change.newState} at ${new Date(change.stateChangeTime).toISOString()}.`;
  }
  const events = summaries(input);
  const dep = deploymentLines(input, CHAT_STYLE);
  const missing = missingDetails(input);
  // bounded, so the events always have room: both are prose, escaped character by character, safe to cut anywhere
  const tail = [
    ...(missing ? [`_Details missing: ${clip(chatText(missing), MAX_CHAT_MISSING)}_`] : []),
    ...(detection ? ['', clip(md(detection.summary), MAX_CHAT_SUMMARY)] : []),
  ];
  const matched = lookup?.matched ?? 0;
  const complete = lookup?.complete ?? true;
  // room for the count line at its longest, whatever is listed
  const countRoom = notShownLine(Math.max(matched, 1), complete).length + 1;
  // first, where the events happened (bounded, so the events keep their room)
  const head = `Events${eventsWhere(input, CHAT_STYLE, MAX_CHAT_WHERE)}.`;
  const fixed = [head, ...dep, ...tail].join('\n').length + (dep.length > 0 ? 2 : 0) + countRoom;
  const lines: string[] = [];
  let size = fixed;
  let listed = 0;
  for (const [i, e] of events.slice(0, MAX_CHAT_EVENTS).entries()) {
    // whole event lines; only a first event too long with its fields is listed without them (the email has them)
    const expected = lookup?.events[i]?.expected;
    const full = chatEventLine(input, e, expected, true);
    const line = size + full.length + 1 <= MAX_CHAT_DESCRIPTION || listed > 0 ? full : chatEventLine(input, e, expected, false);
    if (size + line.length + 1 > MAX_CHAT_DESCRIPTION) break;
    lines.push(line);
    size += line.length + 1;
    listed++;
  }
  const notShown = matched - listed;
  const out = [head, ...(dep.length > 0 ? [...dep, ''] : []), ...lines, ...(notShown > 0 && matched > 0 ? [notShownLine(notShown, complete)] : []), ...tail];
  return out.join('\n');
}

/** The chat notification of the same state change, in Chatbot's custom notification format. */
export function formatChatbot(input: NotificationInput): ChatbotNotification {
  const { change, detection, lookup, window } = input;
  const subject = subjectIn(input, CHAT_STYLE);
  const icon = isExpectedChange(input) ? ':information_source:' : change.newState === 'OK' ? ':white_check_mark:' : change.newState === 'ALARM' ? ':rotating_light:' : ':grey_question:';
  const nextSteps = change.newState === 'ALARM' ? adviceOf(input, CHAT_STYLE) : [];
  // plain URLs: Slack and Teams both link them, while their link markdown differs
  for (const [name, url] of links(input)) nextSteps.push(`${name}: ${url}`);
  const account = hasShape(change.accountId, 'account') ? change.accountId : chatText(change.accountId);
  const context: Record<string, string> = { alarmName: chatText(change.alarmName), state: change.newState, account };
  if (detection) context.detection = detection.id;
  if (change.drill) context.drill = 'true';
  if (window) context.window = `${new Date(window.startMs).toISOString()}/${new Date(window.endMs).toISOString()}`;
  if (lookup) context.events = String(lookup.matched);
  // the accounts of the events, apart from `account`, the alarm's own
  if (change.newState === 'ALARM' && lookup) {
    const accounts = accountsOf(input);
    context.eventAccounts = accounts.length === 0 ? 'unknown' : accounts.slice(0, 10).map((a) => `${accountText(a.account, undefined, CHAT_STYLE)}: ${a.count}`).join(', ') +
      (accounts.length > 10 ? `, and ${accounts.length - 10} more` : '');
  }
  if (input.deployment && change.newState === 'ALARM') {
    context.deployment = input.deployment.allExpected ? 'expected' : `${input.deployment.expected} of ${lookup?.matched ?? 0} by the deployment`;
  }
  return {
    version: '1.0',
    source: 'custom',
    id: neutralise(input.idempotencyKey),
    content: {
      textType: 'client-markdown',
      title: `${icon} ${subject}`,
      description: chatDescription(input),
      nextSteps,
      keywords: [severityOf(input), detection?.id ?? chatText(change.alarmName), account],
    },
    metadata: {
      threadId: neutralise(change.alarmArn ?? change.alarmName),
      summary: subject,
      eventType: 'CloudWatch Alarm State Change',
      relatedResources: change.alarmArn ? [chatText(change.alarmArn)] : [],
      additionalContext: context,
    },
  };
}
