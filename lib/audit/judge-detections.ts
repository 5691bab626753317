/**
 * Judgement of detections (pure): per detection, the trail, the filter that covers it, the alarm on the filter's
 * metric and the topics that reach people. Works on an AccountSnapshot only.
 */
import type { CallProblem } from './call-problem';
import { AuditFinding, gaps } from './findings';
import { alarmFindings, filterCovers, JudgeFixture, ParsedFilter, parseFilter } from './judge-coverage';
import { judgeTopic, TopicAudit } from './judge-topics';
import { judgeTrail, noTrailReason, TrailAudit } from './judge-trails';
import { AccountSnapshot, AlarmState, FilterState } from './snapshot';
import { LogFilterPattern } from '../filters/log-filter-pattern';
import { requiredLiterals } from '../pattern/required-literals';

export type Verdict = 'covered' | 'partly' | 'not covered';

export interface AlarmEvidence {
  readonly name: string;
  readonly statistic?: string;
  readonly threshold?: number;
  readonly comparison?: string;
  readonly actionsEnabled?: boolean;
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
    readonly alarm?: AlarmEvidence;
    readonly topics?: TopicAudit[];
    /** Set when the detection is covered in another account through its organization trail. */
    readonly organizationTrail?: { readonly account: string; readonly trail: string; readonly logGroup: string };
  };
}

export interface JudgedFilter {
  readonly trail?: TrailAudit;
  readonly state: FilterState;
  readonly parsed: ParsedFilter;
}

/** Everything judged once per snapshot and shared by the detections. */
export interface JudgeContext {
  readonly snapshot: AccountSnapshot;
  readonly trails: TrailAudit[];
  readonly goodTrails: TrailAudit[];
  /** Filters on the good trails' log groups. */
  readonly filters: JudgedFilter[];
  /** Every collected filter (also on log groups no good trail delivers to, e.g. a template's). */
  readonly allFilters: JudgedFilter[];
  readonly problems: CallProblem[];
  alarmsOn(region: string, namespace?: string, metricName?: string): AlarmState[];
  topic(arn: string): TopicAudit;
  /** The other filters that publish the same metric in the same Region (double counting). */
  sameMetric(f: FilterState): FilterState[];
}

export const metricKey = (region: string, namespace?: string, metric?: string) => `${region}|${namespace}|${metric}`;
/** A filter's metric: its name with its dimensions (the same name with other dimensions is another metric). */
const filterMetricKey = (f: FilterState) => `${metricKey(f.logGroup.region, f.namespace, f.metricName)}|${(f.dimensions ?? []).join(',')}`;

/** True for a filter that publishes its metric with dimensions (a per-account filter), not the detection's own count. */
export function hasDimensions(f: FilterState): boolean {
  return (f.dimensions ?? []).length > 0;
}

export function judgeContext(s: AccountSnapshot): JudgeContext {
  const trails = s.trails.map((t) => judgeTrail(t, s.account));
  const goodTrails = trails.filter((t) => t.ok);
  const trailOfGroup = new Map(goodTrails.map((t) => [`${t.logGroup!.region}|${t.logGroup!.name}`, t]));
  const allFilters: JudgedFilter[] = s.filters.map((f) => ({ trail: trailOfGroup.get(`${f.logGroup.region}|${f.logGroup.name}`), state: f, parsed: parseFilter(f) }));
  const filters = allFilters.filter((f) => f.trail !== undefined);
  const alarms = new Map<string, AlarmState[]>();
  for (const a of s.alarms) {
    const k = metricKey(a.region, a.namespace, a.metricName);
    alarms.set(k, [...(alarms.get(k) ?? []), a]);
  }
  const byMetric = new Map<string, FilterState[]>();
  for (const f of s.filters) {
    const k = filterMetricKey(f);
    byMetric.set(k, [...(byMetric.get(k) ?? []), f]);
  }
  const problems: CallProblem[] = [...s.problems];
  const topics = new Map<string, TopicAudit>();
  return {
    snapshot: s,
    trails,
    goodTrails,
    filters,
    allFilters,
    problems,
    alarmsOn: (region, namespace, metricName) => alarms.get(metricKey(region, namespace, metricName)) ?? [],
    topic: (arn) => {
      if (!topics.has(arn)) topics.set(arn, judgeTopic(s, arn, problems));
      return topics.get(arn)!;
    },
    sameMetric: (f) => (byMetric.get(filterMetricKey(f)) ?? []).filter((o) => o !== f),
  };
}

/** The finding for a metric that several filters publish, or none. */
export function doubleCountFinding(f: FilterState, others: readonly FilterState[]): AuditFinding | undefined {
  if (others.length === 0) return undefined;
  const metric = `${f.namespace}/${f.metricName}`;
  const all = [f, ...others].map((x) => `${x.name} (log group ${x.logGroup.name})`).join(', ');
  return {
    code: 'metric-double-counted',
    message: `${others.length + 1} filters publish ${metric}: ${all}. Each matching event is counted by each of them, so the alarm fires at a fraction of its threshold; give each its own metric namespace (metricNamespace) or remove the duplicate`,
  };
}

function verdictOf(findings: readonly AuditFinding[]): Verdict {
  return gaps(findings).length === 0 ? 'covered' : 'partly';
}

