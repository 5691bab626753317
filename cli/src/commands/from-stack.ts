import { TemplateError, TemplateRef, TemplateResource, templateResources, templateValue } from 'cdk-cloudtrail-alarms/lib/audit/template';
import { ENTRIES } from 'cdk-cloudtrail-alarms/lib/catalogue/entries';
import { entryOf } from 'cdk-cloudtrail-alarms/lib/catalogue/resolve';
import { Severity } from 'cdk-cloudtrail-alarms/lib/catalogue/severity';
import { LogFilterPattern } from 'cdk-cloudtrail-alarms/lib/filters/log-filter-pattern';
import { FilterPatternSyntaxError } from 'cdk-cloudtrail-alarms/lib/pattern';
import { JsonExpr, PatternNode } from 'cdk-cloudtrail-alarms/lib/pattern/ast';
import { UsageError } from './io';

/** One detection as `backtest` and `search` replay it, from a profile or from a template (`SelectedDetection`). */
export interface ReplayedDetection {
  readonly id: string;
  readonly title: string;
  readonly severity: string;
  readonly pattern: LogFilterPattern;
  readonly periodSeconds: number;
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
  readonly comparisonOperator: string;
  readonly statistic: string;
  readonly treatMissingData: string;
  readonly metricNamespace: string;
  readonly metricName: string;
  /** Why only the matches are counted and no alarm is replayed (`--from-stack`: the metric has no alarm). */
  readonly countsOnly?: string;
  /** How the replay differs from what is deployed (`--from-stack`: a deploy-time value replayed as a wildcard). */
  readonly note?: string;
}

/** A metric filter of the template that is not replayed, and why. */
export interface NotReplayed {
  readonly id: string;
  readonly logicalId: string;
  readonly reason: string;
}

export interface TemplateDetections {
  readonly detections: ReplayedDetection[];
  readonly notReplayed: NotReplayed[];
  /** Metric filters that are not CloudTrail detections (on a Lambda function's own log group), with the reason. */
  readonly notDetections: NotReplayed[];
}

/** Period used to count the matches of a filter without an alarm (CloudWatch's usual alarm period). */
const COUNT_PERIOD_SECONDS = 300;

/**
 * `--from-stack FILE`: the detections a synthesized template deploys, replayed as deployed: each metric filter's
 * exact pattern with the alarm on its metric (threshold, period, evaluation periods, datapoints, comparison).
 * - A filter is named by its construct path (`.../MetricFilters/RootAccountUsage/...`) when the template has path
 *   metadata, else by the catalogue detection whose default metric name it publishes, else by its metric name.
 * - Filters on a Lambda function's own log group (the notifier's `PublishFailures`) count the function's log lines,
 *   not CloudTrail records: they are not detections and are not replayed.
 * - A pattern joined from text and deploy-time values (`Fn::Join` over key ids, topic ARNs) is replayed with each
 *   such value as the wildcard `*` when every one of them sits in a quoted or unquoted string of an `=` comparison
 *   of a JSON pattern (the replay then matches at least what the deployed filter matches: an upper bound), and is
 *   listed in `notReplayed` with the reason otherwise.
 * - A filter whose metric has no alarm in the template is replayed as counts only (no alarm simulation).
 * - An alarm setting known only at deploy time (a parameter) is a usage error pointing to `--overrides`.
 * Throws `UsageError` for a file that is not a template, naming the file and the resource.
 */
