import { parseArgs } from 'util';
import type { AuditReport } from '../aws';
import { CliIo, UsageError } from './io';
import { profileOption } from './patterns';

export const AUDIT_USAGE = `Usage: cloudtrail-alarms audit [--profile NAME] [--region R ...] [--detection ID ...] [--json] [--endpoint-url URL]

Checks a live account, per detection of the profile (default: recommended): a multi-Region trail that is logging,
records management events (read and write) and delivers to CloudWatch Logs; a metric filter on that log group that
semantically covers the detection (evaluated against the detection's fixture records, not a text regex); an alarm
on the filter's metric that can fire (Sum or SampleCount, reachable threshold, actions enabled); an SNS action whose
topic has a confirmed subscription and, if encrypted, a KMS key CloudWatch may use.
Credentials: the standard AWS chain (environment, profile, SSO, instance role). --endpoint-url for emulators.
Exit status: 0 when every detection is covered, 1 when something is not, 2 on a usage error.`;

export async function auditCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'profile': { type: 'string' },
      'region': { type: 'string', multiple: true },
      'detection': { type: 'string', multiple: true },
      'json': { type: 'boolean' },
      'endpoint-url': { type: 'string' },
      'help': { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.stdout.write(`${AUDIT_USAGE}\n`);
    return 0;
  }
  const profile = profileOption(values.profile);
  for (const id of values.detection ?? []) {
    if (!profile.detectionIds.includes(id)) {
      throw new UsageError(`detection '${id}' is not in profile '${profile.name}'. Its detections are: ${profile.detectionIds.join(', ')}`);
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const aws = require('../aws') as typeof import('../aws');
  const env = io.env ?? process.env;
  const regions = values.region && values.region.length > 0 ? values.region : [aws.defaultRegion(env)];
  const report = await aws.runAudit({ profile: profile.name, regions, endpoint: values['endpoint-url'], detections: values.detection });
  io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderAudit(report));
  return report.summary.partly + report.summary.notCovered > 0 ? 1 : 0;
}

/** The human-readable audit table. */
export function renderAudit(r: AuditReport): string {
  const lines: string[] = [];
  lines.push(`Profile ${r.profile}, region(s) ${r.regions.join(', ')}: ${r.summary.covered} covered, ${r.summary.partly} partly, ${r.summary.notCovered} not covered`);
  lines.push('');
  if (r.trails.length === 0) lines.push('Trails: none found');
  for (const t of r.trails) {
    lines.push(`Trail ${t.name} (${t.homeRegion}): ${t.ok ? `OK, delivers to ${t.logGroup!.name}` : t.problems.join(', ')}`);
  }
  lines.push('');
  lines.push(`${'detection'.padEnd(30)} ${'verdict'.padEnd(12)} evidence / reason`);
  for (const d of r.detections) {
    const e = d.evidence;
    const chain = e.filter
      ? `filter ${e.filter.name}${e.alarm ? ` -> alarm ${e.alarm.name} (${e.alarm.statistic} >= ${e.alarm.threshold})` : ''}${
        e.topics && e.topics.length ? ` -> ${e.topics.map((t) => `${t.arn.split(':').pop()} (${t.confirmedSubscriptions ?? '?'} confirmed)`).join(', ')}` : ''
      }`
      : '';
    lines.push(`${d.id.padEnd(30)} ${d.verdict.padEnd(12)} ${chain}`);
    for (const f of d.findings) lines.push(`${''.padEnd(43)} [${f.code}] ${f.message}`);
  }
  if (r.problems.length > 0) {
    lines.push('');
    lines.push('Calls that failed (the audit went on with what it could see):');
    for (const p of r.problems) lines.push(`  ${p.region} ${p.action}: ${p.message}`);
  }
  return `${lines.join('\n')}\n`;
}
