import type { CloudWatchLogsClient, FilterLogEventsCommandOutput, FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';

/**
 * FilterLogEvents page by page: only a missing nextToken ends a scan (pages may be partly full or empty before the
 * end); throttling (5 requests per second per account and Region, not adjustable) is retried with exponential
 * backoff. The SDK module is loaded only when a scan runs.
 */

/** The part of CloudWatchLogsClient the scan uses (tests pass their own). */
export interface LogsSend {
  send(command: unknown): Promise<unknown>;
}

export interface FilterScan {
  readonly logGroupName: string;
  /** Sent as filterPattern (the exact deployed text); undefined for every event. */
  readonly filterPattern?: string;
  /** Log event timestamps (delivery time), epoch ms. */
  readonly startTime?: number;
  readonly endTime?: number;
  /** Most events per page (1-10,000; AWS's default 10,000). */
  readonly limit?: number;
}

export interface ScanOptions {
  readonly signal?: AbortSignal;
  /** Called after every page: events so far, pages so far. */
  readonly onPage?: (events: number, pages: number) => void;
  /** For tests: how to wait between retries. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Retries of a throttled call before giving up. Default 8. */
  readonly maxRetries?: number;
}

type LogsModule = typeof import('@aws-sdk/client-cloudwatch-logs');

function sdk(): LogsModule {
  // the bundled SDK version is pinned by this package; its notice about future SDK releases does not apply here
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@aws-sdk/client-cloudwatch-logs') as LogsModule;
}

export function createLogsClient(config: { region?: string; endpoint?: string } = {}): CloudWatchLogsClient {
  const { CloudWatchLogsClient: Client } = sdk();
  return new Client({ region: config.region, endpoint: config.endpoint });
}

const THROTTLED = new Set(['ThrottlingException', 'TooManyRequestsException', 'LimitExceededException']);

/** Raised when a scan is aborted. */
export class ScanAbortedError extends Error {
  constructor(logGroupName: string) {
    super(`FilterLogEvents on ${logGroupName} was cancelled`);
    Object.setPrototypeOf(this, ScanAbortedError.prototype);
  }
}

export async function* filterLogEvents(client: LogsSend, scan: FilterScan, options: ScanOptions = {}): AsyncGenerator<FilteredLogEvent> {
  const m = sdk();
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const maxRetries = options.maxRetries ?? 8;
  let token: string | undefined;
  let events = 0;
  let pages = 0;
  do {
    if (options.signal?.aborted) throw new ScanAbortedError(scan.logGroupName);
    let delay = 200;
    let out: FilterLogEventsCommandOutput;
    for (let attempt = 0; ; attempt++) {
      try {
        out = (await client.send(
          new m.FilterLogEventsCommand({
            logGroupName: scan.logGroupName,
            filterPattern: scan.filterPattern,
            startTime: scan.startTime,
            endTime: scan.endTime,
            nextToken: token,
            limit: scan.limit,
          }),
        )) as FilterLogEventsCommandOutput;
        break;
      } catch (e) {
        const name = (e as { name?: string }).name ?? '';
        if (!THROTTLED.has(name) || attempt >= maxRetries) throw e;
        await sleep(delay);
        delay = Math.min(delay * 2, 10_000);
      }
    }
    pages++;
    for (const ev of out.events ?? []) {
      events++;
      yield ev;
    }
    options.onPage?.(events, pages);
    token = out.nextToken;
  } while (token);
}
