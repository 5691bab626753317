import { DetectionId } from '../catalogue/detection-id';
import {
  ALARM_DEFAULTS,
  alarmDescription,
  DEFAULT_LARGE_INSTANCE_TYPES,
  entryOf,
  profileSpec,
  recommendedEntry,
  resolveEntry,
} from '../catalogue/resolve';
import { Severity } from '../catalogue/severity';
import { isTamperDetection, ScopeOptions, TamperScope, tamperPatternFor } from '../catalogue/tamper-scope';
import { CloudTrailFilter } from '../filters/cloudtrail-filter';
import { exclusionPatterns, ssoExclusion } from '../filters/exclusions';
import { validateInstanceTypes } from '../filters/instance-types';
import { LogFilterPattern } from '../filters/log-filter-pattern';
import { FilterPatternSyntaxError, MAX_PATTERN_LENGTH } from '../pattern';
import { checkName, checkNamespace, checkPeriod, COMPARISON_OPERATORS, LIMITS, TREAT_MISSING_DATA } from './limits';

/** CloudWatch Logs quota: metric filters per log group (not adjustable). */
export const MAX_METRIC_FILTERS_PER_LOG_GROUP = 100;
const ID_FORMAT = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Alarm settings of one detection, CDK-free (periods in seconds, CloudWatch's names for the enums). */
export interface PlanningAlarmSettings {
  readonly threshold?: number;
  readonly periodSeconds?: number;
  readonly evaluationPeriods?: number;
  readonly datapointsToAlarm?: number;
  /** CloudWatch name, e.g. `GreaterThanOrEqualToThreshold`. */
  readonly comparisonOperator?: string;
  /** CloudWatch name: `breaching`, `notBreaching`, `ignore` or `missing`. */
  readonly treatMissingData?: string;
  readonly statistic?: string;
  readonly metricNamespace?: string;
  readonly metricValue?: string;
  readonly alarmDescription?: string;
  readonly alarmName?: string;
}

/** Events to leave out of a detection (same fields as the public `DetectionExclusions`). */
export interface PlanningExclusions {
  readonly principalArns?: readonly string[];
  readonly roleNames?: readonly string[];
  readonly userAgents?: readonly string[];
  readonly sourceIpAddresses?: readonly string[];
  readonly eventSources?: readonly string[];
  /** Leave out centralized root access sessions (`userIdentity.sessionContext.assumedRoot` "true"). */
  readonly assumedRootSessions?: boolean;
}

/** Tuning of one built-in detection (the public `DetectionOverride`, CDK-free). */
export interface PlanningOverride extends PlanningAlarmSettings {
  readonly id: string;
  readonly enabled?: boolean;
  readonly metricName?: string;
  readonly severity?: Severity;
  readonly exclusions?: PlanningExclusions;
  readonly ssoAware?: boolean;
  /** Keep the exact graded filter and alarm beside the tuned pair (see `DetectionOverride.gradedTwin`). */
  readonly gradedTwin?: boolean;
}

/** A detection of your own (the public `CustomDetection`, CDK-free: the pattern is a string or a parsed pattern). */
export interface PlanningCustomDetection extends PlanningAlarmSettings {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly pattern: string | LogFilterPattern;
  readonly metricName: string;
  readonly severity?: Severity;
}

/** What decides the detections: the same choices as `DetectionSelectionProps`, without CDK types. */
export interface DetectionSelection {
  /** Profile name (`recommended`, `aws-template`, ...). Default `recommended`. */
  readonly profile?: string;
  readonly overrides?: readonly PlanningOverride[];
  readonly customDetections?: readonly PlanningCustomDetection[];
  readonly largeInstanceTypes?: readonly string[];
  readonly metricNamespace?: string;
  readonly alarmNamePrefix?: string;
  /**
   * Tells values known only at deploy time (CDK tokens) apart; they are not validated. The construct passes
   * `Token.isUnresolved`; the CLI has no tokens.
   */
  readonly isUnresolved?: (value: unknown) => boolean;
  /** Name of the overrides in error messages (`overrides` in the construct, `--overrides FILE` in the CLI). */
  readonly overridesLabel?: string;
  /**
   * The deployment's own resources: the tamper-protection detections are scoped to them (before any exclusions) so
   * that changes to other trails, alarms, topics, keys and functions do not page. The CLI and the catalogue leave it
   * out and get the unscoped patterns.
   */
  readonly tamperScope?: TamperScope;
  /** How scoped patterns are measured against the length limit (the construct counts tokens at their longest). */
  readonly tamperScopeOptions?: ScopeOptions;
}

/** A warning to show the user (construct: a CDK annotation on the alarm; CLI: standard error). */
export interface PlanningWarning {
  readonly id: string;
  readonly message: string;
}

/** Everything needed to create, replay or compare one metric filter and its alarm. */
export interface PlannedDetection {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  /** The filter pattern, exactly as deployed. */
  readonly pattern: string;
  /** The same pattern, parsed (for the construct and the local engine). */
  readonly filterPattern: LogFilterPattern;
  readonly metricNamespace: string;
  readonly metricName: string;
  readonly metricValue: string;
  readonly threshold: number;
  /** CloudWatch name, e.g. `GreaterThanOrEqualToThreshold`. */
  readonly comparisonOperator: string;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  /** The M of "M out of N"; undefined means equal to `evaluationPeriods` (CloudWatch's default; omitted from the template). */
  readonly datapointsToAlarm?: number;
  readonly statistic: string;
  /** CloudWatch name: `breaching`, `notBreaching`, `ignore` or `missing`. */
  readonly treatMissingData: string;
  readonly alarmDescription: string;
  readonly alarmName?: string;
  /** Graders the final pattern is still claimed to pass (with a graded twin: the graders the twin passes). */
  readonly graders: readonly string[];
  readonly warnings: readonly PlanningWarning[];
  /**
   * With `gradedTwin`: the exact graded filter and alarm kept beside this (tuned) detection, with the catalogue's
   * pattern and alarm settings, its own metric (the detection's metric name) and alarm name (`<name>-graded`); this
   * plan's metric is then `<metricName>Tuned`. It only satisfies the graders: its alarm notifies no one.
   */
  readonly gradedTwin?: PlannedDetection;
}

/**
 * Turns a profile, overrides and custom detections into validated plans. The one planner: the construct, `backtest`,
 * `search` and the template replay all use it. Throws an Error that names the property, the value and the rule for
 * every invalid input. Free of CDK and I/O.
 */
export function planDetections(selection: DetectionSelection = {}): PlannedDetection[] {
  const unresolved = selection.isUnresolved ?? (() => false);
  const label = selection.overridesLabel ?? 'overrides';
  const profileName = selection.profile ?? 'recommended';
  const namespace = selection.metricNamespace ?? ALARM_DEFAULTS.metricNamespace;
  if (selection.metricNamespace !== undefined && !unresolved(namespace)) checkNamespace(namespace, '`metricNamespace`');
  if (selection.alarmNamePrefix !== undefined && !unresolved(selection.alarmNamePrefix)) {
    checkName(selection.alarmNamePrefix, '`alarmNamePrefix`', LIMITS.alarmName - 2, 'a physical alarm name');
  }
  const largeTypes = validateLargeInstanceTypes(selection.largeInstanceTypes, unresolved);
  const overrides = new Map<string, PlanningOverride>();
  (selection.overrides ?? []).forEach((o, i) => {
    if (!entryOf(o.id)) {
      throw new Error(
        `\`${label}[${i}].id\` must be a built-in detection id, got '${o.id}'. Use one of: ${Object.values(DetectionId).join(', ')}; add detections of your own with \`customDetections\`.`,
      );
    }
    if (overrides.has(o.id)) throw new Error(`\`${label}\` lists detection '${o.id}' twice; merge the two entries.`);
    if (o.ssoAware && o.id !== DetectionId.CONSOLE_SIGN_IN_WITHOUT_MFA) {
      throw new Error(`\`${label}[${i}].ssoAware\` only applies to '${DetectionId.CONSOLE_SIGN_IN_WITHOUT_MFA}', got it on '${o.id}'.`);
    }
    if (o.gradedTwin && o.enabled === false) {
      throw new Error(`\`${label}[${i}].gradedTwin\` keeps a graded twin of '${o.id}', which the same entry disables (\`enabled: false\`): remove one of the two.`);
    }
    overrides.set(o.id, o);
  });

  const spec = profileSpec(profileName);
  const entries = [...spec.entries];
  // an override for a detection outside the profile turns it on (unless it says `enabled: false`), with the
  // recommended pattern variant: the override's settings are never dropped
  for (const o of overrides.values()) {
    if (o.enabled !== false && !entries.some((e) => e.id === o.id)) entries.push(recommendedEntry(o.id as DetectionId));
  }

  const plans: PlannedDetection[] = [];
  for (const pe of entries) {
    const o = overrides.get(pe.id);
    if (o?.enabled === false) continue;
    const resolved = resolveEntry(pe, pe.id === DetectionId.EC2_LARGE_INSTANCE_CHANGES ? largeTypes : undefined);
    const where = o ? `\`${label}\` entry '${pe.id}'` : `detection '${pe.id}'`;
    const warnings: PlanningWarning[] = [];
    let text = resolved.pattern;
    if (selection.tamperScope && isTamperDetection(pe.id)) {
      const scoped = tamperPatternFor(pe.id, selection.tamperScope, selection.tamperScopeOptions);
      text = scoped.pattern;
      warnings.push(...scoped.warnings.map((message) => ({ id: 'cloudtrail-alarms:tamperScope', message })));
    }
    const original = LogFilterPattern.parse(text);
    const exclusions = exclusionPatterns(o?.exclusions, where, unresolved);
    const parts = [...exclusions];
    if (o?.ssoAware) parts.push(ssoExclusion());
    const pattern = parts.length > 0 ? CloudTrailFilter.all(original, ...parts) : original;
    let graders = [...resolved.graders];
    const inexact = pattern.logPatternString !== original.logPatternString;
    if (inexact) {
      if (graders.includes('security-hub') && !o?.gradedTwin) {
        warnings.push({ id: 'cloudtrail-alarms:notSecurityHubExact', message: notExactMessage(pe.id, exclusions.length > 0, o?.ssoAware === true) });
      }
      graders = graders.filter((g) => g !== 'security-hub' && g !== 'aws-template');
    }
    const base: PlanBase = {
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
      alarmNamePrefix: selection.alarmNamePrefix,
    };
    if (!o?.gradedTwin) {
      plans.push(finishPlan(base, o ?? {}, where, unresolved));
      continue;
    }
    // the graded twin: the exact pattern and the catalogue's alarm settings, under the detection's metric name
    const tuning = gradedTwinTuning(o, inexact, exclusions.length > 0);
    if (tuning.length === 0) {
      throw new Error(
        `${where}: \`gradedTwin\` keeps the exact graded filter and alarm beside a tuned pair, but this entry tunes nothing that the graders or the default alarm would see (no \`exclusions\`, \`ssoAware\`, \`threshold\`, \`period\`, \`evaluationPeriods\` or \`datapointsToAlarm\`): remove \`gradedTwin\`.`,
      );
    }
    if (resolved.graders.length === 0) {
      throw new Error(
        `${where}: \`gradedTwin\` keeps a graded twin, but profile '${profileName}' claims no grader for '${pe.id}' (its pattern is not a graded string): remove \`gradedTwin\`, or use a graded profile (security-hub, cis-1.4, cis-5.0, ...).`,
      );
    }
    const twinAlarmName = o.alarmName !== undefined ? `${o.alarmName}-graded`
      : selection.alarmNamePrefix !== undefined ? `${selection.alarmNamePrefix}-${pe.id}-graded` : undefined;
    const twin = finishPlan(
      { ...base, pattern: original, graders: [...resolved.graders], warnings: [], title: `${resolved.entry.title} (graded twin)` },
      {
        metricNamespace: o.metricNamespace,
        alarmName: twinAlarmName,
        alarmDescription: `Graded twin of '${pe.id}': the exact pattern and alarm the graders look for, kept so that they pass. It notifies no one; its tuned twin (metric ${base.metricName}Tuned) notifies people. ${alarmDescription(resolved.entry)}`.slice(0, LIMITS.alarmDescription),
      },
      `${where} (its graded twin)`,
      unresolved,
    );
    const tuned = finishPlan({ ...base, metricName: `${base.metricName}Tuned` }, o, where, unresolved);
    plans.push({ ...tuned, graders: [...resolved.graders], gradedTwin: twin });
  }

  (selection.customDetections ?? []).forEach((c, i) => {
    const where = `\`customDetections[${i}]\` ('${c.id}')`;
    if (!unresolved(c.id) && !ID_FORMAT.test(c.id)) {
      throw new Error(`\`customDetections[${i}].id\` must be kebab-case (lower-case letters, digits and single dashes), got '${c.id}'.`);
    }
    if (entryOf(c.id)) {
      throw new Error(`\`customDetections[${i}].id\` '${c.id}' is a built-in detection id; tune it with \`overrides\` or choose another id.`);
    }
    let pattern: LogFilterPattern;
    if (c.pattern instanceof LogFilterPattern) {
      pattern = c.pattern;
    } else if (unresolved(c.pattern)) {
      throw new Error(`${where}: \`pattern\` must be known at synth time so it can be validated, got a token.`);
    } else {
      pattern = parsePatternFor(c.pattern, `${where} \`pattern\``);
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
          defaultThreshold: ALARM_DEFAULTS.customThreshold,
          defaultDescription: c.description,
          graders: [],
          warnings: [],
          alarmNamePrefix: selection.alarmNamePrefix,
        },
        c,
        where,
        unresolved,
      ),
    );
  });

  validateUnique(plans, unresolved);
  return plans;
}

