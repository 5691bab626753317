/**
 * What the synthesized templates of one CDK app hold for CloudTrail alarms (pure): metric filters, the metrics each
 * alarm watches (a plain metric, metric math, or one Metrics Insights query), topics with their subscriptions and
 * keys, and trails with the log groups they deliver to. References are followed inside a template (`Ref`,
 * `Fn::GetAtt`) and across templates (`Fn::ImportValue` of another stack's export, or a literal name).
 */
import { templateResources, templateValue, TemplateValue } from './template';
import { insightsMetric } from '../catalogue/metrics-insights';

/** One synthesized template: its path in the cloud assembly, its JSON document and its resources' construct paths. */
export interface AppTemplate {
  readonly path: string;
  readonly document: unknown;
  /** Construct paths by logical id (from the stack's metadata); `aws:cdk:path` resource metadata is used otherwise. */
  readonly constructPaths?: ReadonlyMap<string, string>;
}

/** A resource of the app. */
export interface AppResource {
  /** `<stack>/<logicalId>`: unique in the app. */
  readonly key: string;
  readonly templatePath: string;
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Readonly<Record<string, any>>;
  /** The construct path (`/Stack/Alarms/Resource`), when the assembly records it. */
  readonly constructPath?: string;
}

/** A metric an alarm watches. */
export interface WatchedMetric {
  readonly namespace?: string;
  readonly metricName?: string;
  /** The statistic as CloudWatch names it (`Sum`, `SampleCount`, `Average`, ...), or undefined when not given. */
  readonly statistic?: string;
  /** Where in the alarm's properties the metric is named. */
  readonly location: string;
}

export interface AppFilter {
  readonly resource: AppResource;
  /** The pattern text, or undefined when the template builds it with functions the model cannot evaluate. */
  readonly pattern?: string;
  /** The log group resource of the app the filter is on, when it is one. */
  readonly logGroup?: AppResource;
  /** The log group's name when the template names it literally. */
  readonly logGroupName?: string;
  readonly namespace?: string;
  readonly metricName?: string;
  readonly metricValue?: string;
  readonly defaultValue?: number;
  readonly hasDimensions: boolean;
}

export interface AppAlarm {
  readonly resource: AppResource;
  readonly watches: readonly WatchedMetric[];
  readonly comparison?: string;
  readonly threshold?: number;
  readonly actionsEnabled?: boolean;
  /** Each alarm action: the topic (or other resource) of the app it names, or its literal ARN. */
  readonly actions: ReadonlyArray<{ readonly resource?: AppResource; readonly arn?: string }>;
}

export interface AppTopic {
  readonly resource: AppResource;
  /** Subscriptions of the app to this topic (AWS::SNS::Subscription resources and the topic's own `Subscription`). */
  readonly subscriptions: ReadonlyArray<{ readonly protocol: string; readonly endpoint: string }>;
  /** The key resource of the app that encrypts the topic. */
  readonly key?: AppResource;
  /** The key id, alias or ARN when the template names it literally (`alias/aws/sns`). */
  readonly keyLiteral?: string;
}

export interface AppTrail {
  readonly resource: AppResource;
  readonly logGroup?: AppResource;
  readonly logGroupName?: string;
}

export interface AppModel {
  readonly resources: readonly AppResource[];
  readonly filters: readonly AppFilter[];
  readonly alarms: readonly AppAlarm[];
  readonly topics: readonly AppTopic[];
  readonly trails: readonly AppTrail[];
  /** Log groups that Lambda functions of the app write to (their filters watch the function, not CloudTrail). */
  readonly functionLogGroups: ReadonlySet<string>;
}

/** Record fields that only CloudTrail records have: a JSON filter naming one of them watches CloudTrail. */
const CLOUDTRAIL_FIELDS = /\$\.(eventName|eventSource|eventType|eventCategory|userIdentity|errorCode|errorMessage|sourceIPAddress|requestParameters|responseElements|additionalEventData|recipientAccountId|managementEvent|readOnly|awsRegion)\b/;

