import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { DetectionId } from './catalogue/detection-id';
import { DetectionProfile } from './catalogue/detection-profile';
import {
  alarmDescription,
  DEFAULT_LARGE_INSTANCE_TYPES,
  DEFAULT_NAMESPACE,
  entryOf,
  profileSpec,
  recommendedEntry,
  resolveEntry,
} from './catalogue/resolve';
import { Severity } from './catalogue/severity';
import type { CloudTrailAlarmsProps } from './cloudtrail-alarms';
import { AlarmSettings, DetectionExclusions, DetectionOverride } from './detection-settings';
import { CloudTrailFilter } from './filters/cloudtrail-filter';
import { LogFilterPattern } from './log-filter-pattern';
import { FilterPatternSyntaxError, MAX_PATTERN_LENGTH } from './pattern';

/** CloudWatch Logs quota: metric filters per log group. */
export const MAX_METRIC_FILTERS_PER_LOG_GROUP = 100;
const ID_FORMAT = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const METRIC_NAME_FORMAT = /^[^:$]{1,255}$/;
const SSO_ISSUER = 'arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*';

/** Everything the construct needs to create one metric filter and one alarm. */
export interface PlannedDetection {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly pattern: LogFilterPattern;
  readonly metricName: string;
  readonly namespace: string;
  readonly metricValue: string;
  readonly threshold: number;
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  readonly treatMissingData: cloudwatch.TreatMissingData;
  readonly statistic: string;
  readonly alarmDescription: string;
  readonly alarmName?: string;
  /** Graders the final pattern is still claimed to pass. */
  readonly graders: readonly string[];
  /** Warnings to attach (e.g. "no longer Security Hub-exact"). */
  readonly warnings: ReadonlyArray<{ readonly id: string; readonly message: string }>;
}

/** The construct props that decide the detections (documented on CloudTrailAlarmsProps). */
export type PlanInput = Pick<
  CloudTrailAlarmsProps,
  'profile' | 'overrides' | 'customDetections' | 'largeInstanceTypes' | 'metricNamespace' | 'alarmNamePrefix'
>;

/**
 * Turns a profile, overrides and custom detections into validated plans. Throws an Error that names the property
 * and the value for every invalid input. Pure apart from reading CDK's Token helpers.
 */
export function planDetections(input: PlanInput): PlannedDetection[] {
  const profile = input.profile ?? DetectionProfile.RECOMMENDED;
  const namespace = input.metricNamespace ?? DEFAULT_NAMESPACE;
  const largeTypes = validateLargeInstanceTypes(input.largeInstanceTypes);
  const overrides = new Map<string, DetectionOverride>();
  (input.overrides ?? []).forEach((o, i) => {
    if (!entryOf(o.id)) {
      throw new Error(
        `\`overrides[${i}].id\` must be a built-in detection id, got '${o.id}'. Use one of: ${Object.values(DetectionId).join(', ')}; add detections of your own with \`customDetections\`.`,
      );
    }
    if (overrides.has(o.id)) throw new Error(`\`overrides\` lists detection '${o.id}' twice; merge the two entries.`);
    if (o.ssoAware && o.id !== DetectionId.CONSOLE_SIGN_IN_WITHOUT_MFA) {
      throw new Error(`\`overrides[${i}].ssoAware\` only applies to '${DetectionId.CONSOLE_SIGN_IN_WITHOUT_MFA}', got it on '${o.id}'.`);
    }
    overrides.set(o.id, o);
  });

  const spec = profileSpec(profile.name);
  const entries = [...spec.entries];
  // detections outside the profile that an override turns on use the recommended variant
  for (const o of overrides.values()) {
    if (o.enabled === true && !entries.some((e) => e.id === o.id)) entries.push(recommendedEntry(o.id as DetectionId));
  }

  const plans: PlannedDetection[] = [];
  for (const pe of entries) {
    const o = overrides.get(pe.id);
    if (o?.enabled === false) continue;
    const resolved = resolveEntry(pe, pe.id === DetectionId.EC2_LARGE_INSTANCE_CHANGES ? largeTypes : undefined);
    const where = o ? `\`overrides\` entry '${pe.id}'` : `detection '${pe.id}'`;
    const original = LogFilterPattern.parse(resolved.pattern);
    let pattern = original;
    const exclusions = exclusionPatterns(o?.exclusions, where);
    if (o?.ssoAware) exclusions.push(CloudTrailFilter.exclude('userIdentity.sessionContext.sessionIssuer.arn', SSO_ISSUER));
    if (exclusions.length > 0) {
      pattern = CloudTrailFilter.all(original, ...exclusions);
    }
    const warnings: Array<{ id: string; message: string }> = [];
    let graders = [...resolved.graders];
    if (pattern.logPatternString !== original.logPatternString) {
      if (graders.includes('security-hub')) {
        warnings.push({
          id: 'cloudtrail-alarms:notSecurityHubExact',
          message: `Detection '${pe.id}': exclusions change the filter pattern, so it is no longer the exact Security Hub string and the Security Hub control will FAIL. Remove the exclusions from \`overrides\` if you are graded by Security Hub.`,
        });
      }
      graders = graders.filter((g) => g !== 'security-hub' && g !== 'aws-template');
    }
    plans.push(
      finishPlan(
        {
          id: pe.id,
          title: resolved.entry.title,
          severity: o?.severity ?? resolved.entry.severity,
          pattern,
          metricName: o?.metricName ?? resolved.entry.metricName,
          namespace,
          defaultThreshold: resolved.entry.threshold,
          defaultDescription: alarmDescription(resolved.entry),
          graders,
          warnings,
          alarmNamePrefix: input.alarmNamePrefix,
        },
        o ?? {},
        where,
      ),
    );
  }

  (input.customDetections ?? []).forEach((c, i) => {
    const where = `\`customDetections[${i}]\` ('${c.id}')`;
    if (!Token.isUnresolved(c.id) && !ID_FORMAT.test(c.id)) {
      throw new Error(`\`customDetections[${i}].id\` must be kebab-case (lower-case letters, digits and single dashes), got '${c.id}'.`);
    }
    if (entryOf(c.id)) {
      throw new Error(`\`customDetections[${i}].id\` '${c.id}' is a built-in detection id; tune it with \`overrides\` or choose another id.`);
    }
    const text = c.pattern.logPatternString;
    let pattern: LogFilterPattern;
    if (c.pattern instanceof LogFilterPattern) {
      pattern = c.pattern;
    } else if (Token.isUnresolved(text)) {
      throw new Error(`${where}: \`pattern\` must be known at synth time so it can be validated, got a token.`);
    } else {
      pattern = parsePatternFor(text, `${where} \`pattern\``);
    }
    if (!c.title || !c.description) {
      throw new Error(`${where}: \`title\` and \`description\` must not be empty; the description becomes the alarm description.`);
    }
    plans.push(
      finishPlan(
        {
          id: c.id,
          title: c.title,
          severity: c.severity ?? Severity.MEDIUM,
          pattern,
          metricName: c.metricName,
          namespace,
          defaultThreshold: 1,
          defaultDescription: c.description,
          graders: [],
          warnings: [],
          alarmNamePrefix: input.alarmNamePrefix,
        },
        c,
        where,
      ),
    );
  });

  validateUnique(plans);
  return plans;
}

