import * as fs from 'fs';
import { DetectionId } from 'cdk-cloudtrail-alarms/lib/catalogue/detection-id';
import { entryOf, profileSpec } from 'cdk-cloudtrail-alarms/lib/catalogue/resolve';
import { Severity } from 'cdk-cloudtrail-alarms/lib/catalogue/severity';
import { LogFilterPattern } from 'cdk-cloudtrail-alarms/lib/filters/log-filter-pattern';
import { FilterPatternSyntaxError } from 'cdk-cloudtrail-alarms/lib/pattern';
import {
  DetectionSelection,
  planDetections,
  PlannedDetection,
  PlanningCustomDetection,
  PlanningOverride,
} from 'cdk-cloudtrail-alarms/lib/planning/plan-detections';
import { NotReplayed, readTemplateDetections, ReplayedDetection } from './from-stack';
import { UsageError } from './io';
import { profileOption } from './patterns';

/** One detection as `backtest` and `search` replay it: the pattern and the alarm settings (one shape for every source). */
export type SelectedDetection = ReplayedDetection;

/** The selected detections, and the ones of a `--from-stack` template that cannot be replayed, with the reason. */
export interface Selection {
  readonly detections: SelectedDetection[];
  readonly notReplayed: NotReplayed[];
  /** `--from-stack`: metric filters of the template that are not CloudTrail detections, with the reason. */
  readonly notDetections: NotReplayed[];
}

/** Where a stack's tuning comes from, besides --profile and --detection. */
export interface SelectionTuning {
  /** `--overrides FILE`: a JSON file with the construct's selection props (see docs/cli.md). */
  readonly overridesFile?: string;
  /** `--from-stack FILE`: a synthesized template (cdk.out/X.template.json); its filters and alarms are replayed. */
  readonly fromStack?: string;
}

/**
 * The detections selected by --profile, --detection, --overrides and --from-stack, planned by the same planner as
 * the construct (so periods, evaluation periods and thresholds are the stack's, not fixed values).
 */
export function selectDetections(
  profileName: string | undefined,
  ids: readonly string[] | undefined,
  tuning: SelectionTuning = {},
): SelectedDetection[] {
  return select(profileName, ids, tuning).detections;
}

