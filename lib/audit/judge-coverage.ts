/** Judgement of metric filters and alarms (pure): does a filter catch the detection's events, can its alarm fire? */
import { AuditFinding } from './findings';
import { AlarmState } from './snapshot';
import { DetectionId } from '../catalogue/detection-id';
import { DetectionFixture, FIXTURES } from '../catalogue/fixtures';
import { isTamperDetection } from '../catalogue/tamper-scope';
import { LogFilterPattern } from '../filters/log-filter-pattern';

/** An account's metric filter, parsed once for all detections (or the syntax error AWS would not have accepted). */
export interface ParsedFilter {
  readonly name: string;
  readonly text: string;
  readonly pattern?: LogFilterPattern;
  readonly error?: string;
}

export function parseFilter(filter: { name?: string; filterName?: string; pattern?: string; filterPattern?: string }): ParsedFilter {
  const name = filter.name ?? filter.filterName ?? '(unnamed)';
  const text = filter.pattern ?? filter.filterPattern ?? '';
  try {
    return { name, text, pattern: LogFilterPattern.parse(text) };
  } catch (e) {
    return { name, text, error: (e as Error).message };
  }
}

export interface Coverage {
  readonly covers: boolean;
  readonly matchesAnyPositive: boolean;
  readonly findings: AuditFinding[];
}

/** A fixture: a CloudTrail record and whether the detection must match it. */
export interface JudgeFixture {
  readonly name: string;
  readonly record: unknown;
  readonly matches: boolean;
}

/** The catalogue's fixtures for a detection (those on which the graders' patterns legitimately disagree are left out). */
export function catalogueFixtures(id: DetectionId): JudgeFixture[] {
  return (FIXTURES[id] ?? []).filter((f: DetectionFixture) => !f.differsIn).map((f) => ({ name: f.name, record: f.record, matches: f.matches }));
}

/** `*` globs of CloudWatch values (the only wildcard of a JSON equality). */
function globMatches(glob: string, value: string): boolean {
  return new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(value);
}

/** The instance types a large-instance pattern names (`$.requestParameters.instanceType = X` clauses). */
export function instanceTypesOf(pattern: string): string[] {
  const out: string[] = [];
  const re = /\$\.requestParameters\.instanceType\s*=\s*("((?:[^"\\]|\\.)*)"|[^\s)|&}]+)/g;
  for (let m = re.exec(pattern); m; m = re.exec(pattern)) out.push(m[2] !== undefined ? JSON.parse(`"${m[2]}"`) : m[1]);
  return out;
}

/**
 * The fixtures for a detection as a stack configured it: for the large-instance detection the expected result of
 * every RunInstances fixture follows the instance types the stack's pattern names, and one positive fixture per
 * named type is added. Other detections use the catalogue's fixtures unchanged.
 */
export function adaptFixtures(id: DetectionId, configuredPattern: string): JudgeFixture[] {
  const base = catalogueFixtures(id);
  if (isTamperDetection(id)) return scopedFixtures(base, configuredPattern);
  if (id !== DetectionId.EC2_LARGE_INSTANCE_CHANGES) return base;
  const types = instanceTypesOf(configuredPattern);
  if (types.length === 0) return base;
  const adapted = base.map((f) => {
    const r = f.record as { eventName?: string; requestParameters?: { instanceType?: string } };
    const type = r.requestParameters?.instanceType;
    if (r.eventName !== 'RunInstances' || type === undefined) return f;
    return { ...f, matches: types.some((t) => globMatches(t, type)) };
  });
  const template = base.find((f) => f.matches)!.record as Record<string, any>;
  for (const t of types) {
    const type = t.replace(/\*/g, 'm5');
    adapted.push({ name: `RunInstances ${type} (a configured type)`, record: { ...template, requestParameters: { ...template.requestParameters, instanceType: type } }, matches: true });
  }
  return adapted;
}

/** The `$.requestParameters.<field> = "<glob>"` clauses of a pattern: how a tamper-protection pattern is scoped. */
export function scopeClausesOf(pattern: string): Array<{ field: string; glob: string }> {
  const out: Array<{ field: string; glob: string }> = [];
  const re = /\$\.requestParameters\.([A-Za-z]+(?:\[\*\])?)\s*=\s*"((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(pattern); m; m = re.exec(pattern)) out.push({ field: m[1], glob: JSON.parse(`"${m[2]}"`) });
  return out;
}

/**
 * A tamper-protection detection scoped to a deployment's own resources (the construct scopes them) cannot match the
 * catalogue's positive fixtures, which name other trails, topics and keys. Each positive fixture it misses is tried
 * again on this deployment's resource: with the resource field set to a value each scope clause admits. A variant
 * that matches replaces the fixture; a fixture no variant matches stays, and its finding shows the scope misses.
 * Negative fixtures stay as they are.
 */
function scopedFixtures(base: JudgeFixture[], configuredPattern: string): JudgeFixture[] {
  let pattern: LogFilterPattern;
  try {
    pattern = LogFilterPattern.parse(configuredPattern);
  } catch {
    return base;
  }
  const clauses = scopeClausesOf(configuredPattern);
  if (clauses.length === 0) return base;
  return base.map((f) => {
    if (!f.matches || pattern.matchesEvent(f.record)) return f;
    const record = f.record as Record<string, any>;
    for (const { field, glob } of clauses) {
      const value = glob.replace(/\*/g, 'x');
      const list = field.endsWith('[*]');
      const key = list ? field.slice(0, -3) : field;
      const variant = { ...record, requestParameters: { ...(record.requestParameters ?? {}), [key]: list ? [value] : value } };
      if (pattern.matchesEvent(variant)) return { name: `${f.name} (on this deployment's ${key})`, record: variant, matches: true };
    }
    return f;
  });
}

/** Semantic coverage: the filter, evaluated with the engine, matches every positive fixture and no negative one. */
export function filterCovers(fixtures: readonly JudgeFixture[], filter: ParsedFilter): Coverage {
  const { name, pattern } = filter;
  if (!pattern) {
    return { covers: false, matchesAnyPositive: false, findings: [{ code: 'invalid-pattern', message: `filter ${name}: ${filter.error}` }] };
  }
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
export function alarmFindings(alarm: AlarmState, metricValue: string | undefined): AuditFinding[] {
  const out: AuditFinding[] = [];
  const name = alarm.name;
  const stat = alarm.statistic;
  const value = Number(metricValue ?? '1');
  const op = alarm.comparison ?? '';
  const threshold = alarm.threshold ?? 0;
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
  if (alarm.actionsEnabled === false) out.push({ code: 'actions-disabled', message: `alarm ${name} has its actions disabled` });
  if (!alarm.alarmActions.some((a) => a.startsWith('arn:') && a.split(':')[2] === 'sns')) {
    out.push({ code: 'no-sns-action', message: `alarm ${name} has no SNS alarm action` });
  }
  return out;
}
