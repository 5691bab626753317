import { parseArgs } from 'util';
import { neutralise } from 'cdk-cloudtrail-alarms/lib/notifier/neutralise';
import { BacktestReport, runBacktest, withNotReplayed } from '../backtest';
import { backtestExitCode, CliIo, UsageError } from './io';
import { RECORDS_TABLE_HEADER, recordsTableRow } from './records-table';
import { parsePatternOption, parseTime, select, selectDetections } from './selection';
import { AthenaEngine } from '../engines/athena/athena-engine';
import { athenaCostUsd } from '../engines/athena/query-runner';
import { CloudWatchLogsEngine } from '../engines/cloudwatch-logs/cloudwatch-logs-engine';
import { Engine, EngineStats } from '../engines/engine';
import { unboundedScanWarning } from '../sql/sql';

/**
 * `backtest` and `search` on data that stays in AWS: `--engine athena` (AWS's CloudTrail table) and `--log-group`
 * (`--engine cloudwatch-logs`: FilterLogEvents on the group the trail delivers to). The report and the output are
 * the same as on files; the Athena run adds the data it scanned and what that costs.
 */
export const REMOTE_USAGE = `Remote engines (backtest and search):
  --engine athena --table DB.TABLE --workgroup W [--output-location s3://...]
        [--partition-region R ...] [--partition-account ID ...] [--no-timestamp-partition]
      runs the detections as Athena SQL over AWS's CloudTrail table (one query, one scan, for all of them) and prints
      the data scanned and its cost ($5 per TB, 10 MB minimum per query); 'cloudtrail-alarms sql' shows the SQL
  --log-group NAME (or --engine cloudwatch-logs --log-group NAME)
      runs FilterLogEvents with each detection's pattern on the log group and re-checks every event with the engine
  --region R            AWS Region of the API calls (default: the SDK's: AWS_REGION, profile)
  --from T / --to T     eventTime window (ISO 8601); for a log group, the scan runs to --to plus --delivery-slack
  --delivery-slack MIN  minutes a record may take to reach the log group after its eventTime (default 60)
  --limit N             search only: most records an Athena query returns
  --sort time           search only: the matches come oldest eventTime first (the only order of a remote engine)
A log group, table or workgroup that does not exist (or not in that Region), denied access, missing credentials or
an endpoint that does not answer end the run with one line naming the resource and the Region, and exit status 3.
Without --from/--to an Athena query scans the whole table: a warning says so.`;

/** Whether argv asks for a remote engine (so `backtest`/`search` hand it over); `--engine local` is the files' engine. */
export function wantsRemoteEngine(argv: readonly string[]): boolean {
  return argv.some((a, i) => {
    if (a === '--log-group' || a.startsWith('--log-group=')) return true;
    const value = a === '--engine' ? argv[i + 1] : a.startsWith('--engine=') ? a.slice('--engine='.length) : undefined;
    return value !== undefined && value !== 'local';
  });
}

