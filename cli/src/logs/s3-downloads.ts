// Downloading the listed objects with bounded concurrency: when the reader opens object i, the downloads of the
// next few objects start too; each object's compressed bytes stream into the reader's decompress-and-scan path
// through a bounded buffer (no temporary files, memory bounded by concurrency x buffer).
import { PassThrough, Readable } from 'stream';
import { InputReadError } from './decompress';
import { S3Api } from './s3-api';
import { RequestCounter, RetryPolicy, withRetry } from './s3-retry';

export interface DownloadOptions {
  /** Objects downloading at once. @default 8 */
  readonly concurrency?: number;
  /** Compressed bytes buffered per object ahead of the reader. @default 4 MiB */
  readonly bufferBytes?: number;
  readonly retry?: RetryPolicy;
  readonly counter: RequestCounter;
}

interface Started {
  readonly body: Promise<Readable>;
}

/** Downloads the objects of one bucket, in the order they are listed. */
export class S3Downloads {
  private readonly started = new Map<number, Started>();
  private readonly concurrency: number;
  private readonly bufferBytes: number;

  constructor(
    private readonly api: S3Api,
    private readonly bucket: string,
    private readonly keys: readonly string[],
    private readonly o: DownloadOptions,
  ) {
    this.concurrency = Math.max(1, o.concurrency ?? 8);
    this.bufferBytes = o.bufferBytes ?? 4 * 1024 * 1024;
  }

  /**
   * The compressed bytes of object `i`, streaming; starts the downloads of the objects after it up to the
   * concurrency. Rejects with an InputReadError that says why (after retrying throttling).
   */
  public open(i: number): Promise<Readable> {
    for (let j = i; j < Math.min(this.keys.length, i + this.concurrency); j++) this.start(j);
    const s = this.started.get(i)!;
    this.started.delete(i);
    return s.body;
  }

  private start(i: number): void {
    if (this.started.has(i) || i < 0) return;
    const key = this.keys[i];
    const body = withRetry(
      () => {
        this.o.counter.get++;
        return this.api.get(this.bucket, key);
      },
      this.o.retry,
      () => this.o.counter.retries++,
    ).then(
      (obj) => {
        const buffered = new PassThrough({ highWaterMark: this.bufferBytes });
        obj.body.on('error', (e) => buffered.destroy(e));
        obj.body.on('data', (chunk: Buffer) => (this.o.counter.bytes += chunk.length));
        obj.body.pipe(buffered);
        return buffered as Readable;
      },
      (e) => {
        throw new InputReadError(getFailure(e));
      },
    );
    // a failure is reported when the object is read
    body.catch(() => undefined);
    this.started.set(i, { body });
  }
}

/** Why GetObject failed, for the problem line of the object. */
export function getFailure(e: unknown): string {
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const detail = `${err.name ?? 'Error'}: ${(err.message ?? String(e)).replace(/\s+/g, ' ').trim()}`;
  const status = err.$metadata?.httpStatusCode;
  if (err.name === 'NoSuchKey' || status === 404) return `the object is gone (deleted since it was listed?) (${detail})`;
  if (err.name === 'AccessDenied' || status === 403) {
    return `access denied: allow s3:GetObject on the object, and kms:Decrypt on its key if the bucket uses SSE-KMS (${detail})`;
  }
  if (err.name === 'InvalidObjectState') return `the object is archived (S3 Glacier or Deep Archive): restore it to read it (${detail})`;
  if (err.name === 'SlowDown' || status === 503 || status === 429) return `S3 still throttled the download after retrying with backoff (${detail})`;
  return `cannot download the object (${detail})`;
}