export function readTemplateDetections(file: string, doc: unknown): TemplateDetections {
  let resources: ReadonlyMap<string, TemplateResource>;
  try {
    resources = templateResources(doc, file);
  } catch (e) {
    if (e instanceof TemplateError) throw new UsageError(`--from-stack: ${e.message}`);
    throw e;
  }
  const alarms = [...resources].filter(([, r]) => r.type === 'AWS::CloudWatch::Alarm');
  // log group logical id -> the functions logging to it
  const functionLogGroups = new Map<string, string[]>();
  for (const [id, r] of resources) {
    const ref: unknown = r.type === 'AWS::Lambda::Function' ? r.properties.LoggingConfig?.LogGroup?.Ref : undefined;
    if (typeof ref === 'string') functionLogGroups.set(ref, [...(functionLogGroups.get(ref) ?? []), id]);
  }
  const detections: ReplayedDetection[] = [];
  const notReplayed: NotReplayed[] = [];
  const notDetections: NotReplayed[] = [];
  let filters = 0;
  for (const [logicalId, r] of resources) {
    if (r.type !== 'AWS::Logs::MetricFilter') continue;
    const p = r.properties;
    const logGroupRef: unknown = p.LogGroupName?.Ref;
    const functions = typeof logGroupRef === 'string' ? functionLogGroups.get(logGroupRef) : undefined;
    if (functions) {
      const reason = `on the log group of the Lambda function ${functions.join(', ')}: it counts the function's own log lines, not CloudTrail records`;
      notDetections.push({ id: logicalId, logicalId, reason });
      continue;
    }
    filters++;
    const where = `${file}: ${logicalId}`;
    const t = Array.isArray(p.MetricTransformations) ? (p.MetricTransformations[0] as unknown) : undefined;
    const metric = t !== null && typeof t === 'object' ? (t as Record<string, unknown>) : {};
    const metricName = typeof metric.MetricName === 'string' ? metric.MetricName : undefined;
    const metricNamespace = typeof metric.MetricNamespace === 'string' ? metric.MetricNamespace : undefined;
    const id = detectionIdOf(r, metricName ?? logicalId);
    const skip = (reason: string) => notReplayed.push({ id, logicalId, reason });
    const pattern = replayablePattern(p.FilterPattern, `${where}.FilterPattern`);
    if ('skip' in pattern) {
      skip(pattern.skip);
      continue;
    }
    const entry = entryOf(id);
    const base = {
      id,
      title: entry?.title ?? metricName ?? logicalId,
      severity: entry?.severity ?? Severity.MEDIUM,
      pattern: pattern.pattern,
      metricNamespace: metricNamespace ?? '',
      metricName: metricName ?? '',
      ...(pattern.note ? { note: pattern.note } : {}),
    };
    const alarm = metricName !== undefined && metricNamespace !== undefined
      ? alarms.find(([, a]) => a.properties.MetricName === metricName && a.properties.Namespace === metricNamespace)
      : undefined;
    if (!alarm) {
      const why = metricName === undefined || metricNamespace === undefined
        ? `${logicalId} has no literal MetricTransformations[0].MetricName and MetricNamespace, so no alarm can be found for it`
        : `no AWS::CloudWatch::Alarm on ${metricNamespace}/${metricName} in the template`;
      detections.push({
        ...base,
        countsOnly: `${why}: matches counted per ${COUNT_PERIOD_SECONDS / 60} minutes, no alarm replayed`,
        periodSeconds: COUNT_PERIOD_SECONDS,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        statistic: 'Sum',
        treatMissingData: 'missing',
      });
      continue;
    }
    const [alarmId, a] = alarm;
    const ap = a.properties;
    const at = (key: string) => `${file}: ${alarmId}.${key}`;
    detections.push({
      ...base,
      periodSeconds: literal(ap.Period, at('Period'), 'number'),
      threshold: literal(ap.Threshold, at('Threshold'), 'number'),
      evaluationPeriods: literal(ap.EvaluationPeriods, at('EvaluationPeriods'), 'number'),
      datapointsToAlarm: ap.DatapointsToAlarm === undefined ? undefined : literal(ap.DatapointsToAlarm, at('DatapointsToAlarm'), 'number'),
      comparisonOperator: literal(ap.ComparisonOperator, at('ComparisonOperator'), 'string'),
      statistic: ap.Statistic === undefined ? 'Sum' : literal(ap.Statistic, at('Statistic'), 'string'),
      treatMissingData: ap.TreatMissingData === undefined ? 'missing' : literal(ap.TreatMissingData, at('TreatMissingData'), 'string'),
    });
  }
  if (filters === 0) throw new UsageError(`${file}: the template has no AWS::Logs::MetricFilter to replay`);
  return { detections, notReplayed, notDetections };
}

function detectionIdOf(r: TemplateResource, metricName: string): string {
  const m = r.metadata !== null && typeof r.metadata === 'object' ? (r.metadata as Record<string, unknown>) : {};
  const path = Object.prototype.hasOwnProperty.call(m, 'aws:cdk:path') ? m['aws:cdk:path'] : undefined;
  const found = typeof path === 'string' ? /\/MetricFilters\/([A-Za-z0-9]+)\//.exec(path) : null;
  if (found) return found[1].replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  return ENTRIES.find((e) => e.metricName === metricName)?.id ?? metricName;
}

