import { PatternNode } from 'cdk-cloudtrail-alarms/lib/pattern/ast';
import { compilePredicate, PredicateResult, sqlString } from './predicate';

/**
 * Athena (Trino) SQL for filter patterns over AWS's documented CloudTrail table, with the engine's semantics or a
 * refusal with the reason (the rules are in ./sql/predicate.ts, the table in ./sql/cloudtrail-table.ts).
 *
 * Text from a pattern reaches the SQL only inside a string literal (`sqlString`: quotes doubled) or a one-line
 * comment (`sqlComment`: line breaks and other invisible characters escaped); identifiers are the table's own.
 *
 * Queries read the partition-projection columns `timestamp` (`yyyy/MM/dd`, the S3 delivery day), `region` and
 * `account` only when asked to, so that only those days, Regions and accounts are scanned. A record is delivered at
 * or after its eventTime, so the days scanned run from the first day of the window to the day after its last one
 * (a record delivered more than a day after its eventTime is not found; CloudTrail delivers within about 5 minutes).
 */
export { compilePredicate } from './predicate';
export type { PredicateResult } from './predicate';
export { CLOUDTRAIL_TABLE } from './cloudtrail-table';
export type { TableField } from './cloudtrail-table';

/** Where and what to query. */
export interface SqlQueryOptions {
  /** `database.table` (or `catalog.database.table`). */
  readonly table: string;
  /** Start of the window (epoch ms, inclusive): eventTime >= from. */
  readonly fromMs?: number;
  /** End of the window (epoch ms, exclusive): eventTime < to. */
  readonly toMs?: number;
  /** Values of the `region` partition column to read (default: all). */
  readonly regions?: readonly string[];
  /** Values of the `account` partition column to read (default: all). */
  readonly accounts?: readonly string[];
  /** Name of the date partition column (`yyyy/MM/dd`), or false when the table has none. Default `timestamp`. */
  readonly timestampPartition?: string | false;
}

export type SqlResult =
  | { readonly ok: true; readonly sql: string; readonly notes: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/** The columns of a search query, in order. */
export const SEARCH_COLUMNS = [
  'eventtime',
  'eventsource',
  'eventname',
  'awsregion',
  'recipientaccountid',
  'principal_type',
  'principal_arn',
  'sourceipaddress',
  'useragent',
  'errorcode',
  'errormessage',
  'eventid',
  'requestid',
] as const;

const PART = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Validates and renders a table name; throws with the value and what is expected. */
export function sqlTableName(table: string): string {
  const parts = table.split('.');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !PART.test(p))) {
    throw new Error(`table must be DATABASE.TABLE (letters, digits and underscores), got '${table}'`);
  }
  return parts.join('.');
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

const DAY_MS = 86_400_000;
function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replace(/-/g, '/');
}
function isoTime(ms: number): string {
  return `from_iso8601_timestamp(${sqlString(new Date(ms).toISOString())})`;
}

/** Partition predicates (and only partition predicates) for the window, Regions and accounts. */
export function partitionPredicates(o: SqlQueryOptions): string[] {
  const out: string[] = [];
  const ts = o.timestampPartition === undefined ? 'timestamp' : o.timestampPartition;
  if (ts !== false) {
    const col = quoteIdent(ts);
    if (o.fromMs !== undefined) out.push(`${col} >= ${sqlString(day(o.fromMs))}`);
    if (o.toMs !== undefined) out.push(`${col} <= ${sqlString(day(o.toMs - 1 + DAY_MS))}`);
  }
  const list = (values: readonly string[]) => values.map(sqlString).join(', ');
  if (o.regions && o.regions.length > 0) out.push(`region IN (${list(o.regions)})`);
  if (o.accounts && o.accounts.length > 0) out.push(`account IN (${list(o.accounts)})`);
  return out;
}

/**
 * What bounds the data a query scans, when something does not: undefined when the window's days bound it, else a
 * warning that the scan reads the whole table (or everything before or after one end of the window).
 */