/** What an override tunes that makes its pair differ from the graded detection (empty: nothing). */
function gradedTwinTuning(o: PlanningOverride, inexactPattern: boolean, exclusions: boolean): string[] {
  const tuned: string[] = [];
  if (inexactPattern) tuned.push(exclusions ? 'exclusions' : 'ssoAware');
  for (const key of ['threshold', 'periodSeconds', 'evaluationPeriods', 'datapointsToAlarm'] as const) {
    if (o[key] !== undefined) tuned.push(key);
  }
  return tuned;
}

function notExactMessage(id: string, exclusions: boolean, ssoAware: boolean): string {
  const what: string[] = [];
  if (exclusions) what.push('the `exclusions` add clauses to the filter pattern');
  if (ssoAware) {
    what.push(
      '`ssoAware` adds a clause that leaves out sign-ins whose `userIdentity.sessionContext.sessionIssuer.arn` is an IAM Identity Center role (aws-reserved/sso.amazonaws.com/*); IAM user and root sign-ins without MFA are still detected',
    );
  }
  const undo = [exclusions ? 'remove the exclusions' : '', ssoAware ? 'drop `ssoAware`' : ''].filter(Boolean).join(' and ');
  return `Detection '${id}': ${what.join('; ')}. The pattern is therefore no longer the exact Security Hub string, and the Security Hub control, which requires that exact string, will FAIL (Prowler and Steampipe still pass). If you are graded by Security Hub, ${undo} in \`overrides\`.`;
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
  warnings: PlanningWarning[];
  alarmNamePrefix?: string;
}

