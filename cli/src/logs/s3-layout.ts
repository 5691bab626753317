// Which prefixes of CloudTrail's S3 layout a question needs (see shared docs, "CloudTrail S3 layout"):
//   [prefix/]AWSLogs/[o-orgid/]<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz
// Digest (CloudTrail-Digest/) and Insights (CloudTrail-Insight/) folders are never entered: they hold no events.
// A folder is named after the file's delivery time (UTC); a file holds records from before its delivery time.

/** What a question asks of the layout: the accounts, the Regions and the records' time window. */
export interface S3Question {
  /** Records with eventTime at or after this (ms since the epoch). */
  readonly fromMs?: number;
  /** Records with eventTime before this. */
  readonly toMs?: number;
  /** Only these accounts (12 digits); empty or absent: every account. */
  readonly accounts?: readonly string[];
  /** Only these Regions; empty or absent: every Region. */
  readonly regions?: readonly string[];
  /** The longest delay between an event and the delivery of the file that holds it. @default 1 hour */
  readonly deliveryLagMs?: number;
}

/** CloudTrail delivers a file about 5 minutes after its events, "not guaranteed": an hour covers late files. */
export const DEFAULT_DELIVERY_LAG_MS = 60 * 60 * 1000;
/** A file's name gives its delivery time to the minute (truncated): records may be up to a minute later. */
const NAME_RESOLUTION_MS = 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

const ACCOUNT = /^\d{12}$/;
const ORGANIZATION = /^o-[a-z0-9]{10,32}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** The folders beside `CloudTrail-Digest` and `CloudTrail-Insight` that hold events. */
const EVENT_FOLDERS = ['CloudTrail', 'CloudTrail-NetworkActivity'];

/** Whether a question narrows the listing at all (else the whole prefix is listed, as a directory is walked). */
export function narrows(q: S3Question): boolean {
  return q.fromMs !== undefined || q.toMs !== undefined || (q.accounts?.length ?? 0) > 0 || (q.regions?.length ?? 0) > 0;
}

/** Where a prefix stands in the layout. */
export type LayoutPlace =
  /** above `AWSLogs/` (the trail's own prefix, or the bucket's top) */
  | { readonly level: 'above' }
  /** inside `AWSLogs/` */
  | { readonly level: 'logs' }
  /** inside `AWSLogs/o-orgid/` (an organization trail) */
  | { readonly level: 'organization' }
  /** inside `<account>/` */
  | { readonly level: 'account' }
  /** inside `CloudTrail/` */
  | { readonly level: 'service' }
  /** inside `<region>/`, and possibly inside some of `YYYY/MM/DD/` */
  | { readonly level: 'dated'; readonly date: readonly number[] }
  /** below a day's folder */
  | { readonly level: 'day-content' };

export const TOP: LayoutPlace = { level: 'above' };

/**
 * The place of a child folder `segment` of a folder at `place`, or undefined when the question needs nothing in it
 * (another account or Region, a digest or Insights folder, an AWS Config probe folder, a day outside the window).
 */
export function childPlace(place: LayoutPlace, segment: string, q: S3Question, nowMs: number): LayoutPlace | undefined {
  switch (place.level) {
    case 'above':
      return segment === 'AWSLogs' ? { level: 'logs' } : place;
    case 'logs':
      if (ORGANIZATION.test(segment)) return { level: 'organization' };
      return accountPlace(segment, q);
    case 'organization':
      return accountPlace(segment, q);
    case 'account':
      return EVENT_FOLDERS.includes(segment) ? { level: 'service' } : undefined;
    case 'service':
      if (!REGION.test(segment)) return undefined;
      return (q.regions?.length ?? 0) === 0 || q.regions!.includes(segment) ? { level: 'dated', date: [] } : undefined;
    case 'dated': {
      if (place.date.length === 3) return { level: 'day-content' };
      const n = place.date.length === 0 ? /^\d{4}$/.exec(segment) : /^\d{2}$/.exec(segment);
      if (!n) return undefined;
      const date = [...place.date, Number(segment)];
      const [first, last] = daySpan(date);
      const [low, high] = dayRange(q, nowMs);
      return last < (low ?? -Infinity) || first > high ? undefined : { level: 'dated', date };
    }
    case 'day-content':
      return place;
  }
}

