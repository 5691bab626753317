/**
 * What a synthesized (or deployed) CloudFormation template expects to exist (pure): its metric filters, alarms,
 * trails and topics, with references kept as logical ids until the deployed stack's physical ids resolve them.
 */
import { DetectionId } from '../catalogue/detection-id';
import { CatalogueEntry, ENTRIES } from '../catalogue/entries';
import { insightsMetric } from '../catalogue/metrics-insights';

/** A template property: a literal, a reference to a resource of the same template, or something only CloudFormation can evaluate. */
export type TemplateValue =
  | { readonly literal: string }
  | { readonly ref: string; readonly attribute?: string }
  | { readonly join: ReadonlyArray<string | TemplateRef> }
  | { readonly unresolved: string };

/** A reference inside a joined value (`Ref` of a resource or a pseudo parameter, or `Fn::GetAtt`). */
export interface TemplateRef {
  readonly ref: string;
  readonly attribute?: string;
}

export interface ExpectedFilter {
  readonly logicalId: string;
  readonly filterName?: string;
  readonly pattern: TemplateValue;
  readonly logGroup: TemplateValue;
  readonly namespace?: string;
  readonly metricName?: string;
  readonly metricValue?: string;
  /** Dimension names of the metric (keys and emitted system fields), sorted: a per-account filter has some. */
  readonly dimensions: readonly string[];
  /** Which detection the filter implements (catalogue id, or the metric name for a custom detection). */
  readonly detection: { readonly id: string; readonly title: string; readonly catalogue?: DetectionId };
}

export interface ExpectedAlarm {
  readonly logicalId: string;
  readonly alarmName?: string;
  readonly namespace?: string;
  readonly metricName?: string;
  readonly statistic?: string;
  readonly threshold?: number;
  readonly period?: number;
  readonly evaluationPeriods?: number;
  readonly datapointsToAlarm?: number;
  readonly comparison?: string;
  readonly treatMissingData?: string;
  readonly actionsEnabled?: boolean;
  readonly alarmActions: readonly TemplateValue[];
  readonly description?: string;
  /** The Metrics Insights query of an alarm on one (a per-account alarm), when it is a literal. */
  readonly query?: string;
}

export interface ExpectedTrail {
  readonly logicalId: string;
  readonly logGroup: TemplateValue;
}

export interface TemplateExpectation {
  /** File name or `stack NAME`. */
  readonly source: string;
  /** The stack the template belongs to (from --stack, or the `NAME.template.json` file name). */
  readonly stackName?: string;
  readonly filters: readonly ExpectedFilter[];
  /** Metric filters on log groups of the template that none of its trails delivers to (not CloudTrail detections). */
  readonly ignoredFilters: readonly string[];
  readonly alarms: readonly ExpectedAlarm[];
  readonly trails: readonly ExpectedTrail[];
  /** Resource types of the template, by logical id (to tell a topic Ref from a key Ref). */
  readonly types: ReadonlyMap<string, string>;
}

/** One resource of a template, checked to have the shape CloudFormation requires. */
export interface TemplateResource {
  readonly type: string;
  /** `Properties` (an empty object when the resource has none). */
  readonly properties: Readonly<Record<string, any>>;
  readonly metadata?: unknown;
}

/**
 * A document that is not a CloudFormation template, or a resource of it that is malformed; the message names both.
 * It holds the template's own text (ids, values): neutralise it where it is shown.
 */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    Object.setPrototypeOf(this, TemplateError.prototype);
  }
}

