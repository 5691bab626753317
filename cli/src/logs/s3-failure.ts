// Why an s3:// PATH could not be listed, in one line naming the bucket, the prefix and what to do: the CLI prints it
// and exits 3, as for the other data in AWS. (A single object that cannot be downloaded is a problem of that object
// instead, exit 4: see s3-downloads.ts.)
import { problemKind } from '../aws/calls';
import { RemoteDataError } from '../engines/remote-failure';

const CREDENTIALS_HINT = "set AWS_PROFILE, run 'aws sso login', or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY";

/** The listing failure as a RemoteDataError (exit 3). */
export function s3ListingFailure(e: unknown, url: string, bucket: string, prefix: string): RemoteDataError {
  const err = e as { name?: string; message?: string };
  const detail = `${err.name ?? 'Error'}: ${(err.message ?? String(e)).replace(/\s+/g, ' ').trim()}`;
  if (err.name === 'NoSuchBucket') return new RemoteDataError(`cannot list ${url}: no bucket named '${bucket}' (${detail})`, 'not-found');
  const kind = problemKind(e);
  if (kind === 'credentials') return new RemoteDataError(`no usable AWS credentials to list ${url} (${detail}): ${CREDENTIALS_HINT}`, 'credentials');
  if (kind === 'permission' || err.name === 'AccessDenied') {
    const resource = `arn:aws:s3:::${bucket}`;
    return new RemoteDataError(
      `access denied listing ${url}: allow s3:ListBucket on ${resource}${prefix ? ` (condition s3:prefix '${prefix}*')` : ''} and s3:GetObject on ${resource}/${prefix}* (${detail})`,
      'denied',
    );
  }
  if (kind === 'unreachable') return new RemoteDataError(`S3 did not answer for ${url} (${detail}): check --endpoint-url and the network`, 'unreachable');
  if (/throttl|SlowDown/i.test(detail)) return new RemoteDataError(`S3 still throttled the listing of ${url} after retrying with backoff (${detail})`, 'unreachable');
  return new RemoteDataError(`cannot list ${url} (${detail})`, 'query-failed');
}