/** `selectDetections`, with the detections of a `--from-stack` template that are not replayed and why. */
export function select(profileName: string | undefined, ids: readonly string[] | undefined, tuning: SelectionTuning = {}): Selection {
  if (tuning.fromStack !== undefined) {
    if (tuning.overridesFile !== undefined || profileName !== undefined) {
      throw new UsageError('--from-stack replays the template as deployed; do not combine it with --profile or --overrides');
    }
    const t = readTemplateDetections(tuning.fromStack, readJson(tuning.fromStack, '--from-stack'));
    const notReplayed = ids && ids.length > 0 ? t.notReplayed.filter((n) => ids.includes(n.id)) : t.notReplayed;
    const wanted = ids?.filter((id) => !notReplayed.some((n) => n.id === id));
    if (ids && ids.length > 0 && wanted!.length === 0) return { detections: [], notReplayed, notDetections: t.notDetections };
    return { detections: restrict(t.detections, wanted, '--from-stack'), notReplayed, notDetections: t.notDetections };
  }
  const fromFile = tuning.overridesFile !== undefined ? readSelectionFile(tuning.overridesFile) : {};
  if (profileName !== undefined && fromFile.profile !== undefined && fromFile.profile !== profileName) {
    throw new UsageError(`--profile '${profileName}' and the profile '${fromFile.profile}' in ${tuning.overridesFile} differ; give one of them`);
  }
  const profile = profileOption(profileName ?? fromFile.profile);
  const spec = profileSpec(profile.name);
  const overrides = [...(fromFile.overrides ?? [])];
  for (const id of ids ?? []) {
    if (!entryOf(id) && !(fromFile.customDetections ?? []).some((c) => c.id === id)) {
      throw new UsageError(`unknown detection '${id}'. Use one of: ${Object.values(DetectionId).join(', ')}`);
    }
    // a detection outside the profile is turned on, with the recommended pattern
    if (entryOf(id) && !spec.entries.some((e) => e.id === id) && !overrides.some((o) => o.id === id)) overrides.push({ id });
  }
  let plans: PlannedDetection[];
  try {
    plans = planDetections({ ...fromFile, profile: profile.name, overrides, overridesLabel: tuning.overridesFile ?? 'overrides' });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return { detections: restrict(plans.map(fromPlan), ids, '--overrides'), notReplayed: [], notDetections: [] };
}

function restrict(all: SelectedDetection[], ids: readonly string[] | undefined, source: string): SelectedDetection[] {
  if (!ids || ids.length === 0) return all;
  return ids.map((id) => {
    const found = all.find((d) => d.id === id);
    if (!found) {
      throw new UsageError(`detection '${id}' is not in the selection (${source === '--from-stack' ? 'not in the template' : 'disabled by the overrides'}); it has: ${all.map((d) => d.id).join(', ')}`);
    }
    return found;
  });
}

function fromPlan(p: PlannedDetection): SelectedDetection {
  return {
    id: p.id,
    title: p.title,
    severity: p.severity,
    pattern: p.filterPattern,
    periodSeconds: p.periodSeconds,
    threshold: p.threshold,
    evaluationPeriods: p.evaluationPeriods,
    datapointsToAlarm: p.datapointsToAlarm,
    comparisonOperator: p.comparisonOperator,
    statistic: p.statistic,
    treatMissingData: p.treatMissingData,
    metricNamespace: p.metricNamespace,
    metricName: p.metricName,
  };
}

/** CDK enum member names accepted in an overrides file, next to CloudWatch's own names. */
const COMPARISON_NAMES: Record<string, string> = {
  GREATER_THAN_OR_EQUAL_TO_THRESHOLD: 'GreaterThanOrEqualToThreshold',
  GREATER_THAN_THRESHOLD: 'GreaterThanThreshold',
  LESS_THAN_THRESHOLD: 'LessThanThreshold',
  LESS_THAN_OR_EQUAL_TO_THRESHOLD: 'LessThanOrEqualToThreshold',
};
const MISSING_DATA_NAMES: Record<string, string> = {
  BREACHING: 'breaching',
  NOT_BREACHING: 'notBreaching',
  IGNORE: 'ignore',
  MISSING: 'missing',
};
const SEVERITIES = Object.values(Severity) as string[];

const SETTINGS_KEYS: Record<string, 'number' | 'string'> = {
  threshold: 'number',
  periodSeconds: 'number',
  evaluationPeriods: 'number',
  datapointsToAlarm: 'number',
  comparisonOperator: 'string',
  treatMissingData: 'string',
  statistic: 'string',
  metricNamespace: 'string',
  metricValue: 'string',
  alarmDescription: 'string',
  alarmName: 'string',
};
const EXCLUSION_KEYS = ['principalArns', 'roleNames', 'userAgents', 'sourceIpAddresses', 'eventSources'];

/**
 * Reads `--overrides FILE`: `{ "profile"?, "overrides"?: [...], "customDetections"?: [...], "largeInstanceTypes"?,
 * "metricNamespace"?, "alarmNamePrefix"? }`, or just the overrides array. Same fields as the construct props, except
 * that a period is `periodSeconds` (a number) and enums are strings.
 */
export function readSelectionFile(file: string): Omit<DetectionSelection, 'isUnresolved'> {
  const doc = readJson(file, '--overrides');
  const where = (path: string) => `${file}: ${path}`;
  const top = Array.isArray(doc) ? { overrides: doc } : doc;
  if (!isObject(top)) throw new UsageError(`${file}: expected a JSON object or an array of overrides`);
  const allowed = ['profile', 'overrides', 'customDetections', 'largeInstanceTypes', 'metricNamespace', 'alarmNamePrefix'];
  for (const key of Object.keys(top)) {
    if (!allowed.includes(key)) throw new UsageError(`${where(key)} is not a selection property; use ${allowed.join(', ')}`);
  }
  const out: { -readonly [K in keyof DetectionSelection]: DetectionSelection[K] } = {};
  if (top.profile !== undefined) out.profile = str(top.profile, where('profile'));
  if (top.metricNamespace !== undefined) out.metricNamespace = str(top.metricNamespace, where('metricNamespace'));
  if (top.alarmNamePrefix !== undefined) out.alarmNamePrefix = str(top.alarmNamePrefix, where('alarmNamePrefix'));
  if (top.largeInstanceTypes !== undefined) out.largeInstanceTypes = strings(top.largeInstanceTypes, where('largeInstanceTypes'));
  if (top.overrides !== undefined) {
    out.overrides = list(top.overrides, where('overrides')).map((o, i) => parseOverride(o, where(`overrides[${i}]`)));
  }
  if (top.customDetections !== undefined) {
    out.customDetections = list(top.customDetections, where('customDetections')).map((c, i) => parseCustom(c, where(`customDetections[${i}]`)));
  }
  return out;
}

function parseOverride(o: unknown, where: string): PlanningOverride {
  if (!isObject(o)) throw new UsageError(`${where} must be an object such as {"id": "root-account-usage", "threshold": 5}`);
  const known = ['id', 'enabled', 'metricName', 'severity', 'exclusions', 'ssoAware', ...Object.keys(SETTINGS_KEYS)];
  checkKeys(o, known, where);
  const exclusions = o.exclusions === undefined ? undefined : parseExclusions(o.exclusions, `${where}.exclusions`);
  return {
    ...parseSettings(o, where),
    id: str(o.id, `${where}.id`),
    enabled: o.enabled === undefined ? undefined : bool(o.enabled, `${where}.enabled`),
    metricName: o.metricName === undefined ? undefined : str(o.metricName, `${where}.metricName`),
    severity: o.severity === undefined ? undefined : severity(o.severity, `${where}.severity`),
    ssoAware: o.ssoAware === undefined ? undefined : bool(o.ssoAware, `${where}.ssoAware`),
    exclusions,
  };
}

function parseCustom(c: unknown, where: string): PlanningCustomDetection {
  if (!isObject(c)) throw new UsageError(`${where} must be an object with id, title, description, pattern and metricName`);
  checkKeys(c, ['id', 'title', 'description', 'pattern', 'metricName', 'severity', ...Object.keys(SETTINGS_KEYS)], where);
  return {
    ...parseSettings(c, where),
    id: str(c.id, `${where}.id`),
    title: str(c.title, `${where}.title`),
    description: str(c.description, `${where}.description`),
    pattern: str(c.pattern, `${where}.pattern`),
    metricName: str(c.metricName, `${where}.metricName`),
    severity: c.severity === undefined ? undefined : severity(c.severity, `${where}.severity`),
  };
}

function parseSettings(o: Record<string, unknown>, where: string) {
  const out: Record<string, unknown> = {};
  for (const [key, type] of Object.entries(SETTINGS_KEYS)) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== type) throw new UsageError(`${where}.${key} must be a ${type}, got ${JSON.stringify(v)}`);
    out[key] = v;
  }
  if (typeof out.comparisonOperator === 'string') out.comparisonOperator = COMPARISON_NAMES[out.comparisonOperator] ?? out.comparisonOperator;
  if (typeof out.treatMissingData === 'string') out.treatMissingData = MISSING_DATA_NAMES[out.treatMissingData] ?? out.treatMissingData;
  return out;
}

