// The S3 input against moto_server: the same objects read from S3 and from a local copy give the same records,
// counts and problems; a one-day question lists only the folders of that day (and the next hour's); throttling,
// missing objects, non-gzip objects and keys outside the layout are reported, never crash, never double-count.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PassThrough } from 'stream';
import * as zlib from 'zlib';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { corpusRecords, logObjects, oddObjects, writeLocalCopy } from './s3-corpus';
import { CliIo } from '../../src/commands/io';
import { sampleInputs } from '../../src/commands/notify-preview';
import { run } from '../../src/commands/run';
import { S3Api } from '../../src/logs/s3-api';
import { sdkS3Api } from '../../src/logs/s3-client';
import { haveMoto, MotoServer, startMoto } from '../aws/moto-server';

process.env.AWS_ACCESS_KEY_ID = 'testing';
process.env.AWS_SECRET_ACCESS_KEY = 'testing';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const ORG = 'o-abcdefghij';
/** IAM and STS records of the corpus: many, in both Regions and every day. */
const PATTERN = '{ ($.eventSource = "iam.amazonaws.com") || ($.eventSource = "sts.amazonaws.com") }';
const NO_WAIT = { sleep: async () => undefined };

const describeMoto = haveMoto() ? describe : describe.skip;
if (!haveMoto()) test.skip('moto_server is not installed: the S3 input tests are skipped', () => undefined);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], s3?: CliIo['s3']): Promise<Result> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await run(args, { stdout, stderr, stdin, env: { AWS_REGION: 'us-east-1' }, s3 });
  return { code, stdout: out, stderr: err };
}

/** The last lines of stderr, without the count of records ruled out unparsed (the reader's shortcut, not a result: compared with the local copy's instead). */
function tail(stderr: string, n: number): string[] {
  return stderr
    .split('\n')
    .slice(-n)
    .map((l) => l.replace(/; \d+ record\(s\) ruled out unparsed \(\d+ file\(s\) entirely\)/, ''));
}

/** The stderr lines but the s3: line, with the S3 URL of `bucket` written as the local copy's path. */
function asLocal(stderr: string, bucket: string, dir: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => !l.startsWith('s3: '))
    .map((l) => l.split(`s3://${bucket}/`).join(`${dir}/`));
}

