// s3://bucket/prefix as a PATH of search, backtest and notify-preview --events: the objects a question needs, as
// input sources that download themselves (s3-downloads.ts) into the same decompress-and-scan path as files.
import { IgnoredInput, InputPathError, InputSource, summarizeIgnored } from './inputs';
import { classifyArgument, classifyObject, ignoredReason } from './object-names';
import { ReadProblem } from './problems';
import { S3Api } from './s3-api';
import { S3Downloads } from './s3-downloads';
import { s3ListingFailure } from './s3-failure';
import { narrows, S3Question } from './s3-layout';
import { listS3Objects, S3Location } from './s3-listing';
import { RequestCounter, RetryPolicy } from './s3-retry';

/** Whether a PATH argument is an S3 URL. */
export function isS3Url(p: string): boolean {
  return /^s3:\/\//i.test(p);
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `s3://bucket/prefix` -> bucket and prefix. A malformed URL is an InputPathError naming it. */
export function parseS3Url(url: string): S3Location {
  const m = /^s3:\/\/([^/]*)\/?(.*)$/is.exec(url);
  const bucket = m?.[1] ?? '';
  if (!m || !BUCKET.test(bucket)) {
    throw new InputPathError(`'${url}' is not an S3 URL with a bucket name (3-63 lower-case letters, digits, dots and hyphens): give s3://BUCKET/PREFIX, e.g. s3://my-trail-bucket/AWSLogs/`);
  }
  return { bucket, prefix: m[2] };
}

export interface S3InputOptions {
  readonly api: S3Api;
  readonly question: S3Question;
  /** Objects downloading at once. @default 8 */
  readonly concurrency?: number;
  readonly retry?: RetryPolicy;
  /** Counts the requests made (ListObjectsV2, GetObject, retries); a new one when absent. */
  readonly counter?: RequestCounter;
  readonly nowMs?: number;
}

/** The S3 objects of the URLs, as a listing of inputs (same shape as `listInputs`' for files). */
export interface S3InputListing {
  readonly inputs: InputSource[];
  readonly ignored: IgnoredInput[];
  readonly problems: ReadProblem[];
  /** Log files listed in a day's folder but left out: delivered outside the window (by the time in their name). */
  readonly pruned: number;
  readonly requests: RequestCounter;
}

/**
 * Lists the objects of each URL that the question needs (see s3-listing.ts) and turns them into input sources,
 * classified by name exactly as files in a directory are (digest and Insights objects and other objects inside
 * `AWSLogs/` are ignored and counted). An object listed under two URLs is read once. Throws InputPathError for a
 * malformed URL or a prefix holding no CloudTrail log file, and RemoteDataError (exit 3) when a listing fails.
 */
export async function listS3Inputs(urls: readonly string[], o: S3InputOptions): Promise<S3InputListing> {
  const requests = o.counter ?? new RequestCounter();
  const inputs: InputSource[] = [];
  const ignored: IgnoredInput[] = [];
  const taken = new Set<string>();
  let pruned = 0;
  for (const url of urls) {
    const location = parseS3Url(url);
    let listing;
    try {
      listing = await listS3Objects(o.api, location, o.question, { retry: o.retry, counter: requests, nowMs: o.nowMs });
    } catch (e) {
      throw s3ListingFailure(e, url, location.bucket, location.prefix);
    }
    if (listing.empty) throw new InputPathError(`'${url}' holds no objects (check the bucket and the prefix)`);
    pruned += listing.pruned;
    const taking: Array<{ key: string; size: number }> = [];
    const ignoredBefore = ignored.length;
    for (const x of listing.objects) {
      const path = `s3://${location.bucket}/${x.key}`;
      const kind = listing.single ? classifyArgument(x.key) : classifyObject(x.key);
      if (kind !== 'log' && kind !== 'data') {
        ignored.push({ path, reason: ignoredReason(kind) });
        continue;
      }
      if (taken.has(path)) {
        ignored.push({ path, reason: `same file as ${path}` });
        continue;
      }
      taken.add(path);
      taking.push(x);
    }
    const downloads = new S3Downloads(o.api, location.bucket, taking, { concurrency: o.concurrency, retry: o.retry, counter: requests });
    taking.forEach((x, i) => inputs.push({ path: `s3://${location.bucket}/${x.key}`, size: x.size, kind: 'stream', open: () => downloads.open(i) }));
    const mine = ignored.slice(ignoredBefore);
    if (taking.length === 0 && !narrows(o.question) && !mine.some((i) => i.reason.startsWith('same file as '))) {
      throw new InputPathError(`'${url}' ${listing.single ? 'is not a CloudTrail log file' : 'holds no CloudTrail log files'}${summarizeIgnored(mine)}`);
    }
  }
  return { inputs, ignored, problems: [], pruned, requests };
}
