import { at, memoryFilter } from './support';
import { classifyLookupError, FilterRequest, lookUpEvents } from '../../lib/notifier/event-lookup';
import { LookupWindow } from '../../lib/notifier/window';

const WINDOW: LookupWindow = {
  startMs: at('2026-11-02T10:13:00Z'),
  endMs: at('2026-11-02T10:22:00Z'),
  evaluatedStartMs: at('2026-11-02T10:15:00Z'),
  evaluatedEndMs: at('2026-11-02T10:20:00Z'),
  basis: 'reason-datapoints',
};
const ROOT = '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }';
const bounds = (over: Partial<Parameters<typeof lookUpEvents>[4]> = {}) => ({
  maxListed: 20,
  maxScanned: 5000,
  maxPages: 20,
  deadlineMs: Number.MAX_SAFE_INTEGER,
  now: () => 0,
  ...over,
});

function record(i: number, root: boolean): string {
  return JSON.stringify({
    eventVersion: '1.08',
    userIdentity: root ? { type: 'Root', arn: 'arn:aws:iam::111122223333:root' } : { type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/u${i}` },
    eventTime: '2026-11-02T10:15:00Z',
    eventSource: 'iam.amazonaws.com',
    eventName: root ? 'CreateAccessKey' : 'ListUsers',
    eventType: 'AwsApiCall',
    sourceIPAddress: `198.51.100.${i}`,
    awsRegion: 'us-east-1',
    eventID: `id-${i}`,
  });
}

// 30 events in the window, every third a root call; 2 more outside the window
const EVENTS = [
  ...Array.from({ length: 30 }, (_, i) => ({ timestamp: at('2026-11-02T10:16:00Z') + i * 1000, message: record(i, i % 3 === 0), eventId: `e${i}` })),
  { timestamp: at('2026-11-02T10:05:00Z'), message: record(90, true), eventId: 'early' },
  { timestamp: at('2026-11-02T10:30:00Z'), message: record(91, true), eventId: 'late' },
];

describe('lookUpEvents', () => {
  test('follows nextToken over every page (empty pages included) with the exact pattern and window', async () => {
    const calls: FilterRequest[] = [];
    const r = await lookUpEvents(memoryFilter(EVENTS, 7, calls, 3), 'trail-logs', ROOT, WINDOW, bounds());
    // 30 events in pages of 7 = 5 pages, plus an empty page after every 2 full ones
    expect(r.complete).toBe(true);
    expect(r.scanned).toBe(30);
    expect(calls.length).toBe(r.pages);
    expect(calls.length).toBeGreaterThan(5);
    expect(calls.every((c) => c.filterPattern === ROOT && c.logGroupName === 'trail-logs')).toBe(true);
    expect(calls.every((c) => c.startTime === WINDOW.startMs && c.endTime === WINDOW.endMs)).toBe(true);
  });

  test('re-checks every returned event with the engine: FilterLogEvents that ignores the pattern (like moto) still lists only the root calls', async () => {
    const r = await lookUpEvents(memoryFilter(EVENTS, 100), 'trail-logs', ROOT, WINDOW, bounds());
    expect(r.matched).toBe(10);
    expect(r.rejected).toBe(20);
    expect(r.events.map((e) => e.eventId)).toEqual(['e0', 'e3', 'e6', 'e9', 'e12', 'e15', 'e18', 'e21', 'e24', 'e27']);
    expect(r.events.every((e) => (e.record.userIdentity as { type: string }).type === 'Root')).toBe(true);
  });

  test('lists at most maxListed events and counts the rest', async () => {
    const r = await lookUpEvents(memoryFilter(EVENTS, 100), 'trail-logs', ROOT, WINDOW, bounds({ maxListed: 4 }));
    expect([r.events.length, r.matched, r.complete]).toEqual([4, 10, true]);
  });

  test('stops at maxPages and says so', async () => {
    const r = await lookUpEvents(memoryFilter(EVENTS, 5), 'trail-logs', ROOT, WINDOW, bounds({ maxPages: 2 }));
    expect([r.pages, r.scanned, r.complete]).toEqual([2, 10, false]);
    expect(r.stoppedBecause).toBe('stopped after 2 FilterLogEvents pages');
  });

  test('stops at maxScanned, asking no more than the remaining budget per page', async () => {
    const calls: FilterRequest[] = [];
    const r = await lookUpEvents(memoryFilter(EVENTS, 100, calls), 'trail-logs', ROOT, WINDOW, bounds({ maxScanned: 12 }));
    expect(calls[0].limit).toBe(12);
    expect([r.scanned, r.complete, r.stoppedBecause]).toEqual([12, false, 'stopped after reading 12 log events']);
  });

  test('fails soft when a page does not answer before the deadline: timeout, with what was found before', async () => {
    let n = 0;
    const slow = async () => {
      n++;
      if (n === 1) return { events: EVENTS.slice(0, 3), nextToken: 't' };
      return new Promise<never>(() => undefined);
    };
    const start = Date.now();
    const r = await lookUpEvents(slow, 'trail-logs', ROOT, WINDOW, bounds({ deadlineMs: start + 200, now: Date.now }));
    expect(r.failure?.kind).toBe('timeout');
    expect([r.matched, r.complete]).toEqual([1, false]);
  });

  test.each([
    ['AccessDeniedException', 'access-denied', /FilterLogEvents was denied \(AccessDeniedException\)/],
    ['ThrottlingException', 'throttled', /throttled .*5 requests per second/],
    ['ResourceNotFoundException', 'not-found', /log group was not found/],
    ['InternalFailure', 'error', /FilterLogEvents failed \(InternalFailure\)/],
  ])('reports %s as %s without throwing', async (name, kind, message) => {
    const failing = async () => {
      const e = new Error('boom');
      e.name = name;
      throw e;
    };
    const r = await lookUpEvents(failing, 'trail-logs', ROOT, WINDOW, bounds());
    expect(r.failure?.kind).toBe(kind);
    expect(r.failure?.message).toMatch(message);
    expect(classifyLookupError(Object.assign(new Error('x'), { name })).kind).toBe(kind);
  });
});
