// What a file is, judged from its name and place in CloudTrail's S3 layout (see shared docs, "CloudTrail S3 layout"):
//   [prefix/]AWSLogs/[o-org/]<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz
//   .../CloudTrail-Digest/...<account>_CloudTrail-Digest_<region>_<trail>_<home-region>_<YYYYMMDDTHHmmssZ>.json.gz
//   .../CloudTrail-Insight/...<account>_CloudTrail-Insight_<region>_<ts>_<unique>.json.gz
// plus other objects the bucket may hold (AWS Config's `ConfigWritabilityCheckFile` probe, anything else).
import * as path from 'path';

/** How a file found while walking a directory is treated. */
export type ObjectKind =
  /** a CloudTrail log file (`_CloudTrail_` name, or `CloudTrail-NetworkActivity/`): read */
  | 'log'
  /** a file outside the AWSLogs layout whose extension says data (exports, NDJSON, lookup-events output): read */
  | 'data'
  /** a digest file (log file validation): ignored */
  | 'digest'
  /** a CloudTrail Insights file: ignored */
  | 'insight'
  /** anything else: ignored */
  | 'other';

/** Extensions of the data files read outside the AWSLogs layout. */
const DATA_FILE = /\.(json|jsonl|ndjson|log|txt)(\.gz)?$|\.gz$/i;
const DIGEST = /(^|[\\/])CloudTrail-Digest([\\/]|$)|_CloudTrail-Digest_/;
const INSIGHT = /(^|[\\/])CloudTrail-Insight([\\/]|$)|_CloudTrail-Insight_/;
const LOG_NAME = /_CloudTrail_.*\.json(\.gz)?$/i;
const IN_LAYOUT = /(^|[\\/])AWSLogs[\\/]/;
const NETWORK_ACTIVITY = /(^|[\\/])CloudTrail-NetworkActivity[\\/].*\.json(\.gz)?$/i;

/**
 * Classifies a file met while walking a directory, from its path. Inside an `AWSLogs/` tree only CloudTrail log files
 * are read; elsewhere any data-looking file is read (a `.jsonl` export, lookup-events output saved as `.json`).
 * Digest and Insights files are ignored wherever they are.
 */
export function classifyObject(filePath: string): ObjectKind {
  const base = path.basename(filePath);
  if (DIGEST.test(filePath)) return 'digest';
  if (INSIGHT.test(filePath)) return 'insight';
  if (base.startsWith('.')) return 'other';
  if (LOG_NAME.test(base) || NETWORK_ACTIVITY.test(filePath)) return 'log';
  if (IN_LAYOUT.test(filePath)) return 'other';
  return DATA_FILE.test(base) ? 'data' : 'other';
}

/**
 * Classifies a file named on the command line: it is read whatever its name, except digest and Insights files,
 * which are never CloudTrail events and are ignored as in a directory.
 */
export function classifyArgument(filePath: string): ObjectKind {
  const kind = classifyObject(filePath);
  return kind === 'digest' || kind === 'insight' ? kind : LOG_NAME.test(path.basename(filePath)) ? 'log' : 'data';
}

/** The reason given for an ignored file, in the summary and the JSON output. */
export function ignoredReason(kind: ObjectKind): string {
  switch (kind) {
    case 'digest':
      return 'CloudTrail digest file (log file validation)';
    case 'insight':
      return 'CloudTrail Insights file';
    case 'other':
      return 'not a CloudTrail log file';
    case 'log':
    case 'data':
      return 'read';
  }
}
