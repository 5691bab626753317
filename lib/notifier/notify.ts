import { AlarmEventError, AlarmStateChange, parseAlarmInput } from './alarm-event';
import { detectionForMetric, gradedTwinOf, NotifierConfig, NotifierDetection } from './config';
import { deploymentFinding, deploymentTest, isTamperProtection } from './deployment';
import { FilterLogEvents, LookupResult, lookUpEvents } from './event-lookup';
import { formatChatbot, formatEmail, formatForward, idempotencyKeyOf, NotificationInput } from './format';
import { quoteValue } from './neutralise';
import { isRealTime, prepareRealTime, RealTimeInput } from './real-time';
import { deriveWindow } from './window';

/** One SNS Publish the notifier makes. */
export interface Publication {
  readonly kind: 'email' | 'chatbot' | 'forward';
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
  readonly idempotencyKey: string;
}

/** Publishes one message; rejects when SNS refuses it (after the SDK's own retries). */
export type Publish = (publication: Publication) => Promise<void>;

/** Where the notifier reads events and what it knows; the function builds it from its environment. */
export interface NotifierContext {
  readonly config: NotifierConfig;
  /** The trail's log group; without it no lookup is made (the message says so). */
  readonly logGroupName?: string;
  readonly topicArns: readonly string[];
  readonly filterLogEvents?: FilterLogEvents;
  readonly now: () => number;
  /** Epoch ms by which the lookup must end, leaving time to publish. */
  readonly lookupDeadline: () => number;
}

/** The result of handling one state change. */
export interface NotifyOutcome {
  readonly idempotencyKey: string;
  readonly detectionId?: string;
  readonly state?: string;
  readonly published: readonly Publication[];
  readonly duplicate: boolean;
  readonly lookup?: Omit<LookupResult, 'events'>;
  readonly errors: readonly string[];
  /** Why nothing was published on purpose (the alarm of a graded twin, which exists for the graders only). */
  readonly muted?: string;
}

/** Thrown when nothing could be published: the invocation fails and Lambda retries it (nothing was sent yet). */
export class NothingPublishedError extends Error {
  constructor(message: string) {
    super(message);
    Object.setPrototypeOf(this, NothingPublishedError.prototype);
  }
}

/**
 * Looks up the events behind a state change (ALARM only) and returns what the messages are made of. Never throws on
 * lookup problems: they end up in the message.
 */
export async function prepareNotification(change: AlarmStateChange, ctx: NotifierContext): Promise<NotificationInput> {
  const detection = detectionForMetric(ctx.config, change.metricNamespace, change.metricName);
  const idempotencyKey = idempotencyKeyOf(change);
  const names = ctx.config.accountNames ? { accountNames: ctx.config.accountNames } : {};
  const base = { change, detection, logGroupName: ctx.logGroupName, idempotencyKey, ...names };
  if (change.newState !== 'ALARM') return base;
  if (!detection) {
    return {
      ...base,
      // the metric's names come from the alarm event: quoted, as every value a caller can write
      noLookupReason: `the alarm watches the metric ${quoteValue(change.metricNamespace ?? '?')} ${quoteValue(change.metricName ?? '?')}, which is not one of the notifier's detections`,
    };
  }
  const window = deriveWindow(change, ctx.config.marginSeconds * 1000, ctx.now());
  if (!ctx.logGroupName || !ctx.filterLogEvents) return { ...base, window, noLookupReason: 'no log group to look the events up in' };
  // tamper protection: the stack's own deployment makes the same calls an intruder would; tell them apart
  const deployment = isTamperProtection(detection.id) ? ctx.config.deployment : undefined;
  const lookup = await lookUpEvents(
    ctx.filterLogEvents,
    ctx.logGroupName,
    detection.pattern,
    window,
    {
      maxListed: ctx.config.maxListedEvents,
      maxScanned: ctx.config.maxScannedEvents,
      maxPages: ctx.config.maxPages,
      deadlineMs: ctx.lookupDeadline(),
      now: ctx.now,
    },
    deployment ? deploymentTest(deployment) : undefined,
  );
  if (!deployment) return { ...base, window, lookup };
  const finding = deploymentFinding(deployment, { matched: lookup.matched, expected: lookup.expected ?? 0, complete: lookup.complete });
  return { ...base, window, lookup, deployment: finding };
}

/**
 * The SNS publications of a prepared notification: the email, and the chat notification where one is configured.
 * An expected change made by the stack's own deployment goes to the deployment's (low-severity) topics instead of
 * the detection's.
 */
export function publicationsFor(input: NotificationInput, ctx: Pick<NotifierContext, 'config' | 'topicArns'>): Publication[] {
  const d: NotifierDetection | undefined = input.detection;
  const expected = input.change.newState === 'ALARM' && input.deployment?.allExpected === true && ctx.config.deployment !== undefined;
  const emailTopic = expected ? ctx.config.deployment!.topic : d ? d.topic : ctx.config.fallbackTopic;
  const chatTopic = expected ? ctx.config.deployment!.chatbotTopic : d ? d.chatbotTopic : ctx.config.fallbackChatbotTopic;
  const email = formatEmail(input);
  const out: Publication[] = [
    { kind: 'email', topicArn: ctx.topicArns[emailTopic], subject: email.subject, message: email.body, idempotencyKey: input.idempotencyKey },
  ];
  if (chatTopic !== undefined) {
    out.push({ kind: 'chatbot', topicArn: ctx.topicArns[chatTopic], message: JSON.stringify(formatChatbot(input)), idempotencyKey: input.idempotencyKey });
  }
  return out;
}

