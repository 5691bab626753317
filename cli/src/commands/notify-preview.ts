import * as path from 'path';
import { parseArgs } from 'util';
import { AccountNames, accountNamesProblem } from 'cdk-cloudtrail-alarms/lib/notifier/account-names';
import { AlarmEventError, parseAlarmInput } from 'cdk-cloudtrail-alarms/lib/notifier/alarm-event';
import { factsFromPlan, NOTIFIER_DEFAULTS, NotifierConfig, notifierDetection } from 'cdk-cloudtrail-alarms/lib/notifier/config';
import { FilterLogEvents, FoundLogEvent } from 'cdk-cloudtrail-alarms/lib/notifier/event-lookup';
import { formatChatbot, formatEmail } from 'cdk-cloudtrail-alarms/lib/notifier/format';
import { neutralise, quoteValue } from 'cdk-cloudtrail-alarms/lib/notifier/neutralise';
import { NotifierContext, prepareNotification, publicationsFor } from 'cdk-cloudtrail-alarms/lib/notifier/notify';
import { planDetections } from 'cdk-cloudtrail-alarms/lib/planning/plan-detections';
import { CliIo, inputsWithProgress, readText, UsageError } from './io';
import { profileOption } from './patterns';
import { parsePatternOption } from './selection';
import { RemoteDataError } from '../engines/remote-failure';
import { listInputs, readCloudTrail } from '../logs';
import { isS3Url } from '../logs/s3-inputs';

export const NOTIFY_PREVIEW_USAGE = `Usage: cloudtrail-alarms notify-preview --alarm-event FILE (--events FILE... | --log-group NAME [--region R] [--endpoint-url URL])
                                        [--format email|chatbot|json] [--profile NAME | --pattern P]
                                        [--deployment-role ARN... [--invoked-by SERVICE...] [--stack-name NAME]]
                                        [--account-names FILE]
       cloudtrail-alarms notify-preview --sample root-account-usage|security-group-changes [--format email|chatbot|json]

Prints what the notifier function would publish for an alarm state change, through the same code as the function.
  --sample NAME        the sample inputs shipped with the package: an alarm event of that detection (an SNS message
                       for root-account-usage, the SNS event wrapping one for security-group-changes) and five
                       CloudTrail records in its window (two root, one security group change, two others)
  --alarm-event FILE   the alarm's SNS message, the SNS event that wraps it, or a Lambda alarm-action payload (- = stdin)
  --events FILE        CloudTrail records in any form search reads (delivery files, NDJSON, exports, directories,
                       s3://BUCKET/PREFIX with --endpoint-url for emulators: every object under the prefix, so give
                       the day's folder); each record's eventTime stands for its log event time
  --log-group NAME     look the events up with FilterLogEvents instead (AWS credentials from the environment)
  --format email       subject and plain-text body (default); chatbot: the chat notification JSON; json: both
  --profile NAME       the detections to recognise the alarm's metric by (default recommended)
  --pattern P          treat the alarm as a detection with this filter pattern
  --deployment-role ARN  the role that deploys the stack (CloudTrailAlarms' recognizeDeployments): a tamper-protection
                       alarm whose events were all made through it, invoked by --invoked-by (default
                       cloudformation.amazonaws.com), is an expected change of --stack-name at LOW severity to the
                       expected-changes topic; any other principal's event pages as before
  --account-names FILE friendly account names, as CloudTrailAlarms' accountNames: a JSON object of 12-digit account
                       ids to names, {"111122223333": "prod"} (- = stdin); shown quoted after the account ids
Exit status: 0 when printed, 2 on a usage error.`;

const TOPICS = [
  'arn:aws:sns:<region>:<account>:notifications',
  'arn:aws:sns:<region>:<account>:chatbot',
  // where the construct routes expected changes of its own deployment (the LOW topics), with --deployment-role
  'arn:aws:sns:<region>:<account>:expected-changes',
  'arn:aws:sns:<region>:<account>:expected-changes-chatbot',
];

/** The samples shipped in the package (cli/samples/, two levels above this module in the sources and in the package). */
const SAMPLES: Readonly<Record<string, string>> = {
  'root-account-usage': 'root-account-usage.alarm.json',
  'security-group-changes': 'security-group-changes.alarm.json',
};
const SAMPLE_DIR = path.join(__dirname, '..', '..', 'samples');

/** `--sample NAME`: the alarm event file and the events file of that sample. */
export function sampleInputs(name: string): { alarmEvent: string; events: string } {
  const file = Object.prototype.hasOwnProperty.call(SAMPLES, name) ? SAMPLES[name] : undefined;
  if (file === undefined) throw new UsageError(`--sample must be one of ${Object.keys(SAMPLES).join(', ')}, got '${name}'`, NOTIFY_PREVIEW_USAGE);
  return { alarmEvent: path.join(SAMPLE_DIR, file), events: path.join(SAMPLE_DIR, 'events.json') };
}

