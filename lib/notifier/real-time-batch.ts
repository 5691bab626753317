// A batch from the real-time queue (SQS event source): the events EventBridge detection rules matched. Events of one
// detection become one message each while the rate limit allows, else one digest; a message that could not be
// published is reported as a batch item failure, so SQS delivers just those records again (and, after the queue's
// receive limit, moves them to the dead-letter queue, whose alarm tells people).
import { formatForward } from './format';
import { NotifierContext, NotifyOutcome, Publication, Publish, publicationsFor, publishEach } from './notify';
import { digestReason, isRealTime, prepareRealTime, RealTimeInput, realTimeKeyOf, RealTimeRateLimiter, REAL_TIME_RATE_LIMIT } from './real-time';

/** The part of an SQS event source record the notifier reads. */
export interface SqsRecord {
  readonly messageId: string;
  readonly body: string;
  readonly eventSource?: string;
}

/** What the function returns for an SQS batch (Lambda's partial batch response). */
export interface BatchResponse {
  readonly batchItemFailures: ReadonlyArray<{ readonly itemIdentifier: string }>;
}

/** Whether an invocation is a batch from an SQS event source. */
export function isSqsBatch(input: unknown): input is { Records: SqsRecord[] } {
  const records = typeof input === 'object' && input !== null ? (input as { Records?: unknown }).Records : undefined;
  return Array.isArray(records) && records.length > 0 && records.every((r) => typeof r === 'object' && r !== null && (r as SqsRecord).eventSource === 'aws:sqs');
}

interface Group {
  readonly detectionId: string;
  readonly inputs: RealTimeInput[];
  readonly messageIds: string[];
}

/**
 * Handles one batch. Returns the outcome of every message sent and the records to retry. Never throws for a
 * record's content: a body that is not a detection rule's input is forwarded as it is to the fallback topic.
 */
export async function notifyRealTimeBatch(
  records: readonly SqsRecord[],
  ctx: NotifierContext,
  publish: Publish,
  published: Set<string>,
  limiter: RealTimeRateLimiter,
  limit = REAL_TIME_RATE_LIMIT,
): Promise<{ outcomes: NotifyOutcome[]; response: BatchResponse }> {
  const outcomes: NotifyOutcome[] = [];
  const failed: string[] = [];
  const groups = new Map<string, Group>();
  const inBatch = new Map<string, string[]>();
  const send = async (key: string, pubs: Publication[], messageIds: string[], detectionId?: string) => {
    const { done, errors } = await publishEach(pubs, publish);
    if (done.length === 0) failed.push(...messageIds);
    outcomes.push({ idempotencyKey: key, detectionId, state: detectionId ? 'ALARM' : undefined, published: done, duplicate: false, errors });
    return done.length > 0;
  };

  for (const r of records) {
    let body: unknown;
    try {
      body = JSON.parse(r.body);
    } catch {
      body = undefined;
    }
    if (!isRealTime(body)) {
      const key = `forward|${r.messageId}`;
      if (published.has(key)) continue;
      const topicArn = ctx.topicArns[ctx.config.fallbackTopic];
      const ok = await send(key, [{ kind: 'forward', topicArn, subject: 'Message on the CloudTrail real-time queue', message: formatForward(r.body, 'the real-time queue'), idempotencyKey: key }], [r.messageId]);
      if (ok) published.add(key);
      continue;
    }
    const key = realTimeKeyOf(body);
    if (published.has(key)) {
      outcomes.push({ idempotencyKey: key, detectionId: body.detectionId, state: 'ALARM', published: [], duplicate: true, errors: [] });
      continue;
    }
    // the same event twice in one batch (EventBridge delivers at least once): one message, both records settled by it
    const twins = inBatch.get(key);
    if (twins) {
      twins.push(r.messageId);
      continue;
    }
    const ids = [r.messageId];
    inBatch.set(key, ids);
    const g = groups.get(body.detectionId) ?? { detectionId: body.detectionId, inputs: [], messageIds: [] };
    g.inputs.push(body);
    g.messageIds.push(r.messageId);
    groups.set(body.detectionId, g);
  }

  for (const g of groups.values()) {
    const keys = g.inputs.map(realTimeKeyOf);
    const recordsOf = (k: string) => inBatch.get(k) ?? [];
    // one event is always its own message; several become a digest once the burst is used up
    if (limiter.take(g.detectionId, g.inputs.length) || g.inputs.length === 1) {
      for (let i = 0; i < g.inputs.length; i++) {
        const prepared = prepareRealTime([g.inputs[i]], ctx);
        if (await send(keys[i], publicationsFor(prepared, ctx), recordsOf(keys[i]), g.detectionId)) published.add(keys[i]);
      }
      continue;
    }
    const times = g.inputs.map((i) => Date.parse(i.event?.time ?? '') || 0);
    const prepared = prepareRealTime(g.inputs, ctx, digestReason(g.inputs.length, limit, Math.min(...times), Math.max(...times)));
    if (await send(prepared.idempotencyKey, publicationsFor(prepared, ctx), keys.flatMap(recordsOf), g.detectionId)) {
      for (const k of keys) published.add(k);
    }
  }
  return { outcomes, response: { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) } };
}
