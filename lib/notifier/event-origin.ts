// Where the matching events happened: the account (`recipientAccountId`) and Region (`awsRegion`) of each record,
// counted over every matching event (listed or not), and how a message names them. With an organization trail one
// metric filter counts the events of every member account into one alarm; this is how the message tells them apart.
//
// `recipientAccountId` is the account the event was recorded for (the member account of an organization trail).
// `userIdentity.accountId` is the caller's account, which for a cross-account call is not where the event happened, so
// it is never used instead: a record without `recipientAccountId` counts under "unknown account".
import { AccountNames } from './account-names';
import { hasShape, quoted, quotedWithin, shaped, shapedWithin, ValueStyle } from './shown-value';

/** How many matching events came from one account and Region (either unknown when the record lacks it). */
export interface EventOrigin {
  readonly account?: string;
  readonly region?: string;
  readonly count: number;
}

/** One account's events: how many, and in which Regions (most events first). */
export interface AccountOrigin {
  readonly account?: string;
  readonly count: number;
  readonly regions: ReadonlyArray<{ readonly region?: string; readonly count: number }>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Counts the account and Region of records, one at a time. */
export class OriginTally {
  private readonly counts = new Map<string, { account?: string; region?: string; count: number }>();

  /** Counts one matching record (anything that is not an object counts as unknown account and Region). */
  public add(record: unknown): void {
    const r = typeof record === 'object' && record !== null ? (record as Record<string, unknown>) : {};
    const account = str(r.recipientAccountId);
    const region = str(r.awsRegion);
    const key = JSON.stringify([account ?? null, region ?? null]);
    const c = this.counts.get(key) ?? { account, region, count: 0 };
    c.count++;
    this.counts.set(key, c);
  }

