import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { LogFilterPattern } from 'cdk-cloudtrail-alarms/lib/filters/log-filter-pattern';
import { neutralise } from 'cdk-cloudtrail-alarms/lib/notifier/neutralise';
import { FilterPatternSyntaxError } from 'cdk-cloudtrail-alarms/lib/pattern';
import { CliIo, openText, Output, OutputClosed, readLines, UsageError } from './io';

export const TEST_PATTERN_USAGE = `Usage: cloudtrail-alarms test-pattern --pattern PATTERN [--events FILE|-] [--json]

Tests a CloudWatch Logs filter pattern against log event messages offline, like the console's
"Test pattern" and the TestMetricFilter API. FILE holds one log event message per line (default: standard input).

Exit status: 0 when at least one event matched, 1 when none did, 2 on a usage or pattern syntax error.`;

/**
 * Matching lines waiting to be printed after the count: kept in memory up to a few MiB, then spilled to a
 * temporary file, so memory does not grow with the input (standard input is read line by line as it comes).
 */
class MatchSpool {
  private lines: string[] = [];
  private bytes = 0;
  private file: string | undefined;
  private fd: number | undefined;

  constructor(private readonly memoryLimit = 8 * 1024 * 1024) {}

  public add(line: string): void {
    if (this.fd !== undefined) {
      fs.writeSync(this.fd, `${line}\n`);
      return;
    }
    this.lines.push(line);
    this.bytes += line.length;
    if (this.bytes > this.memoryLimit) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudtrail-alarms-'));
      this.file = path.join(dir, 'matches.txt');
      this.fd = fs.openSync(this.file, 'w');
      fs.writeSync(this.fd, `${this.lines.join('\n')}\n`);
      this.lines = [];
    }
  }

  public async *read(): AsyncGenerator<string> {
    if (this.fd === undefined) {
      yield* this.lines;
      return;
    }
    fs.closeSync(this.fd);
    this.fd = undefined;
    try {
      yield* readLines(fs.createReadStream(this.file!));
    } finally {
      fs.rmSync(path.dirname(this.file!), { recursive: true, force: true });
    }
  }

  public discard(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    if (this.file) fs.rmSync(path.dirname(this.file), { recursive: true, force: true });
  }
}

/** `cloudtrail-alarms test-pattern`: LogFilterPattern.matches over each line, like TestMetricFilter. */
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
  const input = await openText(values.events ?? '-', io, 'events file');
  const out = new Output(io.stdout);
  const spool = new MatchSpool();
  let events = 0;
  let matches = 0;
  try {
    if (values.json) {
      // the TestMetricFilter shape, written as the events stream by: {"matches":[{"eventNumber":1,"eventMessage":"..."},...]}
      await out.write('{"matches":[');
      for await (const message of readLines(input)) {
        events++;
        if (!pattern.matches(message)) continue;
        await out.write(`${matches > 0 ? ',' : ''}${JSON.stringify({ eventNumber: events, eventMessage: message })}`);
        matches++;
      }
      await out.write(']}\n');
    } else {
      for await (const message of readLines(input)) {
        events++;
        if (pattern.matches(message)) {
          matches++;
          spool.add(`${events}: ${neutralise(message)}`);
        }
      }
      await out.write(`Found ${matches} matches out of ${events} event(s)\n`);
      for await (const line of spool.read()) await out.write(`${line}\n`);
    }
  } catch (e) {
    spool.discard();
    if (e instanceof OutputClosed) return 0;
    throw e;
  }
  return matches > 0 ? 0 : 1;
}
