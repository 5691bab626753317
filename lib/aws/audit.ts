import { DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand, Trail } from '@aws-sdk/client-cloudtrail';
import { DescribeAlarmsCommand, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { DescribeMetricFiltersCommand, MetricFilter } from '@aws-sdk/client-cloudwatch-logs';
import { GetKeyPolicyCommand } from '@aws-sdk/client-kms';
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { DetectionId } from '../catalogue/detection-id';
import { FIXTURES } from '../catalogue/fixtures';
import { profileSpec, resolveEntry } from '../catalogue/resolve';
import { LogFilterPattern } from '../log-filter-pattern';
import { requiredLiterals } from '../pattern';
import { attempt, CallProblem } from './calls';
import { AwsClients, awsClients } from './clients';

export type Verdict = 'covered' | 'partly' | 'not covered';

/** One reason a detection is not (fully) covered; `code` is stable, `message` names the resource. */
export interface AuditFinding {
  readonly code: string;
  readonly message: string;
}

export interface TrailAudit {
  readonly name: string;
  readonly arn: string;
  readonly homeRegion: string;
  readonly multiRegion: boolean;
  readonly logging?: boolean;
  /** `All`, `ReadOnly`, `WriteOnly`, `none` or `unknown`. */
  readonly managementEvents: string;
  readonly logGroup?: { readonly region: string; readonly name: string };
  readonly ok: boolean;
  readonly problems: string[];
}

export interface TopicAudit {
  readonly arn: string;
  readonly confirmedSubscriptions?: number;
  readonly pendingSubscriptions?: number;
  readonly kmsKey?: string;
  readonly keyAllowsCloudWatch?: boolean;
  readonly findings: AuditFinding[];
}

export interface DetectionAudit {
  readonly id: string;
  readonly title: string;
  readonly verdict: Verdict;
  readonly findings: AuditFinding[];
  readonly evidence: {
    readonly trail?: string;
    readonly logGroup?: string;
    readonly filter?: { readonly name: string; readonly pattern: string; readonly metric: string };
    readonly alarm?: { readonly name: string; readonly statistic?: string; readonly threshold?: number; readonly actionsEnabled?: boolean };
    readonly topics?: TopicAudit[];
  };
}

/** The `--json` output of `cloudtrail-alarms audit` (documented in the README; stable). */
export interface AuditReport {
  readonly profile: string;
  readonly regions: string[];
  readonly summary: { readonly covered: number; readonly partly: number; readonly notCovered: number };
  readonly trails: TrailAudit[];
  readonly detections: DetectionAudit[];
  readonly problems: CallProblem[];
}

export interface AuditOptions {
  readonly profile: string;
  readonly regions: readonly string[];
  readonly endpoint?: string;
  /** Restrict to these detection ids. */
  readonly detections?: readonly string[];
}

/** Does a key policy let cloudwatch.amazonaws.com use the key for kms:Decrypt and kms:GenerateDataKey*? */
export function keyPolicyAllowsCloudWatch(policyText: string | undefined): boolean {
  if (!policyText) return false;
  let policy: { Statement?: unknown };
  try {
    policy = JSON.parse(policyText);
  } catch {
    return false;
  }
  const statements = Array.isArray(policy.Statement) ? policy.Statement : policy.Statement ? [policy.Statement] : [];
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
  const glob = (pattern: string, value: string) =>
    new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i').test(value);
  const allows = (action: string) =>
    statements.some((s: Record<string, unknown>) => {
      if (s.Effect !== 'Allow') return false;
      const p = s.Principal as Record<string, unknown> | string | undefined;
      const principalOk =
        p === '*' || (typeof p === 'object' && p !== null && (list(p.Service).includes('cloudwatch.amazonaws.com') || list(p.AWS).includes('*')));
      return principalOk && list(s.Action).some((a) => glob(a, action));
    });
  return allows('kms:Decrypt') && allows('kms:GenerateDataKey');
}

function logGroupOf(arn: string | undefined): { region: string; name: string } | undefined {
  if (!arn) return undefined;
  const parts = arn.split(':');
  if (parts.length < 7 || parts[5] !== 'log-group') return undefined;
  return { region: parts[3], name: parts[6] };
}

async function auditTrails(
  clients: Map<string, AwsClients>,
  regions: readonly string[],
  problems: CallProblem[],
  endpoint?: string,
): Promise<TrailAudit[]> {
  const seen = new Map<string, { trail: Trail; region: string }>();
  for (const region of regions) {
    const c = clients.get(region)!;
    const r = await attempt(problems, region, 'cloudtrail:DescribeTrails', () => c.cloudtrail.send(new DescribeTrailsCommand({ includeShadowTrails: true })));
    for (const t of r?.trailList ?? []) if (t.TrailARN && !seen.has(t.TrailARN)) seen.set(t.TrailARN, { trail: t, region });
  }
  const out: TrailAudit[] = [];
  for (const { trail, region } of seen.values()) {
    const home = trail.HomeRegion ?? region;
    const c = clients.get(home) ?? clientsFor(clients, home, endpoint);
    const status = await attempt(problems, home, 'cloudtrail:GetTrailStatus', () => c.cloudtrail.send(new GetTrailStatusCommand({ Name: trail.TrailARN })));
    const selectors = await attempt(problems, home, 'cloudtrail:GetEventSelectors', () => c.cloudtrail.send(new GetEventSelectorsCommand({ TrailName: trail.TrailARN })));
    let management = 'unknown';
    if (selectors) {
      const basic = (selectors.EventSelectors ?? []).filter((s) => s.IncludeManagementEvents !== false);
      const advanced = (selectors.AdvancedEventSelectors ?? []).filter((s) =>
        (s.FieldSelectors ?? []).some((f) => f.Field === 'eventCategory' && (f.Equals ?? []).includes('Management')),
      );
      if (basic.some((s) => (s.ReadWriteType ?? 'All') === 'All')) management = 'All';
      else if (advanced.some((s) => !(s.FieldSelectors ?? []).some((f) => f.Field === 'readOnly'))) management = 'All';
      else if (basic.length > 0) management = basic[0].ReadWriteType ?? 'All';
      else if (advanced.length > 0) management = 'ReadOnly or WriteOnly';
      else management = 'none';
    }
    const logGroup = logGroupOf(trail.CloudWatchLogsLogGroupArn);
    const problemsOf: string[] = [];
    if (!trail.IsMultiRegionTrail) problemsOf.push('not multi-Region');
    if (status && !status.IsLogging) problemsOf.push('not logging');
    if (!status) problemsOf.push('logging status unknown');
    if (management !== 'All') problemsOf.push(`management events: ${management} (needs read and write)`);
    if (!logGroup) problemsOf.push('does not deliver to CloudWatch Logs');
    out.push({
      name: trail.Name ?? trail.TrailARN!,
      arn: trail.TrailARN!,
      homeRegion: home,
      multiRegion: trail.IsMultiRegionTrail ?? false,
      logging: status?.IsLogging,
      managementEvents: management,
      logGroup,
      ok: problemsOf.length === 0,
      problems: problemsOf,
    });
  }
  return out;
}

function clientsFor(clients: Map<string, AwsClients>, region: string, endpoint?: string): AwsClients {
  let c = clients.get(region);
  if (!c) {
    c = awsClients({ region, endpoint });
    clients.set(region, c);
  }
  return c;
}

async function allFilters(c: AwsClients, logGroupName: string, problems: CallProblem[]): Promise<MetricFilter[]> {
  const out: MetricFilter[] = [];
  let nextToken: string | undefined;
  do {
    const r = await attempt(problems, c.region, 'logs:DescribeMetricFilters', () => c.logs.send(new DescribeMetricFiltersCommand({ logGroupName, nextToken })));
    if (!r) break;
    out.push(...(r.metricFilters ?? []));
    nextToken = r.nextToken;
  } while (nextToken);
  return out;
}

async function allAlarms(c: AwsClients, problems: CallProblem[]): Promise<MetricAlarm[]> {
  const out: MetricAlarm[] = [];
  let NextToken: string | undefined;
  do {
    const r = await attempt(problems, c.region, 'cloudwatch:DescribeAlarms', () => c.cloudwatch.send(new DescribeAlarmsCommand({ NextToken })));
    if (!r) break;
    out.push(...(r.MetricAlarms ?? []));
    NextToken = r.NextToken;
  } while (NextToken);
  return out;
}

async function auditTopic(arn: string, clients: Map<string, AwsClients>, problems: CallProblem[], endpoint?: string): Promise<TopicAudit> {
  const region = arn.split(':')[3];
  const c = clientsFor(clients, region, endpoint);
  const findings: AuditFinding[] = [];
  const attrs = await attempt(problems, region, 'sns:GetTopicAttributes', () => c.sns.send(new GetTopicAttributesCommand({ TopicArn: arn })));
  let confirmed: number | undefined;
  let pending: number | undefined;
  let token: string | undefined;
  const subs: Array<{ SubscriptionArn?: string }> = [];
  let listed = true;
  do {
    const r = await attempt(problems, region, 'sns:ListSubscriptionsByTopic', () => c.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn, NextToken: token })));
    if (!r) {
      listed = false;
      break;
    }
    subs.push(...(r.Subscriptions ?? []));
    token = r.NextToken;
  } while (token);
  if (listed) {
    confirmed = subs.filter((s) => s.SubscriptionArn?.startsWith('arn:')).length;
    pending = subs.filter((s) => s.SubscriptionArn === 'PendingConfirmation').length;
    if (confirmed === 0) {
      findings.push({
        code: 'no-confirmed-subscription',
        message: `topic ${arn} has no confirmed subscription${pending ? ` (${pending} pending confirmation)` : ''}: nobody receives the alarm`,
      });
    }
  }
  const kmsKey = attrs?.Attributes?.KmsMasterKeyId;
  let keyAllowsCloudWatch: boolean | undefined;
  if (kmsKey) {
    if (/alias\/aws\/sns$/.test(kmsKey)) {
      keyAllowsCloudWatch = false;
      findings.push({
        code: 'kms-key-denies-cloudwatch',
        message: `topic ${arn} is encrypted with the AWS managed key alias/aws/sns, whose policy cannot let cloudwatch.amazonaws.com use it: alarm notifications are dropped silently. Use a customer managed key that allows kms:Decrypt and kms:GenerateDataKey* to cloudwatch.amazonaws.com`,
      });
    } else {
      const keyRegion = kmsKey.startsWith('arn:') ? kmsKey.split(':')[3] : region;
      const kc = clientsFor(clients, keyRegion, endpoint);
      const policy = await attempt(problems, keyRegion, 'kms:GetKeyPolicy', () => kc.kms.send(new GetKeyPolicyCommand({ KeyId: kmsKey, PolicyName: 'default' })));
      if (policy) {
        keyAllowsCloudWatch = keyPolicyAllowsCloudWatch(policy.Policy);
        if (!keyAllowsCloudWatch) {
          findings.push({
            code: 'kms-key-denies-cloudwatch',
            message: `topic ${arn} is encrypted with KMS key ${kmsKey}, whose key policy does not let cloudwatch.amazonaws.com use it (kms:Decrypt, kms:GenerateDataKey*): alarm notifications are dropped silently`,
          });
        }
      }
    }
  }
  return { arn, confirmedSubscriptions: confirmed, pendingSubscriptions: pending, kmsKey, keyAllowsCloudWatch, findings };
}