/** Whether a filter watches CloudTrail: its pattern names a CloudTrail record field, or a trail of the app delivers to its log group. */
export function isCloudTrailFilter(model: AppModel, f: AppFilter): boolean {
  if (f.logGroup && model.trails.some((t) => t.logGroup?.key === f.logGroup!.key)) return true;
  if (f.logGroupName && model.trails.some((t) => t.logGroupName === f.logGroupName)) return true;
  return f.pattern !== undefined && CLOUDTRAIL_FIELDS.test(f.pattern);
}

/** Whether a namespace is one AWS services publish to (`AWS/Logs`): its metrics never come from a metric filter. */
export function isAwsNamespace(namespace: string | undefined): boolean {
  return namespace !== undefined && namespace.startsWith('AWS/');
}

const stackOf = (path: string) => /([^/\\]+?)(?:\.template)?\.json$/.exec(path)?.[1] ?? path;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const num = (v: unknown): number | undefined => (v === undefined || v === null || v === '' || isNaN(Number(v)) ? undefined : Number(v));

/** The metrics an alarm's properties watch. */
function watchedMetrics(p: Readonly<Record<string, any>>): WatchedMetric[] {
  if (Array.isArray(p.Metrics)) {
    const out: WatchedMetric[] = [];
    p.Metrics.forEach((m: any, i: number) => {
      const stat = m?.MetricStat;
      if (stat && typeof stat === 'object') {
        out.push({
          namespace: str(stat.Metric?.Namespace),
          metricName: str(stat.Metric?.MetricName),
          statistic: str(stat.Stat),
          location: `Properties/Metrics/${i}/MetricStat`,
        });
      } else if (typeof m?.Expression === 'string') {
        const q = insightsMetric(m.Expression);
        if (q) out.push({ ...q, location: `Properties/Metrics/${i}/Expression` });
      }
    });
    return out;
  }
  return [{ namespace: str(p.Namespace), metricName: str(p.MetricName), statistic: str(p.Statistic) ?? str(p.ExtendedStatistic), location: 'Properties/MetricName' }];
}