describeMoto('S3 input on moto_server', () => {
  let moto: MotoServer;
  let api: S3Api;
  let dir: string;
  let single: Map<string, Buffer>;

  beforeAll(async () => {
    moto = await startMoto();
    const client = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true });
    const records = corpusRecords();
    single = new Map([
      ...logObjects(records, 'trail/AWSLogs/', [ACCOUNT]),
      ...oddObjects('trail/AWSLogs/', ACCOUNT),
      ['trail/exports/extra.jsonl', Buffer.from(`${JSON.stringify({ ...records[3], eventTime: '2026-10-02T06:00:00Z', eventID: 'extra-1' })}\n`)],
      ['trail/notes/readme.txt', Buffer.from('not CloudTrail')],
    ]);
    const org = logObjects(records, `AWSLogs/${ORG}/`, [ACCOUNT, OTHER]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cta-s3-'));
    writeLocalCopy(path.join(dir, 'trail-bucket'), single);
    writeLocalCopy(path.join(dir, 'org-bucket'), org);
    for (const [bucket, objects] of [['trail-bucket', single], ['org-bucket', org]] as const) {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      const entries = [...objects];
      for (let i = 0; i < entries.length; i += 16) {
        await Promise.all(entries.slice(i, i + 16).map(([Key, Body]) => client.send(new PutObjectCommand({ Bucket: bucket, Key, Body }))));
      }
    }
    await client.send(new CreateBucketCommand({ Bucket: 'sample-bucket' }));
    const sample = sampleInputs('root-account-usage');
    await client.send(new PutObjectCommand({ Bucket: 'sample-bucket', Key: 'previews/events.json', Body: fs.readFileSync(sample.events) }));
    api = sdkS3Api({ region: 'us-east-1', endpoint: moto.endpoint });
  }, 120_000);

  afterAll(async () => {
    await moto?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const local = () => path.join(dir, 'trail-bucket');

  test('the corpus is laid out as expected: 192 log objects a Region and a day apart, and 6 odd ones', () => {
    expect([...single.keys()].filter((k) => k.includes('/CloudTrail/') && !k.includes('notgzip')).length).toBe(192);
    expect(single.size).toBe(192 + 6);
  });

  test('search over a whole prefix gives what search over a local copy gives: records, order, counts, ignored and problems', async () => {
    for (const sort of ['file', 'time']) {
      const fromS3 = await cli(['search', 's3://trail-bucket/trail/', '--pattern', PATTERN, '--output', 'ndjson', '--sort', sort], { api });
      const fromDisk = await cli(['search', `${local()}/trail/`, '--pattern', PATTERN, '--output', 'ndjson', '--sort', sort]);
      expect(fromS3.code).toBe(4);
      expect(fromDisk.code).toBe(4);
      expect(fromS3.stdout).toBe(fromDisk.stdout);
      expect(asLocal(fromS3.stderr, 'trail-bucket', local())).toEqual(asLocal(fromDisk.stderr, 'trail-bucket', local()));
    }
    const fromS3 = await cli(['search', 's3://trail-bucket/trail/', '--pattern', PATTERN, '--output', 'ndjson'], { api });
    expect(fromS3.stdout.split('\n').filter((l) => l !== '').length).toBe(110);
    // 192 log objects, the non-gzip one, exports/extra.jsonl and notes/readme.txt; 913 + 1 records; one listing request
    expect(tail(fromS3.stderr, 3)).toEqual([
      '110 matching record(s) in 906 record(s) from 195 file(s); 3 file(s) ignored: ' +
        '1 CloudTrail digest file (log file validation), 1 CloudTrail Insights file, 1 not a CloudTrail log file; 8 record(s) skipped, 10 problem(s)',
      's3: 1 ListObjectsV2 and 195 GetObject request(s); 0.3 MB downloaded',
      '',
    ]);
  }, 60_000);

  test('backtest over S3 reports what backtest over the local copy reports', async () => {
    const fromS3 = await cli(['backtest', 's3://trail-bucket/trail/', '--json'], { api });
    const fromDisk = await cli(['backtest', `${local()}/trail/`, '--json']);
    expect(fromS3.code).toBe(4);
    expect(fromDisk.code).toBe(4);
    expect(fromS3.stdout.split('s3://trail-bucket/').join(`${local()}/`)).toBe(fromDisk.stdout);
    expect(fromS3.stderr).toBe('s3: 1 ListObjectsV2 and 195 GetObject request(s); 0.3 MB downloaded\n');
  }, 60_000);

  test('a one-day question lists only the folders of that day and the next, downloads the files that can hold it, and prints what search prints on the local copy', async () => {
    const args = ['--from', '2026-10-02', '--to', '2026-10-03', '--pattern', PATTERN];
    // through the SDK's client as a user runs it: credentials from the environment, --endpoint-url
    const fromS3 = await cli(['search', 's3://trail-bucket/trail/AWSLogs/', ...args, '--endpoint-url', moto.endpoint]);
    const fromDisk = await cli(['search', `${local()}/trail/AWSLogs/`, ...args]);
    expect(fromS3.stdout).toBe(fromDisk.stdout);
    expect(fromS3.code).toBe(4);
    // AWSLogs/, the account, CloudTrail/, then 10/02/ and 10/03/ of each Region: 7 listings; 24 files a Region on the
    // 2nd, the one file a Region delivered on the 3rd before 01:00 and the non-gzip object: 51 downloads
    expect(tail(fromS3.stderr, 3)).toEqual([
      '48 matching record(s) in 233 record(s) from 51 file(s); 5 record(s) skipped, 6 problem(s)',
      's3: 7 ListObjectsV2 and 51 GetObject request(s); 0.1 MB downloaded; 46 log file(s) in the listed folders delivered outside the window, not downloaded',
      '',
    ]);
    expect(fromS3.stderr).toMatch(/^skipped: s3:\/\/trail-bucket\/trail\/AWSLogs\/111122223333\/CloudTrail\/us-east-1\/2026\/10\/02\/111122223333_CloudTrail_us-east-1_20261002T1201Z_notgzip000000001\.json\.gz: not a gzip file \(no gzip header\) although the name ends in \.gz$/m);
    // the local copy is read whole: 193 files, every record
    expect(fromDisk.stderr).toMatch(/^48 matching record\(s\) in 905 record\(s\) from 193 file\(s\)/m);
  }, 60_000);

  test('--account and --region narrow an organization trail to one account and Region', async () => {
    const org = path.join(dir, 'org-bucket');
    const fromS3 = await cli(['search', 's3://org-bucket/AWSLogs/', '--account', OTHER, '--region', 'eu-west-1', '--pattern', PATTERN, '--output', 'ndjson'], { api });
    const fromDisk = await cli(['search', `${org}/AWSLogs/${ORG}/${OTHER}/CloudTrail/eu-west-1/`, '--pattern', PATTERN, '--output', 'ndjson']);
    expect(fromS3.code).toBe(fromDisk.code);
    expect(fromS3.stdout).toBe(fromDisk.stdout);
    expect(asLocal(fromS3.stderr, 'org-bucket', org)).toEqual(asLocal(fromDisk.stderr, 'org-bucket', org));
    // AWSLogs/, the organization, the account, CloudTrail/, then eu-west-1/ whole: 5 listings; a file an hour
    expect(tail(fromS3.stderr, 3)).toEqual([
      '28 matching record(s) in 226 record(s) from 96 file(s); 2 record(s) skipped, 2 problem(s)',
      's3: 5 ListObjectsV2 and 96 GetObject request(s); 0.1 MB downloaded',
      '',
    ]);
  }, 60_000);

  test('throttled requests are retried: the same answer, and the retries counted', async () => {
    let n = 0;
    const throttling: S3Api = {
      list: async (r) => {
        if (n++ % 2 === 0) throw slowDown();
        return api.list(r);
      },
      get: async (bucket, key) => {
        if (n++ % 2 === 0) throw slowDown();
        return api.get(bucket, key);
      },
    };
    const args = ['search', 's3://trail-bucket/trail/', '--pattern', PATTERN, '--output', 'ndjson'];
    const plain = await cli(args, { api });
    const throttled = await cli(args, { api: throttling, retry: NO_WAIT });
    expect(throttled.code).toBe(4);
    expect(throttled.stdout).toBe(plain.stdout);
    expect(throttled.stderr.split('\n').filter((l) => !l.startsWith('s3: '))).toEqual(plain.stderr.split('\n').filter((l) => !l.startsWith('s3: ')));
    // every request failed once or more and was tried again: 1 listing and 195 downloads, plus the retries
    const [, lists, gets, retries] = /^s3: (\d+) ListObjectsV2 and (\d+) GetObject request\(s\); (\d+) retried after throttling or a server error; 0\.3 MB downloaded$/m
      .exec(throttled.stderr)!
      .map(Number);
    expect(lists + gets - retries).toBe(1 + 195);
    expect(retries).toBeGreaterThanOrEqual(98);
  }, 60_000);

  test('an object that stays throttled, an object gone since the listing and a non-gzip object are problems of their keys; the rest is read once', async () => {
    const gone = `trail/AWSLogs/${ACCOUNT}/CloudTrail/eu-west-1/2026/10/02/${ACCOUNT}_CloudTrail_eu-west-1_20261002T1205Z_gone000000000001.json.gz`;
    const broken: S3Api = {
      list: async (r) => {
        const page = await api.list(r);
        return r.delimiter === undefined ? { ...page, objects: [...page.objects, { key: gone, size: 120 }] } : page;
      },
      get: async (bucket, key) => {
        if (key.includes('_20261002T0105Z_')) throw slowDown();
        return api.get(bucket, key);
      },
    };
    const args = ['search', 's3://trail-bucket/trail/', '--pattern', PATTERN, '--output', 'ndjson'];
    const r = await cli(args, { api: broken, retry: NO_WAIT });
    expect(r.code).toBe(4);
    const day = 's3://trail-bucket/trail/AWSLogs/111122223333/CloudTrail';
    const lines = tail(r.stderr, 1000).filter((l) => !l.includes('is not a CloudTrail record'));
    expect(lines).toEqual([
      `skipped: ${day}/eu-west-1/2026/10/02/111122223333_CloudTrail_eu-west-1_20261002T0105Z_U000000000000048.json.gz: S3 still throttled the download after retrying with backoff (SlowDown: Please reduce your request rate.)`,
      `skipped: ${day}/eu-west-1/2026/10/02/111122223333_CloudTrail_eu-west-1_20261002T1205Z_gone000000000001.json.gz: the object is gone (deleted since it was listed?) (NoSuchKey: The specified key does not exist.)`,
      `skipped: ${day}/us-east-1/2026/10/02/111122223333_CloudTrail_us-east-1_20261002T0105Z_U000000000000049.json.gz: S3 still throttled the download after retrying with backoff (SlowDown: Please reduce your request rate.)`,
      `skipped: ${day}/us-east-1/2026/10/02/111122223333_CloudTrail_us-east-1_20261002T1201Z_notgzip000000001.json.gz: not a gzip file (no gzip header) although the name ends in .gz`,
      "skipped: s3://trail-bucket/trail/notes/readme.txt: not CloudTrail JSON: the input starts with 'n', expected '{' or '['",
      // 906 records less the 9 of the two throttled objects: nothing read twice, nothing lost besides them
      '109 matching record(s) in 897 record(s) from 196 file(s); 3 file(s) ignored: ' +
        '1 CloudTrail digest file (log file validation), 1 CloudTrail Insights file, 1 not a CloudTrail log file; 8 record(s) skipped, 13 problem(s)',
      // 8 tries of each throttled object
      's3: 1 ListObjectsV2 and 210 GetObject request(s); 14 retried after throttling or a server error; 0.3 MB downloaded',
      '',
    ]);
    const throttledRecords = [...single]
      .filter(([k]) => k.includes('_20261002T0105Z_'))
      .reduce((n, [, body]) => n + (JSON.parse(zlib.gunzipSync(body).toString()) as { Records: unknown[] }).Records.length, 0);
    expect(throttledRecords).toBe(9);
  }, 60_000);

  test('notify-preview --events s3://... previews what the same records in a local file give', async () => {
    const sample = sampleInputs('root-account-usage');
    const fromS3 = await cli(['notify-preview', '--alarm-event', sample.alarmEvent, '--events', 's3://sample-bucket/previews/', '--endpoint-url', moto.endpoint]);
    const fromDisk = await cli(['notify-preview', '--alarm-event', sample.alarmEvent, '--events', sample.events]);
    expect(fromS3.code).toBe(0);
    expect(fromS3.stdout).toBe(fromDisk.stdout);
    expect(fromS3.stdout).toMatch(/root/i);
    expect(fromS3.stderr).toBe(fromDisk.stderr);
  }, 60_000);

  test('fails with exit 3 and one line when the bucket does not exist', async () => {
    const r = await cli(['search', 's3://no-such-bucket/AWSLogs/', '--pattern', PATTERN, '--endpoint-url', moto.endpoint]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^cloudtrail-alarms search: cannot list s3:\/\/no-such-bucket\/AWSLogs\/: no bucket named 'no-such-bucket' \(NoSuchBucket: .*\)\n$/);
  }, 60_000);

  test('fails with exit 2 on a prefix that holds no object, naming it', async () => {
    const r = await cli(['search', 's3://trail-bucket/nothing/', '--pattern', PATTERN], { api });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/'s3:\/\/trail-bucket\/nothing\/' holds no objects \(check the bucket and the prefix\)/);
  }, 60_000);
});

