// The SDK behind S3Api. Loaded only when a PATH is an s3:// URL (the SDK is not loaded for local files).
import { Readable } from 'stream';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { S3Api, S3ListPage, S3ListRequest, S3Object } from './s3-api';

// the bundled SDK version is pinned by this package; its notice about future SDK releases does not apply here
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface S3ClientOptions {
  /** The Region requests start in; a bucket elsewhere is followed there. */
  readonly region: string;
  /** For emulators (moto_server, LocalStack): path-style requests to this endpoint. */
  readonly endpoint?: string;
}

/**
 * S3Api over the SDK's client, with the standard credential chain. The SDK's own retries are off: the S3 input
 * retries throttling itself (s3-retry.ts), so that every request is counted once.
 */
export function sdkS3Api(o: S3ClientOptions): S3Api {
  const client = new S3Client({
    region: o.region,
    endpoint: o.endpoint,
    forcePathStyle: o.endpoint !== undefined,
    followRegionRedirects: true,
    maxAttempts: 1,
  });
  return {
    async list(r: S3ListRequest): Promise<S3ListPage> {
      const out = await client.send(
        new ListObjectsV2Command({ Bucket: r.bucket, Prefix: r.prefix, Delimiter: r.delimiter, ContinuationToken: r.continuation }),
      );
      return {
        objects: (out.Contents ?? []).flatMap((c) => (c.Key === undefined ? [] : [{ key: c.Key, size: c.Size ?? 0 }])),
        folders: (out.CommonPrefixes ?? []).flatMap((p) => (p.Prefix === undefined ? [] : [p.Prefix])),
        next: out.IsTruncated ? out.NextContinuationToken : undefined,
      };
    },
    async get(bucket: string, key: string): Promise<S3Object> {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!(out.Body instanceof Readable)) throw new Error(`GetObject s3://${bucket}/${key} returned no stream`);
      return { body: out.Body };
    },
  };
}
