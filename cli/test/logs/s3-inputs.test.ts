// The S3 input over an in-memory double of S3 (no emulator): a connection dropped in the middle of a body is tried
// again as a whole, and the object's records are counted once.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PassThrough, Readable } from 'stream';
import * as zlib from 'zlib';
import { cloudTrailRecord } from 'cdk-cloudtrail-alarms/lib/catalogue/fixtures';
import { run } from '../../src/commands/run';
import { S3Api } from '../../src/logs/s3-api';
import { parseS3Url } from '../../src/logs/s3-inputs';

const KEY = 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/02/111122223333_CloudTrail_us-east-1_20261002T1005Z_abcdefgh12345678.json.gz';
const BODY = zlib.gzipSync(
  JSON.stringify({
    Records: [
      cloudTrailRecord({ eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com', eventTime: '2026-10-02T10:01:00Z', eventID: 'a' }),
      cloudTrailRecord({ eventName: 'DescribeInstances', eventTime: '2026-10-02T10:02:00Z', eventID: 'b' }),
    ],
  }),
);

/** One object; its first download drops the connection after 10 bytes. */
function droppingOnce(): S3Api & { gets: number } {
  const api = {
    gets: 0,
    list: async () => ({ objects: [{ key: KEY, size: BODY.length }], folders: [] }),
    get: async () => {
      api.gets++;
      if (api.gets > 1) return { body: Readable.from([BODY]) };
      const body = new PassThrough();
      body.write(BODY.subarray(0, 10));
      setImmediate(() => body.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })));
      return { body };
    },
  };
  return api;
}

async function cli(args: string[], api?: S3Api) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await run(args, { stdout, stderr, stdin, env: {}, s3: api ? { api, retry: { sleep: async () => undefined } } : undefined });
  return { code, stdout: out, stderr: err };
}

describe('S3 input over a double', () => {
  test('a body cut off by a dropped connection is downloaded again, and its records counted once', async () => {
    const api = droppingOnce();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cta-s3-double-'));
    const file = path.join(dir, ...KEY.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, BODY);
    const pattern = '{ $.eventSource = "cloudtrail.amazonaws.com" }';
    const fromS3 = await cli(['search', 's3://bucket-1/AWSLogs/', '--pattern', pattern, '--output', 'ndjson'], api);
    const fromDisk = await cli(['search', path.join(dir, 'AWSLogs'), '--pattern', pattern, '--output', 'ndjson']);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(fromS3.code).toBe(0);
    expect(fromS3.stdout).toBe(fromDisk.stdout);
    expect(JSON.parse(fromS3.stdout).eventID).toBe('a');
    expect(api.gets).toBe(2);
    expect(fromS3.stderr.split('\n')[0]).toBe(fromDisk.stderr.split('\n')[0]);
    expect(fromS3.stderr.split('\n')[0]).toMatch(/^1 matching record\(s\) in 2 record\(s\) from 1 file\(s\)/);
    expect(fromS3.stderr).toMatch(/^s3: 1 ListObjectsV2 and 2 GetObject request\(s\); 1 retried after throttling or a server error; 0\.0 MB downloaded$/m);
  });
});

describe('an s3:// URL naming one object', () => {
  test('is read whatever its name, as a file named on the command line, with one listing to tell it from a folder', async () => {
    const requests: string[] = [];
    const api: S3Api = {
      list: async (r) => {
        requests.push(`list ${r.prefix} ${r.delimiter ?? ''}`.trim());
        return { objects: r.prefix === 'exports/one-object' ? [{ key: 'exports/one-object', size: BODY.length }] : [], folders: [] };
      },
      get: async (bucket, key) => {
        requests.push(`get ${bucket} ${key}`);
        return { body: Readable.from([BODY]) };
      },
    };
    const r = await cli(['search', 's3://bucket-1/exports/one-object', '--pattern', '{ $.eventName = "StopLogging" }', '--output', 'ndjson'], api);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).eventID).toBe('a');
    expect(requests).toEqual(['list exports/one-object /', 'get bucket-1 exports/one-object']);
  });
});

describe('parseS3Url', () => {
  test('splits a URL into its bucket and prefix', () => {
    expect(parseS3Url('s3://my-trail-bucket/AWSLogs/111122223333/')).toEqual({ bucket: 'my-trail-bucket', prefix: 'AWSLogs/111122223333/' });
    expect(parseS3Url('s3://my-trail-bucket')).toEqual({ bucket: 'my-trail-bucket', prefix: '' });
    expect(parseS3Url('S3://my.trail.bucket/x')).toEqual({ bucket: 'my.trail.bucket', prefix: 'x' });
  });

  test('fails if the bucket name is missing or not a bucket name', () => {
    expect(() => parseS3Url('s3:///AWSLogs/')).toThrow(/'s3:\/\/\/AWSLogs\/' is not an S3 URL with a bucket name/);
    expect(() => parseS3Url('s3://ab/')).toThrow(/is not an S3 URL with a bucket name \(3-63 lower-case letters/);
  });
});