function accountPlace(segment: string, q: S3Question): LayoutPlace | undefined {
  if (!ACCOUNT.test(segment)) return undefined;
  return (q.accounts?.length ?? 0) === 0 || q.accounts!.includes(segment) ? { level: 'account' } : undefined;
}

/** The place of a prefix given by the user (`AWSLogs/111122223333/CloudTrail/`), or undefined if the question needs nothing in it. */
export function placeOfPrefix(prefix: string, q: S3Question, nowMs: number): LayoutPlace | undefined {
  let place: LayoutPlace | undefined = TOP;
  const segments = prefix.split('/').slice(0, -1);
  for (const s of segments) {
    place = childPlace(place, s, q, nowMs);
    if (place === undefined) return undefined;
  }
  return place;
}

/**
 * The delivery days (UTC, as ms at midnight) whose folders can hold records of the window: from the day of `from`
 * to the day of `to` plus the delivery lag. No `from`: unbounded below
 * (undefined); no `to`: up to tomorrow.
 */
export function dayRange(q: S3Question, nowMs: number): [number | undefined, number] {
  const lag = q.deliveryLagMs ?? DEFAULT_DELIVERY_LAG_MS;
  // a file named with the minute before `from` cannot hold records from `from` on (mayHoldWindow): same day as `from`
  const low = q.fromMs === undefined ? undefined : startOfDay(q.fromMs);
  const high = q.toMs === undefined ? startOfDay(nowMs + DAY_MS) : startOfDay(q.toMs - 1 + lag);
  return [low, high];
}

/** First and last day (ms at midnight UTC) of a year `[y]`, a month `[y, m]` or a day `[y, m, d]`. */
function daySpan(date: readonly number[]): [number, number] {
  const [y, m, d] = date;
  if (m === undefined) return [Date.UTC(y, 0, 1), Date.UTC(y, 11, 31)];
  if (d === undefined) return [Date.UTC(y, m - 1, 1), Date.UTC(y, m, 0)];
  return [Date.UTC(y, m - 1, d), Date.UTC(y, m - 1, d)];
}

function startOfDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/**
 * The folders below a Region's folder (relative to the `dated` place, `2026/10/02/`) that cover the days `[low,
 * high]`: whole years and months where the window holds them whole, single days elsewhere, so that a month's
 * question lists one prefix per Region and a day's question one or two. `low` undefined: the caller lists the years
 * first (`yearsPresent`) and passes the first one's January 1.
 */
export function datedPrefixes(place: { readonly date: readonly number[] }, low: number, high: number): string[] {
  const [first, last] = place.date.length === 0 ? [low, high] : daySpan(place.date);
  const from = Math.max(low, first);
  const to = Math.min(high, last);
  const out: string[] = [];
  const skip = place.date.length;
  let day = from;
  while (day <= to) {
    const d = new Date(day);
    const [y, m, dd] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
    const [yFirst, yLast] = daySpan([y]);
    const [mFirst, mLast] = daySpan([y, m]);
    let parts: number[];
    let next: number;
    if (skip === 0 && day === yFirst && yLast <= to) {
      parts = [y];
      next = yLast + DAY_MS;
    } else if (skip <= 1 && day === mFirst && mLast <= to) {
      parts = [y, m];
      next = mLast + DAY_MS;
    } else {
      parts = [y, m, dd];
      next = day + DAY_MS;
    }
    const rel = parts.slice(skip).map((p, i) => String(p).padStart(i + skip === 0 ? 4 : 2, '0'));
    out.push(rel.length === 0 ? '' : `${rel.join('/')}/`);
    day = next;
  }
  return out;
}

const DELIVERED = /_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?Z_/;

/** The delivery time a log file's name gives (`..._20261002T0905Z_...`), or undefined when the name has none. */
export function deliveryTime(key: string): number | undefined {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const m = DELIVERED.exec(name);
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Whether a file delivered at `delivered` can hold records of the window: delivered after `from` (to the minute)
 * and before `to` plus the lag. A file whose name gives no time is kept.
 */
export function mayHoldWindow(delivered: number | undefined, q: S3Question): boolean {
  if (delivered === undefined) return true;
  const lag = q.deliveryLagMs ?? DEFAULT_DELIVERY_LAG_MS;
  if (q.fromMs !== undefined && delivered + NAME_RESOLUTION_MS <= q.fromMs) return false;
  if (q.toMs !== undefined && delivered >= q.toMs + lag) return false;
  return true;
}