const OPTIONS = {
  'engine': { type: 'string' },
  'table': { type: 'string' },
  'workgroup': { type: 'string' },
  'output-location': { type: 'string' },
  'partition-region': { type: 'string', multiple: true },
  'partition-account': { type: 'string', multiple: true },
  'no-timestamp-partition': { type: 'boolean' },
  'log-group': { type: 'string' },
  'region': { type: 'string' },
  'endpoint-url': { type: 'string' },
  'delivery-slack': { type: 'string' },
  'limit': { type: 'string' },
  'from': { type: 'string' },
  'to': { type: 'string' },
  'pattern': { type: 'string' },
  'profile': { type: 'string' },
  'detection': { type: 'string', multiple: true },
  'overrides': { type: 'string' },
  'from-stack': { type: 'string' },
  'json': { type: 'boolean' },
  'top': { type: 'string', default: '3' },
  'output': { type: 'string', default: 'table' },
  'sort': { type: 'string' },
  'help': { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  return parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
}

interface Remote {
  readonly engine: Engine;
  readonly athena?: AthenaEngine;
  /** For messages: where the data is. */
  readonly where: string;
}

function remoteEngine(values: Values, io: CliIo, command: string): Remote {
  const kind = values.engine ?? (values['log-group'] !== undefined ? 'cloudwatch-logs' : undefined);
  const region = values.region;
  const endpoint = values['endpoint-url'];
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new UsageError(`--region must be a Region name such as us-east-1, got '${region}'`);
  }
  if (kind === 'athena') {
    if (values['log-group'] !== undefined) throw new UsageError('--log-group is for --engine cloudwatch-logs, not athena');
    if (!values.table) throw new UsageError('--engine athena needs --table DATABASE.TABLE (the CloudTrail table; docs/athena-and-logs.md gives its DDL)', REMOTE_USAGE);
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){1,2}$/.test(values.table)) {
      throw new UsageError(`--table must be DATABASE.TABLE (letters, digits and underscores), got '${values.table}'`);
    }
    if (!values.workgroup) throw new UsageError('--engine athena needs --workgroup NAME (for example primary)', REMOTE_USAGE);
    const out = values['output-location'];
    if (out !== undefined && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(out)) {
      throw new UsageError(`--output-location must be an s3://bucket/prefix/ URI, got '${out}'`);
    }
    for (const a of values['partition-account'] ?? []) {
      if (!/^\d{12}$/.test(a)) throw new UsageError(`--partition-account must be a 12-digit account id, got '${a}'`);
    }
    for (const r of values['partition-region'] ?? []) {
      if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(r)) throw new UsageError(`--partition-region must be a Region name such as us-east-1, got '${r}'`);
    }
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0)) throw new UsageError(`--limit must be a positive whole number, got '${values.limit}'`);
    const athena = new AthenaEngine({
      table: values.table,
      workgroup: values.workgroup,
      outputLocation: out,
      regions: values['partition-region'],
      accounts: values['partition-account'],
      timestampPartition: values['no-timestamp-partition'] ? false : 'timestamp',
      region,
      endpoint,
      searchLimit: limit,
      poll: {
        onState: (state, id) => {
          if (io.stderr.isTTY) io.stderr.write(`\rAthena query ${id}: ${state}        `);
        },
      },
    });
    return { engine: athena, athena, where: `Athena table ${values.table}` };
  }
  if (kind === 'cloudwatch-logs') {
    const group = values['log-group'];
    if (!group) throw new UsageError('--engine cloudwatch-logs needs --log-group NAME', REMOTE_USAGE);
    if (!/^[.\-_/#A-Za-z0-9]{1,512}$/.test(group)) {
      throw new UsageError(`--log-group must be a log group name (1-512 of letters, digits and . - _ / #), got '${group}'`);
    }
    for (const o of ['table', 'workgroup', 'output-location'] as const) {
      if (values[o] !== undefined) throw new UsageError(`--${o} is for --engine athena, not for a log group`);
    }
    if (values.limit !== undefined) throw new UsageError('--limit is for --engine athena');
    const slackMin = values['delivery-slack'] === undefined ? 60 : Number(values['delivery-slack']);
    if (!Number.isFinite(slackMin) || slackMin < 0) {
      throw new UsageError(`--delivery-slack must be a number of minutes (0 or more), got '${values['delivery-slack']}'`);
    }
    const engine = new CloudWatchLogsEngine({
      logGroupName: group,
      region,
      endpoint,
      deliverySlackMs: slackMin * 60_000,
      onProgress: (id, events, pages) => {
        if (io.stderr.isTTY) io.stderr.write(`\rFilterLogEvents ${id}: ${events} event(s), ${pages} page(s)        `);
      },
    });
    return { engine, where: `log group ${group}` };
  }
  throw new UsageError(`--engine must be athena or cloudwatch-logs, got '${values.engine}' (files need no --engine: give PATH...)`, `cloudtrail-alarms ${command} --help`);
}

function windowOf(values: Values) {
  const fromMs = parseTime(values.from, '--from');
  const toMs = parseTime(values.to, '--to');
  if (fromMs !== undefined && toMs !== undefined && toMs <= fromMs) {
    throw new UsageError(`--to must be later than --from, got --from ${values.from} --to ${values.to}`);
  }
  return { fromMs, toMs };
}

/** On Athena, a warning when no time window bounds the data the query scans. */
function warnUnbounded(values: Values, remote: Remote, window: { fromMs?: number; toMs?: number }, io: CliIo): void {
  if (!remote.athena) return;
  const warning = unboundedScanWarning({ table: values.table!, ...window, timestampPartition: values['no-timestamp-partition'] ? false : 'timestamp' });
  if (warning) io.stderr.write(`warning: ${warning}\n`);
}

function noPaths(positionals: string[], where: string): void {
  if (positionals.length > 0) throw new UsageError(`PATH arguments (${positionals.join(', ')}) cannot be combined with the ${where}: the data is read in AWS`);
}

function endProgress(io: CliIo): void {
  if (io.stderr.isTTY) io.stderr.write('\n');
}

/** What a remote run scanned, for the report. */
export interface RemoteScan {
  readonly engine: string;
  readonly where: string;
  readonly bytesScanned: number;
  /** Athena only: the queries run and their price at $5 per TB (10 MB minimum per query). */
  readonly queryExecutionIds?: readonly string[];
  readonly costUsd?: number;
}

function scanOf(remote: Remote, stats: EngineStats): RemoteScan {
  if (!remote.athena) return { engine: remote.engine.name, where: remote.where, bytesScanned: stats.bytesScanned };
  const ids = remote.athena.queryExecutionIds;
  return {
    engine: 'athena',
    where: remote.where,
    bytesScanned: stats.bytesScanned,
    queryExecutionIds: [...ids],
    costUsd: ids.length === 0 ? 0 : athenaCostUsd(stats.bytesScanned) + (ids.length - 1) * athenaCostUsd(0),
  };
}