interface PlanBase {
  id: string;
  title: string;
  severity: Severity;
  pattern: LogFilterPattern;
  metricName: string;
  namespace: string;
  defaultThreshold: number;
  defaultDescription: string;
  graders: string[];
  warnings: Array<{ id: string; message: string }>;
  alarmNamePrefix?: string;
}

function finishPlan(base: PlanBase, s: AlarmSettings, where: string): PlannedDetection {
  const threshold = s.threshold ?? base.defaultThreshold;
  const evaluationPeriods = s.evaluationPeriods ?? 1;
  const datapointsToAlarm = s.datapointsToAlarm;
  const statistic = s.statistic ?? 'Sum';
  const known = (v: number | undefined) => v !== undefined && !Token.isUnresolved(v);
  if (known(threshold) && threshold < 1) {
    throw new Error(`${where}: \`threshold\` must be at least 1 (a metric filter counts 1 per matching event), got ${threshold}.`);
  }
  if (known(evaluationPeriods) && (evaluationPeriods < 1 || !Number.isInteger(evaluationPeriods))) {
    throw new Error(`${where}: \`evaluationPeriods\` must be a whole number of at least 1, got ${evaluationPeriods}.`);
  }
  if (known(datapointsToAlarm) && known(evaluationPeriods)) {
    if (datapointsToAlarm! < 1 || datapointsToAlarm! > evaluationPeriods) {
      throw new Error(
        `${where}: \`datapointsToAlarm\` must be between 1 and \`evaluationPeriods\` (${evaluationPeriods}), got ${datapointsToAlarm}.`,
      );
    }
  }
  if (!Token.isUnresolved(base.metricName) && !METRIC_NAME_FORMAT.test(base.metricName)) {
    throw new Error(`${where}: \`metricName\` must be 1-255 characters without ':' or '$', got '${base.metricName}'.`);
  }
  const metricValue = s.metricValue ?? '1';
  if (!Token.isUnresolved(metricValue) && !/^(-?\d+(\.\d+)?|\$\.[A-Za-z0-9_.[\]-]+)$/.test(metricValue)) {
    throw new Error(`${where}: \`metricValue\` must be a number or a $.field selector, got '${metricValue}'.`);
  }
  const warnings = [...base.warnings];
  if (!Token.isUnresolved(statistic) && !['Sum', 'SampleCount'].includes(statistic)) {
    warnings.push({
      id: 'cloudtrail-alarms:statistic',
      message: `Detection '${base.id}': statistic '${statistic}' on a metric filter that emits 1 per match ${
        statistic === 'Average' ? 'always averages 1, so a threshold above 1 never fires' : 'does not count matches'
      }. Use 'Sum' (the default) or 'SampleCount'.`,
    });
  }
  if (s.alarmDescription !== undefined && !Token.isUnresolved(s.alarmDescription) && s.alarmDescription.length > 1024) {
    throw new Error(`${where}: \`alarmDescription\` must be at most 1024 characters, got ${s.alarmDescription.length}.`);
  }
  return {
    id: base.id,
    title: base.title,
    severity: base.severity,
    pattern: base.pattern,
    metricName: base.metricName,
    namespace: s.metricNamespace ?? base.namespace,
    metricValue,
    threshold,
    period: s.period ?? Duration.minutes(5),
    evaluationPeriods,
    datapointsToAlarm,
    comparisonOperator: s.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: s.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
    statistic,
    alarmDescription: s.alarmDescription ?? base.defaultDescription,
    alarmName: s.alarmName ?? (base.alarmNamePrefix ? `${base.alarmNamePrefix}-${base.id}` : undefined),
    graders: base.graders,
    warnings,
  };
}

