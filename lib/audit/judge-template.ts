/**
 * Judgement against a template (pure): is what is deployed still what the template says? Each expected metric
 * filter is found by log group and metric; its pattern is compared byte for byte and by meaning; each expected
 * alarm is compared field by field; coverage uses the template's own pattern with fixtures adapted to its settings.
 */
import { AuditFinding } from './findings';
import { adaptFixtures, filterCovers, JudgeFixture, parseFilter } from './judge-coverage';
import { DetectionAudit, doubleCountFinding, hasDimensions, judgeChain, JudgeContext, JudgedFilter, noTrailAudit } from './judge-detections';
import { isControlTowerLogGroup } from './judge-trails';
import { AlarmState } from './snapshot';
import { ExpectedAlarm, ExpectedFilter, fitJoin, resolveValue, TemplateExpectation, TemplateRef } from './template';
import { insightsMetric } from '../catalogue/metrics-insights';
import { LogFilterPattern } from '../filters/log-filter-pattern';

/** A joined value with each reference shown as `<LogicalId>` (for messages, when it cannot be resolved). */
function joinedText(v: { readonly join: ReadonlyArray<string | TemplateRef> }): string {
  return v.join.map((p) => (typeof p === 'string' ? p : `<${p.ref}${p.attribute ? `.${p.attribute}` : ''}>`)).join('');
}

export interface TemplateResolution {
  /** Physical ids of the deployed stack by logical id (empty when the stack could not be read). */
  readonly physical: ReadonlyMap<string, string>;
  readonly region: string;
  readonly account?: string;
}

/** The log group names a filter may be on: the resolved name, or (when only CloudFormation knows it) undefined = any trail's. */
export function expectedLogGroup(f: ExpectedFilter, exp: TemplateExpectation, r: TemplateResolution): string | undefined {
  return resolveValue(f.logGroup, r.physical, exp.types, r.region, r.account);
}

function sameLogGroup(expected: string, actual: string): boolean {
  // Control Tower's group carries a suffix in newer landing zones; a template naming the base name means that group
  return expected === actual || (expected === 'aws-controltower/CloudTrailLogs' && isControlTowerLogGroup(actual));
}

/** Byte and semantic comparison of the template's pattern with the deployed one. */
export function patternDrift(filterName: string, expected: string, deployed: string, fixtures: readonly JudgeFixture[]): AuditFinding | undefined {
  if (expected === deployed) return undefined;
  const shown = `template: ${JSON.stringify(expected)}; deployed: ${JSON.stringify(deployed)}`;
  let a: LogFilterPattern | undefined;
  let b: LogFilterPattern | undefined;
  try {
    a = LogFilterPattern.parse(expected);
    b = LogFilterPattern.parse(deployed);
  } catch {
    // one side does not parse: certainly a different meaning
  }
  if (a && b && a.canonical === b.canonical) {
    return { code: 'pattern-reformatted', message: `filter ${filterName}: the stored pattern differs from the template's byte for byte but parses to the same pattern (${shown})` };
  }
  let meaning = 'a different pattern';
  if (a && b) {
    const differ = fixtures.filter((f) => a!.matchesEvent(f.record) !== b!.matchesEvent(f.record)).map((f) => `'${f.name}'`);
    meaning = differ.length
      ? `a different meaning: the two disagree on fixture(s) ${differ.slice(0, 3).join(', ')}${differ.length > 3 ? ` and ${differ.length - 3} more` : ''}`
      : `a different pattern (they agree on all ${fixtures.length} fixtures, but do not parse to the same pattern)`;
  } else if (!b) {
    meaning = 'a pattern the engine cannot parse';
  }
  return { code: 'pattern-drift', message: `filter ${filterName}: the deployed pattern is not the template's, ${meaning} (${shown})` };
}