interface Coverage {
  readonly covers: boolean;
  readonly matchesAnyPositive: boolean;
  readonly findings: AuditFinding[];
}

/** An account's metric filter, parsed once for all detections (or the syntax error AWS would not have accepted). */
export interface ParsedFilter {
  readonly name: string;
  readonly text: string;
  readonly pattern?: LogFilterPattern;
  readonly error?: string;
}

export function parseFilter(filter: { filterName?: string; filterPattern?: string }): ParsedFilter {
  const name = filter.filterName ?? '(unnamed)';
  const text = filter.filterPattern ?? '';
  try {
    return { name, text, pattern: LogFilterPattern.parse(text) };
  } catch (e) {
    return { name, text, error: (e as Error).message };
  }
}

/** Semantic coverage: the filter, evaluated with the engine, matches every positive fixture and no negative one. */
export function filterCovers(id: DetectionId, filter: ParsedFilter): Coverage {
  const { name, pattern } = filter;
  if (!pattern) {
    return { covers: false, matchesAnyPositive: false, findings: [{ code: 'invalid-pattern', message: `filter ${name}: ${filter.error}` }] };
  }
  // fixtures where the graders' patterns legitimately disagree (differsIn) are not used to judge
  const fixtures = FIXTURES[id].filter((f) => !f.differsIn);
  const findings: AuditFinding[] = [];
  let anyPositive = false;
  for (const f of fixtures) {
    const got = pattern.matchesEvent(f.record);
    if (f.matches && got) anyPositive = true;
    if (f.matches && !got) findings.push({ code: 'filter-misses-positive', message: `filter ${name} does not match positive fixture '${f.name}'` });
    if (!f.matches && got) findings.push({ code: 'filter-matches-negative', message: `filter ${name} matches negative fixture '${f.name}'` });
  }
  return { covers: findings.length === 0, matchesAnyPositive: anyPositive, findings };
}