/** Reads the templates of an app. Throws `TemplateError` (naming the file and the resource) on a malformed template. */
export function readApp(templates: readonly AppTemplate[]): AppModel {
  const resources: AppResource[] = [];
  const byTemplate = new Map<string, Map<string, AppResource>>();
  const exports = new Map<string, { template: string; value: unknown }>();
  for (const t of templates) {
    const local = new Map<string, AppResource>();
    for (const [logicalId, r] of templateResources(t.document, t.path)) {
      const meta = r.metadata as Record<string, unknown> | undefined;
      const cdkPath = typeof meta?.['aws:cdk:path'] === 'string' ? `/${String(meta['aws:cdk:path']).replace(/^\//, '')}` : undefined;
      const res: AppResource = {
        key: `${stackOf(t.path)}/${logicalId}`,
        templatePath: t.path,
        stack: stackOf(t.path),
        logicalId,
        type: r.type,
        properties: r.properties,
        constructPath: t.constructPaths?.get(logicalId) ?? cdkPath,
      };
      local.set(logicalId, res);
      resources.push(res);
    }
    byTemplate.set(t.path, local);
    const outputs = (t.document as { Outputs?: Record<string, any> }).Outputs;
    for (const o of Object.values(outputs && typeof outputs === 'object' ? outputs : {})) {
      const name = str(o?.Export?.Name);
      if (name !== undefined) exports.set(name, { template: t.path, value: o.Value });
    }
  }
  const named = (type: string, prop: string, literal: string) =>
    resources.find((r) => r.type === type && r.properties[prop] === literal);

  /** The resource of the app a property value names, following exports across stacks. */
  const resolve = (templatePath: string, v: unknown, depth = 0): AppResource | undefined => {
    if (depth > 5 || v === null || typeof v !== 'object') return undefined;
    const imported = (v as Record<string, unknown>)['Fn::ImportValue'];
    if (typeof imported === 'string') {
      const e = exports.get(imported);
      return e ? resolve(e.template, e.value, depth + 1) : undefined;
    }
    const tv: TemplateValue = templateValue(v);
    return 'ref' in tv ? byTemplate.get(templatePath)?.get(tv.ref) : undefined;
  };
  const of = (type: string) => resources.filter((r) => r.type === type);

  const logGroupOf = (r: AppResource, v: unknown) => {
    const literal = str(v);
    // an ARN (`arn:aws:logs:region:account:log-group:NAME:*`) or a name
    const name = literal?.startsWith('arn:') ? literal.split(':')[6] : literal;
    const resource = resolve(r.templatePath, v) ?? (name !== undefined ? named('AWS::Logs::LogGroup', 'LogGroupName', name) : undefined);
    return { logGroup: resource?.type === 'AWS::Logs::LogGroup' ? resource : undefined, logGroupName: name ?? str(resource?.properties.LogGroupName) };
  };

  const filters: AppFilter[] = of('AWS::Logs::MetricFilter').map((r) => {
    const p = r.properties;
    const t = Array.isArray(p.MetricTransformations) ? p.MetricTransformations[0] ?? {} : {};
    const pattern = templateValue(p.FilterPattern ?? '');
    return {
      resource: r,
      pattern: 'literal' in pattern ? pattern.literal : undefined,
      ...logGroupOf(r, p.LogGroupName),
      namespace: str(t.MetricNamespace),
      metricName: str(t.MetricName),
      metricValue: str(t.MetricValue),
      defaultValue: num(t.DefaultValue),
      hasDimensions: Array.isArray(t.Dimensions) && t.Dimensions.length > 0,
    };
  });

  const alarms: AppAlarm[] = of('AWS::CloudWatch::Alarm').map((r) => {
    const p = r.properties;
    const actions = (Array.isArray(p.AlarmActions) ? p.AlarmActions : []).map((a: unknown) => {
      const literal = str(a);
      const resource = resolve(r.templatePath, a) ?? (literal ? of('AWS::SNS::Topic').find((t) => t.properties.TopicName !== undefined && literal.endsWith(`:${t.properties.TopicName}`)) : undefined);
      return { resource, arn: literal };
    });
    return {
      resource: r,
      watches: watchedMetrics(p),
      comparison: str(p.ComparisonOperator),
      threshold: num(p.Threshold),
      actionsEnabled: p.ActionsEnabled === undefined ? undefined : p.ActionsEnabled === true || p.ActionsEnabled === 'true',
      actions,
    };
  });

  const subscriptions = of('AWS::SNS::Subscription').map((s) => ({
    topic: resolve(s.templatePath, s.properties.TopicArn)
      ?? of('AWS::SNS::Topic').find((t) => t.properties.TopicName !== undefined && str(s.properties.TopicArn)?.endsWith(`:${t.properties.TopicName}`)),
    protocol: str(s.properties.Protocol) ?? '',
    endpoint: str(s.properties.Endpoint) ?? '(an endpoint the template computes)',
  }));
  const topics: AppTopic[] = of('AWS::SNS::Topic').map((r) => {
    const inline = (Array.isArray(r.properties.Subscription) ? r.properties.Subscription : []).map((s: any) => ({
      protocol: str(s?.Protocol) ?? '',
      endpoint: str(s?.Endpoint) ?? '(an endpoint the template computes)',
    }));
    const keyValue = r.properties.KmsMasterKeyId;
    const key = resolve(r.templatePath, keyValue);
    return {
      resource: r,
      subscriptions: [...inline, ...subscriptions.filter((s) => s.topic?.key === r.key).map(({ protocol, endpoint }) => ({ protocol, endpoint }))],
      key: key?.type === 'AWS::KMS::Key' ? key : undefined,
      keyLiteral: str(keyValue),
    };
  });

  const trails: AppTrail[] = of('AWS::CloudTrail::Trail')
    .filter((r) => r.properties.CloudWatchLogsLogGroupArn !== undefined)
    .map((r) => ({ resource: r, ...logGroupOf(r, r.properties.CloudWatchLogsLogGroupArn) }));

  const functionLogGroups = new Set(
    of('AWS::Lambda::Function')
      .map((r) => resolve(r.templatePath, r.properties.LoggingConfig?.LogGroup)?.key)
      .filter((k): k is string => k !== undefined),
  );
  return { resources, filters, alarms, topics, trails, functionLogGroups };
}
