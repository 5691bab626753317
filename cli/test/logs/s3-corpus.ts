// The shared CloudTrail corpus (913 real records) laid out as CloudTrail delivers to S3, for the S3 input's tests:
// the records' eventTime is spread over 2026-10-01..04 (one every ~6 minutes), and each Region's records of an hour
// go into one file delivered 65 minutes after the hour began (so the files of 23:00 are in the next day's folder,
// as late deliveries are).
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

export const SHARED_EVENTS = '/work/shared/fixtures/cloudtrail/corpus/events';
const START = Date.parse('2026-10-01T00:00:00Z');
const SPAN = 4 * 24 * 3600 * 1000;
const HOUR = 60 * 60 * 1000;
const DELIVERY = 65 * 60 * 1000;

/** Every record of the shared corpus, in file order, with its eventTime moved into the four days. */
export function corpusRecords(): Array<Record<string, unknown>> {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.endsWith('.jsonl')) files.push(path.join(d, e.name));
    }
  };
  walk(SHARED_EVENTS);
  const records = files.flatMap((f) =>
    fs
      .readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  );
  const step = Math.floor(SPAN / records.length);
  records.forEach((r, i) => (r.eventTime = new Date(START + i * step).toISOString().replace(/\.\d{3}Z$/, 'Z')));
  return records;
}

function stamp(ms: number): { folder: string; name: string } {
  const iso = new Date(ms).toISOString();
  return { folder: `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`, name: `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z` };
}

/**
 * Log objects (key -> gzipped delivery document) for `accounts` (records dealt out in turn) and Regions us-east-1
 * and eu-west-1 (alternating), under `base` (`trail/AWSLogs/` or `AWSLogs/o-abcdefghij/`).
 */
export function logObjects(records: ReadonlyArray<Record<string, unknown>>, base: string, accounts: readonly string[]): Map<string, Buffer> {
  const files = new Map<string, Array<Record<string, unknown>>>();
  records.forEach((r, i) => {
    const account = accounts[Math.floor(i / 2) % accounts.length];
    const region = i % 2 === 0 ? 'us-east-1' : 'eu-west-1';
    const t = Date.parse(r.eventTime as string);
    const delivered = stamp(Math.floor(t / HOUR) * HOUR + DELIVERY);
    const unique = `U${String(files.size).padStart(15, '0')}`;
    const folder = `${base}${account}/CloudTrail/${region}/${delivered.folder}/`;
    const prefix = `${folder}${account}_CloudTrail_${region}_${delivered.name}_`;
    const existing = [...files.keys()].find((k) => k.startsWith(prefix));
    const key = existing ?? `${prefix}${unique}.json.gz`;
    files.set(key, [...(files.get(key) ?? []), r]);
  });
  return new Map([...files].map(([k, rs]) => [k, zlib.gzipSync(JSON.stringify({ Records: rs }))]));
}

/** A digest, an Insights file, an object named .json.gz that is not gzip, and keys outside the layout. */
export function oddObjects(base: string, account: string): Map<string, Buffer> {
  const day = 'us-east-1/2026/10/02';
  return new Map([
    [
      `${base}${account}/CloudTrail-Digest/${day}/${account}_CloudTrail-Digest_us-east-1_trail_us-east-1_20261002T010000Z.json.gz`,
      zlib.gzipSync(JSON.stringify({ awsAccountId: account, digestStartTime: '2026-10-02T00:00:00Z', logFiles: [] })),
    ],
    [
      `${base}${account}/CloudTrail-Insight/${day}/${account}_CloudTrail-Insight_us-east-1_20261002T0100Z_insight000000001.json.gz`,
      zlib.gzipSync(JSON.stringify({ Records: [{ eventVersion: '1.08', eventType: 'AwsCloudTrailInsight', eventName: 'ConsoleLogin', eventTime: '2026-10-02T00:30:00Z' }] })),
    ],
    [`${base}${account}/CloudTrail/${day}/${account}_CloudTrail_us-east-1_20261002T1201Z_notgzip000000001.json.gz`, Buffer.from('{"Records":[]}')],
    [`${base}${account}/Config/ConfigWritabilityCheckFile`, Buffer.alloc(0)],
  ]);
}

/** Writes objects to a directory as `aws s3 cp --recursive` does (the key is the relative path). */
export function writeLocalCopy(dir: string, objects: ReadonlyMap<string, Buffer>): void {
  for (const [key, body] of objects) {
    const file = path.join(dir, ...key.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, body);
  }
}