function literal(v: unknown, where: string, type: 'string'): string;
function literal(v: unknown, where: string, type: 'number'): number;
function literal(v: unknown, where: string, type: 'string' | 'number'): string | number {
  if (type === 'number' && typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  if (typeof v !== type) {
    throw new UsageError(
      `${where} is ${JSON.stringify(v) ?? 'absent'}, not a literal ${type}: a value resolved only at deploy time (a parameter or reference) cannot be replayed; pass --overrides with the deployed value instead`,
    );
  }
  return v as string | number;
}

/** A name for a deploy-time value in notes: `Ref X`, `X.Arn`, `AWS::AccountId`. */
function refName(r: TemplateRef): string {
  return r.attribute ? `${r.ref}.${r.attribute}` : r.ref.startsWith('AWS::') ? r.ref : `Ref ${r.ref}`;
}

/** What a value CloudFormation computes is, for notes: `Ref P`, `a Fn::Sub`, or its JSON text. */
function describeComputed(v: unknown): string {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const keys = Object.keys(v);
    const only = keys.length === 1 ? (v as Record<string, unknown>)[keys[0]] : undefined;
    if (keys[0] === 'Ref' && typeof only === 'string') return `Ref ${only}`;
    if (keys.length === 1) return `a ${keys[0]}`;
  }
  return JSON.stringify(v) ?? String(v);
}

/**
 * The pattern to replay for a FilterPattern property: a literal as it is; a join with its deploy-time values as
 * wildcards when that can only widen what it matches; otherwise the reason it cannot be replayed.
 */
export function replayablePattern(v: unknown, where: string): { pattern: LogFilterPattern; note?: string } | { skip: string } {
  const value = templateValue(v ?? '');
  if ('literal' in value) {
    try {
      return { pattern: LogFilterPattern.parse(value.literal) };
    } catch (e) {
      if (e instanceof FilterPatternSyntaxError) return { skip: `${where} is not a valid filter pattern: ${e.message}` };
      throw e;
    }
  }
  if (!('join' in value)) {
    return { skip: `${where} is ${describeComputed(v)}, a value CloudFormation computes at deploy time (not a join of text and references)` };
  }
  // each deploy-time value becomes a placeholder word, to see where the parser puts it
  const refs: TemplateRef[] = [];
  let marker = 'ctaref';
  while (value.join.some((part) => typeof part === 'string' && part.toLowerCase().includes(marker))) marker += 'x';
  const placeholder = (i: number) => `${marker}${i}z`;
  const text = value.join
    .map((part) => {
      if (typeof part === 'string') return part;
      refs.push(part);
      return placeholder(refs.length - 1);
    })
    .join('');
  const names = [...new Set(refs.map(refName))].join(', ');
  let node: PatternNode;
  try {
    node = LogFilterPattern.parse(text)._node;
  } catch (e) {
    if (e instanceof FilterPatternSyntaxError) {
      return { skip: `${where} joins text with ${names}, known only at deploy time, into a pattern that does not parse without them: ${e.message}` };
    }
    throw e;
  }
  const total = refs.reduce((n, _, i) => n + text.split(placeholder(i)).length - 1, 0);
  const widening = node.kind === 'json' ? inEqualsStrings(node.expr, refs.map((_, i) => placeholder(i))) : 0;
  if (widening !== total) {
    return {
      skip: `${where} uses ${names}, known only at deploy time, outside a string compared with '=' in a JSON pattern, where a wildcard would not match at least what the deployed filter matches; pass the deployed pattern with --overrides`,
    };
  }
  let replay = text;
  refs.forEach((_, i) => (replay = replay.split(placeholder(i)).join('*')));
  let pattern: LogFilterPattern;
  try {
    pattern = LogFilterPattern.parse(replay);
  } catch (e) {
    if (e instanceof FilterPatternSyntaxError) {
      return { skip: `${where} with ${names} (known only at deploy time) as the wildcard * is not a valid filter pattern: ${e.message}` };
    }
    throw e;
  }
  return {
    pattern,
    note: `${names} ${refs.length === 1 ? 'is' : 'are'} known only at deploy time and replayed as the wildcard *, so the replay matches at least what the deployed filter matches (an upper bound)`,
  };
}

/** How many placeholders sit in the string values of `=` comparisons (the only places a `*` can only widen). */
function inEqualsStrings(e: JsonExpr, placeholders: readonly string[]): number {
  switch (e.kind) {
    case 'equals':
      if (e.operator !== '=' || e.value.kind !== 'string') return 0;
      return placeholders.reduce((n, p) => n + (e.value.kind === 'string' ? e.value.text.split(p).length - 1 : 0), 0);
    case 'and':
    case 'or':
      return e.items.reduce((n, item) => n + inEqualsStrings(item, placeholders), 0);
    default:
      return 0;
  }
}
