// Downloading the listed objects with bounded concurrency: when the reader opens object i, the downloads of the
// next few objects start too; each object's stored bytes go into the reader's decompress-and-scan path in memory (no
// temporary files): whole for the usual objects (at most 50 MB, most far smaller), read as a small file is, and
// through a bounded buffer for big ones, read as a big file is.
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

/** Objects up to this size are downloaded whole and read as a small file is (decompress.ts reads files up to 32 MiB whole). */
export const WHOLE_OBJECT_LIMIT = 32 * 1024 * 1024;

/** Downloads the objects of one bucket, in the order they are listed. */
export class S3Downloads {
  private readonly started = new Map<number, Promise<Buffer | Readable>>();
  private readonly concurrency: number;
  private readonly bufferBytes: number;

  constructor(
    private readonly api: S3Api,
    private readonly bucket: string,
    private readonly objects: ReadonlyArray<{ readonly key: string; readonly size: number }>,
    private readonly o: DownloadOptions,
  ) {
    this.concurrency = Math.max(1, o.concurrency ?? 8);
    this.bufferBytes = o.bufferBytes ?? 4 * 1024 * 1024;
  }

  /**
   * The stored bytes of object `i`: whole for an object up to WHOLE_OBJECT_LIMIT (a dropped connection is then
   * retried like throttling: nothing of it was read yet), else streaming; starts the downloads of the objects after
   * it up to the concurrency. Rejects with an InputReadError that says why (after retrying throttling).
   */
  public open(i: number): Promise<Buffer | Readable> {
    for (let j = i; j < Math.min(this.objects.length, i + this.concurrency); j++) this.start(j);
    const body = this.started.get(i)!;
    this.started.delete(i);
    return body;
  }

  private start(i: number): void {
    if (this.started.has(i)) return;
    const { key, size } = this.objects[i];
    const whole = size <= WHOLE_OBJECT_LIMIT;
    const body = withRetry(
      async () => {
        this.o.counter.get++;
        const obj = await this.api.get(this.bucket, key);
        return whole ? this.collect(obj.body) : this.buffered(obj.body);
      },
      this.o.retry,
      () => this.o.counter.retries++,
    ).catch((e) => {
      throw new InputReadError(getFailure(e));
    });
    // a failure is reported when the object is read
    body.catch(() => undefined);
    this.started.set(i, body);
  }

  private async collect(body: Readable): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of body) {
      const chunk = Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array);
      this.o.counter.bytes += chunk.length;
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  private buffered(body: Readable): Readable {
    const out = new PassThrough({ highWaterMark: this.bufferBytes });
    body.on('error', (e) => out.destroy(e));
    body.on('data', (chunk: Buffer) => (this.o.counter.bytes += chunk.length));
    body.pipe(out);
    return out;
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
