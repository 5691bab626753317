import { parseArgs } from 'util';
import { DetectionCatalogue } from 'cdk-cloudtrail-alarms/lib/catalogue/catalogue';
import { DetectionProfile } from 'cdk-cloudtrail-alarms/lib/catalogue/detection-profile';
import { toEventPattern } from 'cdk-cloudtrail-alarms/lib/targets/eventbridge';
import { CliIo, UsageError } from './io';
import { toYaml } from './yaml';

export const PATTERNS_USAGE = `Usage: cloudtrail-alarms patterns [--profile NAME] [--format json|yaml|text|eventbridge]

Prints the detection catalogue of a profile: id, title, severity, filter pattern, metric, controls and the
graders each pattern passes (and why it fails the others). --format eventbridge prints, per detection, the exact
EventBridge event pattern over CloudTrail's events ({"id", "eventPattern"}) or why none exists ({"id", "error"}).
Tamper-protection patterns are listed unscoped; the construct scopes them to its own resources.
Profiles: ${DetectionProfile.all().map((p) => p.name).join(', ')} (default: recommended).`;

/** `cloudtrail-alarms patterns`: prints DetectionCatalogue.list(profile). */
export async function patternsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      profile: { type: 'string' },
      format: { type: 'string', default: 'text' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.stdout.write(`${PATTERNS_USAGE}\n`);
    return 0;
  }
  const profile = profileOption(values.profile);
  const list = DetectionCatalogue.list(profile);
  switch (values.format) {
    case 'json':
      io.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      break;
    case 'yaml':
      io.stdout.write(`${toYaml(list)}\n`);
      break;
    case 'eventbridge':
      io.stdout.write(`${JSON.stringify(eventBridgeTwins(list), null, 2)}\n`);
      break;
    case 'text':
      io.stdout.write(`Profile ${profile.name}: ${profile.summary}\n\n`);
      for (const d of list) {
        io.stdout.write(`${d.id} [${d.severity}] ${d.title}\n`);
        io.stdout.write(`  metric:   ${d.metricNamespace}/${d.metricName} (Sum >= ${d.threshold} in ${d.periodSeconds / 60} min)\n`);
        io.stdout.write(`  controls: ${d.controls.join(', ')}\n`);
        io.stdout.write(`  passes:   ${d.graders.length ? d.graders.join(', ') : '(none)'}\n`);
        for (const f of d.graderFailures) io.stdout.write(`  fails:    ${f.grader}: ${f.why}\n`);
        io.stdout.write(`  pattern:  ${d.pattern}\n\n`);
      }
      break;
    default:
      throw new UsageError(`--format must be json, yaml, text or eventbridge, got '${values.format}'`, PATTERNS_USAGE);
  }
  return 0;
}

/** Per detection, the EventBridge twin of its pattern or the compiler's reason for refusing. */
export function eventBridgeTwins(
  list: ReadonlyArray<{ readonly id: string; readonly pattern: string }>,
): Array<{ id: string; eventPattern?: unknown; error?: string }> {
  return list.map((d) => {
    const r = toEventPattern(d.pattern);
    return r.ok ? { id: d.id, eventPattern: r.eventPattern } : { id: d.id, error: r.reason };
  });
}

export function profileOption(name: string | undefined): DetectionProfile {
  if (name === undefined) return DetectionProfile.RECOMMENDED;
  try {
    return DetectionProfile.of(name);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