/** What a JSON value is, for messages: `null`, `an array`, `the string "x"`, `the number 3`, ... */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `the ${typeof v} ${String(v)}`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The resources of a template by logical id, in a Map: a logical id is only ever looked up as the template's own
 * key (`constructor`, `toString` or `__proto__` are ids like any other, never JavaScript's object prototype).
 * Throws `TemplateError`, naming `source` and the resource, when `Resources` is not an object or a resource is not
 * an object with a string `Type` (and, when present, an object `Properties`).
 */
export function templateResources(doc: unknown, source: string): ReadonlyMap<string, TemplateResource> {
  if (!isRecord(doc)) throw new TemplateError(`${source} is not a CloudFormation template: the document is ${kindOf(doc)}, not an object`);
  if (!Object.prototype.hasOwnProperty.call(doc, 'Resources') || doc.Resources === undefined) {
    throw new TemplateError(`${source} is not a CloudFormation template: it has no Resources section`);
  }
  const resources = doc.Resources;
  if (!isRecord(resources)) {
    throw new TemplateError(`${source} is not a CloudFormation template: its Resources section is ${kindOf(resources)}, not an object of resources`);
  }
  const out = new Map<string, TemplateResource>();
  for (const [id, r] of Object.entries(resources)) {
    const name = `${source}: resource '${id}'`;
    if (!isRecord(r)) throw new TemplateError(`${name} is ${kindOf(r)}, not an object with a Type`);
    if (typeof r.Type !== 'string') throw new TemplateError(`${name} has ${r.Type === undefined ? 'no Type' : `Type ${kindOf(r.Type)}, not a string`}`);
    if (r.Properties !== undefined && !isRecord(r.Properties)) {
      throw new TemplateError(`${name} (${r.Type}) has Properties ${kindOf(r.Properties)}, not an object`);
    }
    out.set(id, { type: r.Type, properties: (r.Properties ?? {}) as Record<string, any>, metadata: r.Metadata });
  }
  return out;
}

/** Metadata key by which a construct may name the detection of a metric filter (preferred over the heuristics). */
export const DETECTION_METADATA_KEY = 'cdk-cloudtrail-alarms:detection';

/** A template property as a literal, a reference, a join of both, or (anything else) unresolved. */
export function templateValue(v: unknown): TemplateValue {
  if (typeof v === 'string') return { literal: v };
  if (typeof v === 'number' || typeof v === 'boolean') return { literal: String(v) };
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.Ref === 'string' && !o.Ref.startsWith('AWS::')) return { ref: o.Ref };
    const ga = o['Fn::GetAtt'];
    if (Array.isArray(ga) && typeof ga[0] === 'string') return { ref: ga[0], attribute: String(ga[1]) };
    if (typeof ga === 'string') return { ref: ga.split('.')[0], attribute: ga.split('.').slice(1).join('.') };
    // Fn::Join of literals and references (a pattern scoped to the stack's own topics and keys, say)
    const join = o['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      const parts: Array<string | TemplateRef> = [];
      for (const [i, item] of (join[1] as unknown[]).entries()) {
        if (i > 0 && join[0] !== '') parts.push(join[0]);
        if (typeof item === 'string') {
          parts.push(item);
          continue;
        }
        const r = item as Record<string, unknown>;
        if (typeof r?.Ref === 'string') {parts.push({ ref: r.Ref });} else if (Array.isArray(r?.['Fn::GetAtt']) && typeof (r['Fn::GetAtt'] as unknown[])[0] === 'string') {
          parts.push({ ref: String((r['Fn::GetAtt'] as unknown[])[0]), attribute: String((r['Fn::GetAtt'] as unknown[])[1]) });
        } else {return { unresolved: JSON.stringify(v) };}
      }
      return { join: parts };
    }
  }
  return { unresolved: JSON.stringify(v) };
}

const num = (v: unknown): number | undefined => (v === undefined || v === null || v === '' ? undefined : Number(v));
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

function detectionOf(metadata: unknown, metricName: string | undefined, alarms: readonly ExpectedAlarm[]): ExpectedFilter['detection'] {
  const byId = (id: string) => ENTRIES.find((e) => e.id === id);
  const meta = metadata && typeof metadata === 'object' ? (metadata as Record<string, unknown>)[DETECTION_METADATA_KEY] : undefined;
  const named = typeof meta === 'string' ? byId(meta) : undefined;
  const as = (e: CatalogueEntry) => ({ id: e.id, title: e.title, catalogue: e.id });
  if (named) return as(named);
  if (typeof meta === 'string') return { id: meta, title: meta };
  const byMetric = ENTRIES.find((e) => e.metricName === metricName);
  if (byMetric) return as(byMetric);
  // a renamed metric: the construct's alarm description starts with the detection's title
  for (const a of alarms) {
    const e = ENTRIES.find((x) => a.metricName === metricName && a.description?.startsWith(`${x.title}.`));
    if (e) return as(e);
  }
  const alarmTitle = alarms.find((a) => a.metricName === metricName)?.description?.split('. ')[0];
  return { id: metricName ?? '(no metric)', title: alarmTitle ?? metricName ?? '(custom)' };
}