export function unboundedScanWarning(o: SqlQueryOptions): string | undefined {
  const ts = o.timestampPartition === undefined ? 'timestamp' : o.timestampPartition;
  const cost = 'Athena charges for every byte scanned ($5 per TB)';
  if (ts === false) {
    return `the table has no date partition (--no-timestamp-partition): every query scans the whole table${o.fromMs !== undefined || o.toMs !== undefined ? ', and --from/--to only filter the rows read' : ''}; ${cost}`;
  }
  if (o.fromMs === undefined && o.toMs === undefined) {
    return `no --from/--to: no time window bounds the scan, so every query reads every day of the "${ts}" partition (the whole table); ${cost}. Give --from and --to to read only those days`;
  }
  if (o.fromMs === undefined) return `no --from: the scan reads every day of the "${ts}" partition up to --to; ${cost}`;
  if (o.toMs === undefined) return `no --to: the scan reads every day of the "${ts}" partition from --from on; ${cost}`;
  return undefined;
}

const EVENT_TIME = 'try(from_iso8601_timestamp(eventtime))';

function timePredicates(o: SqlQueryOptions, required: boolean): string[] {
  const out: string[] = [];
  if (required || o.fromMs !== undefined || o.toMs !== undefined) out.push(`${EVENT_TIME} IS NOT NULL`);
  if (o.fromMs !== undefined) out.push(`${EVENT_TIME} >= ${isoTime(o.fromMs)}`);
  if (o.toMs !== undefined) out.push(`${EVENT_TIME} < ${isoTime(o.toMs)}`);
  return out;
}

function validatePeriod(periodSeconds: number): void {
  if (!Number.isInteger(periodSeconds) || periodSeconds <= 0) {
    throw new Error(`periodSeconds must be a positive whole number of seconds, got ${periodSeconds}`);
  }
}

function periodStart(periodSeconds: number): string {
  return `from_unixtime(floor(to_unixtime(${EVENT_TIME}) / ${periodSeconds}) * ${periodSeconds})`;
}

/** Characters that could end a line comment or hide in one: control (Cc), format (Cf), line and paragraph separators. */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

/**
 * A `--` comment of one line: `text` (which may repeat a pattern, a detection id or a reason) with every control,
 * format and line or paragraph separator character written as its `\uXXXX` escape and every backslash doubled, so
 * no text can end the comment and become SQL. (The notation of lib/notifier/neutralise.ts, which targets/ may not
 * import.)
 */
export function sqlComment(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (HIDDEN.test(ch)) out += code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `-- ${out}`;
}

function comments(header: string, notes: readonly string[]): string {
  return [sqlComment(header), ...notes.map((n) => sqlComment(`note: ${n}`))].join('\n');
}

function where(parts: string[]): string {
  return parts.length === 0 ? '' : `WHERE ${parts.join('\n  AND ')}`;
}

/**
 * Counts the records a pattern matches per alarm period: one row per period with at least one match, columns
 * `period_start` (timestamp, start of the period, periods aligned to the epoch as CloudWatch aligns them) and
 * `matches` (bigint). Records without a valid eventTime are not counted (as in the local backtest).
 */
export function countQuery(node: PatternNode, periodSeconds: number, o: SqlQueryOptions, header = 'matches per period'): SqlResult {
  validatePeriod(periodSeconds);
  const table = sqlTableName(o.table);
  const p = compilePredicate(node);
  if (!p.ok) return p;
  const conditions = [...partitionPredicates(o), ...timePredicates(o, true), ...(p.sql === 'TRUE' ? [] : [p.sql])];
  const sql = [
    comments(header, p.notes),
    `SELECT ${periodStart(periodSeconds)} AS period_start, count(*) AS matches`,
    `FROM ${table}`,
    where(conditions),
    'GROUP BY 1',
    'ORDER BY 1',
  ].join('\n');
  return { ok: true, sql, notes: p.notes };
}

/** One detection of a combined query. */
export interface SqlDetection {
  readonly id: string;
  readonly node: PatternNode;
}