function slowDown(): Error {
  return Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
}

describe('s3:// PATH options', () => {
  test('fails if the URL has no valid bucket name', async () => {
    const r = await cli(['search', 's3://Bad_Bucket/AWSLogs/', '--pattern', PATTERN], { api: unused() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/'s3:\/\/Bad_Bucket\/AWSLogs\/' is not an S3 URL with a bucket name .*: give s3:\/\/BUCKET\/PREFIX/);
  });

  test('fails if --account is not 12 digits, or --region not a Region name', async () => {
    const a = await cli(['search', 's3://b-1/AWSLogs/', '--account', '1234', '--pattern', PATTERN], { api: unused() });
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--account: '1234' is not an AWS account id \(12 digits\)/);
    const r = await cli(['search', 's3://b-1/AWSLogs/', '--region', 'Europe', '--pattern', PATTERN], { api: unused() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--region: 'Europe' is not an AWS Region name such as eu-west-1/);
  });

  test('fails if --account or --region is given without an s3:// PATH', async () => {
    const r = await cli(['backtest', '/tmp', '--region', 'eu-west-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--account, --region and --endpoint-url apply to s3:\/\/ PATHs, and no PATH is one/);
  });
});

function unused(): S3Api {
  const fail = async (): Promise<never> => {
    throw new Error('no request expected');
  };
  return { list: fail, get: fail };
}