/**
 * Reads a template document. `source` names it in messages; throws `TemplateError` with that name (and the
 * resource's) when it is not a template.
 */
export function parseTemplate(doc: unknown, source: string, stackName?: string): TemplateExpectation {
  const resources = templateResources(doc, source);
  const types = new Map<string, string>();
  const alarms: ExpectedAlarm[] = [];
  const rawFilters: Array<[string, Record<string, any>, unknown]> = [];
  const trails: ExpectedTrail[] = [];
  for (const [id, r] of resources) {
    types.set(id, r.type);
    const p = r.properties;
    if (r.type === 'AWS::Logs::MetricFilter') rawFilters.push([id, p, r.metadata]);
    if (r.type === 'AWS::CloudWatch::Alarm') {
      alarms.push({
        logicalId: id,
        alarmName: str(p.AlarmName),
        namespace: str(p.Namespace),
        metricName: str(p.MetricName),
        statistic: str(p.Statistic) ?? str(p.ExtendedStatistic),
        threshold: num(p.Threshold),
        period: num(p.Period),
        evaluationPeriods: num(p.EvaluationPeriods),
        datapointsToAlarm: num(p.DatapointsToAlarm),
        comparison: str(p.ComparisonOperator),
        treatMissingData: str(p.TreatMissingData),
        actionsEnabled: p.ActionsEnabled === undefined ? undefined : p.ActionsEnabled === true || p.ActionsEnabled === 'true',
        alarmActions: (Array.isArray(p.AlarmActions) ? p.AlarmActions : []).map(templateValue),
        description: str(p.AlarmDescription),
        query: (Array.isArray(p.Metrics) ? p.Metrics : [])
          .map((m: { Expression?: unknown }) => str(m.Expression))
          .find((e: string | undefined) => insightsMetric(e) !== undefined),
      });
    }
    if (r.type === 'AWS::CloudTrail::Trail' && p.CloudWatchLogsLogGroupArn !== undefined) {
      trails.push({ logicalId: id, logGroup: templateValue(p.CloudWatchLogsLogGroupArn) });
    }
  }
  // a filter on a log group of this template that no trail of the template delivers to watches something else than
  // CloudTrail (the notifier function's own log group, say): it is not a detection. Without a trail in the template
  // its CloudTrail log group is not known, so only the log groups Lambda functions of the template log to are set aside.
  const trailGroups = new Set(trails.map((t) => ('ref' in t.logGroup ? t.logGroup.ref : '')));
  const functionGroups = new Set(
    [...resources.values()]
      .filter((r) => r.type === 'AWS::Lambda::Function')
      .map((r) => templateValue(r.properties.LoggingConfig?.LogGroup))
      .flatMap((v) => ('ref' in v ? [v.ref] : [])),
  );
  const isDetection = (p: Record<string, any>) => {
    const g = templateValue(p.LogGroupName);
    if (!('ref' in g) || types.get(g.ref) !== 'AWS::Logs::LogGroup' || trailGroups.has(g.ref)) return true;
    return trails.length === 0 && !functionGroups.has(g.ref);
  };
  const ignoredFilters = rawFilters.filter(([, p]) => !isDetection(p)).map(([id]) => id);
  const filters: ExpectedFilter[] = rawFilters.filter(([, p]) => isDetection(p)).map(([id, p, metadata]) => {
    const t = Array.isArray(p.MetricTransformations) ? p.MetricTransformations[0] ?? {} : {};
    const metricName = str(t.MetricName);
    return {
      logicalId: id,
      filterName: str(p.FilterName),
      pattern: templateValue(p.FilterPattern ?? ''),
      logGroup: templateValue(p.LogGroupName),
      namespace: str(t.MetricNamespace),
      metricName,
      metricValue: str(t.MetricValue),
      dimensions: [
        ...(Array.isArray(t.Dimensions) ? t.Dimensions.map((d: { Key?: unknown }) => String(d.Key)) : []),
        ...(Array.isArray(p.EmitSystemFieldDimensions) ? p.EmitSystemFieldDimensions.map(String) : []),
      ].sort(),
      detection: detectionOf(metadata, metricName, alarms),
    };
  });
  return { source, stackName, filters: labelGradedTwins(filters), ignoredFilters, alarms, trails, types };
}

