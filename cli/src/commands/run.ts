import * as fs from 'fs';
import * as path from 'path';
import { neutralise } from 'cdk-cloudtrail-alarms/lib/notifier/neutralise';
import { CliIo, UsageError } from './io';
import { TEST_PATTERN_USAGE, testPatternCommand } from './test-pattern';
import { RemoteDataError } from '../engines/remote-failure';

type Command = (argv: string[], io: CliIo) => Promise<number>;

interface CommandEntry {
  readonly run: () => Promise<Command>;
  readonly summary: string;
}

/** Commands load lazily so that, for example, the AWS SDK is only required by the commands that use it. */
const COMMANDS: Record<string, CommandEntry> = {
  'test-pattern': {
    summary: 'test a filter pattern against log event messages offline (like TestMetricFilter)',
    run: async () => testPatternCommand,
  },
  'patterns': {
    summary: 'print the detection catalogue of a profile (json, yaml or text)',
    run: async () => lazy<typeof import('./patterns')>('./patterns').patternsCommand,
  },
  'search': {
    summary: 'print the CloudTrail records (files, directories, stdin) that match a pattern or detections',
    run: async () => lazy<typeof import('./search')>('./search').searchCommand,
  },
  'backtest': {
    summary: 'replay detections and their alarms over CloudTrail files: how often would they have fired?',
    run: async () => lazy<typeof import('./backtest')>('./backtest').backtestCommand,
  },
  'audit': {
    summary: 'check a live account: is each detection really covered (trail, filter, alarm, topic, key)?',
    run: async () => lazy<typeof import('./audit')>('./audit').auditCommand,
  },
  'drill': {
    summary: 'after a deploy, prove that each alarm of a stack reaches people (subscriptions, notifier; --fire sets ALARM)',
    run: async () => lazy<typeof import('./drill')>('./drill').drillCommand,
  },
  'verify': {
    summary: "compare the engine with AWS's TestMetricFilter on the catalogue and the undocumented cases",
    run: async () => lazy<typeof import('./verify')>('./verify').verifyCommand,
  },
  'sql': {
    summary: 'print Athena SQL (AWS CloudTrail table) that counts or finds what detections match, same semantics',
    run: async () => lazy<typeof import('./sql')>('./sql').sqlCommand,
  },
  'notify-preview': {
    summary: 'print what the notifier function would publish for an alarm event (email, chat), with its CloudTrail events',
    run: async () => lazy<typeof import('./notify-preview')>('./notify-preview').notifyPreviewCommand,
  },
};

/** Loads a command module only when its command runs (CommonJS require: works under ts-node, jest and node). */
function lazy<T>(modulePath: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(modulePath) as T;
}

/** The version of the installed package (cli/src/commands/ sits two levels below package.json, in the sources and in the package). */
export function packageVersion(): string {
  const file = path.join(__dirname, '..', '..', 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Usage: cloudtrail-alarms <command> [options]\n       cloudtrail-alarms --version\n\nCommands:\n${lines.join('\n')}\n\nRun 'cloudtrail-alarms <command> --help' for a command's options.`;
}

/**
 * Runs the CLI and returns the exit code. Never calls process.exit; user errors are printed without a stack
 * trace (exit 2), data in AWS that cannot be read on one line (exit 3), unexpected errors with a stack trace (exit 3).
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    io.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr.write(`cloudtrail-alarms: unknown command '${neutralise(name)}'\n\n${usage()}\n`);
    return 2;
  }
  try {
    const command = await entry.run();
    return await command(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      // one line: a value the user passed (or a file holds) cannot break it or hide in it
      io.stderr.write(`cloudtrail-alarms ${name}: ${neutralise(e.message)}\n`);
      if (e.detail) io.stderr.write(`${e.detail}\n`);
      return 2;
    }
    if (e instanceof RemoteDataError) {
      // the data in AWS could not be read: one line, no stack trace (exit 3, as audit's "could not audit")
      io.stderr.write(`cloudtrail-alarms ${name}: ${neutralise(e.message)}\n`);
      return 3;
    }
    const code = (e as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`cloudtrail-alarms ${name}: ${(e as Error).message}\n`);
      return 2;
    }
    io.stderr.write(`cloudtrail-alarms ${name}: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
    return 3;
  }
}

export { TEST_PATTERN_USAGE };
