import { parseArgs } from 'util';
import {
  checkWindow,
  CliIo,
  describeIgnored,
  localEngineFor,
  LIMIT_OPTIONS,
  limitsFrom,
  Output,
  OutputClosed,
  parseTimeOption,
  S3_OPTIONS,
  s3PathOptions,
  s3SummaryLine,
  UsageError,
  writeProblems,
} from './io';
import { RECORDS_TABLE_HEADER, recordsTableRow } from './records-table';
import { remoteSearchCommand, wantsRemoteEngine } from './remote-engines';
import { parsePatternOption, selectDetections } from './selection';
import { TIME_SORT_MEMORY, TimeSorter } from './time-sort';
import { EngineStats, MatchedRecord } from '../engines/engine';
import { eventTimeMs, stringField } from '../engines/local';

export const SEARCH_USAGE = `Usage: cloudtrail-alarms search PATH... (--pattern P | --detection ID... | --profile NAME)
                              [--from T] [--to T] [--output table|ndjson|es-bulk] [--index NAME] [--sort time|file]
                              [--max-file-size SIZE] [--max-record-size SIZE] [--max-depth N]
                              [--account ID ...] [--region R ...] [--endpoint-url URL]

Prints the CloudTrail records that match. PATH is a CloudTrail file (.json, .json.gz in S3 delivery format,
.jsonl/.ndjson optionally gzipped, aws cloudtrail lookup-events or aws logs filter-log-events output), a directory
(walked recursively; digest, Insights and other files are ignored and counted; named pipes, sockets and devices
in it are reported and not read), - for standard input, or s3://BUCKET/PREFIX: the objects of CloudTrail's S3
layout, read in place (nothing is written to the bucket). A file given twice (- and /dev/stdin, two links to one
file) is read once.
  --account ID, --region R   s3:// PATHs: only these accounts and Regions (repeat, or separate with commas); with
                     --from/--to, only the day folders (and files, by the delivery time in their names) that can hold
                     the window are listed and downloaded; files delivered up to 1 hour after --to are read
  --endpoint-url URL s3:// PATHs: an S3 endpoint (moto_server, LocalStack); credentials and the starting Region are
                     the standard AWS chain's (AWS_PROFILE, AWS_REGION, ...); the bucket's own Region is followed
  --from T, --to T   only records with eventTime in [T, T2): ISO 8601; without an offset the time is UTC
  --output table     eventTime, eventName, principal, source IP and matching detections (default)
  --output ndjson    one record per line
  --output es-bulk   Elasticsearch/OpenSearch _bulk body: action line ({"index":{"_index":NAME,"_id":eventID}}) + record
  --sort time        matches oldest eventTime first (default; records without a valid eventTime last, ties in input
                     order); printed once every file is read, memory bounded: past ${TIME_SORT_MEMORY / 1024 ** 2} Mi characters of output, sorted runs
                     are spilled to temporary files and merged (disk use: the size of the output)
  --sort file        matches as they are found, file by file (sorted paths), in each file's order: streams at once
  --max-file-size    largest decompressed file that is not one record per line (default 1G)
  --max-record-size  largest record (default 8M); --max-depth: deepest nesting in a record (default 100)
Exit status: 0 when records matched, 1 when none did, 2 on a usage error, 3 when data in AWS could not be read (a
remote engine: no such log group, table or workgroup, wrong Region, access denied, no credentials, no answer; or
an s3:// PATH that cannot be listed; one line names the resource and the Region), 4 when some input could not be
read (reported on standard error with its path or S3 key). A closed output pipe (| head) ends the run with 0.
On data that stays in AWS: --engine athena --table DB.TABLE --workgroup W, or --log-group NAME [--region R]
(see 'cloudtrail-alarms search --engine athena --help').`;

