import * as fs from 'fs';
import { neutralise } from 'cdk-cloudtrail-alarms/lib/notifier/neutralise';
import { FileIdentity, IgnoredInput, InputListing, InputPathError, listInputs, ReadLimits, ReadProblem } from '../logs';
import { Progress } from './progress';
import type { BacktestReport } from '../backtest';
import { LocalEngine } from '../engines/local';
import type { S3Api } from '../logs/s3-api';
import { isS3Url, listS3Inputs, S3InputListing } from '../logs/s3-inputs';
import { S3Question } from '../logs/s3-layout';
import type { RetryPolicy } from '../logs/s3-retry';

/** Where a command reads and writes. Tests pass in-memory streams; `main.ts` passes the process's. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stdin: NodeJS.ReadableStream;
  /** Environment (for AWS settings). */
  readonly env?: Record<string, string | undefined>;
  /**
   * Device and inode of what `stdin` reads (`main.ts`: file descriptor 0), so that `-` and `/dev/stdin`, or `-` and
   * the file standard input was redirected from, are read once. Unknown: `-` is matched only with itself.
   */
  readonly stdinIdentity?: FileIdentity;
  /** How s3:// PATHs are read (tests pass a double, or a client on moto_server); default: the SDK's client. */
  readonly s3?: { readonly api: S3Api; readonly retry?: RetryPolicy };
}

/** A mistake in how the command was called: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  constructor(message: string, public readonly detail?: string) {
    super(message);
    Object.setPrototypeOf(this, UsageError.prototype);
  }
}

/** Reads a whole text input: a file path, or `-` for standard input (for small inputs: templates, alarm events). */
export async function readText(source: string, io: CliIo, what: string): Promise<string> {
  if (source === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await fs.promises.readFile(source, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read ${what} '${source}': ${code === 'ENOENT' ? 'no such file' : (e as Error).message}. Pass an existing file or '-' for standard input.`,
    );
  }
}

/** Splits text into lines; a final newline does not start an extra (empty) line. */
export function splitLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Opens a text input for streaming: a file path, or `-` for standard input. A missing file is a usage error. */
export async function openText(source: string, io: CliIo, what: string): Promise<NodeJS.ReadableStream> {
  if (source === '-') return io.stdin;
  try {
    const handle = await fs.promises.open(source, 'r');
    return handle.createReadStream();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read ${what} '${source}': ${code === 'ENOENT' ? 'no such file' : (e as Error).message}. Pass an existing file or '-' for standard input.`,
    );
  }
}

/**
 * The lines of a stream (without `\n` or `\r\n`), read as they come, in time linear in the input (a long line is
 * joined once, not re-scanned per chunk). A final newline does not start an extra line.
 */
export async function* readLines(input: NodeJS.ReadableStream): AsyncGenerator<string> {
  let parts: Buffer[] = [];
  for await (const chunk of input) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, start);
      if (nl < 0) break;
      const piece = buf.subarray(start, nl);
      const line = parts.length === 0 ? piece : Buffer.concat([...parts, piece]);
      parts = [];
      yield stripCr(line.toString('utf8'));
      start = nl + 1;
    }
    if (start < buf.length) parts.push(buf.subarray(start));
  }
  if (parts.length > 0) yield stripCr(Buffer.concat(parts).toString('utf8'));
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** Raised by `Output.write` once the reader of standard output has gone (EPIPE, as with `| head -1`). */
export class OutputClosed extends Error {
  constructor() {
    super('output closed');
    Object.setPrototypeOf(this, OutputClosed.prototype);
  }
}

/**
 * Standard output with backpressure: `write` waits while the stream's buffer is full, so a slow consumer slows the
 * run down instead of filling memory. A closed pipe (EPIPE) makes writes throw `OutputClosed`, which commands turn
 * into a quiet exit 0, like `grep | head`.
 */
export class Output {
  private closed = false;
  private failure: Error | undefined;
  private waiting: (() => void) | undefined;