/** Problems of one alarm on a filter metric (the topics are judged separately). */
export function alarmFindings(alarm: MetricAlarm, metricValue: string | undefined): AuditFinding[] {
  const out: AuditFinding[] = [];
  const name = alarm.AlarmName ?? '(unnamed)';
  const stat = alarm.Statistic ?? alarm.ExtendedStatistic;
  const value = Number(metricValue ?? '1');
  const op = alarm.ComparisonOperator ?? '';
  const threshold = alarm.Threshold ?? 0;
  if (stat !== 'Sum' && stat !== 'SampleCount') {
    const neverFires =
      ['Average', 'Minimum', 'Maximum'].includes(stat ?? '') &&
      ((op === 'GreaterThanOrEqualToThreshold' && threshold > value) || (op === 'GreaterThanThreshold' && threshold >= value));
    out.push(
      neverFires
        ? {
          code: 'average-never-fires',
          message: `alarm ${name} uses statistic ${stat} with threshold ${threshold}: a metric filter emits ${value} per match, so the ${stat?.toLowerCase()} is ${value} and the alarm never fires ("Average with threshold > 1 never fires"). Use Sum`,
        }
        : { code: 'statistic-not-sum', message: `alarm ${name} uses statistic ${stat}; use Sum (or SampleCount) to count matches` },
    );
  }
  if (op.startsWith('LessThan')) {
    out.push({ code: 'comparison-never-fires', message: `alarm ${name} compares with ${op}: it fires on few matches, not on many` });
  }
  if (alarm.ActionsEnabled === false) out.push({ code: 'actions-disabled', message: `alarm ${name} has its actions disabled` });
  if (!(alarm.AlarmActions ?? []).some((a) => a.startsWith('arn:') && a.split(':')[2] === 'sns')) {
    out.push({ code: 'no-sns-action', message: `alarm ${name} has no SNS alarm action` });
  }
  return out;
}

