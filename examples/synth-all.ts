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

/** Splits a template's resources into the detections' and the notifier's (the function tagged as the notifier). */
export function partition(template: { Resources: Record<string, Resource> }) {
  const entries = Object.entries(template.Resources);
  const of = (type: string) => entries.filter(([, r]) => r.Type === type);
  const notifierFunctions = of('AWS::Lambda::Function').filter(([, r]) =>
    (r.Properties?.Tags ?? []).some((t: any) => t.Key === 'cdk-cloudtrail-alarms:role' && t.Value === 'notifier'));
  const notifierLogGroups = new Set(notifierFunctions.map(([, r]) => r.Properties?.LoggingConfig?.LogGroup?.Ref).filter(Boolean));
  const isNotifierFilter = (r: Resource) => notifierLogGroups.has(r.Properties?.LogGroupName?.Ref);
  // a per-account filter publishes a detection's metric with dimensions (perAccountAlarms)
  const isPerAccountFilter = (r: Resource) =>
    (r.Properties?.MetricTransformations?.[0]?.Dimensions ?? []).length > 0 || (r.Properties?.EmitSystemFieldDimensions ?? []).length > 0;
  const detectionFilters = of('AWS::Logs::MetricFilter').filter(([, r]) => !isNotifierFilter(r) && !isPerAccountFilter(r));
  const perAccountFilters = of('AWS::Logs::MetricFilter').filter(([, r]) => !isNotifierFilter(r) && isPerAccountFilter(r));
  const published = new Set(detectionFilters.map(([, r]) =>
    `${r.Properties!.MetricTransformations[0].MetricNamespace}/${r.Properties!.MetricTransformations[0].MetricName}`));
  const alarms = of('AWS::CloudWatch::Alarm');
  const detectionAlarms = alarms.filter(([, r]) => published.has(`${r.Properties?.Namespace}/${r.Properties?.MetricName}`));
  const perAccountAlarms = alarms.filter(([, r]) => (r.Properties?.Metrics ?? []).some((m: any) => typeof m.Expression === 'string' && m.Expression.startsWith('SELECT ')));
  const pipelineHealthAlarms = alarms.filter(([, r]) => r.Properties?.Namespace === 'AWS/Logs' && r.Properties?.MetricName === 'IncomingLogEvents');
  const others = [...detectionAlarms, ...perAccountAlarms, ...pipelineHealthAlarms];
  return {
    detectionFilters: detectionFilters.map(([, r]) => r),
    detectionAlarms: detectionAlarms.map(([, r]) => r),
    perAccountFilters: perAccountFilters.map(([, r]) => r),
    perAccountAlarms: perAccountAlarms.map(([, r]) => r),
    pipelineHealthAlarms: pipelineHealthAlarms.map(([, r]) => r),
    notifierFunctions: notifierFunctions.map(([, r]) => r),
    notifierFilters: of('AWS::Logs::MetricFilter').filter(([, r]) => isNotifierFilter(r)).map(([, r]) => r),
    notifierAlarms: alarms.filter((a) => !others.includes(a)).map(([, r]) => r),
    trailLogGroups: of('AWS::Logs::LogGroup').filter(([id]) => !notifierLogGroups.has(id)).map(([, r]) => r),
  };
}

export function summarize(template: { Resources: Record<string, Resource> }): string[] {
  const all = Object.entries(template.Resources);
  const part = partition(template);
  const filters = part.detectionFilters;
  const alarms = part.detectionAlarms;
  const topicIds = all.filter(([, r]) => r.Type === 'AWS::SNS::Topic').map(([id]) => id);
  const alarmTopicIds = new Set(alarms.flatMap((a) => (a.Properties!.AlarmActions ?? []).map((x: any) => x?.Ref)).filter(Boolean));
  const alarmTopic = topicIds.find((id) => alarmTopicIds.has(id));
  const otherTopics = topicIds.filter((id) => id !== alarmTopic);
  const subs = all.filter(([, r]) => r.Type === 'AWS::SNS::Subscription').map(([, r]) => r);
  const trails = all.filter(([, r]) => r.Type === 'AWS::CloudTrail::Trail').map(([, r]) => r);
  const trail = trails[0]?.Properties;
  const trailLine = trail
    ? `created (${trail.IsOrganizationTrail ? 'organization trail, ' : ''}${trail.IsMultiRegionTrail ? 'multi-Region' : 'single-Region'}, CloudWatch Logs delivery, ${
      trail.KMSKeyId ? 'log files KMS-encrypted with a customer managed key' : 'log files SSE-S3 only'
    })`
    : 'existing (not created here)';
  const logGroup = part.trailLogGroups[0]?.Properties;
  const logGroupLine = logGroup
    ? `created, ${logGroup.KmsKeyId ? 'KMS-encrypted' : 'not KMS-encrypted'}, retention ${logGroup.RetentionInDays ? `${logGroup.RetentionInDays} days` : 'never expires'}`
    : 'existing (not created here)';
  const encrypted = (id: string) => (template.Resources[id].Properties?.KmsMasterKeyId ? ', KMS-encrypted' : '');
  const fn = part.notifierFunctions[0]?.Properties;
  const notifierLine = fn
    ? `function (${fn.Runtime}) subscribed to the alarm topic, adds the CloudTrail events to each notification; ${part.notifierAlarms.length} alarms and ${part.notifierFilters.length} metric filter of its own`
    : 'none (alarms notify their topic directly)';
  const endpoint = (r: Resource) => (typeof r.Properties!.Endpoint === 'string' ? r.Properties!.Endpoint : 'notifier');
  const resourcesOf = (type: string) => Object.values<Resource>(template.Resources).filter((r) => r.Type === type);
  const rules = resourcesOf('AWS::Events::Rule');
  const orgPolicy = resourcesOf('AWS::Events::EventBusPolicy').length > 0;
  const realTimeLine = rules.length
    ? `${rules.length} EventBridge rules -> the notifier's queue (${resourcesOf('AWS::Lambda::EventSourceMapping').length} event source mapping)${orgPolicy ? '; the default bus accepts the organization\'s forwarded events' : ''}`
    : 'off';
  return [
    `  detections:     ${filters.length} (${filters.map((f) => f.Properties!.MetricTransformations[0].MetricName).join(', ')})`,
    `  metric filters: ${filters.length}`,
    `  alarms:         ${alarms.length} (statistic ${[...new Set(alarms.map((a) => a.Properties!.Statistic))].join('/')})`,
    `  trail:          ${trailLine}`,
    `  log group:      ${logGroupLine}`,
    `  topic:          ${alarmTopic ? `created${encrypted(alarmTopic)}` : 'existing (not created here)'}`,
    ...otherTopics.map((id) => `  people's topic: created${encrypted(id)} (${id})`),
    `  notifier:       ${notifierLine}`,
    `  real time:      ${realTimeLine}`,
    `  per account:    ${part.perAccountFilters.length ? `${part.perAccountFilters.length} filters with account and Region dimensions, ${part.perAccountAlarms.length} Metrics Insights alarms grouped by them` : 'off'}`,
    `  pipeline:       ${part.pipelineHealthAlarms.length ? part.pipelineHealthAlarms.map((a) => `alarm when the log group receives no events for ${a.Properties!.EvaluationPeriods} hours (IncomingLogEvents, missing data breaching)`).join('; ') : 'no health alarm'}`,
    `  subscriptions:  ${subs.length}${subs.length ? ` (${subs.map((s) => `${s.Properties!.Protocol}:${endpoint(s)}`).join(', ')})` : ''}`,
  ];
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
