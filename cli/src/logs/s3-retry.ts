// Retrying S3's throttling (503 SlowDown, 429) and transient failures (500, 502, 504, timeouts, reset connections)
// with exponential backoff and full jitter; anything else fails at once.

export interface RetryPolicy {
  /** Attempts in all, the first included. @default 8 */
  readonly attempts?: number;
  /** The first backoff's ceiling. @default 100 ms */
  readonly baseMs?: number;
  /** No backoff is longer than this. @default 10 s */
  readonly capMs?: number;
  /** How to wait (tests pass one that does not). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Random in [0, 1) (tests pass a fixed one). */
  readonly random?: () => number;
}

const RETRYABLE_NAMES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'ServiceUnavailable',
  'TimeoutError',
]);
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const RETRYABLE_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED']);

/** Whether a failed call may succeed when tried again: throttling, a server error, a dropped connection. */
export function isRetryable(e: unknown): boolean {
  const err = e as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  if (err === null || typeof err !== 'object') return false;
  if (RETRYABLE_NAMES.has(err.name ?? '')) return true;
  if (err.$metadata?.httpStatusCode !== undefined && RETRYABLE_STATUS.has(err.$metadata.httpStatusCode)) return true;
  return RETRYABLE_CODES.has(err.code ?? '');
}

/** Counts of the requests made, by kind, of the retries among them, and of the bytes downloaded. */
export class RequestCounter {
  /** ListObjectsV2 requests (retries included). */
  public list = 0;
  /** GetObject requests (retries included). */
  public get = 0;
  /** Requests that repeated a failed one (counted in list and get too). */
  public retries = 0;
  /** Bytes of object bodies received (compressed, as stored). */
  public bytes = 0;
}

/**
 * Runs `call` until it succeeds, fails with an error that is not retryable, or has been tried `attempts` times;
 * between tries waits a random time up to min(cap, base * 2^n). `onTry` is called before each try.
 */
export async function withRetry<T>(call: () => Promise<T>, policy: RetryPolicy = {}, onRetry?: () => void): Promise<T> {
  const attempts = policy.attempts ?? 8;
  const base = policy.baseMs ?? 100;
  const cap = policy.capMs ?? 10_000;
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = policy.random ?? Math.random;
  for (let n = 0; ; n++) {
    try {
      return await call();
    } catch (e) {
      if (n + 1 >= attempts || !isRetryable(e)) throw e;
      onRetry?.();
      await sleep(Math.floor(random() * Math.min(cap, base * 2 ** n)));
    }
  }
}
