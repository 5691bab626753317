// Test helpers for the EventBridge target: the shared corpus, the catalogue fixtures and the EventBridge envelope
// CloudTrail puts around a record (shared/docs/notifications-and-events.md section 5).
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { FIXTURES } from '../../lib/catalogue/fixtures';

export const SHARED = '/work/shared/fixtures/cloudtrail';

export interface NamedRecord {
  /** Where the record comes from: `file:line`, `file#index` (delivery files) or `fixture:<detection>/<name>`. */
  readonly where: string;
  readonly record: Record<string, unknown>;
}

/** Every record of the shared fixtures: the AWS guide examples, the corpus events and the corpus delivery files. */
export function sharedRecords(): NamedRecord[] {
  const out: NamedRecord[] = [];
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const rel = path.relative(SHARED, p);
      if (fs.statSync(p).isDirectory()) {
        walk(p);
      } else if (p.endsWith('.jsonl')) {
        fs.readFileSync(p, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (line.trim()) out.push({ where: `${rel}:${i + 1}`, record: JSON.parse(line) });
          });
      } else if (p.endsWith('.json.gz')) {
        const records = JSON.parse(zlib.gunzipSync(fs.readFileSync(p)).toString('utf8')).Records as Array<Record<string, unknown>>;
        records.forEach((record, i) => out.push({ where: `${rel}#${i}`, record }));
      }
    }
  };
  walk(SHARED);
  return out;
}

/** The written positive and negative records of every catalogue detection. */
export function fixtureRecords(): NamedRecord[] {
  return Object.entries(FIXTURES).flatMap(([id, fx]) => fx.map((f) => ({ where: `fixture:${id}/${f.name}`, record: f.record })));
}

const DETAIL_TYPES: Record<string, string> = {
  AwsApiCall: 'AWS API Call via CloudTrail',
  AwsConsoleSignIn: 'AWS Console Sign In via CloudTrail',
  AwsConsoleAction: 'AWS Console Action via CloudTrail',
  AwsServiceEvent: 'AWS Service Event via CloudTrail',
  AwsCloudTrailInsight: 'AWS Insight via CloudTrail',
  NetworkActivity: 'AWS Network Activity Event via CloudTrail',
};

/** The PutEvents entry EventBridge would carry for a CloudTrail record: source aws.<service>, detail = the record. */
export function asEventBridgeEntry(record: Record<string, unknown>, resource: string) {
  const eventSource = typeof record.eventSource === 'string' ? record.eventSource : 'cloudtrail.amazonaws.com';
  return {
    Source: `aws.${eventSource.split('.')[0]}`,
    DetailType: DETAIL_TYPES[String(record.eventType)] ?? 'AWS API Call via CloudTrail',
    Detail: JSON.stringify(record),
    Resources: [resource],
  };
}