/**
 * A graded twin (`gradedTwin`): the filter that publishes the detection's own metric beside one that publishes
 * `<metric>Tuned` for the same detection keeps the graded, exact pattern; its title says so, so that the audit's two
 * rows for the detection can be told apart.
 */
function labelGradedTwins(filters: ExpectedFilter[]): ExpectedFilter[] {
  const tuned = new Set(filters.map((f) => `${f.detection.id}|${f.namespace}|${f.metricName}`));
  return filters.map((f) =>
    f.dimensions.length === 0 && f.metricName !== undefined && tuned.has(`${f.detection.id}|${f.namespace}|${f.metricName}Tuned`)
      ? { ...f, detection: { ...f.detection, title: `${f.detection.title} (graded twin)` } }
      : f,
  );
}

/**
 * A joined template value fitted to a deployed string: the references are read off the deployed string (each one
 * the same wherever it occurs). Returns the deployed string when it has the template's literal parts in order,
 * undefined when it does not (the deployed value is not the template's).
 */
export function fitJoin(v: { readonly join: ReadonlyArray<string | TemplateRef> }, deployed: string): string | undefined {
  const names = new Map<string, number>();
  let group = 0;
  const source = v.join
    .map((p) => {
      if (typeof p === 'string') return p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const key = `${p.ref}.${p.attribute ?? ''}`;
      const seen = names.get(key);
      if (seen !== undefined) return `\\${seen}`;
      names.set(key, ++group);
      return '([^"]+?)';
    })
    .join('');
  return new RegExp(`^${source}$`).test(deployed) ? deployed : undefined;
}

/** The stack name a `cdk.out/NAME.template.json` file belongs to. */
export function stackNameOfFile(file: string): string | undefined {
  const m = /([^/\\]+)\.template\.json$/.exec(file);
  return m ? m[1] : undefined;
}

/**
 * A template value with the deployed stack's physical ids (`Ref`) and attributes CloudFormation documents for the
 * types the audit follows. Undefined when it cannot be known without CloudFormation.
 */
export function resolveValue(
  v: TemplateValue,
  physical: ReadonlyMap<string, string>,
  types: ReadonlyMap<string, string>,
  region: string,
  account?: string,
): string | undefined {
  if ('literal' in v) return v.literal;
  if ('unresolved' in v) return undefined;
  if ('join' in v) {
    const parts = v.join.map((p) => (typeof p === 'string' ? p : resolveValue(p, physical, types, region, account)));
    return parts.every((p): p is string => p !== undefined) ? parts.join('') : undefined;
  }
  if (v.ref === 'AWS::Region') return region;
  if (v.ref === 'AWS::AccountId') return account;
  if (v.ref === 'AWS::Partition') return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  if (v.ref === 'AWS::URLSuffix') return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  const id = physical.get(v.ref);
  if (id === undefined) return undefined;
  if (!v.attribute) return id;
  const type = types.get(v.ref);
  if (type === 'AWS::Logs::LogGroup' && v.attribute === 'Arn' && account) return `arn:aws:logs:${region}:${account}:log-group:${id}:*`;
  if (type === 'AWS::SNS::Topic' && v.attribute === 'TopicArn') return id;
  if (type === 'AWS::SNS::Topic' && v.attribute === 'TopicName') return id.split(':').pop();
  return undefined;
}