export function scanLine(s: RemoteScan): string {
  const gb = (s.bytesScanned / 1024 ** 3).toFixed(3);
  if (s.engine === 'athena') {
    return `Athena: ${gb} GB scanned in ${s.queryExecutionIds?.length ?? 0} query(ies) (${(s.queryExecutionIds ?? []).join(', ') || '-'}), cost $${(s.costUsd ?? 0).toFixed((s.costUsd ?? 0) < 1 ? 6 : 2)} at $5 per TB (10 MB minimum per query)`;
  }
  return `FilterLogEvents on ${s.where}: ${gb} GB of events received`;
}

/**
 * `backtest --engine athena ...` / `backtest --log-group NAME ...`. `render` is the backtest command's own report
 * (passed in, so that this module and cli/src/commands/backtest.ts do not import each other).
 */
export async function remoteBacktestCommand(argv: string[], io: CliIo, render: (report: BacktestReport) => string): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    io.stdout.write(`${REMOTE_USAGE}\n`);
    return 0;
  }
  const remote = remoteEngine(values, io, 'backtest');
  noPaths(positionals, remote.where);
  if (values.pattern !== undefined) throw new UsageError('backtest takes --profile/--detection (alarm settings), not --pattern');
  if (values.limit !== undefined) throw new UsageError('--limit is for search');
  if (values.sort !== undefined) throw new UsageError('--sort is for search');
  const top = Number(values.top);
  if (!Number.isInteger(top) || top < 0) throw new UsageError(`--top must be a whole number, got '${values.top}'`);
  const selection = select(values.profile, values.detection, { fromStack: values['from-stack'], overridesFile: values.overrides });
  const window = windowOf(values);
  warnUnbounded(values, remote, window, io);
  let statsSeen: EngineStats | undefined;
  const engine: Engine = {
    name: remote.engine.name,
    count: async (q) => {
      const r = await remote.engine.count(q);
      statsSeen = r.stats;
      return r;
    },
    search: (q) => remote.engine.search(q),
  };
  const report = withNotReplayed(await runBacktest(engine, selection.detections, { top, window }), selection);
  endProgress(io);
  const scan = scanOf(remote, statsSeen!);
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ ...report, scan }, null, 2)}\n`);
  } else {
    io.stdout.write(render(report));
    io.stdout.write(`\n${scanLine(scan)}\n`);
    for (const e of report.errors) io.stderr.write(`problem: ${neutralise(e.path)}: ${neutralise(e.message)}\n`);
  }
  return backtestExitCode(report);
}

/** `search --engine athena ...` / `search --log-group NAME ...`. */
export async function remoteSearchCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    io.stdout.write(`${REMOTE_USAGE}\n`);
    return 0;
  }
  const remote = remoteEngine(values, io, 'search');
  noPaths(positionals, remote.where);
  const output = values.output!;
  if (output !== 'table' && output !== 'ndjson') throw new UsageError(`--output must be table or ndjson for a remote engine, got '${output}'`);
  if (values.sort !== undefined && values.sort !== 'time') {
    throw new UsageError(`--sort must be time for a remote engine (it returns the matches oldest eventTime first), got '${values.sort}'`);
  }
  if (values.pattern !== undefined && (values.detection || values.profile)) throw new UsageError('use either --pattern, or --detection/--profile, not both');
  if (values.pattern === undefined && !values.detection && !values.profile) throw new UsageError('give --pattern, --detection or --profile');
  const detections =
    values.pattern !== undefined
      ? [{ id: 'pattern', pattern: parsePatternOption(values.pattern), periodSeconds: 300 }]
      : selectDetections(values.profile, values.detection, { overridesFile: values.overrides });
  const window = windowOf(values);
  warnUnbounded(values, remote, window, io);
  const run = remote.engine.search({ detections, window });
  let matches = 0;
  // the header once the data could be read (with the first record, or at the end when none matched)
  const header = () => {
    if (output === 'table') io.stdout.write(RECORDS_TABLE_HEADER);
  };
  for await (const m of run.records) {
    if (matches++ === 0) header();
    io.stdout.write(output === 'ndjson' ? `${JSON.stringify(m.record)}\n` : recordsTableRow(m));
  }
  if (matches === 0) header();
  const stats = await run.stats();
  endProgress(io);
  for (const p of stats.problems) io.stderr.write(`problem: ${neutralise(p.path)}: ${neutralise(p.message)}\n`);
  io.stderr.write(`${matches} matching record(s) from ${neutralise(remote.where)}\n${scanLine(scanOf(remote, stats))}\n`);
  if (stats.problems.length > 0) return 4;
  return matches > 0 ? 0 : 1;
}
