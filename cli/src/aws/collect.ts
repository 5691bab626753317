/**
 * Collectors: SDK calls in, an AccountSnapshot out. No judgement here: every call that fails is recorded as a
 * problem and the corresponding field stays undefined.
 */
import { DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand, Trail } from '@aws-sdk/client-cloudtrail';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeMetricFiltersCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetKeyPolicyCommand } from '@aws-sdk/client-kms';
import { GetFunctionConfigurationCommand, ListTagsCommand } from '@aws-sdk/client-lambda';
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { notifierDeliveryTopics } from 'cdk-cloudtrail-alarms/lib/audit/judge-topics';
import {
  AccountSnapshot,
  AlarmState,
  EventSelectorsState,
  FilterState,
  FunctionState,
  KeyState,
  LogGroupRef,
  logGroupOf,
  SubscriptionState,
  TopicState,
  TrailState,
} from 'cdk-cloudtrail-alarms/lib/audit/snapshot';
import { attempt, CallProblem } from './calls';
import { AccountClients } from './clients';

export interface CollectOptions {
  readonly regions: readonly string[];
  /** The account the credentials belong to (from sts:GetCallerIdentity). */
  readonly account?: string;
  /** Log groups to read besides the trails' (e.g. the ones a template names). */
  readonly extraLogGroups?: readonly LogGroupRef[];
}

async function collectTrails(
  c: AccountClients,
  regions: readonly string[],
  problems: CallProblem[],
): Promise<{ listed: boolean; trails: TrailState[] }> {
  const seen = new Map<string, { trail: Trail; region: string }>();
  let listed = false;
  for (const region of regions) {
    const r = await attempt(problems, region, 'cloudtrail:DescribeTrails', () => c.in(region).cloudtrail.send(new DescribeTrailsCommand({ includeShadowTrails: true })));
    if (r) listed = true;
    for (const t of r?.trailList ?? []) if (t.TrailARN && !seen.has(t.TrailARN)) seen.set(t.TrailARN, { trail: t, region });
  }
  const trails: TrailState[] = [];
  for (const { trail, region } of seen.values()) {
    const home = trail.HomeRegion ?? region;
    const ct = c.in(home).cloudtrail;
    const status = await attempt(problems, home, 'cloudtrail:GetTrailStatus', () => ct.send(new GetTrailStatusCommand({ Name: trail.TrailARN })));
    const sel = await attempt(problems, home, 'cloudtrail:GetEventSelectors', () => ct.send(new GetEventSelectorsCommand({ TrailName: trail.TrailARN })));
    const selectors: EventSelectorsState | undefined = sel
      ? {
        basic: (sel.EventSelectors ?? []).map((s) => ({
          includeManagementEvents: s.IncludeManagementEvents,
          readWriteType: s.ReadWriteType,
          excludeManagementEventSources: s.ExcludeManagementEventSources,
        })),
        advanced: (sel.AdvancedEventSelectors ?? []).map((s) => ({
          fieldSelectors: (s.FieldSelectors ?? []).map((f) => ({ field: f.Field ?? '', equals: f.Equals, notEquals: f.NotEquals })),
        })),
      }
      : undefined;
    trails.push({
      name: trail.Name ?? trail.TrailARN!,
      arn: trail.TrailARN!,
      homeRegion: home,
      multiRegion: trail.IsMultiRegionTrail ?? false,
      organizationTrail: trail.IsOrganizationTrail ?? false,
      logGroupArn: trail.CloudWatchLogsLogGroupArn,
      isLogging: status?.IsLogging,
      selectors,
    });
  }
  return { listed, trails };
}

async function collectFilters(c: AccountClients, g: LogGroupRef, problems: CallProblem[]): Promise<FilterState[] | undefined> {
  const out: FilterState[] = [];
  let nextToken: string | undefined;
  do {
    const r = await attempt(problems, g.region, 'logs:DescribeMetricFilters', () =>
      c.in(g.region).logs.send(new DescribeMetricFiltersCommand({ logGroupName: g.name, nextToken })),
    );
    if (!r) return undefined;
    for (const f of r.metricFilters ?? []) {
      const t = f.metricTransformations?.[0];
      out.push({
        logGroup: g,
        name: f.filterName ?? '(unnamed)',
        pattern: f.filterPattern ?? '',
        namespace: t?.metricNamespace,
        metricName: t?.metricName,
        metricValue: t?.metricValue,
        dimensions: [...Object.keys(t?.dimensions ?? {}), ...(f.emitSystemFieldDimensions ?? [])].sort(),
      });
    }
    nextToken = r.nextToken;
  } while (nextToken);
  return out;
}

async function collectAlarms(c: AccountClients, region: string, problems: CallProblem[]): Promise<AlarmState[] | undefined> {
  const out: AlarmState[] = [];
  let NextToken: string | undefined;
  do {
    const r = await attempt(problems, region, 'cloudwatch:DescribeAlarms', () => c.in(region).cloudwatch.send(new DescribeAlarmsCommand({ NextToken })));
    if (!r) return undefined;
    for (const a of r.MetricAlarms ?? []) {
      out.push({
        region,
        name: a.AlarmName ?? '(unnamed)',
        namespace: a.Namespace,
        metricName: a.MetricName,
        statistic: a.Statistic ?? a.ExtendedStatistic,
        threshold: a.Threshold,
        period: a.Period,
        evaluationPeriods: a.EvaluationPeriods,
        datapointsToAlarm: a.DatapointsToAlarm,
        comparison: a.ComparisonOperator,
        treatMissingData: a.TreatMissingData,
        actionsEnabled: a.ActionsEnabled,
        alarmActions: a.AlarmActions ?? [],
        okActions: a.OKActions ?? [],
      });
    }
    NextToken = r.NextToken;
  } while (NextToken);
  return out;
}