function parsePatternFor(text: string, where: string): LogFilterPattern {
  try {
    return LogFilterPattern.parse(text);
  } catch (e) {
    if (e instanceof FilterPatternSyntaxError) {
      throw new Error(`${where} is not a valid CloudWatch Logs filter pattern: ${e.message}.\n${e.caret()}`);
    }
    throw e;
  }
}

function exclusionPatterns(ex: DetectionExclusions | undefined, where: string): LogFilterPattern[] {
  if (!ex) return [];
  const fields: Array<[keyof DetectionExclusions, string]> = [
    ['principalArns', 'userIdentity.arn'],
    ['roleNames', 'userIdentity.sessionContext.sessionIssuer.userName'],
    ['userAgents', 'userAgent'],
    ['sourceIpAddresses', 'sourceIPAddress'],
    ['eventSources', 'eventSource'],
  ];
  const out: LogFilterPattern[] = [];
  for (const [prop, path] of fields) {
    const values = ex[prop];
    if (values === undefined) continue;
    if (values.length === 0) {
      throw new Error(`${where}: \`exclusions.${prop}\` is an empty list; remove it or add values.`);
    }
    values.forEach((v, i) => {
      if (Token.isUnresolved(v)) {
        throw new Error(`${where}: \`exclusions.${prop}[${i}]\` must be known at synth time (it becomes part of the filter pattern), got a token.`);
      }
    });
    out.push(CloudTrailFilter.exclude(path, ...values));
  }
  return out;
}

function validateLargeInstanceTypes(types: string[] | undefined): string[] {
  if (types === undefined) return DEFAULT_LARGE_INSTANCE_TYPES;
  if (types.length === 0) {
    throw new Error('`largeInstanceTypes` is an empty list; give at least one instance type pattern (e.g. \'*.8xlarge\') or disable the detection.');
  }
  types.forEach((t, i) => {
    if (!/^[a-z0-9*.-]+$/.test(t)) {
      throw new Error(`\`largeInstanceTypes[${i}]\` must be an instance type or a pattern such as '*.8xlarge' or 'p4d.*', got '${t}'.`);
    }
  });
  return types;
}

function validateUnique(plans: PlannedDetection[]): void {
  const ids = new Set<string>();
  const metrics = new Map<string, string>();
  for (const p of plans) {
    if (ids.has(p.id)) throw new Error(`Detection id '${p.id}' is used twice; detection ids must be unique.`);
    ids.add(p.id);
    if (Token.isUnresolved(p.metricName) || Token.isUnresolved(p.namespace)) continue;
    const key = `${p.namespace}/${p.metricName}`;
    const other = metrics.get(key);
    if (other) {
      throw new Error(
        `Metric name '${p.metricName}' is used by both '${other}' and '${p.id}'; each detection needs its own metric (set \`metricName\`).`,
      );
    }
    metrics.set(key, p.id);
  }
  if (plans.length > MAX_METRIC_FILTERS_PER_LOG_GROUP) {
    throw new Error(
      `${plans.length} detections would create ${plans.length} metric filters on one log group; CloudWatch Logs allows at most ${MAX_METRIC_FILTERS_PER_LOG_GROUP}. Disable some with \`overrides\` or split them over two constructs and log groups.`,
    );
  }
  for (const p of plans) {
    if (p.pattern.logPatternString.length > MAX_PATTERN_LENGTH) {
      throw new Error(`Detection '${p.id}': filter pattern is ${p.pattern.logPatternString.length} characters; CloudWatch Logs accepts at most ${MAX_PATTERN_LENGTH}.`);
    }
  }
}