export async function searchCommand(argv: string[], io: CliIo): Promise<number> {
  if (wantsRemoteEngine(argv)) return remoteSearchCommand(argv, io);
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      pattern: { type: 'string' },
      detection: { type: 'string', multiple: true },
      profile: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      output: { type: 'string', default: 'table' },
      sort: { type: 'string', default: 'time' },
      index: { type: 'string', default: 'cloudtrail' },
      help: { type: 'boolean', short: 'h' },
      ...LIMIT_OPTIONS,
      ...S3_OPTIONS,
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout.write(`${SEARCH_USAGE}\n`);
    return 0;
  }
  const output = values.output!;
  const sort = values.sort!;
  if (sort !== 'time' && sort !== 'file') throw new UsageError(`--sort must be time or file, got '${sort}'`, SEARCH_USAGE);
  if (!['table', 'ndjson', 'es-bulk'].includes(output)) {
    throw new UsageError(`--output must be table, ndjson or es-bulk, got '${output}'`, SEARCH_USAGE);
  }
  if (values.pattern !== undefined && (values.detection || values.profile)) {
    throw new UsageError('use either --pattern, or --detection/--profile, not both', SEARCH_USAGE);
  }
  if (values.pattern === undefined && !values.detection && !values.profile) {
    throw new UsageError('give --pattern, --detection or --profile', SEARCH_USAGE);
  }
  const detections =
    values.pattern !== undefined
      ? [{ id: 'pattern', pattern: parsePatternOption(values.pattern), periodSeconds: 300 }]
      : selectDetections(values.profile, values.detection);
  const fromMs = parseTimeOption(values.from, '--from');
  const toMs = parseTimeOption(values.to, '--to');
  checkWindow(fromMs, toMs, values.from, values.to);
  const limits = limitsFrom(values);
  const { engine, progress, s3 } = await localEngineFor(positionals, io, SEARCH_USAGE, limits, s3PathOptions(values, { fromMs, toMs }));
  const out = new Output(io.stdout);
  const run = engine.search({ detections, window: { fromMs, toMs } });
  const render = (m: MatchedRecord): string => {
    if (output === 'ndjson') return `${JSON.stringify(m.record)}\n`;
    if (output === 'es-bulk') {
      const id = stringField(m.record, 'eventID');
      const action = id ? { index: { _index: values.index, _id: id } } : { index: { _index: values.index } };
      return `${JSON.stringify(action)}\n${JSON.stringify(m.record)}\n`;
    }
    return recordsTableRow(m);
  };
  // by time: every match is rendered, then sorted with bounded memory (runs spilled to temporary files) and printed
  const sorter = sort === 'time' ? new TimeSorter() : undefined;
  let matches = 0;
  let closed = false;
  try {
    if (output === 'table') await out.write(RECORDS_TABLE_HEADER);
    let pending = '';
    const emit = async (text: string) => {
      pending += text;
      if (pending.length >= 64 * 1024) {
        await out.write(pending);
        pending = '';
      }
    };
    for await (const m of run.records) {
      matches++;
      if (sorter) sorter.add(eventTimeMs(m.record), render(m));
      else await emit(render(m));
    }
    if (sorter) for await (const text of sorter.sorted()) await emit(text);
    if (pending.length > 0) await out.write(pending);
  } catch (e) {
    sorter?.discard();
    if (!(e instanceof OutputClosed)) throw e;
    closed = true;
  }
  const stats = await run.stats();
  progress.done();
  if (closed) return 0;
  writeProblems(io.stderr, stats.problems, 'backtest --json lists every problem');
  io.stderr.write(`${summaryLine(matches, stats)}\n`);
  if (s3) io.stderr.write(`${s3SummaryLine(s3)}\n`);
  if (stats.problems.length > 0) return 4;
  return matches > 0 ? 0 : 1;
}

/** The summary on standard error: exact counts of what was read, ruled out, ignored and lost. */
export function summaryLine(matches: number, s: EngineStats): string {
  const parts = [`${matches} matching record(s) in ${s.records} record(s) from ${s.sources} file(s)`];
  if (s.recordsRuledOut > 0) {
    parts.push(`${s.recordsRuledOut} record(s) ruled out unparsed (${s.sourcesRuledOut} file(s) entirely)`);
  }
  if (s.ignored.length > 0) parts.push(`${s.ignored.length} file(s) ignored: ${describeIgnored(s.ignored)}`);
  if (s.problems.length > 0) {
    const skipped = s.problems.reduce((n, p) => n + p.records, 0);
    parts.push(`${skipped} record(s) skipped, ${s.problems.length} problem(s)`);
  }
  return parts.join('; ');
}
