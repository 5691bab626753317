/**
 * S3 rows of `npm run bench` (issue 27): `search s3://…` on moto_server against the seeds' way on the same objects
 * (`aws s3 cp --recursive` then the local search; `aws s3 cp --recursive` then `jq`), over a month of a trail and over
 * one day of it (the layout's pruning), with the counts compared. Needs moto_server, the aws CLI and jq; without
 * moto_server or the aws CLI the rows print that they were skipped. Run alone: `npx ts-node bench/s3.ts`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { toJq } from './jq';
import { selectDetections } from '../cli/src/commands/selection';
import { EngineDetection } from '../cli/src/engines/engine';
import { LocalEngine } from '../cli/src/engines/local';
import { InputSource, listInputs } from '../cli/src/logs';
import { sdkS3Api } from '../cli/src/logs/s3-client';
import { listS3Inputs } from '../cli/src/logs/s3-inputs';
import { S3Question } from '../cli/src/logs/s3-layout';
import { startMoto } from '../cli/test/aws/moto-server';

const ACCOUNT = '111122223333';
const REGIONS = ['us-east-1', 'eu-west-1'];
const DAYS = 31;
/** Files a Region delivers a day in the bench's trail (a real one delivers one about every 5 minutes). */
const FILES_A_DAY = 3;
const RECORDS_A_FILE = 160;
const DETECTION = 'security-group-changes';
const DAY = { fromMs: Date.parse('2026-10-02T00:00:00Z'), toMs: Date.parse('2026-10-03T00:00:00Z') };
const BUCKET = 'bench-trail';

const NAMES: Array<[string, string, number]> = [
  ['DescribeInstances', 'ec2.amazonaws.com', 30],
  ['GetObject', 's3.amazonaws.com', 25],
  ['AssumeRole', 'sts.amazonaws.com', 20],
  ['PutObject', 's3.amazonaws.com', 10],
  ['Decrypt', 'kms.amazonaws.com', 10],
  ['ListBuckets', 's3.amazonaws.com', 4],
  ['AuthorizeSecurityGroupIngress', 'ec2.amazonaws.com', 1],
];

/** A small deterministic generator (Park and Miller's minimal standard). */
function random(seed: number): () => number {
  let a = seed % 2147483647;
  return () => {
    a = (a * 48271) % 2147483647;
    return a / 2147483647;
  };
}