function parseExclusions(e: unknown, where: string) {
  if (!isObject(e)) throw new UsageError(`${where} must be an object with ${EXCLUSION_KEYS.join(', ')}`);
  checkKeys(e, [...EXCLUSION_KEYS, 'assumedRootSessions'], where);
  const out: Record<string, string[] | boolean> = {};
  for (const key of EXCLUSION_KEYS) if (e[key] !== undefined) out[key] = strings(e[key], `${where}.${key}`);
  if (e.assumedRootSessions !== undefined) {
    if (typeof e.assumedRootSessions !== 'boolean') throw new UsageError(`${where}.assumedRootSessions must be true or false, got ${JSON.stringify(e.assumedRootSessions)}`);
    out.assumedRootSessions = e.assumedRootSessions;
  }
  return out;
}

function checkKeys(o: Record<string, unknown>, known: string[], where: string): void {
  for (const key of Object.keys(o)) {
    if (key === 'period') throw new UsageError(`${where}.period: give the period in seconds as "periodSeconds" (e.g. 300)`);
    if (!known.includes(key)) throw new UsageError(`${where}.${key} is not a known property; use ${known.join(', ')}`);
  }
}

/**
 * `--from-stack FILE`: the detections a synthesized template deploys, replayed as deployed (see
 * `readTemplateDetections` in ./from-stack.ts for what is replayed, approximated, counted only or not replayed).
 */
export function detectionsFromTemplate(file: string): SelectedDetection[] {
  return readTemplateDetections(file, readJson(file, '--from-stack')).detections;
}

function readJson(file: string, option: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${option}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${option}: ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function str(v: unknown, where: string): string {
  if (typeof v !== 'string') throw new UsageError(`${where} must be a string, got ${JSON.stringify(v)}`);
  return v;
}
function bool(v: unknown, where: string): boolean {
  if (typeof v !== 'boolean') throw new UsageError(`${where} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}
function list(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new UsageError(`${where} must be an array, got ${JSON.stringify(v)}`);
  return v;
}
function strings(v: unknown, where: string): string[] {
  return list(v, where).map((s, i) => str(s, `${where}[${i}]`));
}
function severity(v: unknown, where: string): Severity {
  const s = str(v, where);
  if (!SEVERITIES.includes(s)) throw new UsageError(`${where} must be one of ${SEVERITIES.join(', ')}, got '${s}'`);
  return s as Severity;
}

export function parsePatternOption(text: string): LogFilterPattern {
  try {
    return LogFilterPattern.parse(text);
  } catch (e) {
    if (e instanceof FilterPatternSyntaxError) throw new UsageError(`invalid filter pattern: ${e.message}`, e.caret());
    throw e;
  }
}

/** Parses --from/--to: ISO 8601 date or date-time. */
export function parseTime(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(t)) {
    throw new UsageError(`${option} must be an ISO 8601 date or date-time such as 2026-11-01 or 2026-11-01T12:00:00Z, got '${value}'`);
  }
  return t;
}