/** Audits the account: per detection of the profile, is there a trail, a filter that covers it, an alarm that fires, a topic someone reads? */
export async function runAudit(o: AuditOptions): Promise<AuditReport> {
  const problems: CallProblem[] = [];
  const clients = new Map<string, AwsClients>();
  for (const r of o.regions) clientsFor(clients, r, o.endpoint);
  const trails = await auditTrails(clients, o.regions, problems, o.endpoint);
  const goodTrails = trails.filter((t) => t.ok);

  // filters on the good trails' log groups, alarms in their regions
  const filters: Array<{ trail: TrailAudit; filter: MetricFilter; parsed: ParsedFilter }> = [];
  const seenGroups = new Set<string>();
  for (const t of goodTrails) {
    const key = `${t.logGroup!.region}|${t.logGroup!.name}`;
    if (seenGroups.has(key)) continue;
    seenGroups.add(key);
    const c = clientsFor(clients, t.logGroup!.region, o.endpoint);
    for (const f of await allFilters(c, t.logGroup!.name, problems)) filters.push({ trail: t, filter: f, parsed: parseFilter(f) });
  }
  const alarmsByMetric = new Map<string, MetricAlarm[]>();
  for (const region of new Set(goodTrails.map((t) => t.logGroup!.region))) {
    for (const a of await allAlarms(clientsFor(clients, region, o.endpoint), problems)) {
      const k = `${region}|${a.Namespace}|${a.MetricName}`;
      alarmsByMetric.set(k, [...(alarmsByMetric.get(k) ?? []), a]);
    }
  }
  const topicCache = new Map<string, Promise<TopicAudit>>();
  const topic = (arn: string) => {
    if (!topicCache.has(arn)) topicCache.set(arn, auditTopic(arn, clients, problems, o.endpoint));
    return topicCache.get(arn)!;
  };

  let entries = profileSpec(o.profile).entries;
  if (o.detections && o.detections.length > 0) entries = entries.filter((e) => o.detections!.includes(e.id));
  const detections: DetectionAudit[] = [];
  for (const pe of entries) {
    const resolved = resolveEntry(pe);
    const entry = resolved.entry;
    const base = { id: entry.id, title: entry.title };
    if (goodTrails.length === 0) {
      const listFailed = problems.some((p) => p.action === 'cloudtrail:DescribeTrails');
      const why =
        trails.length > 0
          ? trails.map((t) => `trail ${t.name}: ${t.problems.join(', ')}`).join('; ')
          : listFailed
            ? 'trails could not be listed: see the failed cloudtrail:DescribeTrails call'
            : 'no trail found';
      detections.push({
        ...base,
        verdict: 'not covered',
        findings: [{ code: 'no-trail', message: `no multi-Region trail that is logging, records management events (read and write) and delivers to CloudWatch Logs (${why})` }],
        evidence: {},
      });
      continue;
    }
    const judged = filters.map((x) => ({ ...x, coverage: filterCovers(entry.id, x.parsed) }));
    const covering = judged.filter((j) => j.coverage.covers);
    if (covering.length === 0) {
      // near misses: filters whose text names every necessary literal of the detection (its event names, sources)
      const clauses = requiredLiterals(LogFilterPattern.parse(resolved.pattern)._node) ?? [];
      const near = clauses.length === 0 ? [] : judged.filter((j) => clauses.every((clause) => clause.some((l) => j.parsed.text.includes(l))));
      const groups = [...new Set(goodTrails.map((t) => t.logGroup!.name))].join(', ');
      detections.push({
        ...base,
        verdict: 'not covered',
        findings: near.length
          ? near.slice(0, 2).flatMap((j) => j.coverage.findings.slice(0, 3))
          : [{ code: 'no-filter', message: `no metric filter on ${groups} matches any of the detection's positive fixtures` }],
        evidence: { logGroup: groups },
      });
      continue;
    }
    // among covering filters, the one whose alarm chain has the fewest problems
    let best: DetectionAudit | undefined;
    for (const j of covering) {
      const tf = j.filter.metricTransformations?.[0];
      const metric = `${tf?.metricNamespace}/${tf?.metricName}`;
      const alarms = alarmsByMetric.get(`${j.trail.logGroup!.region}|${tf?.metricNamespace}|${tf?.metricName}`) ?? [];
      const evidenceBase = {
        trail: j.trail.name,
        logGroup: j.trail.logGroup!.name,
        filter: { name: j.filter.filterName ?? '', pattern: j.filter.filterPattern ?? '', metric },
      };
      if (alarms.length === 0) {
        const candidate: DetectionAudit = {
          ...base,
          verdict: 'partly',
          findings: [{ code: 'no-alarm', message: `filter ${j.filter.filterName} covers the detection but no alarm watches its metric ${metric}` }],
          evidence: evidenceBase,
        };
        if (!best || best.findings.length > candidate.findings.length) best = candidate;
        continue;
      }
      for (const alarm of alarms) {
        const findings = alarmFindings(alarm, tf?.metricValue);
        const snsTopics = (alarm.AlarmActions ?? []).filter((a) => a.split(':')[2] === 'sns');
        const topics = await Promise.all(snsTopics.map(topic));
        const healthy = topics.some((t) => t.findings.length === 0);
        if (topics.length > 0 && !healthy) findings.push(...topics.flatMap((t) => t.findings));
        const candidate: DetectionAudit = {
          ...base,
          verdict: findings.length === 0 ? 'covered' : 'partly',
          findings,
          evidence: {
            ...evidenceBase,
            alarm: { name: alarm.AlarmName ?? '', statistic: alarm.Statistic ?? alarm.ExtendedStatistic, threshold: alarm.Threshold, actionsEnabled: alarm.ActionsEnabled },
            topics,
          },
        };
        if (!best || best.findings.length > candidate.findings.length) best = candidate;
      }
    }
    detections.push(best!);
  }
  return {
    profile: o.profile,
    regions: [...o.regions],
    summary: {
      covered: detections.filter((d) => d.verdict === 'covered').length,
      partly: detections.filter((d) => d.verdict === 'partly').length,
      notCovered: detections.filter((d) => d.verdict === 'not covered').length,
    },
    trails,
    detections,
    problems,
  };
}
