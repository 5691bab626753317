import { engineCountQuery, engineSearchQuery, SqlQueryOptions } from '../../sql/sql';
import {
  CountResult,
  DetectionCounts,
  Engine,
  EngineProblem,
  EngineQuery,
  EngineStats,
  MatchedRecord,
  SearchRun,
} from '../engine';
import { AthenaQueryResult, AthenaSend, createAthenaClient, PollOptions, runAthenaQuery } from './query-runner';
import { athenaFailure, regionOfClient } from '../remote-failure';
import { DetectionTally } from '../tally';

/** Where the CloudTrail table is and how to query it. */
export interface AthenaEngineOptions {
  /** `database.table` of AWS's CloudTrail table (partition projection: `timestamp`, optional `region`, `account`). */
  readonly table: string;
  readonly workgroup: string;
  /** s3:// prefix for query results (the workgroup's when absent). */
  readonly outputLocation?: string;
  /** Read only these values of the `region` / `account` partition columns. */
  readonly regions?: readonly string[];
  readonly accounts?: readonly string[];
  /** Name of the date partition column, or false when the table has none. Default `timestamp`. */
  readonly timestampPartition?: string | false;
  /** AWS Region of Athena, and an endpoint (tests). */
  readonly region?: string;
  readonly endpoint?: string;
  /** A client to use instead of creating one (tests). */
  readonly client?: AthenaSend;
  readonly poll?: PollOptions;
  /** Most records `search` returns (the query's LIMIT). */
  readonly searchLimit?: number;
}


function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

const num = (v: string | undefined): number | undefined => (v === undefined || v === '' ? undefined : Number(v));

/**
 * Runs detections as Athena queries over the CloudTrail table: `count` in one scan for every expressible
 * detection (one query's data scanned), `search` likewise. A detection the table cannot express is a problem named
 * with the reason (its counts stay empty), never an approximation. `bytesScanned` is Athena's DataScannedInBytes.
 */
export class AthenaEngine implements Engine {
  public readonly name = 'athena';
  /** Query execution ids of the queries run, in order (for messages). */
  public readonly queryExecutionIds: string[] = [];
  private client: AthenaSend | undefined;

  constructor(private readonly options: AthenaEngineOptions) {}

  private send(): AthenaSend {
    this.client ??= this.options.client ?? createAthenaClient({ region: this.options.region, endpoint: this.options.endpoint });
    return this.client;
  }

  private sqlOptions(query: EngineQuery): SqlQueryOptions {
    return {
      table: this.options.table,
      fromMs: query.window?.fromMs,
      toMs: query.window?.toMs,
      regions: this.options.regions,
      accounts: this.options.accounts,
      timestampPartition: this.options.timestampPartition,
    };
  }

  public async count(query: EngineQuery): Promise<CountResult> {
    const periods = query.detections.map((d) => d.periodSeconds);
    const base = periods.length === 0 ? 300 : periods.reduce(gcd);
    const q = engineCountQuery(
      query.detections.map((d) => ({ id: d.id, node: d.pattern._node })),
      base,
      this.sqlOptions(query),
    );
    const problems: EngineProblem[] = q.refused.map((r) => ({
      path: this.options.table,
      message: `detection ${r.id} cannot be expressed in SQL over the CloudTrail table: ${r.reason}`,
      records: 0,
    }));
    const empty = (id: string): DetectionCounts => ({
      id,
      periods: new Map(),
      matches: 0,
      breakdown: { principals: new Map(), sourceIps: new Map(), eventNames: new Map() },
    });
    if (!q.sql) {
      return { detections: query.detections.map((d) => empty(d.id)), stats: this.stats(0, 0, problems) };
    }
    const result = await this.run(q.sql);
    this.queryExecutionIds.push(result.queryExecutionId);

    let records = 0;
    let noTime = 0;
    let earliest: number | undefined;
    let latest: number | undefined;
    const acc = q.columns.map(() => new DetectionTally());
    for (const row of result.rows) {
      const n = num(row.records) ?? 0;
      records += n;
      const period = num(row.period_ms);
      if (period === undefined) {
        noTime += n;
        continue;
      }
      const f = num(row.first_ms);
      const l = num(row.last_ms);
      if (f !== undefined && (earliest === undefined || f < earliest)) earliest = f;
      if (l !== undefined && (latest === undefined || l > latest)) latest = l;
      q.columns.forEach((_, i) => {
        const by = { principal: row.principal, sourceIp: row.source_ip, eventName: row.event_name };
        acc[i].add(period, num(row[`m${i}`]) ?? 0, num(row[`f${i}`]), num(row[`l${i}`]), by);
      });
    }
    if (noTime > 0) {
      problems.push({ path: this.options.table, message: `${noTime} record(s) without a valid eventTime`, records: noTime });
    }
    const detections = query.detections.map((d) => {
      const i = q.columns.indexOf(d.id);
      if (i < 0) return empty(d.id);
      // re-bucket from the common base period into the detection's own (both aligned to the epoch)
      return acc[i].counts(d.id, d.periodSeconds * 1000);
    });
    return { detections, stats: this.stats(records, result.dataScannedBytes, problems, earliest, latest) };
  }

