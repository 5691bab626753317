import { parseArgs } from 'util';
import { neutralise } from 'cdk-cloudtrail-alarms/lib/notifier/neutralise';
import { BacktestReport, runBacktest, withNotReplayed } from '../backtest';
import {
  backtestExitCode,
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
import { remoteBacktestCommand, wantsRemoteEngine } from './remote-engines';
import { select } from './selection';

export const BACKTEST_USAGE = `Usage: cloudtrail-alarms backtest PATH... [--profile NAME] [--detection ID ...] [--json] [--top N]
                                [--max-file-size SIZE] [--max-record-size SIZE] [--max-depth N]
                                [--overrides FILE | --from-stack cdk.out/STACK.template.json]
                                [--from T] [--to T] [--account ID ...] [--region R ...] [--endpoint-url URL]

Replays the detections of a profile (default: recommended) over CloudTrail files: matches per detection, and a
simulation of each detection's alarm (Sum per period, threshold, evaluation periods, datapoints to alarm, missing
data not breaching) over the records' eventTime: how often it would have gone into ALARM, when and for how long,
and the principals, source IPs and event names behind the matches.
  --overrides FILE     the construct's selection as JSON ({"profile", "overrides", "customDetections", ...};
                       a period is "periodSeconds"): replays the stack's tuning
  --from-stack FILE    a synthesized template: replays its metric filters and alarms exactly as deployed; a value
                       known only at deploy time in a pattern (Fn::Join over key ids, topic ARNs) is replayed as the
                       wildcard * where that can only widen the match ("approximated": an upper bound), else the
                       detection is listed as "not replayed" with the reason; a filter without an alarm is counted
                       only ("counts only", no alarm simulation); filters on a function's own log group are not
                       detections
  --from T, --to T     only records with eventTime in [T, T2) (ISO 8601; no offset means UTC)
PATH is read as by 'search': digest, Insights and other files in a directory are ignored and counted, never errors;
s3://BUCKET/PREFIX reads CloudTrail's S3 layout in place, narrowed by --from/--to, --account and --region (see
'cloudtrail-alarms search --help').
On data that stays in AWS: --engine athena --table DB.TABLE --workgroup W, or --log-group NAME
(see 'cloudtrail-alarms backtest --engine athena --help').
Exit status: 0 on success, 1 when a detection of --from-stack could not be replayed (listed under "not replayed"),
2 on a usage error, 3 when data in AWS could not be read (a remote engine; one line names the resource and the
Region), 4 when some input could not be read (listed under "errors").`;

export async function backtestCommand(argv: string[], io: CliIo): Promise<number> {
  if (wantsRemoteEngine(argv)) return remoteBacktestCommand(argv, io, renderBacktest);
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      'profile': { type: 'string' },
      'detection': { type: 'string', multiple: true },
      'from-stack': { type: 'string' },
      'overrides': { type: 'string' },
      'json': { type: 'boolean' },
      'top': { type: 'string', default: '3' },
      'from': { type: 'string' },
      'to': { type: 'string' },
      'help': { type: 'boolean', short: 'h' },
      ...LIMIT_OPTIONS,
      ...S3_OPTIONS,
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout.write(`${BACKTEST_USAGE}\n`);
    return 0;
  }
  const top = Number(values.top);
  if (!Number.isInteger(top) || top < 0) throw new UsageError(`--top must be a whole number, got '${values.top}'`);
  const selection = select(values.profile, values.detection, { fromStack: values['from-stack'], overridesFile: values.overrides });
  const fromMs = parseTimeOption(values.from, '--from');
  const toMs = parseTimeOption(values.to, '--to');
  checkWindow(fromMs, toMs, values.from, values.to);
  const limits = limitsFrom(values);
  const { engine, progress, s3 } = await localEngineFor(positionals, io, BACKTEST_USAGE, limits, s3PathOptions(values, { fromMs, toMs }));
  const window = fromMs === undefined && toMs === undefined ? undefined : { fromMs, toMs };
  const report = withNotReplayed(await runBacktest(engine, selection.detections, { top, window }), selection);
  progress.done();
  if (s3) io.stderr.write(`${s3SummaryLine(s3)}\n`);
  const out = new Output(io.stdout);
  try {
    await out.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderBacktest(report));
  } catch (e) {
    if (e instanceof OutputClosed) return 0;
    throw e;
  }
  if (!values.json) writeProblems(io.stderr, report.errors, '--json lists every problem');
  return backtestExitCode(report);
}

function duration(secs: number): string {
  if (secs === 0) return '-';
  const h = Math.floor(secs / 3600);
  const m = Math.round((secs % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m`;
}

/** The human-readable backtest report. */
export function renderBacktest(r: BacktestReport): string {
  const lines: string[] = [];
  lines.push(
    `${r.records} record(s) in ${r.files} file(s), ${r.from ?? '-'} to ${r.to ?? '-'}; ${r.skipped} skipped${r.ignored.length > 0 ? `; ${r.ignored.length} file(s) ignored: ${describeIgnored(r.ignored)}` : ''}`,
  );
  lines.push('');
  lines.push(`${'detection'.padEnd(30)} ${'sev'.padEnd(6)} ${'rule'.padEnd(16)} ${'matches'.padStart(8)} ${'alarms'.padStart(7)} ${'in alarm'.padStart(9)} ${'peak'.padStart(5)}  first alarm`);
  for (const d of r.detections) {
    const rule = d.alarmReplayed ? `>=${d.threshold}/${d.periodSeconds / 60}m ${d.datapointsToAlarm}of${d.evaluationPeriods}` : 'counts only';
    const peak = d.alarms.reduce((p, a) => Math.max(p, a.peak), 0);
    const alarms = d.alarmReplayed ? String(d.alarmCount) : '-';
    lines.push(
      `${neutralise(d.id).padEnd(30)} ${neutralise(d.severity).padEnd(6)} ${rule.padEnd(16)} ${String(d.matches).padStart(8)} ${alarms.padStart(7)} ${duration(d.secondsInAlarm).padStart(9)} ${String(peak || '-').padStart(5)}  ${d.alarms[0]?.start ?? '-'}`,
    );
  }
  const noted = r.detections.filter((d) => d.note !== undefined);
  if (noted.length > 0 || (r.notReplayed?.length ?? 0) > 0 || (r.notDetections?.length ?? 0) > 0) lines.push('');
  for (const d of noted) lines.push(`${d.alarmReplayed ? 'approximated' : 'counts only'}: ${neutralise(d.id)}: ${neutralise(d.note!)}`);
  for (const n of r.notReplayed ?? []) lines.push(`not replayed: ${neutralise(n.id)}: ${neutralise(n.reason)}`);
  for (const n of r.notDetections ?? []) lines.push(`not a detection: metric filter ${neutralise(n.id)}: ${neutralise(n.reason)}`);
  const noisy = r.detections.filter((d) => d.matches > 0);
  for (const d of noisy) {
    lines.push('');
    lines.push(`${neutralise(d.id)}: ${d.matches} match(es)${d.alarmReplayed ? `, ${d.alarmCount} alarm(s)` : ''}`);
    const fmt = (vs: Array<{ value: string; count: number }>) => vs.map((v) => `${neutralise(v.value)} (${v.count})`).join(', ');
    lines.push(`  principals:  ${fmt(d.topPrincipals)}`);
    lines.push(`  source IPs:  ${fmt(d.topSourceIps)}`);
    lines.push(`  event names: ${fmt(d.topEventNames)}`);
  }
  return `${lines.join('\n')}\n`;
}