/** Field-by-field comparison of an expected alarm with a deployed one. */
export function alarmDrift(expected: ExpectedAlarm, deployed: AlarmState, expectedActions: ReadonlyArray<string | undefined>): AuditFinding[] {
  const diffs: string[] = [];
  const cmp = (field: string, want: unknown, got: unknown) => {
    if (want !== undefined && want !== got) diffs.push(`${field}: template ${want}, deployed ${got ?? '(none)'}`);
  };
  cmp('statistic', expected.statistic, deployed.statistic);
  cmp('threshold', expected.threshold, deployed.threshold);
  cmp('period', expected.period, deployed.period);
  cmp('evaluation periods', expected.evaluationPeriods, deployed.evaluationPeriods);
  // DatapointsToAlarm defaults to EvaluationPeriods on both sides
  cmp('datapoints to alarm', expected.datapointsToAlarm ?? expected.evaluationPeriods, deployed.datapointsToAlarm ?? deployed.evaluationPeriods);
  cmp('comparison', expected.comparison, deployed.comparison);
  const known = expectedActions.filter((a): a is string => a !== undefined);
  const missing = known.filter((a) => !deployed.alarmActions.includes(a));
  if (missing.length) diffs.push(`alarm actions: template has ${missing.join(', ')}, deployed ${deployed.alarmActions.join(', ') || '(none)'}`);
  else if (expectedActions.length !== deployed.alarmActions.length) diffs.push(`alarm actions: template has ${expectedActions.length}, deployed ${deployed.alarmActions.length}`);
  return diffs.length ? [{ code: 'alarm-drift', message: `alarm ${deployed.name} (${expected.logicalId} in the template) differs: ${diffs.join('; ')}` }] : [];
}

/**
 * The per-account filters and alarms of a template's filter (`perAccountAlarms`): each must be deployed, the filter
 * with the same metric and dimensions on the same log group, the alarm (a Metrics Insights query over the metric)
 * under its name.
 */
function perAccountFindings(
  ctx: JudgeContext,
  exp: TemplateExpectation,
  f: ExpectedFilter,
  perAccount: readonly ExpectedFilter[],
  onGroup: readonly JudgedFilter[],
): AuditFinding[] {
  const findings: AuditFinding[] = [];
  for (const p of perAccount.filter((x) => x.namespace === f.namespace && x.metricName === f.metricName)) {
    const deployed = onGroup.some(
      (x) => x.state.namespace === p.namespace && x.state.metricName === p.metricName && (x.state.dimensions ?? []).join(',') === p.dimensions.join(','),
    );
    if (!deployed) {
      findings.push({
        code: 'not-deployed',
        message: `per-account metric filter ${p.logicalId} (publishing ${p.namespace}/${p.metricName} with dimensions ${p.dimensions.join(', ')}) is not deployed`,
      });
    }
  }
  const over = (q: string) => {
    const m = insightsMetric(q);
    return m !== undefined && m.namespace === f.namespace && m.metricName === f.metricName;
  };
  for (const a of exp.alarms.filter((x) => x.query !== undefined && over(x.query))) {
    if (a.alarmName !== undefined && !ctx.snapshot.alarms.some((d) => d.name === a.alarmName)) {
      findings.push({ code: 'not-deployed', message: `per-account alarm ${a.alarmName} (${a.query}) is not deployed` });
    }
  }
  return findings;
}

