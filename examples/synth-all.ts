/**
 * `npm run example`: synthesizes every example into cdk.out/ (offline, no AWS credentials) and prints a summary
 * per stack.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import * as basic from './basic';
import * as detectionAlarm from './detection-alarm';
import * as existingTrail from './existing-trail';
import * as organizationTrail from './organization-trail';
import * as recommended from './recommended';

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
}

export function summarize(template: { Resources: Record<string, Resource> }): string[] {
  const all = Object.values(template.Resources);
  const of = (type: string) => all.filter((r) => r.Type === type);
  const filters = of('AWS::Logs::MetricFilter');
  const alarms = of('AWS::CloudWatch::Alarm');
  const topics = of('AWS::SNS::Topic');
  const subs = of('AWS::SNS::Subscription');
  const trails = of('AWS::CloudTrail::Trail');
  const logGroups = of('AWS::Logs::LogGroup');
  const trail = trails[0]?.Properties;
  const trailLine = trail
    ? `created (${trail.IsOrganizationTrail ? 'organization trail, ' : ''}${trail.IsMultiRegionTrail ? 'multi-Region' : 'single-Region'}, CloudWatch Logs delivery, ${
      trail.KMSKeyId ? 'log files KMS-encrypted with a customer managed key' : 'log files SSE-S3 only'
    })`
    : 'existing (not created here)';
  const logGroup = logGroups[0]?.Properties;
  const logGroupLine = logGroup
    ? `created, ${logGroup.KmsKeyId ? 'KMS-encrypted' : 'not KMS-encrypted'}, retention ${logGroup.RetentionInDays ? `${logGroup.RetentionInDays} days` : 'never expires'}`
    : 'existing (not created here)';
  const lines = [
    `  detections:     ${filters.length} (${filters.map((f) => f.Properties!.MetricTransformations[0].MetricName).join(', ')})`,
    `  metric filters: ${filters.length}`,
    `  alarms:         ${alarms.length} (statistic ${[...new Set(alarms.map((a) => a.Properties!.Statistic))].join('/')})`,
    `  trail:          ${trailLine}`,
    `  log group:      ${logGroupLine}`,
    `  topic:          ${topics.length > 0 ? `created${topics[0].Properties!.KmsMasterKeyId ? ', KMS-encrypted' : ''}` : 'existing (not created here)'}`,
    `  subscriptions:  ${subs.length}${subs.length ? ` (${subs.map((s) => `${s.Properties!.Protocol}:${s.Properties!.Endpoint}`).join(', ')})` : ''}`,
  ];
  return lines;
}

function main(): void {
  const outdir = path.resolve(__dirname, '..', 'cdk.out');
  const app = new App({ outdir });
  basic.buildApp(app);
  existingTrail.buildApp(app);
  recommended.buildApp(app);
  organizationTrail.buildApp(app);
  detectionAlarm.buildApp(app);
  const assembly = app.synth();
  for (const stack of assembly.stacks) {
    const file = path.join(outdir, stack.templateFile);
    const template = JSON.parse(fs.readFileSync(file, 'utf8'));
    console.log(`${stack.stackName} -> ${path.relative(process.cwd(), file)}`);
    for (const line of summarize(template)) console.log(line);
    const warnings = stack.messages.filter((m) => m.level === 'warning');
    // whole warnings, never cut: each line of a multi-line warning is indented under the first
    for (const w of warnings) console.log(`  warning:        ${String(w.entry.data).replace(/\n/g, '\n                  ')}`);
  }
}

if (require.main === module) {
  main();
}
