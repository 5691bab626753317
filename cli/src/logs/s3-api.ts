// The few S3 calls the S3 input makes, as an interface: the SDK's client behind it (s3-client.ts, loaded only when a
// PATH is an s3:// URL), or a test double. Nothing here writes to a bucket.
import { Readable } from 'stream';

/** One page of ListObjectsV2. */
export interface S3ListPage {
  readonly objects: ReadonlyArray<{ readonly key: string; readonly size: number }>;
  /** Folders one level down (with a delimiter). */
  readonly folders: readonly string[];
  /** Where the next page starts; undefined on the last page. */
  readonly next?: string;
}

export interface S3ListRequest {
  readonly bucket: string;
  readonly prefix: string;
  /** `/` to list one level (objects and folders), absent to list every key under the prefix. */
  readonly delimiter?: string;
  readonly continuation?: string;
}

/** The object's bytes as stored (compressed), streamed. */
export interface S3Object {
  readonly body: Readable;
}

/** The calls the S3 input makes: s3:ListBucket and s3:GetObject, nothing else. */
export interface S3Api {
  list(request: S3ListRequest): Promise<S3ListPage>;
  get(bucket: string, key: string): Promise<S3Object>;
}