/** Judges every metric filter of a template (one detection each; detections the template does not deploy are not judged). */
export function judgeTemplate(ctx: JudgeContext, exp: TemplateExpectation, r: TemplateResolution): DetectionAudit[] {
  const out: DetectionAudit[] = [];
  // a per-account filter (the detection's metric with dimensions) is judged with its detection, not as one
  const perAccount = exp.filters.filter((f) => f.dimensions.length > 0);
  for (const f of exp.filters) {
    if (f.dimensions.length > 0) continue;
    const base = { id: f.detection.id, title: f.detection.title };
    const group = expectedLogGroup(f, exp, r);
    const onGroup = group !== undefined ? ctx.allFilters.filter((x) => sameLogGroup(group, x.state.logGroup.name)) : ctx.filters;
    const candidates: JudgedFilter[] = onGroup.filter(
      (x) =>
        x.state.namespace === f.namespace &&
        x.state.metricName === f.metricName &&
        !hasDimensions(x.state) &&
        (f.filterName === undefined || x.state.name === f.filterName),
    );
    const metric = `${f.namespace}/${f.metricName}`;
    if (candidates.length === 0) {
      if (ctx.goodTrails.length === 0 && group === undefined) {
        out.push(noTrailAudit(ctx, base));
        continue;
      }
      out.push({
        ...base,
        verdict: 'not covered',
        findings: [
          {
            code: 'not-deployed',
            message: `metric filter ${f.logicalId} (publishing ${metric} on ${group ?? `the log group of trail ${ctx.goodTrails.map((t) => t.name).join(', ')}`}) is not deployed`,
          },
        ],
        evidence: { logGroup: group },
      });
      continue;
    }
    // the template's pattern: a literal, or a join of literals and references (resolved with the stack's physical ids,
    // or else read off the deployed pattern when that has the template's literal parts in order)
    const resolved = resolveValue(f.pattern, r.physical, exp.types, r.region, r.account);
    const fitted = resolved === undefined && 'join' in f.pattern ? candidates.map((x) => fitJoin(f.pattern as { join: [] }, x.state.pattern)).find((x) => x !== undefined) : undefined;
    const templatePattern = resolved ?? fitted ?? ('join' in f.pattern ? joinedText(f.pattern) : undefined);
    const fixtures = f.detection.catalogue && templatePattern !== undefined ? adaptFixtures(f.detection.catalogue, templatePattern) : [];
    const findings: AuditFinding[] = [];
    if (templatePattern === undefined) {
      findings.push({ code: 'invalid-pattern', message: `filter ${f.logicalId}: the template's FilterPattern is not a literal string (${JSON.stringify(f.pattern)}), so it cannot be compared` });
    }
    const chosen = candidates.find((x) => x.state.pattern === templatePattern) ?? candidates[0];
    const dc = doubleCountFinding(chosen.state, ctx.sameMetric(chosen.state));
    if (dc) findings.push(dc);
    if (templatePattern !== undefined) {
      const drift = patternDrift(chosen.state.name, templatePattern, chosen.state.pattern, fixtures);
      if (drift) findings.push(drift);
      // the template's own pattern must still catch the detection's (adapted) fixtures
      const own = filterCovers(fixtures, parseFilter({ name: `${f.logicalId} (template)`, pattern: templatePattern }));
      findings.push(...own.findings);
    }
    const coverage = filterCovers(fixtures, chosen.parsed);
    findings.push(...coverage.findings);
    findings.push(...perAccountFindings(ctx, exp, f, perAccount, onGroup));
    if (!chosen.trail) {
      findings.push({
        code: 'no-trail',
        message: `log group ${chosen.state.logGroup.name} of filter ${chosen.state.name} receives no events from a multi-Region trail that is logging and records management events (read and write)`,
      });
    }
    const expectedAlarms = exp.alarms.filter((a) => a.namespace === f.namespace && a.metricName === f.metricName);
    const deployedAlarms = ctx.alarmsOn(chosen.state.logGroup.region, f.namespace, f.metricName);
    const missingAlarms = expectedAlarms.filter((a) => a.alarmName !== undefined && !deployedAlarms.some((d) => d.name === a.alarmName));
    if (expectedAlarms.length > 0 && (deployedAlarms.length === 0 || missingAlarms.length === expectedAlarms.length)) {
      const audit = judgeChain(ctx, base, chosen, findings);
      out.push({
        ...audit,
        verdict: 'partly',
        findings: [
          ...audit.findings.filter((x) => x.code !== 'no-alarm'),
          ...expectedAlarms.map((a) => ({ code: 'not-deployed' as const, message: `alarm ${a.alarmName ?? a.logicalId} on ${metric} is not deployed` })),
        ],
      });
      continue;
    }
    const drift = (a: AlarmState) => {
      const e = expectedAlarms.find((x) => x.alarmName === a.name) ?? expectedAlarms[0];
      if (!e) return [];
      const actions = e.alarmActions.map((v) => resolveValue(v, r.physical, exp.types, r.region, r.account));
      return alarmDrift(e, a, actions);
    };
    const audit = judgeChain(ctx, base, chosen, findings, drift);
    // a deployed filter that misses the detection's events covers nothing, whatever its alarm
    out.push(coverage.covers ? audit : { ...audit, verdict: 'not covered' });
  }
  return out;
}
