import { parseArgs } from 'util';
import { runSearch } from '../backtest';
import { CliIo, inputsWithProgress, UsageError } from './io';
import { parsePatternOption, parseTime, selectDetections } from './selection';
import { principalOf, stringField } from '../backtest/top-values';

export const SEARCH_USAGE = `Usage: cloudtrail-alarms search PATH... (--pattern P | --detection ID... | --profile NAME)
                              [--from T] [--to T] [--output table|ndjson|es-bulk] [--index NAME]

Prints the CloudTrail records that match. PATH is a CloudTrail file (.json, .json.gz in S3 delivery format, or
.jsonl/.ndjson, optionally gzipped), a directory (walked recursively) or - for standard input.
  --output table     eventTime, eventName, principal, source IP and matching detections (default)
  --output ndjson    one record per line
  --output es-bulk   Elasticsearch/OpenSearch _bulk body: action line ({"index":{"_index":NAME,"_id":eventID}}) + record
Exit status: 0 when records matched, 1 when none did, 2 on a usage error, 4 when some input was skipped
(reported on standard error with its path).`;

export async function searchCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      pattern: { type: 'string' },
      detection: { type: 'string', multiple: true },
      profile: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      output: { type: 'string', default: 'table' },
      index: { type: 'string', default: 'cloudtrail' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout.write(`${SEARCH_USAGE}\n`);
    return 0;
  }
  const output = values.output!;
  if (!['table', 'ndjson', 'es-bulk'].includes(output)) {
    throw new UsageError(`--output must be table, ndjson or es-bulk, got '${output}'`, SEARCH_USAGE);
  }
  if (values.pattern !== undefined && (values.detection || values.profile)) {
    throw new UsageError('use either --pattern, or --detection/--profile, not both', SEARCH_USAGE);
  }
  const patterns =
    values.pattern !== undefined
      ? [{ id: 'pattern', pattern: parsePatternOption(values.pattern) }]
      : selectDetections(values.profile, values.detection);
  if (values.pattern === undefined && !values.detection && !values.profile) {
    throw new UsageError('give --pattern, --detection or --profile', SEARCH_USAGE);
  }
  const fromMs = parseTime(values.from, '--from');
  const toMs = parseTime(values.to, '--to');
  const { inputs, progress } = await inputsWithProgress(positionals, io, SEARCH_USAGE);
  const out = io.stdout;
  if (output === 'table') out.write(`${'eventTime'.padEnd(21)} ${'eventName'.padEnd(32)} ${'sourceIPAddress'.padEnd(18)} ${'detections'.padEnd(28)} principal\n`);
  const summary = await runSearch(
    inputs,
    patterns,
    (record, ids) => {
      if (output === 'ndjson') {
        out.write(`${JSON.stringify(record)}\n`);
      } else if (output === 'es-bulk') {
        const id = stringField(record, 'eventID');
        const action = id ? { index: { _index: values.index, _id: id } } : { index: { _index: values.index } };
        out.write(`${JSON.stringify(action)}\n${JSON.stringify(record)}\n`);
      } else {
        out.write(
          `${(stringField(record, 'eventTime') ?? '-').padEnd(21)} ${(stringField(record, 'eventName') ?? '-').padEnd(32)} ${(stringField(record, 'sourceIPAddress') ?? '-').padEnd(18)} ${ids.join(',').padEnd(28)} ${principalOf(record) ?? '-'}\n`,
        );
      }
    },
    { fromMs, toMs, onFile: (src, n) => progress.file(src.size, n), stdin: io.stdin },
  );
  progress.done();
  for (const e of summary.errors) io.stderr.write(`skipped: ${e.path}${e.line ? `:${e.line}` : ''}: ${e.message}\n`);
  io.stderr.write(
    `${summary.matches} matching record(s) in ${summary.records} record(s) from ${summary.files} file(s)${summary.skipped || summary.errors.length ? `; ${summary.skipped} record(s) skipped, ${summary.errors.length} problem(s)` : ''}\n`,
  );
  if (summary.errors.length > 0) return 4;
  return summary.matches > 0 ? 0 : 1;
}