async function collectTopic(c: AccountClients, arn: string, problems: CallProblem[]): Promise<TopicState> {
  const region = arn.split(':')[3];
  const sns = c.in(region).sns;
  const attrs = await attempt(problems, region, 'sns:GetTopicAttributes', () => sns.send(new GetTopicAttributesCommand({ TopicArn: arn })));
  const subs: SubscriptionState[] = [];
  let token: string | undefined;
  let listed = true;
  do {
    const r = await attempt(problems, region, 'sns:ListSubscriptionsByTopic', () => sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn, NextToken: token })));
    if (!r) {
      listed = false;
      break;
    }
    for (const s of r.Subscriptions ?? []) subs.push({ arn: s.SubscriptionArn ?? '', protocol: s.Protocol ?? '', endpoint: s.Endpoint ?? '' });
    token = r.NextToken;
  } while (token);
  return { arn, attributes: attrs?.Attributes, subscriptions: listed ? subs : undefined };
}

async function collectKey(c: AccountClients, keyId: string, topicRegion: string, problems: CallProblem[]): Promise<KeyState> {
  const region = keyId.startsWith('arn:') ? keyId.split(':')[3] : topicRegion;
  const r = await attempt(problems, region, 'kms:GetKeyPolicy', () => c.in(region).kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' })));
  return { id: keyId, policy: r?.Policy };
}

async function collectFunction(c: AccountClients, arn: string, problems: CallProblem[]): Promise<FunctionState> {
  const region = arn.split(':')[3];
  const lambda = c.in(region).lambda;
  // a subscription endpoint may carry a version or alias qualifier; tags live on the unqualified function
  const unqualified = arn.split(':').slice(0, 7).join(':');
  const tags = await attempt(problems, region, 'lambda:ListTags', () => lambda.send(new ListTagsCommand({ Resource: unqualified })));
  const config = await attempt(problems, region, 'lambda:GetFunctionConfiguration', () => lambda.send(new GetFunctionConfigurationCommand({ FunctionName: arn })));
  return { arn, tags: tags ? tags.Tags ?? {} : undefined, environment: config ? config.Environment?.Variables ?? {} : undefined };
}

/** Reads one account: trails, their log groups' metric filters, alarms, the alarm topics, their keys and the notifier chain. */
export async function collectAccount(c: AccountClients, o: CollectOptions): Promise<AccountSnapshot> {
  const problems: CallProblem[] = [];
  const { listed: trailsListed, trails } = await collectTrails(c, o.regions, problems);

  const groups = new Map<string, LogGroupRef>();
  const addGroup = (g: LogGroupRef) => {
    // a log group in another account (an organization trail seen from a member) cannot be read with these credentials
    if (g.account && o.account && g.account !== o.account) return;
    groups.set(`${g.region}|${g.name}`, { region: g.region, name: g.name, account: g.account ?? o.account });
  };
  for (const t of trails) {
    const g = logGroupOf(t.logGroupArn);
    if (g) addGroup(g);
  }
  for (const g of o.extraLogGroups ?? []) addGroup(g);
  const logGroups: Array<LogGroupRef & { listed: boolean }> = [];
  const filters: FilterState[] = [];
  for (const g of groups.values()) {
    const f = await collectFilters(c, g, problems);
    logGroups.push({ ...g, listed: f !== undefined });
    filters.push(...(f ?? []));
  }

  const alarmRegions: Array<{ region: string; listed: boolean }> = [];
  const alarms: AlarmState[] = [];
  for (const region of new Set([...o.regions, ...[...groups.values()].map((g) => g.region)])) {
    const a = await collectAlarms(c, region, problems);
    alarmRegions.push({ region, listed: a !== undefined });
    alarms.push(...(a ?? []));
  }

  // topics of alarms on a collected filter's metric, then (through the notifier) the topics it delivers to
  const metrics = new Set(filters.map((f) => `${f.logGroup.region}|${f.namespace}|${f.metricName}`));
  const queue = [
    ...new Set(
      alarms
        .filter((a) => metrics.has(`${a.region}|${a.namespace}|${a.metricName}`))
        .flatMap((a) => a.alarmActions)
        .filter((a) => a.split(':')[2] === 'sns'),
    ),
  ];
  const topics: Record<string, TopicState> = {};
  const keys: Record<string, KeyState> = {};
  const functions: Record<string, FunctionState> = {};
  while (queue.length > 0) {
    const arn = queue.shift()!;
    if (topics[arn]) continue;
    const t = await collectTopic(c, arn, problems);
    topics[arn] = t;
    const kmsKey = t.attributes?.KmsMasterKeyId;
    if (kmsKey && !/alias\/aws\/sns$/.test(kmsKey) && !keys[kmsKey]) keys[kmsKey] = await collectKey(c, kmsKey, arn.split(':')[3], problems);
    for (const s of t.subscriptions ?? []) {
      if (s.protocol !== 'lambda' || !s.endpoint.startsWith('arn:') || functions[s.endpoint]) continue;
      const fn = await collectFunction(c, s.endpoint, problems);
      functions[s.endpoint] = fn;
      for (const d of notifierDeliveryTopics(fn) ?? []) if (!topics[d]) queue.push(d);
    }
  }
  const regions = [...o.regions];
  return { account: o.account, regions, trailsListed, trails, logGroups, filters, alarmRegions, alarms, topics, keys, functions, problems };
}