/** A month of one account's trail in two Regions: key -> gzipped delivery document. */
function month(): Map<string, Buffer> {
  const r = random(20261027);
  const total = NAMES.reduce((n, [, , w]) => n + w, 0);
  const objects = new Map<string, Buffer>();
  const every = (24 * 3600 * 1000) / FILES_A_DAY;
  for (let d = 0; d < DAYS; d++) {
    for (const region of REGIONS) {
      for (let f = 0; f < FILES_A_DAY; f++) {
        const start = Date.UTC(2026, 9, 1 + d) + f * every;
        const records = Array.from({ length: RECORDS_A_FILE }, (_, i) => {
          let pick = r() * total;
          const [eventName, eventSource] = NAMES.find(([, , w]) => (pick -= w) < 0) ?? NAMES[0];
          return {
            eventVersion: '1.09',
            userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app/s${i}`, accountId: ACCOUNT },
            eventTime: new Date(start + Math.floor(r() * every)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
            eventSource,
            eventName,
            awsRegion: region,
            sourceIPAddress: `10.0.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`,
            userAgent: 'aws-cli/2.17.20',
            requestParameters: eventName === 'AuthorizeSecurityGroupIngress' ? { groupId: 'sg-0123456789abcdef0' } : null,
            responseElements: null,
            eventID: `${d}-${region}-${f}-${i}`,
            eventType: 'AwsApiCall',
            recipientAccountId: ACCOUNT,
          };
        });
        const delivered = new Date(start + every + 5 * 60 * 1000).toISOString();
        const [date, time] = [delivered.slice(0, 10), delivered.slice(11, 16)];
        const key =
          `AWSLogs/${ACCOUNT}/CloudTrail/${region}/${date.replace(/-/g, '/')}/` +
          `${ACCOUNT}_CloudTrail_${region}_${date.replace(/-/g, '')}T${time.replace(':', '')}Z_${String(objects.size).padStart(16, '0')}.json.gz`;
        objects.set(key, zlib.gzipSync(JSON.stringify({ Records: records })));
      }
    }
  }
  return objects;
}


function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function search(inputs: InputSource[], detections: EngineDetection[], window?: S3Question): Promise<{ matches: number; records: number }> {
  const run = new LocalEngine({ inputs }).search({ detections, window: { fromMs: window?.fromMs, toMs: window?.toMs } });
  let matches = 0;
  for await (const m of run.records) {
    void m;
    matches++;
  }
  return { matches, records: (await run.stats()).records };
}

function row(label: string, secs: number, note: string): void {
  console.log(`  ${label.padEnd(58)} ${secs.toFixed(2).padStart(6)} s  ${note}`);
}

/** Prints the S3 section of the bench. */
export async function s3Rows(): Promise<void> {
  console.log('\nS3 input (issue 27): search s3://… on moto_server against `aws s3 cp --recursive` + search / jq on the same objects:');
  const missing = ['moto_server', 'aws', 'jq'].filter((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status !== 0 && spawnSync(c, ['--help'], { stdio: 'ignore' }).status !== 0);
  if (missing.length > 0) {
    console.log(`  skipped: ${missing.join(', ')} not installed`);
    return;
  }
  const objects = month();
  const bytes = [...objects.values()].reduce((n, b) => n + b.length, 0);
  const moto = await startMoto();
  const endpoint = moto.endpoint;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cta-bench-s3-'));
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_DEFAULT_REGION: 'us-east-1', AWS_REGION: 'us-east-1' };
  process.env.AWS_ACCESS_KEY_ID ??= 'testing';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
  try {
    // the bucket, filled through the API (not timed)
    const put = async (key: string, body?: Buffer) => {
      const res = await fetch(`${endpoint}/${BUCKET}/${key}`, { method: 'PUT', body });
      if (!res.ok) throw new Error(`PUT ${key}: ${res.status}`);
    };
    await put('');
    const entries = [...objects];
    for (let i = 0; i < entries.length; i += 16) await Promise.all(entries.slice(i, i + 16).map(([k, b]) => put(k, b)));
    const records = objects.size * RECORDS_A_FILE;
    console.log(
      `  a month of one account's trail in ${REGIONS.length} Regions: ${objects.size} objects (${FILES_A_DAY} a Region a day), ` +
        `${records.toLocaleString('en-US')} records, ${(bytes / 1e6).toFixed(1)} MB compressed; --detection ${DETECTION}`,
    );
    const detections = selectDetections('recommended', [DETECTION]);
    const api = sdkS3Api({ region: 'us-east-1', endpoint });
    const url = `s3://${BUCKET}/AWSLogs/`;
    const disagree: string[] = [];

    // the month
    let start = process.hrtime.bigint();
    const listed = await listS3Inputs([url], { api, question: {} });
    const fromS3 = await search(listed.inputs, detections);
    const s3Month = seconds(start);
    const r = listed.requests;
    row('search s3://… (a month)', s3Month, `${fromS3.matches} matches in ${fromS3.records} records; ${r.list} LIST + ${r.get} GET, ${(r.bytes / 1e6).toFixed(1)} MB`);

    const copy = path.join(tmp, 'month');
    start = process.hrtime.bigint();
    const cp = spawnSync('aws', ['s3', 'cp', '--recursive', '--quiet', '--endpoint-url', endpoint, url, copy], { env, encoding: 'utf8' });
    if (cp.status !== 0) throw new Error(`aws s3 cp failed: ${cp.stderr}`);
    const cpMonth = seconds(start);
    start = process.hrtime.bigint();
    const local = await search((await listInputs([copy])).inputs, detections);
    const localMonth = seconds(start);
    row('aws s3 cp --recursive + search (a month)', cpMonth + localMonth, `${local.matches} matches (cp ${cpMonth.toFixed(2)} s, search ${localMonth.toFixed(2)} s)`);
    if (local.matches !== fromS3.matches || local.records !== fromS3.records) disagree.push(`month: S3 ${fromS3.matches}/${fromS3.records}, local ${local.matches}/${local.records}`);

    start = process.hrtime.bigint();
    const program = `.Records[] | select(${toJq(detections[0].pattern._node)})`;
    const jq = spawnSync('sh', ['-c', `find '${copy}' -name '*.json.gz' | sort | xargs gzip -dc | jq -c '${program.replace(/'/g, "'\\''")}' | wc -l`], { encoding: 'utf8' });
    if (jq.status !== 0) throw new Error(`jq failed: ${jq.stderr}`);
    const jqMonth = seconds(start);
    const jqMatches = Number(jq.stdout.trim());
    row('aws s3 cp --recursive + jq (a month)', cpMonth + jqMonth, `${jqMatches} matches (cp ${cpMonth.toFixed(2)} s as above, jq ${jqMonth.toFixed(2)} s)`);
    if (jqMatches !== fromS3.matches) disagree.push(`month: S3 ${fromS3.matches}, jq ${jqMatches}`);

    // one day of the month: the layout's pruning against copying the day's folders
    start = process.hrtime.bigint();
    const dayListed = await listS3Inputs([url], { api, question: DAY });
    const dayS3 = await search(dayListed.inputs, detections, DAY);
    const s3Day = seconds(start);
    const d = dayListed.requests;
    row(
      'search s3://… --from 2026-10-02 --to 2026-10-03',
      s3Day,
      `${dayS3.matches} matches; ${d.list} LIST + ${d.get} GET, ${(d.bytes / 1e6).toFixed(2)} MB: ${((100 * d.get) / r.get).toFixed(1)}% of the month's objects, ${((100 * d.bytes) / r.bytes).toFixed(1)}% of its bytes`,
    );
    const dayCopy = path.join(tmp, 'day');
    start = process.hrtime.bigint();
    const cpDay = spawnSync(
      'aws',
      ['s3', 'cp', '--recursive', '--quiet', '--endpoint-url', endpoint, url, dayCopy, '--exclude', '*', '--include', '*/2026/10/02/*', '--include', '*/2026/10/03/*'],
      { env, encoding: 'utf8' },
    );
    if (cpDay.status !== 0) throw new Error(`aws s3 cp failed: ${cpDay.stderr}`);
    const cpDaySecs = seconds(start);
    start = process.hrtime.bigint();
    const dayLocal = await search((await listInputs([dayCopy])).inputs, detections, DAY);
    const localDay = seconds(start);
    row('aws s3 cp --recursive --include 2 days + search', cpDaySecs + localDay, `${dayLocal.matches} matches (cp ${cpDaySecs.toFixed(2)} s, search ${localDay.toFixed(2)} s)`);
    const monthInWindow = await search((await listInputs([copy])).inputs, detections, DAY);
    if (dayS3.matches !== dayLocal.matches || dayS3.matches !== monthInWindow.matches) {
      disagree.push(`day: S3 ${dayS3.matches}, copied days ${dayLocal.matches}, the month's copy in the window ${monthInWindow.matches}`);
    }
    if (disagree.length > 0) throw new Error(`S3 and local counts disagree:\n  ${disagree.join('\n  ')}`);
    console.log(
      `  counts agree: a month ${fromS3.matches} matches in ${fromS3.records.toLocaleString('en-US')} records (S3, copy + search, copy + jq); ` +
        `one day ${dayS3.matches} (S3 pruned, copied days, the month's copy in the window)`,
    );
  } finally {
    await moto.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  s3Rows().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