  public search(query: EngineQuery): SearchRun {
    const q = engineSearchQuery(
      query.detections.map((d) => ({ id: d.id, node: d.pattern._node })),
      { ...this.sqlOptions(query), limit: this.options.searchLimit },
    );
    const problems: EngineProblem[] = q.refused.map((r) => ({
      path: this.options.table,
      message: `detection ${r.id} cannot be expressed in SQL over the CloudTrail table: ${r.reason}`,
      records: 0,
    }));
    let scanned = 0;
    let returned = 0;
    const self = this;
    let done: Promise<void> = Promise.resolve();
    async function* records(): AsyncGenerator<MatchedRecord> {
      if (!q.sql) return;
      const run = self.run(q.sql);
      done = run.then(() => undefined, () => undefined);
      const result = await run;
      self.queryExecutionIds.push(result.queryExecutionId);
      scanned = result.dataScannedBytes;
      let line = 0;
      for (const row of result.rows) {
        line++;
        returned++;
        const ids = q.columns.filter((_, i) => row[`d${i}`] === 'true');
        yield { record: keyFields(row), detectionIds: ids, location: { source: `athena:${result.queryExecutionId}`, line } };
      }
    }
    return {
      records: records(),
      stats: async () => {
        await done;
        return this.stats(returned, scanned, problems);
      },
    };
  }

  /** Runs one query; a missing table or workgroup, a wrong Region or denied access is one line naming them. */
  private async run(sql: string): Promise<AthenaQueryResult> {
    try {
      return await runAthenaQuery(this.send(), this.queryOptions(sql), this.options.poll);
    } catch (e) {
      const region = await regionOfClient(this.client, this.options.region);
      throw athenaFailure(e, { table: this.options.table, workgroup: this.options.workgroup, region }) ?? e;
    }
  }

  private queryOptions(sql: string) {
    return { sql, workgroup: this.options.workgroup, outputLocation: this.options.outputLocation };
  }

  private stats(records: number, bytes: number, problems: EngineProblem[], earliest?: number, latest?: number): EngineStats {
    return {
      records,
      bytesScanned: bytes,
      sources: this.queryExecutionIds.length,
      recordsRuledOut: 0,
      sourcesRuledOut: 0,
      ignored: [],
      problems,
      earliestEventMs: earliest,
      latestEventMs: latest,
    };
  }
}

/** A search row as a (partial) CloudTrail record, under CloudTrail's own field names. */
export function keyFields(row: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  const set = (name: string, v: string | undefined) => {
    if (v !== undefined) r[name] = v;
  };
  set('eventTime', row.eventtime);
  set('eventSource', row.eventsource);
  set('eventName', row.eventname);
  set('awsRegion', row.awsregion);
  set('recipientAccountId', row.recipientaccountid);
  const ui: Record<string, string> = {};
  if (row.principal_type !== undefined) ui.type = row.principal_type;
  if (row.principal_arn !== undefined) ui.arn = row.principal_arn;
  if (Object.keys(ui).length > 0) r.userIdentity = ui;
  set('sourceIPAddress', row.sourceipaddress);
  set('userAgent', row.useragent);
  set('errorCode', row.errorcode);
  set('errorMessage', row.errormessage);
  set('eventID', row.eventid);
  set('requestID', row.requestid);
  return r;
}