/** A combined count query and which detections it could not express. */
export interface CombinedQuery {
  /** Undefined when no detection could be expressed. */
  readonly sql?: string;
  /** Column `m<i>` of the result counts `detections[i]`; these are the ids, in column order. */
  readonly columns: readonly string[];
  readonly refused: ReadonlyArray<{ readonly id: string; readonly reason: string }>;
  readonly notes: readonly string[];
}

/** The detections compiled: the expressible ones (ids and predicates, in order), the refused ones, and all notes. */
interface CompiledDetections {
  readonly columns: string[];
  readonly predicates: string[];
  readonly refused: Array<{ id: string; reason: string }>;
  readonly notes: string[];
}

function compileAll(detections: readonly SqlDetection[]): CompiledDetections {
  const columns: string[] = [];
  const predicates: string[] = [];
  const refused: Array<{ id: string; reason: string }> = [];
  const notes = new Set<string>();
  for (const d of detections) {
    const p: PredicateResult = compilePredicate(d.node);
    if (!p.ok) {
      refused.push({ id: d.id, reason: p.reason });
      continue;
    }
    p.notes.forEach((n) => notes.add(n));
    columns.push(d.id);
    predicates.push(p.sql);
  }
  return { columns, predicates, refused, notes: [...notes] };
}

/**
 * Counts every expressible detection in one scan (one query's data scanned, not one per detection): one row per
 * period with any match, columns `period_start` and `m0`, `m1`, ... (bigint, count_if of each detection's predicate).
 */
export function combinedCountQuery(detections: readonly SqlDetection[], periodSeconds: number, o: SqlQueryOptions): CombinedQuery {
  validatePeriod(periodSeconds);
  const table = sqlTableName(o.table);
  const { columns, predicates, refused, notes } = compileAll(detections);
  if (predicates.length === 0) return { columns, refused, notes };
  const any = predicates.includes('TRUE') ? [] : [predicates.length === 1 ? predicates[0] : `(${predicates.join('\n    OR ')})`];
  const sql = [
    comments(`matches per period of ${columns.join(', ')}`, notes),
    `SELECT ${periodStart(periodSeconds)} AS period_start,`,
    predicates.map((p, i) => `  count_if(${p}) AS m${i}`).join(',\n'),
    `FROM ${table}`,
    where([...partitionPredicates(o), ...timePredicates(o, true), ...any]),
    'GROUP BY 1',
    'ORDER BY 1',
  ].join('\n');
  return { sql, columns, refused, notes };
}

/** The key fields (SEARCH_COLUMNS) of the records a pattern matches, oldest first. */
export function searchQuery(node: PatternNode, o: SqlQueryOptions & { readonly limit?: number }): SqlResult {
  const table = sqlTableName(o.table);
  const p = compilePredicate(node);
  if (!p.ok) return p;
  if (o.limit !== undefined && (!Number.isInteger(o.limit) || o.limit <= 0)) {
    throw new Error(`limit must be a positive whole number, got ${o.limit}`);
  }
  const conditions = [...partitionPredicates(o), ...timePredicates(o, false), ...(p.sql === 'TRUE' ? [] : [p.sql])];
  const sql = [
    comments('matching records', p.notes),
    'SELECT eventtime, eventsource, eventname, awsregion, recipientaccountid,',
    '  useridentity.type AS principal_type, useridentity.arn AS principal_arn, sourceipaddress, useragent,',
    '  errorcode, errormessage, eventid, requestid',
    `FROM ${table}`,
    where(conditions),
    'ORDER BY eventtime, eventid',
    ...(o.limit !== undefined ? [`LIMIT ${o.limit}`] : []),
  ].join('\n');
  return { ok: true, sql, notes: p.notes };
}

