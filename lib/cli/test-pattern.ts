import { parseArgs } from 'util';
import { LogFilterPattern } from '../log-filter-pattern';
import { FilterPatternSyntaxError } from '../pattern';
import { CliIo, readText, splitLines, UsageError } from './io';

export const TEST_PATTERN_USAGE = `Usage: cloudtrail-alarms test-pattern --pattern PATTERN [--events FILE|-] [--json]

Tests a CloudWatch Logs filter pattern against log event messages offline, like the console's
"Test pattern" and the TestMetricFilter API. FILE holds one log event message per line (default: standard input).

Exit status: 0 when at least one event matched, 1 when none did, 2 on a usage or pattern syntax error.`;

/** `cloudtrail-alarms test-pattern`: a thin shell over LogFilterPattern.testMessages. */
export async function testPatternCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      pattern: { type: 'string', short: 'p' },
      events: { type: 'string', short: 'e' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.stdout.write(`${TEST_PATTERN_USAGE}\n`);
    return 0;
  }
  if (values.pattern === undefined) throw new UsageError('missing --pattern', TEST_PATTERN_USAGE);
  let pattern: LogFilterPattern;
  try {
    pattern = LogFilterPattern.parse(values.pattern);
  } catch (e) {
    if (e instanceof FilterPatternSyntaxError) {
      throw new UsageError(`invalid filter pattern: ${e.message}`, e.caret());
    }
    throw e;
  }
  const messages = splitLines(await readText(values.events ?? '-', io, 'events file'));
  const matches = pattern.testMessages(messages);
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ matches })}\n`);
  } else {
    io.stdout.write(`Found ${matches.length} matches out of ${messages.length} event(s)\n`);
    for (const m of matches) io.stdout.write(`${m.eventNumber}: ${m.eventMessage}\n`);
  }
  return matches.length > 0 ? 0 : 1;
}