/** The records of --events as log events, sorted by time, timestamped with their eventTime. */
async function logEventsFromFiles(paths: string[], io: CliIo, endpoint?: string): Promise<FoundLogEvent[]> {
  let listing;
  try {
    // s3://BUCKET/PREFIX: every object under the prefix (give a day's folder), read as search reads it
    listing = paths.some(isS3Url)
      ? (await inputsWithProgress(paths, io, NOTIFY_PREVIEW_USAGE, { question: {}, endpoint })).listing
      : await listInputs(paths);
  } catch (e) {
    if (e instanceof RemoteDataError) throw e;
    throw new UsageError(`--events: ${(e as Error).message}`);
  }
  const events: FoundLogEvent[] = [];
  let undated = 0;
  await readCloudTrail(listing.inputs, {
    onRecord: (record) => {
      const t = typeof record.eventTime === 'string' ? Date.parse(record.eventTime) : NaN;
      if (Number.isNaN(t)) {
        undated++;
        return;
      }
      events.push({ timestamp: t, message: JSON.stringify(record), eventId: typeof record.eventID === 'string' ? record.eventID : undefined });
    },
    onProblem: (p) => io.stderr.write(`notify-preview: ${neutralise(p.path)}${p.line ? `:${p.line}` : ''}: ${neutralise(p.message)}\n`),
    stdin: io.stdin,
  });
  if (undated > 0) io.stderr.write(`notify-preview: ${undated} record(s) without eventTime were left out (no time to place them in the window)\n`);
  return events.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
}

/** FilterLogEvents over records in memory: the time range applies, the pattern is left to the engine re-check. */
function inMemory(events: FoundLogEvent[]): FilterLogEvents {
  return async (req) => {
    const start = req.nextToken ? Number(req.nextToken) : 0;
    const inRange = events.filter((e) => (e.timestamp ?? 0) >= req.startTime && (e.timestamp ?? 0) < req.endTime);
    const page = inRange.slice(start, start + req.limit);
    return { events: page, nextToken: start + req.limit < inRange.length ? String(start + req.limit) : undefined };
  };
}

/** `--account-names FILE`: the JSON object of account ids to names, checked as the construct checks `accountNames`. */
async function readAccountNames(file: string, io: CliIo): Promise<AccountNames> {
  const text = await readText(file, io, 'account names');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(
      `--account-names ${file}: not JSON (${(e as Error).message}); write an object such as {"111122223333": "prod"}`,
      NOTIFY_PREVIEW_USAGE,
    );
  }
  const problem = accountNamesProblem('--account-names', value);
  if (problem) throw new UsageError(`${file}: ${problem}`, NOTIFY_PREVIEW_USAGE);
  return value as AccountNames;
}

