import { compile, parse } from '../pattern';
import { EventOrigin, OriginTally } from './event-origin';
import { LookupWindow } from './window';

/** One log event as FilterLogEvents returns it. */
export interface FoundLogEvent {
  readonly timestamp?: number;
  readonly message?: string;
  readonly eventId?: string;
  readonly logStreamName?: string;
}

/** One FilterLogEvents request (times in epoch ms). */
export interface FilterRequest {
  readonly logGroupName: string;
  readonly filterPattern: string;
  readonly startTime: number;
  readonly endTime: number;
  readonly nextToken?: string;
  readonly limit: number;
}

/** One page of FilterLogEvents; only a missing `nextToken` ends the pages (a page may be empty). */
export interface FilterPage {
  readonly events: readonly FoundLogEvent[];
  readonly nextToken?: string;
}

/** Calls FilterLogEvents once. `signal` aborts the call when the time budget runs out. */
export type FilterLogEvents = (request: FilterRequest, signal: AbortSignal) => Promise<FilterPage>;

/** How far a lookup may go. */
export interface LookupBounds {
  /** Matching events kept for the message (the rest are only counted). */
  readonly maxListed: number;
  /** Log events read in all (returned by FilterLogEvents), after which the lookup stops as incomplete. */
  readonly maxScanned: number;
  /** FilterLogEvents calls, after which the lookup stops as incomplete. */
  readonly maxPages: number;
  /** Epoch ms by which the lookup must end (it stops as timed out). */
  readonly deadlineMs: number;
  readonly now: () => number;
}

/** A CloudTrail record found behind the alarm, re-checked with this project's engine. */
export interface MatchedEvent {
  readonly record: Record<string, unknown>;
  readonly timestamp?: number;
  readonly eventId?: string;
  /** Set when the lookup was given a deployment test: whether the stack's own deployment made this call. */
  readonly expected?: boolean;
}

/** Why the lookup did not finish. */
export interface LookupFailure {
  readonly kind: 'access-denied' | 'throttled' | 'timeout' | 'not-found' | 'error';
  readonly message: string;
}

/** What a lookup found. */
export interface LookupResult {
  /** The first `maxListed` matching events, in log order. */
  readonly events: readonly MatchedEvent[];
  /** All matching events seen (listed or not). */
  readonly matched: number;
  /** Log events FilterLogEvents returned. */
  readonly scanned: number;
  /** Returned events the engine rejected (FilterLogEvents is wider than the filter, e.g. moto ignores JSON patterns). */
  readonly rejected: number;
  readonly pages: number;
  /** True when every page was read. */
  readonly complete: boolean;
  /** Set when the lookup stopped early: bounds reached, or a failure. */
  readonly stoppedBecause?: string;
  readonly failure?: LookupFailure;
  /** Matching events (listed or not) the deployment test accepted; set only when a test was given. */
  readonly expected?: number;
  /**
   * The account and Region of every matching event found (listed or not), counted. Absent in results made by hand:
   * the listed events are counted then.
   */
  readonly origins?: readonly EventOrigin[];
}

/**
 * Finds the events behind an alarm: FilterLogEvents with the detection's exact deployed pattern over the window, page
 * by page, bounded in pages, events and time; every returned event is re-checked with this project's engine so the
 * result lists exactly the events the metric filter counts. With `isExpected` (the deployment test of a
 * tamper-protection detection) every matching event is also tested and the result counts those it accepts. Never
 * throws: a failure is reported in the result along with whatever was found before it.
 */
export async function lookUpEvents(
  filter: FilterLogEvents,
  logGroupName: string,
  pattern: string,
  window: LookupWindow,
  bounds: LookupBounds,
  isExpected?: (record: Record<string, unknown>) => boolean,
): Promise<LookupResult> {
  const test = compile(parse(pattern));
  const events: MatchedEvent[] = [];
  let matched = 0;
  let expected = 0;
  let scanned = 0;
  let rejected = 0;
  let pages = 0;
  let nextToken: string | undefined;
  const tally = new OriginTally();
  const result = (complete: boolean, stoppedBecause?: string, failure?: LookupFailure): LookupResult => ({
    events,
    matched,
    origins: tally.origins(),
    scanned,
    rejected,
    pages,
    complete,
    stoppedBecause,
    failure,
    ...(isExpected ? { expected } : {}),
  });
  do {
    if (pages >= bounds.maxPages) return result(false, `stopped after ${pages} FilterLogEvents pages`);
    if (scanned >= bounds.maxScanned) return result(false, `stopped after reading ${scanned} log events`);
    const remaining = bounds.deadlineMs - bounds.now();
    if (remaining <= 0) {
      return result(false, 'ran out of time', { kind: 'timeout', message: `the lookup ran out of time after ${pages} pages` });
    }
    let page: FilterPage;
    try {
      page = await withDeadline(
        (signal) => {
          const limit = Math.min(10_000, bounds.maxScanned - scanned);
          return filter({ logGroupName, filterPattern: pattern, startTime: window.startMs, endTime: window.endMs, nextToken, limit }, signal);
        },
        remaining,
      );
    } catch (e) {
      const failure = classifyLookupError(e);
      return result(false, failure.message, failure);
    }
    pages++;
    for (const ev of page.events) {
      scanned++;
      const message = ev.message ?? '';
      if (!test.matchesMessage(message)) {
        rejected++;
        continue;
      }
      let record: unknown;
      try {
        record = JSON.parse(message);
      } catch {
        record = undefined;
      }
      matched++;
      const parsed = typeof record === 'object' && record !== null && !Array.isArray(record) ? (record as Record<string, unknown>) : undefined;
      // every matching event is tested, listed or not: "all expected" must not rest on the listed ones only
      const isDeployment = isExpected && parsed ? isExpected(parsed) : undefined;
      if (isDeployment) expected++;
      tally.add(parsed);
      if (events.length < bounds.maxListed) {
        events.push({
          record: parsed ?? { message },
          timestamp: ev.timestamp,
          eventId: ev.eventId,
          ...(isExpected ? { expected: isDeployment === true } : {}),
        });
      }
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return result(true);
}

class DeadlineError extends Error {
  constructor() {
    super('deadline');
    this.name = 'TimeoutError';
  }
}

async function withDeadline<T>(run: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new DeadlineError());
    }, Math.min(ms, 2_147_483_647));
  });
  try {
    return await Promise.race([run(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sorts a FilterLogEvents error into what the message says about it. */
export function classifyLookupError(e: unknown): LookupFailure {
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = err?.name ?? '';
  const text = err?.message ?? String(e);
  if (name === 'TimeoutError' || name === 'AbortError' || name === 'RequestTimeout') {
    return { kind: 'timeout', message: 'FilterLogEvents did not answer within the time budget' };
  }
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(name) || err?.$metadata?.httpStatusCode === 403) {
    return { kind: 'access-denied', message: `FilterLogEvents was denied (${name}): ${text}` };
  }
  if (/Throttl|TooManyRequests|LimitExceeded|RequestLimitExceeded/i.test(name)) {
    return { kind: 'throttled', message: `FilterLogEvents was throttled (${name}; the quota is 5 requests per second per account and Region)` };
  }
  if (name === 'ResourceNotFoundException') return { kind: 'not-found', message: `the log group was not found: ${text}` };
  return { kind: 'error', message: `FilterLogEvents failed (${name || 'error'}): ${text}` };
}
