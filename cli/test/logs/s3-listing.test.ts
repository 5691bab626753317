// Which listings a question makes, over an in-memory bucket (ListObjectsV2 with prefix and delimiter, 1,000 keys a page).
import { S3Api, S3ListRequest } from '../../src/logs/s3-api';
import { listS3Objects } from '../../src/logs/s3-listing';
import { RequestCounter } from '../../src/logs/s3-retry';

function bucket(keys: readonly string[], pageSize = 1000): S3Api & { requests: string[] } {
  const sorted = [...keys].sort();
  const requests: string[] = [];
  return {
    requests,
    list: async (r: S3ListRequest) => {
      requests.push(`${r.prefix || '(top)'}${r.delimiter ? ' /' : ''}${r.continuation ? ` from ${r.continuation}` : ''}`);
      const under = sorted.filter((k) => k.startsWith(r.prefix));
      const entries: Array<{ key?: string; folder?: string }> = [];
      for (const k of under) {
        const slash = r.delimiter ? k.indexOf('/', r.prefix.length) : -1;
        if (slash < 0) entries.push({ key: k });
        else if (entries[entries.length - 1]?.folder !== k.slice(0, slash + 1)) entries.push({ folder: k.slice(0, slash + 1) });
      }
      const start = r.continuation ? Number(r.continuation) : 0;
      const page = entries.slice(start, start + pageSize);
      return {
        objects: page.flatMap((e) => (e.key ? [{ key: e.key, size: 100 }] : [])),
        folders: page.flatMap((e) => (e.folder ? [e.folder] : [])),
        next: start + pageSize < entries.length ? String(start + pageSize) : undefined,
      };
    },
    get: async () => {
      throw new Error('no download expected');
    },
  };
}

const A = '111122223333';
const log = (region: string, day: string, time: string) =>
  `AWSLogs/${A}/CloudTrail/${region}/${day.replace(/-/g, '/')}/${A}_CloudTrail_${region}_${day.replace(/-/g, '')}T${time}Z_abcdefgh12345678.json.gz`;
const KEYS = [
  log('us-east-1', '2025-12-31', '2300'),
  log('us-east-1', '2026-01-01', '0005'),
  log('us-east-1', '2026-10-02', '1200'),
  log('eu-west-1', '2026-10-02', '1200'),
  log('eu-west-1', '2026-10-03', '0030'),
  log('eu-west-1', '2026-10-03', '0130'),
  `AWSLogs/${A}/CloudTrail-Digest/us-east-1/2026/10/02/${A}_CloudTrail-Digest_us-east-1_t_us-east-1_20261002T010000Z.json.gz`,
  `AWSLogs/${A}/Config/ConfigWritabilityCheckFile`,
];
const NOW = Date.parse('2026-12-06T12:00:00Z');

describe('listS3Objects', () => {
  test('without a question lists every key under the prefix, one request a page', async () => {
    const b = bucket(KEYS, 3);
    const l = await listS3Objects(b, { bucket: 'b', prefix: 'AWSLogs/' }, {}, { counter: new RequestCounter(), nowMs: NOW });
    // as a sorted walk of a local copy: CloudTrail/ before CloudTrail-Digest/ before Config/
    expect(l.objects.map((o) => o.key)).toEqual([KEYS[3], KEYS[4], KEYS[5], KEYS[0], KEYS[1], KEYS[2], KEYS[6], KEYS[7]]);
    expect(b.requests).toEqual(['AWSLogs/', 'AWSLogs/ from 3', 'AWSLogs/ from 6']);
  });

  test('a day lists the Regions, then that day and the next, and leaves out the files delivered after the lag', async () => {
    const b = bucket(KEYS);
    const q = { fromMs: Date.parse('2026-10-02T00:00:00Z'), toMs: Date.parse('2026-10-03T00:00:00Z') };
    const l = await listS3Objects(b, { bucket: 'b', prefix: 'AWSLogs/' }, q, { counter: new RequestCounter(), nowMs: NOW });
    expect(b.requests).toEqual([
      'AWSLogs/ /',
      `AWSLogs/${A}/ /`,
      `AWSLogs/${A}/CloudTrail/ /`,
      `AWSLogs/${A}/CloudTrail/eu-west-1/2026/10/02/`,
      `AWSLogs/${A}/CloudTrail/eu-west-1/2026/10/03/`,
      `AWSLogs/${A}/CloudTrail/us-east-1/2026/10/02/`,
      `AWSLogs/${A}/CloudTrail/us-east-1/2026/10/03/`,
    ]);
    expect(l.objects.map((o) => o.key)).toEqual([KEYS[3], KEYS[4], KEYS[2]]);
    expect(l.pruned).toBe(1);
  });

  test('--to alone lists the years present first, then whole years and months up to the day of --to', async () => {
    const b = bucket(KEYS);
    const q = { toMs: Date.parse('2026-02-15T00:00:00Z'), regions: ['us-east-1'] };
    const l = await listS3Objects(b, { bucket: 'b', prefix: `AWSLogs/${A}/CloudTrail/` }, q, { counter: new RequestCounter(), nowMs: NOW });
    expect(b.requests).toEqual([
      `AWSLogs/${A}/CloudTrail/ /`,
      `AWSLogs/${A}/CloudTrail/us-east-1/ /`,
      `AWSLogs/${A}/CloudTrail/us-east-1/2025/`,
      `AWSLogs/${A}/CloudTrail/us-east-1/2026/01/`,
      ...Array.from({ length: 15 }, (_, i) => `AWSLogs/${A}/CloudTrail/us-east-1/2026/02/${String(i + 1).padStart(2, '0')}/`),
    ]);
    expect(l.objects.map((o) => o.key)).toEqual([KEYS[0], KEYS[1]]);
  });

  test('--account and --region without a window list the Region folder whole', async () => {
    const b = bucket(KEYS);
    const l = await listS3Objects(b, { bucket: 'b', prefix: '' }, { accounts: [A], regions: ['eu-west-1'] }, { counter: new RequestCounter(), nowMs: NOW });
    expect(b.requests).toEqual(['(top) /', 'AWSLogs/ /', `AWSLogs/${A}/ /`, `AWSLogs/${A}/CloudTrail/ /`, `AWSLogs/${A}/CloudTrail/eu-west-1/`]);
    expect(l.objects.map((o) => o.key)).toEqual([KEYS[3], KEYS[4], KEYS[5]]);
  });
});