export async function notifyPreviewCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'sample': { type: 'string' },
      'alarm-event': { type: 'string' },
      'events': { type: 'string', multiple: true },
      'log-group': { type: 'string' },
      'region': { type: 'string' },
      'endpoint-url': { type: 'string' },
      'format': { type: 'string', default: 'email' },
      'profile': { type: 'string' },
      'pattern': { type: 'string' },
      'deployment-role': { type: 'string', multiple: true },
      'invoked-by': { type: 'string', multiple: true },
      'stack-name': { type: 'string' },
      'account-names': { type: 'string' },
      'help': { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.stdout.write(`${NOTIFY_PREVIEW_USAGE}\n`);
    return 0;
  }
  const format = values.format!;
  if (!['email', 'chatbot', 'json'].includes(format)) throw new UsageError(`--format must be email, chatbot or json, got '${format}'`, NOTIFY_PREVIEW_USAGE);
  if (values.sample !== undefined) {
    const given = (['alarm-event', 'events', 'log-group', 'region', 'endpoint-url'] as const).filter((o) => values[o] !== undefined);
    if (given.length > 0) throw new UsageError(`--sample brings its own alarm event and events: do not combine it with ${given.map((o) => `--${o}`).join(', ')}`, NOTIFY_PREVIEW_USAGE);
    const sample = sampleInputs(values.sample);
    values['alarm-event'] = sample.alarmEvent;
    values.events = [sample.events];
  }
  if (!values['alarm-event']) throw new UsageError('give --alarm-event FILE (the alarm notification to preview), or --sample NAME', NOTIFY_PREVIEW_USAGE);
  if (!values.events === !values['log-group']) throw new UsageError('give either --events FILE or --log-group NAME (where the events come from)', NOTIFY_PREVIEW_USAGE);
  if (values.pattern !== undefined && values.profile !== undefined) throw new UsageError('use either --pattern or --profile, not both', NOTIFY_PREVIEW_USAGE);
  if ((values.region || (values['endpoint-url'] && !values.events?.some(isS3Url))) && !values['log-group']) {
    throw new UsageError('--region only applies with --log-group, and --endpoint-url with --log-group or an s3:// --events', NOTIFY_PREVIEW_USAGE);
  }

  const deploymentRoles = values['deployment-role'] ?? [];
  if (deploymentRoles.length === 0 && (values['invoked-by'] !== undefined || values['stack-name'] !== undefined)) {
    throw new UsageError('--invoked-by and --stack-name only apply with --deployment-role ARN (the role that deploys the stack)', NOTIFY_PREVIEW_USAGE);
  }
  for (const arn of deploymentRoles) {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/\S+$/.test(arn)) {
      throw new UsageError(`--deployment-role must be an IAM role ARN such as arn:aws:iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1, got ${quoteValue(arn)}`, NOTIFY_PREVIEW_USAGE);
    }
  }
  // as CloudTrailAlarms writes it (recognizeDeployments): the stack's changes to its own resources are expected changes
  const deployment = deploymentRoles.length > 0
    ? {
      roleArns: deploymentRoles,
      invokedBy: values['invoked-by'] ?? ['cloudformation.amazonaws.com'],
      topic: 2,
      chatbotTopic: 3,
      stackName: values['stack-name'] ?? '<stack>',
    }
    : undefined;

  const accountNames = values['account-names'] === undefined ? undefined : await readAccountNames(values['account-names'], io);

  const text = await readText(values['alarm-event'], io, 'alarm event');
  let changes;
  try {
    changes = parseAlarmInput(text);
  } catch (e) {
    if (e instanceof AlarmEventError) throw new UsageError(`--alarm-event ${values['alarm-event']}: ${e.message}`);
    throw e;
  }

  let config: NotifierConfig;
  if (values.pattern !== undefined) {
    const pattern = parsePatternOption(values.pattern).logPatternString;
    config = {
      version: 1,
      detections: changes.map((c, i) =>
        notifierDetection(
          {
            id: `pattern-${i + 1}`,
            title: c.alarmName,
            severity: 'ALARM',
            summary: c.alarmDescription ?? `The alarm ${c.alarmName} counts events that match ${pattern}.`,
            pattern,
            metricNamespace: c.metricNamespace ?? 'CloudTrailMetrics',
            metricName: c.metricName ?? c.alarmName,
          },
          0,
          1,
        ),
      ),
      fallbackTopic: 0,
      fallbackChatbotTopic: 1,
      ...NOTIFIER_DEFAULTS,
      ...(deployment ? { deployment } : {}),
      ...(accountNames ? { accountNames } : {}),
    };
  } else {
    const profile = profileOption(values.profile);
    config = {
      version: 1,
      detections: planDetections({ profile: profile.name }).map((p) => notifierDetection(factsFromPlan(p), 0, 1)),
      fallbackTopic: 0,
      fallbackChatbotTopic: 1,
      ...NOTIFIER_DEFAULTS,
      ...(deployment ? { deployment } : {}),
      ...(accountNames ? { accountNames } : {}),
    };
  }

  let filterLogEvents: FilterLogEvents;
  let logGroupName: string;
  if (values.events) {
    filterLogEvents = inMemory(await logEventsFromFiles(values.events, io, values['endpoint-url']));
    logGroupName = '<trail log group>';
  } else {
    // loaded only here: the SDK is needed only when events are fetched from an account
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { sdkFilterLogEvents } = require('cdk-cloudtrail-alarms/lib/notifier/aws-adapter') as typeof import('cdk-cloudtrail-alarms/lib/notifier/aws-adapter');
    const region = values.region ?? io.env?.AWS_REGION ?? io.env?.AWS_DEFAULT_REGION ?? changes[0]?.region;
    filterLogEvents = sdkFilterLogEvents({ region, endpoint: values['endpoint-url'] });
    logGroupName = values['log-group']!;
  }

  const ctx: NotifierContext = {
    config,
    logGroupName,
    topicArns: TOPICS,
    filterLogEvents,
    now: Date.now,
    lookupDeadline: () => Date.now() + 50_000,
  };
  const out: unknown[] = [];
  for (const change of changes) {
    const input = await prepareNotification(change, ctx);
    if (!input.detection && change.newState === 'ALARM') {
      io.stderr.write(
        `notify-preview: the alarm watches ${neutralise(change.metricNamespace ?? '?')}/${neutralise(change.metricName ?? '?')}, which no detection of the profile has; pass --pattern to preview it as a detection\n`,
      );
    }
    if (input.lookup?.failure) io.stderr.write(`notify-preview: lookup failed: ${neutralise(input.lookup.failure.message)}\n`);
    if (format === 'email') {
      const email = formatEmail(input);
      io.stdout.write(`Subject: ${email.subject}\n\n${email.body}\n`);
    } else if (format === 'chatbot') {
      io.stdout.write(`${JSON.stringify(formatChatbot(input), null, 2)}\n`);
    } else {
      out.push({
        publications: publicationsFor(input, ctx).map((p) => ({ ...p, message: p.kind === 'chatbot' ? JSON.parse(p.message) : p.message })),
        window: input.window && {
          start: new Date(input.window.startMs).toISOString(),
          end: new Date(input.window.endMs).toISOString(),
          basis: input.window.basis,
        },
        lookup: input.lookup && {
          matched: input.lookup.matched,
          scanned: input.lookup.scanned,
          rejected: input.lookup.rejected,
          complete: input.lookup.complete,
        },
      });
    }
  }
  if (format === 'json') io.stdout.write(`${JSON.stringify(out.length === 1 ? out[0] : out, null, 2)}\n`);
  return 0;
}