/**
 * The alarm chain of one filter that covers a detection: among the alarms on its metric, the one with the fewest
 * problems. `extra` findings (drift, double counting) are added to every candidate.
 */
export function judgeChain(
  ctx: JudgeContext,
  base: { id: string; title: string },
  f: JudgedFilter,
  extra: readonly AuditFinding[],
  alarmPick?: (a: AlarmState) => AuditFinding[],
): DetectionAudit {
  const st = f.state;
  const metric = `${st.namespace}/${st.metricName}`;
  const evidenceBase = {
    trail: f.trail?.name,
    logGroup: st.logGroup.name,
    filter: { name: st.name, pattern: st.pattern, metric },
  };
  const alarms = ctx.alarmsOn(st.logGroup.region, st.namespace, st.metricName);
  if (alarms.length === 0) {
    const findings = [...extra, { code: 'no-alarm' as const, message: `filter ${st.name} covers the detection but no alarm watches its metric ${metric}` }];
    return { ...base, verdict: 'partly', findings, evidence: evidenceBase };
  }
  let best: DetectionAudit | undefined;
  for (const alarm of alarms) {
    const findings: AuditFinding[] = [...extra, ...(alarmPick ? alarmPick(alarm) : []), ...alarmFindings(alarm, st.metricValue)];
    const topics = alarm.alarmActions.filter((a) => a.split(':')[2] === 'sns').map((a) => ctx.topic(a));
    const reaching = topics.filter((t) => gaps(t.findings).length === 0);
    if (topics.length > 0 && reaching.length === 0) findings.push(...topics.flatMap((t) => t.findings));
    else findings.push(...reaching.flatMap((t) => t.findings));
    const candidate: DetectionAudit = {
      ...base,
      verdict: verdictOf(findings),
      findings,
      evidence: {
        ...evidenceBase,
        alarm: {
          name: alarm.name,
          statistic: alarm.statistic,
          threshold: alarm.threshold,
          comparison: alarm.comparison,
          actionsEnabled: alarm.actionsEnabled,
        },
        topics,
      },
    };
    if (!best || gaps(best.findings).length > gaps(candidate.findings).length) best = candidate;
  }
  return best!;
}

/** What the audit expects of one detection. */
export interface ExpectedDetection {
  readonly id: string;
  readonly title: string;
  /** The pattern the detection is written with (for near-miss reporting). */
  readonly pattern: string;
  readonly fixtures: readonly JudgeFixture[];
}

/** The no-trail verdict, shared by every mode. */
export function noTrailAudit(ctx: JudgeContext, base: { id: string; title: string }): DetectionAudit {
  return {
    ...base,
    verdict: 'not covered',
    findings: [
      {
        code: 'no-trail',
        message: `no multi-Region trail that is logging, records management events (read and write) and delivers to CloudWatch Logs (${noTrailReason(ctx.trails, ctx.snapshot.trailsListed)})`,
      },
    ],
    evidence: {},
  };
}

/** Judges one detection against the account's filters (profile mode: any filter that covers it semantically). */
export function judgeDetection(ctx: JudgeContext, d: ExpectedDetection): DetectionAudit {
  const base = { id: d.id, title: d.title };
  if (ctx.goodTrails.length === 0) return noTrailAudit(ctx, base);
  const judged = ctx.filters.map((x) => ({ ...x, coverage: filterCovers(d.fixtures, x.parsed) }));
  const covering = judged.filter((j) => j.coverage.covers);
  if (covering.length === 0) {
    // near misses: filters whose text names every necessary literal of the detection (its event names, sources)
    const clauses = requiredLiterals(LogFilterPattern.parse(d.pattern)._node) ?? [];
    const near = clauses.length === 0 ? [] : judged.filter((j) => clauses.every((clause) => clause.some((l) => j.parsed.text.includes(l))));
    const groups = [...new Set(ctx.goodTrails.map((t) => t.logGroup!.name))].join(', ');
    return {
      ...base,
      verdict: 'not covered',
      findings: near.length
        ? near.slice(0, 2).flatMap((j) => j.coverage.findings.slice(0, 3))
        : [{ code: 'no-filter', message: `no metric filter on ${groups} matches any of the detection's positive fixtures` }],
      evidence: { logGroup: groups },
    };
  }
  let best: DetectionAudit | undefined;
  // a detection's own count first: a per-account filter (same pattern and metric name, with dimensions) is judged
  // only when no other filter covers it
  covering.sort((a, b) => Number(hasDimensions(a.state)) - Number(hasDimensions(b.state)));
  for (const j of covering) {
    const dc = doubleCountFinding(j.state, ctx.sameMetric(j.state));
    const candidate = judgeChain(ctx, base, j, dc ? [dc] : []);
    if (!best || gaps(best.findings).length > gaps(candidate.findings).length) best = candidate;
  }
  return best!;
}

export interface DetectionsJudgement {
  readonly trails: TrailAudit[];
  readonly detections: DetectionAudit[];
  readonly problems: CallProblem[];
}

/** Judges a list of detections (a profile's) against a snapshot. */
export function judgeDetections(s: AccountSnapshot, expected: readonly ExpectedDetection[]): DetectionsJudgement {
  const ctx = judgeContext(s);
  const detections = expected.map((d) => judgeDetection(ctx, d));
  return { trails: ctx.trails, detections, problems: ctx.problems };
}
