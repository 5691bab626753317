import { parseArgs } from 'util';
import { neutralise } from 'cdk-cloudtrail-alarms/lib/notifier/neutralise';
import { CliIo, UsageError } from './io';
import { parsePatternOption, parseTime, selectDetections } from './selection';
import { countQuery, searchQuery, sqlComment, SqlQueryOptions, unboundedScanWarning } from '../sql/sql';

export const SQL_USAGE = `Usage: cloudtrail-alarms sql (--detection ID ... | --profile NAME | --pattern P) [--table DB.TABLE]
                           [--from T --to T] [--region R ...] [--account ID ...] [--no-timestamp-partition]
                           [--search [--limit N]] [--format sql|json]

Prints, per detection, Athena (Trino) SQL over AWS's CloudTrail table that counts the matching records per alarm
period (columns period_start timestamp, matches bigint), with the engine's semantics exactly. --search prints a
query for the matching records' key fields instead. A detection the table cannot express (term and space-delimited
patterns, fields the table does not have) is refused with the reason, never approximated.
  --table DB.TABLE            the table (default cloudtrail_logs.cloudtrail)
  --from T / --to T           eventTime window (ISO 8601), and the days of the "timestamp" partition to read;
                              without them nothing bounds the scan (the whole table is read) and a warning says so
  --region R, --account ID    read only these values of the region / account partition columns
  --no-timestamp-partition    the table has no "timestamp" (yyyy/MM/dd) partition column
  --format json               [{"id": ..., "sql": ...}] and {"id": ..., "error": ...} for a refused detection
Exit status: 0 when every detection was expressed, 1 when some were refused, 2 on a usage error.`;

export async function sqlCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'pattern': { type: 'string' },
      'detection': { type: 'string', multiple: true },
      'profile': { type: 'string' },
      'overrides': { type: 'string' },
      'table': { type: 'string', default: 'cloudtrail_logs.cloudtrail' },
      'from': { type: 'string' },
      'to': { type: 'string' },
      'region': { type: 'string', multiple: true },
      'account': { type: 'string', multiple: true },
      'no-timestamp-partition': { type: 'boolean' },
      'search': { type: 'boolean' },
      'limit': { type: 'string' },
      'format': { type: 'string', default: 'sql' },
      'help': { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.stdout.write(`${SQL_USAGE}\n`);
    return 0;
  }
  const format = values.format!;
  if (format !== 'sql' && format !== 'json') throw new UsageError(`--format must be sql or json, got '${format}'`, SQL_USAGE);
  if (values.pattern !== undefined && (values.detection || values.profile || values.overrides)) {
    throw new UsageError('use either --pattern, or --detection/--profile, not both', SQL_USAGE);
  }
  if (values.pattern === undefined && !values.detection && !values.profile) {
    throw new UsageError('give --pattern, --detection or --profile', SQL_USAGE);
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0)) {
    throw new UsageError(`--limit must be a positive whole number, got '${values.limit}'`);
  }
  if (limit !== undefined && !values.search) throw new UsageError('--limit applies to --search queries only');
  for (const r of values.region ?? []) {
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(r)) throw new UsageError(`--region must be a Region name such as us-east-1, got '${r}'`);
  }
  for (const a of values.account ?? []) {
    if (!/^\d{12}$/.test(a)) throw new UsageError(`--account must be a 12-digit account id, got '${a}'`);
  }
  const fromMs = parseTime(values.from, '--from');
  const toMs = parseTime(values.to, '--to');
  if (fromMs !== undefined && toMs !== undefined && toMs <= fromMs) {
    throw new UsageError(`--to must be later than --from, got --from ${values.from} --to ${values.to}`);
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){1,2}$/.test(values.table!)) {
    throw new UsageError(`--table must be DATABASE.TABLE (letters, digits and underscores), got '${values.table}'`);
  }
  const options: SqlQueryOptions = {
    table: values.table!,
    fromMs,
    toMs,
    regions: values.region,
    accounts: values.account,
    timestampPartition: values['no-timestamp-partition'] ? false : 'timestamp',
  };
  const detections =
    values.pattern !== undefined
      ? [{ id: 'pattern', pattern: parsePatternOption(values.pattern), periodSeconds: 300 }]
      : selectDetections(values.profile, values.detection, { overridesFile: values.overrides });
  const unbounded = unboundedScanWarning(options);
  if (unbounded) io.stderr.write(`warning: ${unbounded}\n`);

  const results = detections.map((d) => {
    const r = values.search
      ? searchQuery(d.pattern._node, { ...options, limit })
      : countQuery(d.pattern._node, d.periodSeconds, options, `${d.id}: matches per ${d.periodSeconds} s period of ${d.pattern.logPatternString}`);
    return { id: d.id, result: r };
  });
  if (format === 'json') {
    const out = results.map(({ id, result }) => (result.ok ? { id, sql: result.sql } : { id, error: result.reason }));
    io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    for (const { id, result } of results) {
      if (result.ok) io.stdout.write(`${result.sql};\n\n`);
      else io.stdout.write(`${sqlComment(`${id}: not expressible in SQL: ${result.reason}`)}\n\n`);
    }
  }
  const refused = results.filter((r) => !r.result.ok);
  for (const r of refused) if (!r.result.ok) io.stderr.write(`${neutralise(`${r.id}: not expressible in SQL: ${r.result.reason}`)}\n`);
  return refused.length > 0 ? 1 : 0;
}
