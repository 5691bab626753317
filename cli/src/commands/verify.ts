import { parseArgs } from 'util';
import { CliIo, readText, splitLines, UsageError } from './io';
import { profileOption } from './patterns';
import { parsePatternOption } from './selection';

export const VERIFY_USAGE = `Usage: cloudtrail-alarms verify [--profile NAME | --pattern P --events FILE] [--region R] [--endpoint-url URL] [--json]

Sends patterns with their events to the CloudWatch Logs TestMetricFilter API and compares AWS's matches with the
offline engine's, printing every disagreement. With --profile (default: recommended) it sends each detection's
pattern with its fixture records, plus the filter-pattern cases whose semantics AWS does not document, so that an
account can settle them. FILE holds one log event message per line.
Permission needed: logs:TestMetricFilter. Exit status: 0 when AWS and the engine agree, 1 on any disagreement or
failed call, 2 on a usage error.`;

export async function verifyCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'profile': { type: 'string' },
      'pattern': { type: 'string' },
      'events': { type: 'string' },
      'region': { type: 'string' },
      'endpoint-url': { type: 'string' },
      'json': { type: 'boolean' },
      'help': { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.stdout.write(`${VERIFY_USAGE}\n`);
    return 0;
  }
  if (values.pattern !== undefined && values.profile !== undefined) throw new UsageError('use either --profile or --pattern, not both', VERIFY_USAGE);
  if ((values.pattern === undefined) !== (values.events === undefined)) throw new UsageError('--pattern and --events go together', VERIFY_USAGE);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const aws = require('../aws') as typeof import('../aws');
  let cases;
  if (values.pattern !== undefined) {
    parsePatternOption(values.pattern);
    const events = splitLines(await readText(values.events!, io, 'events file'));
    if (events.length === 0) throw new UsageError(`events file '${values.events}' has no events`);
    cases = [{ name: 'pattern', pattern: values.pattern, events }];
  } else {
    cases = aws.profileCases(profileOption(values.profile).name);
  }
  const env = io.env ?? process.env;
  const clients = aws.awsClients({ region: values.region ?? aws.defaultRegion(env), endpoint: values['endpoint-url'] });
  const report = await aws.runVerify(cases, clients);
  if (values.json) {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    io.stdout.write(`Compared ${report.compared} of ${report.events} event(s) in ${report.cases} case(s): ${report.disagreements.length} disagreement(s)\n`);
    for (const d of report.disagreements) {
      io.stdout.write(
        `DISAGREE ${d.case}, event ${d.eventNumber}: AWS ${d.aws ? 'matches' : 'does not match'}, engine ${d.engine ? 'matches' : 'does not match'}\n  pattern: ${d.pattern}\n  event:   ${d.event}\n`,
      );
    }
    for (const p of report.problems) io.stderr.write(`failed: ${p.region} ${p.action}: ${p.message}\n`);
  }
  return report.disagreements.length > 0 || report.problems.length > 0 ? 1 : 0;
}
