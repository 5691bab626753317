import type {
  AthenaClient,
  GetQueryExecutionCommandOutput,
  GetQueryResultsCommandOutput,
  StartQueryExecutionCommandOutput,
} from '@aws-sdk/client-athena';

/**
 * One Athena query from start to last row: StartQueryExecution, GetQueryExecution polled with backoff until a final
 * state, then GetQueryResults page by page. A FAILED query raises its reason; an abort (or the timeout) calls
 * StopQueryExecution and raises. The SDK module is loaded only when a query runs.
 */

/** The part of AthenaClient the runner uses (tests pass their own). */
export interface AthenaSend {
  send(command: unknown): Promise<unknown>;
}

export interface AthenaQueryOptions {
  readonly sql: string;
  readonly workgroup: string;
  /** s3:// prefix for results; the workgroup's when absent. */
  readonly outputLocation?: string;
  /** Database for unqualified names (the queries qualify theirs). */
  readonly database?: string;
}

export interface PollOptions {
  /** First wait between GetQueryExecution calls. Default 250 ms. */
  readonly initialDelayMs?: number;
  /** Longest wait between calls. Default 5000 ms. */
  readonly maxDelayMs?: number;
  /** Give up (and stop the query) after this long. Default 30 min (Athena's default DML timeout). */
  readonly timeoutMs?: number;
  /** Rows per GetQueryResults page (1-1000). Default 1000. */
  readonly pageSize?: number;
  /** Stops the query when aborted. */
  readonly signal?: AbortSignal;
  /** Called on every state seen (QUEUED, RUNNING, ...). */
  readonly onState?: (state: string, queryExecutionId: string) => void;
  /** For tests: how to wait. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface AthenaQueryResult {
  readonly queryExecutionId: string;
  readonly columns: readonly string[];
  /** Rows as column name to value (undefined for SQL NULL). */
  readonly rows: ReadonlyArray<Readonly<Record<string, string | undefined>>>;
  readonly dataScannedBytes: number;
  readonly engineExecutionMs?: number;
}

/** Raised for a query Athena failed or that was stopped; the message says which and why. */
export class AthenaQueryError extends Error {
  constructor(message: string, public readonly queryExecutionId: string | undefined, public readonly state: string) {
    super(message);
    Object.setPrototypeOf(this, AthenaQueryError.prototype);
  }
}

type AthenaModule = typeof import('@aws-sdk/client-athena');

function sdk(): AthenaModule {
  // the bundled SDK version is pinned by this package; its notice about future SDK releases does not apply here
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@aws-sdk/client-athena') as AthenaModule;
}

/** Creates the SDK client (loading the SDK). */
export function createAthenaClient(config: { region?: string; endpoint?: string } = {}): AthenaClient {
  const { AthenaClient: Client } = sdk();
  return new Client({ region: config.region, endpoint: config.endpoint });
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });

const THROTTLED = new Set(['TooManyRequestsException', 'ThrottlingException']);

async function withThrottleRetry<T>(call: () => Promise<T>, sleep: (ms: number) => Promise<void>): Promise<T> {
  let delay = 500;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      const name = (e as { name?: string }).name ?? '';
      if (!THROTTLED.has(name) || attempt >= 6) throw e;
      await sleep(delay);
      delay = Math.min(delay * 2, 10_000);
    }
  }
}

export async function runAthenaQuery(client: AthenaSend, q: AthenaQueryOptions, options: PollOptions = {}): Promise<AthenaQueryResult> {
  const m = sdk();
  const sleep = options.sleep ?? ((ms: number) => defaultSleep(ms, options.signal));
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const pageSize = options.pageSize ?? 1000;
  const started = (await withThrottleRetry(
    () =>
      client.send(
        new m.StartQueryExecutionCommand({
          QueryString: q.sql,
          WorkGroup: q.workgroup,
          ...(q.outputLocation ? { ResultConfiguration: { OutputLocation: q.outputLocation } } : {}),
          ...(q.database ? { QueryExecutionContext: { Database: q.database } } : {}),
        }),
      ),
    sleep,
  )) as StartQueryExecutionCommandOutput;
  const id = started.QueryExecutionId;
  if (!id) throw new AthenaQueryError('StartQueryExecution returned no QueryExecutionId', undefined, 'UNKNOWN');

  const stop = async (why: string): Promise<never> => {
    try {
      await client.send(new m.StopQueryExecutionCommand({ QueryExecutionId: id }));
    } catch {
      // the query may have ended meanwhile; the error below says why we stopped it
    }
    throw new AthenaQueryError(`query ${id} ${why}; StopQueryExecution was called`, id, 'CANCELLED');
  };

  const deadline = Date.now() + timeoutMs;
  let delay = options.initialDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 5000;
  let execution: GetQueryExecutionCommandOutput['QueryExecution'];
  for (;;) {
    if (options.signal?.aborted) await stop('was cancelled');
    const out = (await withThrottleRetry(
      () => client.send(new m.GetQueryExecutionCommand({ QueryExecutionId: id })),
      sleep,
    )) as GetQueryExecutionCommandOutput;
    execution = out.QueryExecution;
    const state = execution?.Status?.State ?? 'UNKNOWN';
    options.onState?.(state, id);
    if (state === 'SUCCEEDED') break;
    if (state === 'FAILED') {
      const err = execution?.Status?.AthenaError;
      const reason = err?.ErrorMessage ?? execution?.Status?.StateChangeReason ?? 'no reason given';
      throw new AthenaQueryError(`query ${id} failed: ${reason}`, id, 'FAILED');
    }
    if (state === 'CANCELLED') throw new AthenaQueryError(`query ${id} was cancelled (outside this run)`, id, 'CANCELLED');
    if (Date.now() + delay > deadline) await stop(`did not finish within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(delay);
    delay = Math.min(Math.ceil(delay * 1.6), maxDelay);
  }

  const rows: Array<Record<string, string | undefined>> = [];
  let columns: string[] | undefined;
  let token: string | undefined;
  let first = true;
  do {
    if (options.signal?.aborted) await stop('was cancelled while its results were read');
    const page = (await withThrottleRetry(
      () => client.send(new m.GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: pageSize })),
      sleep,
    )) as GetQueryResultsCommandOutput;
    columns ??= (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? '');
    const data = page.ResultSet?.Rows ?? [];
    for (let i = 0; i < data.length; i++) {
      const values = (data[i].Data ?? []).map((d) => d.VarCharValue);
      // a SELECT's first row of the first page repeats the column names
      if (first && i === 0 && values.length === columns.length && values.every((v, k) => v === columns![k])) continue;
      const row: Record<string, string | undefined> = {};
      columns.forEach((c, k) => {
        row[c] = values[k];
      });
      rows.push(row);
    }
    first = false;
    token = page.NextToken;
  } while (token);

  const stats = execution?.Statistics;
  return {
    queryExecutionId: id,
    columns: columns ?? [],
    rows,
    dataScannedBytes: stats?.DataScannedInBytes ?? 0,
    engineExecutionMs: stats?.EngineExecutionTimeInMillis,
  };
}

/** Athena's price for a query: $5 per TB scanned, rounded up to the MB, 10 MB minimum (DDL and failed queries aside). */
export function athenaCostUsd(bytesScanned: number): number {
  const mb = Math.max(10, Math.ceil(bytesScanned / 1024 ** 2));
  return (mb * 1024 ** 2 * 5) / 1024 ** 4;
}
