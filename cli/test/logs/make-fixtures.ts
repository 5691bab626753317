import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { cloudTrailRecord } from 'cdk-cloudtrail-alarms/lib/catalogue/fixtures';

/** Builds a directory of real-shaped CloudTrail inputs in every supported form. */
export function makeCorpus(): { dir: string; files: Record<string, string> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cta-logs-'));
  const s3 = path.join(dir, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', '2026', '11', '02');
  fs.mkdirSync(s3, { recursive: true });
  const rec = (eventName: string, eventTime: string, extra: Record<string, unknown> = {}) =>
    cloudTrailRecord({ eventName, eventTime, ...extra });
  const files: Record<string, string> = {};
  // delivery format, gzipped, records out of time order
  files.gz1 = path.join(s3, '111122223333_CloudTrail_us-east-1_20261102T1005Z_abc.json.gz');
  fs.writeFileSync(
    files.gz1,
    zlib.gzipSync(JSON.stringify({
      Records: [
        rec('StopLogging', '2026-11-02T10:04:00Z', { eventSource: 'cloudtrail.amazonaws.com', eventID: 'ev-stop' }),
        rec('DescribeInstances', '2026-11-02T10:01:00Z'),
        rec('ConsoleLogin', '2026-11-02T10:02:00Z', { eventSource: 'signin.amazonaws.com', errorMessage: 'Failed authentication', eventID: 'ev-fail-1' }),
      ],
    })),
  );
  files.gz2 = path.join(s3, '111122223333_CloudTrail_us-east-1_20261102T1010Z_def.json.gz');
  fs.writeFileSync(
    files.gz2,
    zlib.gzipSync(JSON.stringify({
      Records: [
        rec('ConsoleLogin', '2026-11-02T10:03:00Z', { eventSource: 'signin.amazonaws.com', errorMessage: 'Failed authentication', eventID: 'ev-fail-2' }),
        rec('ConsoleLogin', '2026-11-02T10:00:30Z', { eventSource: 'signin.amazonaws.com', errorMessage: 'Failed authentication', eventID: 'ev-fail-3' }),
      ],
    })),
  );
  // plain delivery format
  files.json = path.join(dir, 'plain.json');
  fs.writeFileSync(files.json, JSON.stringify({ Records: [rec('DeleteTrail', '2026-11-02T11:00:00Z', { eventSource: 'cloudtrail.amazonaws.com' })] }));
  // NDJSON, with an export line and a filter-log-events event line
  files.ndjson = path.join(dir, 'export.ndjson');
  fs.writeFileSync(
    files.ndjson,
    [
      JSON.stringify(rec('CreateTrail', '2026-11-02T12:00:00Z', { eventSource: 'cloudtrail.amazonaws.com' })),
      `2026-11-02T12:01:00.000Z ${JSON.stringify(rec('UpdateTrail', '2026-11-02T12:01:00Z', { eventSource: 'cloudtrail.amazonaws.com' }))}`,
      JSON.stringify({ timestamp: 1, message: JSON.stringify(rec('StartLogging', '2026-11-02T12:02:00Z', { eventSource: 'cloudtrail.amazonaws.com' })) }),
      '',
    ].join('\n'),
  );
  files.ndjsonGz = path.join(dir, 'export2.jsonl.gz');
  fs.writeFileSync(files.ndjsonGz, zlib.gzipSync(`${JSON.stringify(rec('DescribeTrails', '2026-11-02T12:05:00Z'))}\n`));
  return { dir, files };
}

export function addBadFiles(dir: string): { corrupt: string; notCloudTrail: string; noTime: string; truncated: string } {
  const corrupt = path.join(dir, 'corrupt.json.gz');
  const good = zlib.gzipSync(JSON.stringify({ Records: [cloudTrailRecord({ eventName: 'StopLogging' })] }));
  fs.writeFileSync(corrupt, Buffer.concat([good.subarray(0, 10), Buffer.from('garbage-garbage-garbage')]));
  const truncated = path.join(dir, 'truncated.json.gz');
  fs.writeFileSync(truncated, good.subarray(0, good.length - 8));
  const notCloudTrail = path.join(dir, 'package.json');
  fs.writeFileSync(notCloudTrail, JSON.stringify({ name: 'not-cloudtrail', version: '1.0.0' }));
  const noTime = path.join(dir, 'no-time.jsonl');
  const r = cloudTrailRecord({ eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com' });
  delete r.eventTime;
  fs.writeFileSync(noTime, `${JSON.stringify(r)}\n`);
  return { corrupt, notCloudTrail, noTime, truncated };
}

const ACCOUNT = '111122223333';

/** An `aws s3 sync` of a trail bucket: logs, digests, Insights, Config's probe, a stray file. */
export function makeBucket(): { root: string; log: string; digest: string; insight: string; probe: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cta-bucket-'));
  const base = path.join(root, 'AWSLogs', ACCOUNT);
  const day = path.join('us-east-1', '2026', '11', '02');
  const logDir = path.join(base, 'CloudTrail', day);
  const digestDir = path.join(base, 'CloudTrail-Digest', day);
  const insightDir = path.join(base, 'CloudTrail-Insight', day);
  for (const d of [logDir, digestDir, insightDir, path.join(base, 'Config')]) fs.mkdirSync(d, { recursive: true });
  const log = path.join(logDir, `${ACCOUNT}_CloudTrail_us-east-1_20261102T1005Z_a1b2c3d4e5f6a7b8.json.gz`);
  fs.writeFileSync(log, zlib.gzipSync(JSON.stringify({ Records: [cloudTrailRecord({ eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com' })] })));
  const digest = path.join(digestDir, `${ACCOUNT}_CloudTrail-Digest_us-east-1_main_us-east-1_20261102T100512Z.json.gz`);
  fs.writeFileSync(digest, zlib.gzipSync(JSON.stringify({ awsAccountId: ACCOUNT, digestStartTime: '2026-11-02T09:05:12Z', logFiles: [] })));
  const insight = path.join(insightDir, `${ACCOUNT}_CloudTrail-Insight_us-east-1_20261102T1005Z_0123456789abcdef.json.gz`);
  fs.writeFileSync(insight, zlib.gzipSync(JSON.stringify({ Records: [{ eventVersion: '1.08', eventType: 'AwsCloudTrailInsight', insightDetails: {} }] })));
  const probe = path.join(base, 'Config', 'ConfigWritabilityCheckFile');
  fs.writeFileSync(probe, '');
  return { root, log, digest, insight, probe };
}