/**
 * What the Athena engine runs for `count`: every expressible detection in one scan, grouped by period (`period_ms`,
 * epoch ms, periods of `periodSeconds` aligned to the epoch) and, for matched records only, by the report's
 * breakdown values (`principal`, `source_ip`, `event_name`; NULL when absent). Per group: `records` (all records),
 * `first_ms` / `last_ms` (their eventTime range) and per detection i `m<i>` (matches), `f<i>` / `l<i>` (first and last
 * matching eventTime, epoch ms). Records without a valid eventTime form the group whose `period_ms` is NULL (only
 * without a window: a window cannot place them).
 */
export function engineCountQuery(detections: readonly SqlDetection[], periodSeconds: number, o: SqlQueryOptions): CombinedQuery {
  validatePeriod(periodSeconds);
  const table = sqlTableName(o.table);
  const { columns, predicates, refused, notes } = compileAll(detections);
  if (predicates.length === 0) return { columns, refused, notes };
  const ms = (t: string) => `CAST(round(to_unixtime(${t}) * 1000) AS BIGINT)`;
  const any = predicates.length === 1 ? predicates[0] : `(${predicates.join(' OR ')})`;
  const whenMatched = (v: string) => `CASE WHEN ${any} THEN ${v} END`;
  const principal =
    "COALESCE(NULLIF(useridentity.arn, ''), NULLIF(useridentity.principalid, ''), NULLIF(useridentity.invokedby, ''), NULLIF(useridentity.type, ''))";
  const windowed = o.fromMs !== undefined || o.toMs !== undefined;
  const sql = [
    comments(`engine count of ${columns.join(', ')}`, notes),
    'SELECT',
    `  CAST(floor(to_unixtime(${EVENT_TIME}) / ${periodSeconds}) * ${periodSeconds} * 1000 AS BIGINT) AS period_ms,`,
    `  ${whenMatched(principal)} AS principal,`,
    `  ${whenMatched('sourceipaddress')} AS source_ip,`,
    `  ${whenMatched('eventname')} AS event_name,`,
    '  count(*) AS records,',
    `  ${ms(`min(${EVENT_TIME})`)} AS first_ms,`,
    `  ${ms(`max(${EVENT_TIME})`)} AS last_ms,`,
    predicates
      .map((p, i) => `  count_if(${p}) AS m${i}, ${ms(`min(CASE WHEN ${p} THEN ${EVENT_TIME} END)`)} AS f${i}, ${ms(`max(CASE WHEN ${p} THEN ${EVENT_TIME} END)`)} AS l${i}`)
      .join(',\n'),
    `FROM ${table}`,
    where([...partitionPredicates(o), ...(windowed ? timePredicates(o, true) : [])]),
    'GROUP BY 1, 2, 3, 4',
  ].join('\n');
  return { sql, columns, refused, notes };
}

/**
 * What the Athena engine runs for `search`: the key fields (SEARCH_COLUMNS) of the records any expressible detection
 * matches, plus `d<i>` (boolean) per detection, oldest first.
 */
export function engineSearchQuery(detections: readonly SqlDetection[], o: SqlQueryOptions & { readonly limit?: number }): CombinedQuery {
  const table = sqlTableName(o.table);
  const { columns, predicates, refused, notes } = compileAll(detections);
  if (predicates.length === 0) return { columns, refused, notes };
  const any = predicates.includes('TRUE') ? [] : [predicates.length === 1 ? predicates[0] : `(${predicates.join(' OR ')})`];
  const sql = [
    comments(`records matching ${columns.join(', ')}`, notes),
    'SELECT eventtime, eventsource, eventname, awsregion, recipientaccountid,',
    '  useridentity.type AS principal_type, useridentity.arn AS principal_arn, sourceipaddress, useragent,',
    '  errorcode, errormessage, eventid, requestid,',
    predicates.map((p, i) => `  ${p} AS d${i}`).join(',\n'),
    `FROM ${table}`,
    where([...partitionPredicates(o), ...timePredicates(o, false), ...any]),
    'ORDER BY eventtime, eventid',
    ...(o.limit !== undefined ? [`LIMIT ${o.limit}`] : []),
  ].join('\n');
  return { sql, columns, refused, notes };
}
