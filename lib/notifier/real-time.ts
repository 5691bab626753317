// The real-time path: events an EventBridge detection rule matched, delivered one by one (a Lambda target) or in
// batches through the real-time queue (an SQS event source). The record is in the input, so no lookup is made; when
// many events of one detection arrive at once they go out as one digest instead of one message each.
import { AlarmStateChange } from './alarm-event';
import { NotifierConfig } from './config';
import { deploymentFinding, deploymentTest, isTamperProtection } from './deployment';
import { MatchedEvent } from './event-lookup';
import { originsOf } from './event-origin';
import { NotificationInput } from './format';

/** `source` of the input the EventBridge detection rules send (set by DetectionRules). */
export const REAL_TIME_SOURCE = 'cdk-cloudtrail-alarms.real-time';

/** What an EventBridge detection rule sends: the detection id and the event with its CloudTrail record. */
export interface RealTimeInput {
  readonly source: typeof REAL_TIME_SOURCE;
  readonly detectionId: string;
  readonly event: { readonly id?: string; readonly time?: string; readonly region?: string; readonly account?: string; readonly detail?: unknown };
}

export function isRealTime(input: unknown): input is RealTimeInput {
  return (
    typeof input === 'object' &&
    input !== null &&
    (input as { source?: unknown }).source === REAL_TIME_SOURCE &&
    typeof (input as { detectionId?: unknown }).detectionId === 'string'
  );
}

function recordOf(input: RealTimeInput): Record<string, unknown> {
  const detail = input.event?.detail;
  return (typeof detail === 'object' && detail !== null && !Array.isArray(detail) ? detail : {}) as Record<string, unknown>;
}

function timeOf(input: RealTimeInput): number {
  return Date.parse(input.event?.time ?? '') || Date.parse(String(recordOf(input).eventTime ?? '')) || 0;
}

/** The key of one matched event: the detection and the record's eventID (the same for a forwarded copy). */
export function realTimeKeyOf(input: RealTimeInput): string {
  const record = recordOf(input);
  const eventId = typeof record.eventID === 'string' ? record.eventID : input.event?.id ?? '?';
  return `${input.detectionId}|${eventId}`;
}

/**
 * The message of events of one detection that EventBridge rules matched: one event, or a digest of several. The
 * key of a single event is `realTimeKeyOf` (so a forwarded copy of it is not sent twice); a digest's key names its
 * first event and its size.
 */
export function prepareRealTime(
  inputs: readonly RealTimeInput[],
  ctx: { readonly config: NotifierConfig; readonly logGroupName?: string },
  reason?: string,
): NotificationInput {
  if (inputs.length === 0) throw new Error('internal: prepareRealTime needs at least one event');
  const first = inputs[0];
  const times = inputs.map(timeOf);
  const start = Math.min(...times);
  const end = Math.max(...times);
  const detection = ctx.config.detections.find((d) => d.id === first.detectionId);
  // tamper protection: every event of the batch is tested against the stack's own deployment, listed or not
  const deployment = isTamperProtection(detection?.id) ? ctx.config.deployment : undefined;
  const test = deployment ? deploymentTest(deployment) : undefined;
  const expected = test ? inputs.map((i) => test(recordOf(i))) : undefined;
  // a message lists `maxListedEvents` and counts the rest, as after a lookup
  const events: MatchedEvent[] = inputs.slice(0, Math.max(1, ctx.config.maxListedEvents)).map((i, n) => {
    const record = recordOf(i);
    return { record, eventId: typeof record.eventID === 'string' ? record.eventID : i.event?.id ?? '?', ...(expected ? { expected: expected[n] } : {}) };
  });
  const expectedCount = expected?.filter((e) => e).length;
  const accounts = [...new Set(inputs.map((i) => i.event?.account).filter((a): a is string => !!a))];
  const regions = [...new Set(inputs.map((i) => i.event?.region).filter((r): r is string => !!r))];
  const change: AlarmStateChange = {
    alarmName: first.detectionId,
    accountId: accounts[0] ?? String(recordOf(first).recipientAccountId ?? '?'),
    region: regions.length === 1 ? regions[0] : first.event?.region,
    partition: 'aws',
    newState: 'ALARM',
    stateChangeTime: end,
    reason: reason ?? 'An EventBridge rule matched the CloudTrail event.',
    source: 'real-time',
  };
  const window = { startMs: start - 300_000, endMs: end + 300_000, evaluatedStartMs: start, evaluatedEndMs: end, basis: 'trigger' as const };
  return {
    change,
    detection,
    window,
    logGroupName: ctx.logGroupName,
    ...(ctx.config.accountNames ? { accountNames: ctx.config.accountNames } : {}),
    idempotencyKey: inputs.length === 1 ? realTimeKeyOf(first) : `digest|${realTimeKeyOf(first)}|${inputs.length}`,
    lookup: {
      events,
      matched: inputs.length,
      scanned: inputs.length,
      rejected: 0,
      pages: 0,
      complete: true,
      // every event of the batch, listed or not
      origins: originsOf(inputs.map(recordOf)),
      ...(expected ? { expected: expectedCount } : {}),
    },
    ...(deployment ? { deployment: deploymentFinding(deployment, { matched: inputs.length, expected: expectedCount ?? 0, complete: true }) } : {}),
  };
}

/** The smallest reserved concurrency real-time delivery works with, when one is reserved: two queue batches at once and one alarm. */
export const REAL_TIME_RESERVED_CONCURRENCY = 3;

/** The rate limit of real-time messages, per detection. */
export interface RealTimeRateLimit {
  /** Messages per detection that may go out at once (one per event); a larger batch becomes one digest. */
  readonly burst: number;
  /** Messages per detection and minute that refill the burst. */
  readonly perMinute: number;
}

export const REAL_TIME_RATE_LIMIT: RealTimeRateLimit = { burst: 5, perMinute: 2 };

/**
 * A token bucket per detection, kept in the execution environment (the real-time queue's event source reads at most two
 * batches at once, so few environments hold one). It only decides between single messages and a digest: a digest always goes out, so no event
 * is ever held back or dropped by the limit.
 */
export class RealTimeRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: RealTimeRateLimit = REAL_TIME_RATE_LIMIT,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes `n` tokens when the bucket has them (true: send `n` single messages), else takes what is left (false: send a digest). */
  public take(detectionId: string, n: number): boolean {
    const t = this.now();
    const b = this.buckets.get(detectionId) ?? { tokens: this.limit.burst, at: t };
    b.tokens = Math.min(this.limit.burst, b.tokens + ((t - b.at) / 60_000) * this.limit.perMinute);
    b.at = t;
    this.buckets.set(detectionId, b);
    if (b.tokens >= n) {
      b.tokens -= n;
      return true;
    }
    b.tokens = Math.max(0, b.tokens - 1);
    return false;
  }
}

/** The reason text of a digest. */
export function digestReason(count: number, limit: RealTimeRateLimit, startMs: number, endMs: number): string {
  const seconds = Math.max(0, Math.round((endMs - startMs) / 1000));
  return (
    `EventBridge rules matched ${count} events of this detection within ${seconds} s; they are sent as one digest ` +
    `(at most ${limit.burst} single messages per detection at once, refilled at ${limit.perMinute} per minute).`
  );
}