  public origins(): EventOrigin[] {
    return [...this.counts.values()].map((c) => ({
      ...(c.account ? { account: c.account } : {}),
      ...(c.region ? { region: c.region } : {}),
      count: c.count,
    }));
  }
}

/** The origins of records. */
export function originsOf(records: readonly unknown[]): EventOrigin[] {
  const t = new OriginTally();
  for (const r of records) t.add(r);
  return t.origins();
}

/** Most events first; ties by name, the unknown last. */
function order<T extends { readonly count: number }>(items: T[], name: (t: T) => string | undefined): T[] {
  return items.sort((a, b) => {
    if (b.count !== a.count) return b.count - a.count;
    const x = name(a);
    const y = name(b);
    if (x === y) return 0;
    if (x === undefined) return 1;
    if (y === undefined) return -1;
    return x < y ? -1 : 1;
  });
}

/** The origins grouped by account, most events first (ties by account id, the unknown account last). */
export function byAccount(origins: readonly EventOrigin[]): AccountOrigin[] {
  const accounts = new Map<string, { account?: string; count: number; regions: Map<string, { region?: string; count: number }> }>();
  for (const o of origins) {
    const key = o.account ?? '\u0000unknown';
    const a = accounts.get(key) ?? { account: o.account, count: 0, regions: new Map() };
    a.count += o.count;
    const rk = o.region ?? '\u0000unknown';
    const r = a.regions.get(rk) ?? { region: o.region, count: 0 };
    r.count += o.count;
    a.regions.set(rk, r);
    accounts.set(key, a);
  }
  const out = [...accounts.values()].map((a) => ({
    ...(a.account !== undefined ? { account: a.account } : {}),
    count: a.count,
    regions: order([...a.regions.values()], (r) => r.region).map((r) => ({
      ...(r.region !== undefined ? { region: r.region } : {}),
      count: r.count,
    })),
  }));
  return order(out, (a) => a.account);
}

/** The friendly name of an account id, from the user's map (own keys only: `constructor` is no account). */
export function accountName(names: AccountNames | undefined, account: string | undefined): string | undefined {
  if (!names || account === undefined || !Object.prototype.hasOwnProperty.call(names, account)) return undefined;
  const name = names[account];
  return typeof name === 'string' && name.length > 0 ? name : undefined;
}

/** Code points of a malformed account id or Region shown in a list at most (a well-formed one is 12 or ~14). */
const MAX_LISTED_VALUE = 40;
/** Accounts and Regions listed in a first line at most (the rest are counted). */
export const MAX_LISTED_ORIGINS = 10;

/**
 * An account as a message shows it: the id bare when it is 12 digits, else quoted (and cut to `max`); the friendly
 * name, if the user gave one, quoted after it; `unknown account` when the records did not say.
 */
export function accountText(account: string | undefined, names: AccountNames | undefined, style: ValueStyle, max = MAX_LISTED_VALUE): string {
  if (account === undefined) return 'unknown account';
  const id = shaped(account, 'account', style, max);
  const name = accountName(names, account);
  return name === undefined ? id : `${id} ${quoted(name, style)}`;
}

/** A Region as a message shows it: bare when it has a Region's shape, else quoted; `unknown Region` when absent. */
export function regionText(region: string | undefined, style: ValueStyle, max = MAX_LISTED_VALUE): string {
  return region === undefined ? 'unknown Region' : shaped(region, 'region', style, max);
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** `and N more accounts`. */
function moreAccounts(n: number): string {
  return `and ${plural(n, 'more account', 'more accounts')}`;
}

/**
 * The account and Region of the events for a subject, within `width` characters: the connector (` in ` for one
 * account, `: ` before a list), then `111122223333 "prod", us-east-1`, or `3 in 222233334444 "staging", 1 in
 * 111122223333 "prod"` most events first, cut with `and N more accounts`. Friendly names give way first, then accounts.
 */
export function subjectOrigins(accounts: readonly AccountOrigin[], names: AccountNames | undefined, style: ValueStyle, width: number): string {
  if (accounts.length === 0) return ' in an unknown account';
  if (accounts.length === 1) {
    const [a] = accounts;
    const w = width - ' in '.length;
    const region = a.regions.length === 1 ? regionText(a.regions[0].region, style) : `${a.regions.length} Regions`;
    const id = a.account === undefined ? 'unknown account' : shaped(a.account, 'account', style);
    const name = accountName(names, a.account);
    const variants: string[] = [];
    if (name !== undefined) {
      variants.push(`${id} ${quoted(name, style)}, ${region}`);
      const room = w - id.length - region.length - 3;
      if (room >= 6) variants.push(`${id} ${quotedWithin(name, style, room)}, ${region}`);
    }
    variants.push(`${id}, ${region}`);
    const fit = variants.find((v) => v.length <= w);
    if (fit !== undefined) return ` in ${fit}`;
    // a malformed id or Region: both cut to share the room (quoted, the cut marked), so the layout stays the same
    const regionRaw = a.regions.length === 1 ? a.regions[0].region : undefined;
    const regionW = regionRaw === undefined ? region.length : Math.min(region.length, Math.max(12, Math.floor((w - 2) / 2)));
    const idW = Math.max(8, w - 2 - regionW);
    const idCut = a.account === undefined ? 'unknown account' : shapedWithin(a.account, 'account', style, idW);
    const regionCut = regionRaw === undefined ? region : shapedWithin(regionRaw, 'region', style, regionW);
    return ` in ${idCut}, ${regionCut}`;
  }
  const w = width - ': '.length;
  const item = (a: AccountOrigin, withName: boolean) => `${a.count} in ${withName ? accountText(a.account, names, style) : accountText(a.account, undefined, style)}`;
  for (let k = Math.min(accounts.length, MAX_LISTED_ORIGINS); k >= 1; k--) {
    const more = accounts.length - k;
    for (const withName of [true, false]) {
      const text = accounts.slice(0, k).map((a) => item(a, withName)).join(', ') + (more > 0 ? ` ${moreAccounts(more)}` : '');
      if (text.length <= w) return `: ${text}`;
    }
  }
  return ` in ${accounts.length} accounts`;
}

/**
 * The narrowest the subject's account part may become: with a well-formed id (and Region), the id and the Region
 * whole (only friendly names and further accounts give way); with a malformed one, 20 characters.
 */
export function subjectOriginsMin(accounts: readonly AccountOrigin[], style: ValueStyle): number {
  if (accounts.length === 0) return 22;
  const a = accounts[0];
  if (a.account === undefined || !hasShape(a.account, 'account')) return 20;
  if (accounts.length > 1) return `: ${a.count} in ${a.account} ${moreAccounts(accounts.length - 1)}`.length;
  const region = a.regions.length === 1 ? a.regions[0].region : undefined;
  if (a.regions.length === 1 && (region === undefined || !hasShape(region, 'region'))) return 20;
  return ` in ${a.account}, ${a.regions.length === 1 ? regionText(region, style) : `${a.regions.length} Regions`}`.length;
}

/** One account's Regions in a first line: `us-east-1`, or `us-east-1: 3, eu-west-1: 1` (cut with `and N more Regions`). */
function regionsText(a: AccountOrigin, style: ValueStyle, withCounts: boolean): string {
  if (a.regions.length === 1) return regionText(a.regions[0].region, style);
  const shown = a.regions.slice(0, MAX_LISTED_ORIGINS).map((r) => `${regionText(r.region, style)}${withCounts ? `: ${r.count}` : ''}`);
  const more = a.regions.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` and ${plural(more, 'more Region', 'more Regions')}` : ''}`;
}

/**
 * Where the events happened, for the first line of a message: `account 111122223333 "prod" (us-east-1)`, or
 * `2 accounts: 222233334444 "staging" (3 events, eu-west-1), 111122223333 "prod" (1 event, us-east-1)`, at most
 * `MAX_LISTED_ORIGINS` accounts and then `and N more accounts`; fewer accounts (down to their number alone) when the
 * text would pass `maxChars`. Undefined when no event was found.
 */
export function lineOrigins(
  accounts: readonly AccountOrigin[],
  names: AccountNames | undefined,
  style: ValueStyle,
  maxChars = Infinity,
): string | undefined {
  if (accounts.length === 0) return undefined;
  if (accounts.length === 1) {
    const [a] = accounts;
    const who = a.account === undefined ? 'an unknown account' : `account ${accountText(a.account, names, style)}`;
    const full = `${who} (${regionsText(a, style, true)})`;
    if (full.length <= maxChars) return full;
    const fewer = `${who} (${plural(a.regions.length, 'Region', 'Regions')})`;
    return fewer.length <= maxChars ? fewer : `${a.account === undefined ? 'an unknown account' : 'one account'} (${plural(a.regions.length, 'Region', 'Regions')})`;
  }
  const item = (a: AccountOrigin) => `${accountText(a.account, names, style)} (${plural(a.count, 'event', 'events')}, ${regionsText(a, style, true)})`;
  for (let k = Math.min(accounts.length, MAX_LISTED_ORIGINS); k >= 1; k--) {
    const more = accounts.length - k;
    const text = `${accounts.length} accounts: ${accounts.slice(0, k).map(item).join(', ')}${more > 0 ? ` ${moreAccounts(more)}` : ''}`;
    if (text.length <= maxChars) return text;
  }
  return `${accounts.length} accounts`;
}