function finishPlan(base: PlanBase, s: PlanningAlarmSettings, where: string, unresolved: (v: unknown) => boolean): PlannedDetection {
  const known = (v: unknown) => v !== undefined && !unresolved(v);
  const threshold = s.threshold ?? base.defaultThreshold;
  const evaluationPeriods = s.evaluationPeriods ?? ALARM_DEFAULTS.evaluationPeriods;
  const datapointsToAlarm = s.datapointsToAlarm;
  const periodSeconds = s.periodSeconds ?? ALARM_DEFAULTS.periodSeconds;
  const statistic = s.statistic ?? ALARM_DEFAULTS.statistic;
  const comparisonOperator = s.comparisonOperator ?? ALARM_DEFAULTS.comparisonOperator;
  const treatMissingData = s.treatMissingData ?? ALARM_DEFAULTS.treatMissingData;
  const metricNamespace = s.metricNamespace ?? base.namespace;
  const metricValue = s.metricValue ?? ALARM_DEFAULTS.metricValue;

  if (known(threshold)) {
    if (typeof threshold !== 'number' || !Number.isFinite(threshold)) {
      throw new Error(`${where}: \`threshold\` must be a finite number (CloudFormation has no NaN or Infinity), got ${String(threshold)}.`);
    }
    if (threshold < 1) {
      throw new Error(`${where}: \`threshold\` must be at least 1 (a metric filter counts 1 per matching event), got ${threshold}.`);
    }
  }
  if (known(evaluationPeriods) && (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1)) {
    throw new Error(`${where}: \`evaluationPeriods\` must be a whole number of at least 1, got ${evaluationPeriods}.`);
  }
  if (known(datapointsToAlarm)) {
    if (!Number.isInteger(datapointsToAlarm) || datapointsToAlarm! < 1) {
      throw new Error(`${where}: \`datapointsToAlarm\` must be a whole number of at least 1 (the M of "M out of N"), got ${datapointsToAlarm}.`);
    }
    if (known(evaluationPeriods) && datapointsToAlarm! > evaluationPeriods) {
      throw new Error(
        `${where}: \`datapointsToAlarm\` must be between 1 and \`evaluationPeriods\` (${evaluationPeriods}), got ${datapointsToAlarm}.`,
      );
    }
  }
  if (known(periodSeconds)) {
    checkPeriod(periodSeconds, `${where}: \`period\``);
    if (known(evaluationPeriods) && periodSeconds * evaluationPeriods > LIMITS.periodTimesEvaluationPeriods) {
      throw new Error(
        `${where}: \`period\` x \`evaluationPeriods\` must be at most ${LIMITS.periodTimesEvaluationPeriods} seconds (one day), got ${periodSeconds} x ${evaluationPeriods} = ${periodSeconds * evaluationPeriods}.`,
      );
    }
  }
  if (!unresolved(base.metricName)) checkName(base.metricName, `${where}: \`metricName\``, LIMITS.metricName, 'a metric name', /[:*$]/);
  if (s.metricNamespace !== undefined && !unresolved(metricNamespace)) checkNamespace(metricNamespace, `${where}: \`metricNamespace\``);
  if (!unresolved(metricValue)) {
    if (!/^(-?\d+(\.\d+)?|\$\.[A-Za-z0-9_.[\]-]+)$/.test(metricValue) || metricValue.length > LIMITS.metricValue) {
      throw new Error(`${where}: \`metricValue\` must be a number or a $.field selector, got '${metricValue}' (at most ${LIMITS.metricValue} characters).`);
    }
  }
  if (!unresolved(comparisonOperator) && !COMPARISON_OPERATORS.includes(comparisonOperator)) {
    throw new Error(`${where}: \`comparisonOperator\` must be one of ${COMPARISON_OPERATORS.join(', ')}, got '${comparisonOperator}'.`);
  }
  if (!unresolved(treatMissingData) && !TREAT_MISSING_DATA.includes(treatMissingData)) {
    throw new Error(`${where}: \`treatMissingData\` must be one of ${TREAT_MISSING_DATA.join(', ')}, got '${treatMissingData}'.`);
  }
  const alarmName = s.alarmName ?? (base.alarmNamePrefix !== undefined ? `${base.alarmNamePrefix}-${base.id}` : undefined);
  if (alarmName !== undefined && !unresolved(alarmName)) {
    checkName(alarmName, s.alarmName !== undefined ? `${where}: \`alarmName\`` : `${where}: the alarm name from \`alarmNamePrefix\``, LIMITS.alarmName, 'an alarm name');
  }
  const description = s.alarmDescription ?? base.defaultDescription;
  if (!unresolved(description) && description.length > LIMITS.alarmDescription) {
    throw new Error(`${where}: \`alarmDescription\` must be at most ${LIMITS.alarmDescription} characters, got ${description.length}.`);
  }

  const warnings = [...base.warnings];
  if (!unresolved(statistic) && !['Sum', 'SampleCount'].includes(statistic)) {
    warnings.push({
      id: 'cloudtrail-alarms:statistic',
      message: `Detection '${base.id}': statistic '${statistic}' on a metric filter that emits 1 per match ${
        statistic === 'Average' ? 'always averages 1, so a threshold above 1 never fires' : 'does not count matches'
      }. Use 'Sum' (the default) or 'SampleCount'.`,
    });
  }
  const isCount = !unresolved(metricValue) && !metricValue.startsWith('$.');
  if (isCount && !unresolved(comparisonOperator) && comparisonOperator.startsWith('LessThan')) {
    warnings.push({
      id: 'cloudtrail-alarms:lessThanOnCount',
      message: `Detection '${base.id}': \`comparisonOperator\` ${comparisonOperator} on a count metric. A metric filter publishes no datapoint in a period without matches, so a quiet period is "missing data"${
        treatMissingData === 'notBreaching' ? ' (treated as not breaching): the alarm never fires when nothing happens' : ''
      }. To alarm on the absence of events, set \`treatMissingData\` to BREACHING; to alarm on activity, use GREATER_THAN_OR_EQUAL_TO_THRESHOLD.`,
    });
  }
  return {
    id: base.id,
    title: base.title,
    severity: base.severity,
    pattern: base.pattern.logPatternString,
    filterPattern: base.pattern,
    metricNamespace,
    metricName: base.metricName,
    metricValue,
    threshold,
    comparisonOperator,
    periodSeconds,
    evaluationPeriods,
    datapointsToAlarm,
    statistic,
    treatMissingData,
    alarmDescription: description,
    alarmName,
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

function validateLargeInstanceTypes(types: readonly string[] | undefined, unresolved: (v: unknown) => boolean): readonly string[] {
  if (types === undefined) return DEFAULT_LARGE_INSTANCE_TYPES;
  return validateInstanceTypes(types, 'detection \'ec2-large-instance-changes\'', unresolved, 'largeInstanceTypes');
}

function validateUnique(plans: PlannedDetection[], unresolved: (v: unknown) => boolean): void {
  const ids = new Set<string>();
  const metrics = new Map<string, string>();
  const alarmNames = new Map<string, string>();
  for (const p of plans) {
    if (ids.has(p.id)) throw new Error(`Detection id '${p.id}' is used twice; detection ids must be unique.`);
    ids.add(p.id);
  }
  // a graded twin has its own filter, metric and alarm
  const filters = plans.flatMap((p) => (p.gradedTwin ? [p, p.gradedTwin] : [p]));
  for (const p of filters) {
    if (p.alarmName !== undefined && !unresolved(p.alarmName)) {
      const other = alarmNames.get(p.alarmName);
      if (other) {
        throw new Error(
          `Alarm name '${p.alarmName}' is used by both '${other}' and '${p.id}'; CloudWatch alarm names are unique per account and Region (set a different \`alarmName\`).`,
        );
      }
      alarmNames.set(p.alarmName, p.id);
    }
    if (unresolved(p.metricName) || unresolved(p.metricNamespace)) continue;
    const key = `${p.metricNamespace}/${p.metricName}`;
    const other = metrics.get(key);
    if (other) {
      throw new Error(
        `Metric name '${p.metricName}' is used by both '${other}' and '${p.id}'; each detection needs its own metric (set \`metricName\`).`,
      );
    }
    metrics.set(key, p.id);
  }
  if (filters.length > MAX_METRIC_FILTERS_PER_LOG_GROUP) {
    throw new Error(
      `${plans.length} detections would create ${filters.length} metric filters on one log group; CloudWatch Logs allows at most ${MAX_METRIC_FILTERS_PER_LOG_GROUP}. Disable some with \`overrides\` or split them over two constructs and log groups.`,
    );
  }
  for (const p of plans) {
    if (p.pattern.length > MAX_PATTERN_LENGTH) {
      throw new Error(`Detection '${p.id}': filter pattern is ${p.pattern.length} characters; CloudWatch Logs accepts at most ${MAX_PATTERN_LENGTH}.`);
    }
  }
}