type Item = { change: AlarmStateChange } | { raw: string; key: string } | { realTime: RealTimeInput };

function items(input: unknown): Item[] {
  const records = typeof input === 'object' && input !== null ? (input as { Records?: unknown }).Records : undefined;
  if (isRealTime(input)) return [{ realTime: input }];
  if (!Array.isArray(records)) return parseAlarmInput(input).map((change) => ({ change }));
  return records.map((r, i) => {
    try {
      return { change: parseAlarmInput({ Records: [r] })[0] };
    } catch (e) {
      if (!(e instanceof AlarmEventError)) throw e;
      // not an alarm: someone published to the alarm topic; forward it rather than lose it
      const sns = (r as { Sns?: { Message?: unknown; MessageId?: string } })?.Sns;
      return { raw: typeof sns?.Message === 'string' ? sns.Message : JSON.stringify(r), key: sns?.MessageId ?? `record-${i}` };
    }
  });
}

/** Publishes each message; a failure is recorded (kind, topic, error) and does not stop the others. */
export async function publishEach(pubs: readonly Publication[], publish: Publish): Promise<{ done: Publication[]; errors: string[] }> {
  const done: Publication[] = [];
  const errors: string[] = [];
  for (const p of pubs) {
    try {
      await publish(p);
      done.push(p);
    } catch (e) {
      errors.push(`${p.kind} to ${p.topicArn}: ${(e as Error).name ?? 'Error'}: ${(e as Error).message}`);
    }
  }
  return { done, errors };
}

/**
 * Handles an invocation: every state change in it is looked up, formatted and published.
 *
 * Retries never send twice: a state change whose idempotency key is in `published` is skipped; after anything was
 * published for a state change the handler does not throw (a throw would make Lambda retry and send it again), it
 * reports the failed publications in the outcome instead. It throws only when nothing at all could be published for a
 * state change, so the retry (Lambda's, then the dead-letter queue) has nothing to duplicate.
 */
export async function notify(input: unknown, ctx: NotifierContext, publish: Publish, published: Set<string>): Promise<NotifyOutcome[]> {
  const outcomes: NotifyOutcome[] = [];
  const failures: string[] = [];
  for (const item of items(input)) {
    let key: string;
    let pubs: Publication[];
    let detectionId: string | undefined;
    let state: string | undefined;
    let lookup: LookupResult | undefined;
    if ('realTime' in item) {
      const prepared = prepareRealTime([item.realTime], ctx);
      key = prepared.idempotencyKey;
      state = 'ALARM';
      detectionId = prepared.detection?.id;
      pubs = publicationsFor(prepared, ctx);
    } else if ('raw' in item) {
      key = `forward|${item.key}`;
      pubs = [{ kind: 'forward', topicArn: ctx.topicArns[ctx.config.fallbackTopic], subject: 'Message on the CloudTrail alarm topic', message: formatForward(item.raw, 'the alarm topic'), idempotencyKey: key }];
    } else {
      key = idempotencyKeyOf(item.change);
      state = item.change.newState;
      if (published.has(key)) {
        outcomes.push({ idempotencyKey: key, state, published: [], duplicate: true, errors: [] });
        continue;
      }
      const twinOf = gradedTwinOf(ctx.config, item.change.metricNamespace, item.change.metricName);
      if (twinOf) {
        outcomes.push({
          idempotencyKey: key,
          detectionId: twinOf.id,
          state,
          published: [],
          duplicate: false,
          errors: [],
          muted: `graded twin of '${twinOf.id}': its alarm exists for the graders; the tuned alarm (metric ${twinOf.metricName}) notifies people`,
        });
        continue;
      }
      const prepared = await prepareNotification(item.change, ctx);
      detectionId = prepared.detection?.id;
      lookup = prepared.lookup;
      pubs = publicationsFor(prepared, ctx);
    }
    if (published.has(key)) {
      outcomes.push({ idempotencyKey: key, state, published: [], duplicate: true, errors: [] });
      continue;
    }
    const { done, errors } = await publishEach(pubs, publish);
    if (done.length > 0) published.add(key);
    else failures.push(`${key}: ${errors.join('; ')}`);
    const { events: _events, ...lookupStats } = lookup ?? ({ events: [] } as unknown as LookupResult);
    outcomes.push({ idempotencyKey: key, detectionId, state, published: done, duplicate: false, lookup: lookup ? lookupStats : undefined, errors });
  }
  if (failures.length > 0 && outcomes.every((o) => o.published.length === 0)) {
    throw new NothingPublishedError(`nothing was published: ${failures.join(' | ')}`);
  }
  return outcomes;
}