  constructor(private readonly stream: NodeJS.WritableStream) {
    // EPIPE: the reader left (the run stops quietly); any other write error stops it loudly
    stream.on('error', (e: NodeJS.ErrnoException) => {
      this.closed = true;
      if (e.code !== 'EPIPE') this.failure = e;
      this.wake();
    });
    stream.on('drain', () => this.wake());
    stream.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  public get isClosed(): boolean {
    return this.closed;
  }

  public async write(text: string): Promise<void> {
    this.check();
    const ok = this.stream.write(text);
    if (ok) return;
    await new Promise<void>((r) => (this.waiting = r));
    this.check();
  }

  private check(): void {
    if (this.failure) throw new Error(`cannot write the output: ${this.failure.message}`);
    if (this.closed) throw new OutputClosed();
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
  }
}

/** The options that narrow s3:// PATHs, and where S3 is. */
export interface S3PathOptions {
  /** The window (--from/--to) and --account/--region. */
  readonly question: S3Question;
  /** --endpoint-url (moto_server, LocalStack). */
  readonly endpoint?: string;
}

/** The flags of s3:// PATHs shared by `search` and `backtest`. */
export const S3_OPTIONS = {
  'account': { type: 'string', multiple: true },
  'region': { type: 'string', multiple: true },
  'endpoint-url': { type: 'string' },
} as const;

const ACCOUNT_ID = /^\d{12}$/;
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** --account and --region (repeated or comma-separated), checked, with the window: what s3:// PATHs are narrowed to. */
export function s3PathOptions(
  values: { 'account'?: string[]; 'region'?: string[]; 'endpoint-url'?: string },
  window: { fromMs?: number; toMs?: number },
): S3PathOptions {
  const split = (vs: string[] | undefined) => (vs ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  const accounts = split(values.account);
  const regions = split(values.region);
  for (const a of accounts) {
    if (!ACCOUNT_ID.test(a)) throw new UsageError(`--account: '${a}' is not an AWS account id (12 digits), e.g. --account 111122223333`);
  }
  for (const r of regions) {
    if (!REGION_NAME.test(r)) throw new UsageError(`--region: '${r}' is not an AWS Region name such as eu-west-1`);
  }
  return { question: { fromMs: window.fromMs, toMs: window.toMs, accounts, regions }, endpoint: values['endpoint-url'] };
}

/**
 * Expands the PATH arguments of `search` and `backtest` into inputs, with a progress line sized by them: files,
 * directories and `-` (listInputs), then s3:// URLs (listS3Inputs, narrowed by `s3`).
 * A missing path, or one with no CloudTrail log file under it, is a usage error naming it.
 */
export async function inputsWithProgress(
  positionals: string[],
  io: CliIo,
  usage: string,
  s3?: S3PathOptions,
): Promise<{ listing: InputListing; progress: Progress; s3?: S3InputListing }> {
  if (positionals.length === 0) throw new UsageError('give at least one PATH (a file, a directory, s3://BUCKET/PREFIX or - for standard input)', usage);
  const local = positionals.filter((p) => !isS3Url(p));
  const urls = positionals.filter(isS3Url);
  const question = s3?.question ?? {};
  if (urls.length === 0 && ((question.accounts?.length ?? 0) > 0 || (question.regions?.length ?? 0) > 0 || s3?.endpoint !== undefined)) {
    throw new UsageError('--account, --region and --endpoint-url apply to s3:// PATHs, and no PATH is one', usage);
  }
  let listing: InputListing = { inputs: [], ignored: [], problems: [] };
  let remote: S3InputListing | undefined;
  try {
    if (local.length > 0) listing = await listInputs(local, { stdin: io.stdinIdentity });
    if (urls.length > 0) {
      const api = io.s3?.api ?? defaultS3Api(io, s3?.endpoint);
      remote = await listS3Inputs(urls, { api: await api, question, retry: io.s3?.retry });
      listing = {
        inputs: [...listing.inputs, ...remote.inputs],
        ignored: [...listing.ignored, ...remote.ignored],
        problems: [...listing.problems, ...remote.problems],
      };
    }
  } catch (e) {
    if (e instanceof InputPathError) throw new UsageError(e.message);
    throw e;
  }
  const { inputs } = listing;
  const progress = new Progress(io.stderr, inputs.length, inputs.reduce((n, i) => n + i.size, 0), undefined, remote ? 'objects' : 'files');
  return { listing, progress, s3: remote };
}

/** The SDK's S3 client (loaded only now): the standard credential chain, the Region of AWS_REGION, AWS_DEFAULT_REGION or the profile. */
async function defaultS3Api(io: CliIo, endpoint: string | undefined): Promise<S3Api> {
  const env = io.env ?? {};
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { sdkS3Api } = require('../logs/s3-client') as typeof import('../logs/s3-client');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { resolveRegion } = require('../aws/clients') as typeof import('../aws/clients');
  // any Region reaches the bucket: the client follows S3's redirect to the bucket's own
  const region = (await resolveRegion(env))?.region ?? 'us-east-1';
  return sdkS3Api({ region, endpoint });
}

/** The S3 line of the summary: requests made (the cost), bytes downloaded, log files the window left out. */
export function s3SummaryLine(s3: S3InputListing): string {
  const r = s3.requests;
  const parts = [`s3: ${r.list} ListObjectsV2 and ${r.get} GetObject request(s)`];
  if (r.retries > 0) parts.push(`${r.retries} retried after throttling or a server error`);
  parts.push(`${(r.bytes / 1e6).toFixed(1)} MB downloaded`);
  if (s3.pruned > 0) parts.push(`${s3.pruned} log file(s) in the listed folders delivered outside the window, not downloaded`);
  return parts.join('; ');
}

/** The local engine over the PATH arguments (`inputsWithProgress`), reporting each file read to the progress line. */
export async function localEngineFor(
  positionals: string[],
  io: CliIo,
  usage: string,
  limits: Partial<ReadLimits>,
  s3?: S3PathOptions,
): Promise<{ engine: LocalEngine; progress: Progress; s3?: S3InputListing }> {
  const { listing, progress, s3: remote } = await inputsWithProgress(positionals, io, usage, s3);
  const engine = new LocalEngine({
    inputs: listing.inputs,
    ignored: listing.ignored,
    listingProblems: listing.problems,
    stdin: io.stdin,
    limits,
    onFile: (src, s) => progress.file(src.size, s.records),
  });
  return { engine, progress, s3: remote };
}

const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses --from/--to: an ISO 8601 date or date-time. Without an offset it is UTC (CloudTrail's eventTime is UTC),
 * never the local time zone. Impossible dates (2024-02-30, 25:00) are usage errors, not rolled over.
 */
export function parseTimeOption(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const fail = (why: string): never => {
    throw new UsageError(
      `${option} ${why}, got '${value}'. Give an ISO 8601 date or date-time such as 2026-11-01, 2026-11-01T12:00:00Z or 2026-11-01T14:00:00+02:00 (no offset means UTC).`,
    );
  };
  const m = TIME.exec(value.trim());
  if (!m) return fail('must be an ISO 8601 date or date-time');
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (month < 1 || month > 12) fail(`has month ${m[2]}, which does not exist`);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 && !leap ? 28 : MONTH_DAYS[month - 1];
  if (day < 1 || day > days) fail(`is not a real date: ${m[1]}-${m[2]} has ${days} days`);
  if (hour > 23 || minute > 59 || second > 59) fail('has an impossible time of day');
  let offsetMin = 0;
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    const oh = Number(z[2]);
    const om = Number(z[3]);
    if (oh > 23 || om > 59) fail('has an impossible UTC offset');
    offsetMin = (z[1] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const fraction = m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  return Date.UTC(year, month - 1, day, hour, minute, second, fraction) - offsetMin * 60_000;
}

/** --from must come before --to. */
export function checkWindow(fromMs: number | undefined, toMs: number | undefined, from?: string, to?: string): void {
  if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs) {
    throw new UsageError(
      `--from (${from} = ${new Date(fromMs).toISOString()}) must be before --to (${to} = ${new Date(toMs).toISOString()}); the window would hold no record`,
    );
  }
}

const SIZE = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?$/i;
const UNITS: Record<string, number> = { '': 1, 'k': 1024, 'm': 1024 ** 2, 'g': 1024 ** 3, 't': 1024 ** 4 };

/** Parses a size option: bytes, or with a binary suffix (`512M`, `1G`, `1GiB`). */
export function parseSizeOption(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const m = SIZE.exec(value.trim());
  const n = m ? Math.floor(Number(m[1]) * UNITS[m[2].toLowerCase()]) : NaN;
  if (!m || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${option} must be a size in bytes, optionally with K, M or G (powers of 1024), such as 512M; got '${value}'`);
  }
  return n;
}

/** Parses a positive whole-number option. */
export function parseCountOption(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${option} must be a whole number of at least 1, got '${value}'`);
  }
  return n;
}

/** The limit flags shared by `search` and `backtest`. */
export const LIMIT_OPTIONS = {
  'max-file-size': { type: 'string' },
  'max-record-size': { type: 'string' },
  'max-depth': { type: 'string' },
} as const;

export function limitsFrom(values: { 'max-file-size'?: string; 'max-record-size'?: string; 'max-depth'?: string }): Partial<ReadLimits> {
  const limits: { maxFileSize?: number; maxRecordSize?: number; maxDepth?: number } = {};
  const fileSize = parseSizeOption(values['max-file-size'], '--max-file-size');
  const recordSize = parseSizeOption(values['max-record-size'], '--max-record-size');
  const depth = parseCountOption(values['max-depth'], '--max-depth');
  if (fileSize !== undefined) limits.maxFileSize = fileSize;
  if (recordSize !== undefined) limits.maxRecordSize = recordSize;
  if (depth !== undefined) limits.maxDepth = depth;
  return limits;
}

/** Problem lines printed per file on standard error; the rest are counted (all are in `--json`). */
export const PROBLEMS_PER_FILE = 5;

/** Writes problem lines to standard error, at most PROBLEMS_PER_FILE per file, then how many more. */
export function writeProblems(stderr: NodeJS.WritableStream, problems: readonly ReadProblem[], allHint: string): void {
  const shown = new Map<string, number>();
  const hidden = new Map<string, number>();
  for (const p of problems) {
    const n = shown.get(p.path) ?? 0;
    if (n >= PROBLEMS_PER_FILE) {
      hidden.set(p.path, (hidden.get(p.path) ?? 0) + 1);
      continue;
    }
    shown.set(p.path, n + 1);
    stderr.write(`skipped: ${neutralise(p.path)}${p.line ? `:${p.line}` : ''}: ${neutralise(p.message)}\n`);
  }
  for (const [path, n] of hidden) stderr.write(`skipped: ${neutralise(path)}: ... and ${n} more problem(s) in this file (${allHint})\n`);
}

/** `backtest`'s exit status: 4 when some input could not be read, 1 when a detection of the template was not replayed, else 0. */
export function backtestExitCode(report: BacktestReport): number {
  if (report.errors.length > 0) return 4;
  return (report.notReplayed?.length ?? 0) > 0 ? 1 : 0;
}

/** "3 CloudTrail digest file (log file validation), 1 not a CloudTrail log file" */
export function describeIgnored(ignored: readonly IgnoredInput[]): string {
  const byReason = new Map<string, number>();
  for (const i of ignored) {
    const reason = i.reason.startsWith('same file as ') ? 'read once already (same file)' : i.reason;
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  }
  return [...byReason.entries()].map(([reason, n]) => `${n} ${reason}`).join(', ');
}
