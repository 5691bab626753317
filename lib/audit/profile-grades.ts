/**
 * Which graders' controls an app's filters and alarms satisfy for a detection profile (pure). The audit's detection
 * judge finds, for each detection of the profile, the filter of the app that catches its events and the alarm chain
 * behind it; the profile's own grader claims (checked against the graders' written rules by the catalogue's tests)
 * then say which graders pass a filter whose pattern is the profile's string byte for byte.
 */
import { AppModel, AppResource, isCloudTrailFilter } from './app-model';
import { appSnapshot, logGroupName } from './app-snapshot';
import { AuditFinding, FindingCode } from './findings';
import { catalogueFixtures } from './judge-coverage';
import { judgeContext, judgeDetection } from './judge-detections';
import { GraderName } from '../catalogue/graders';
import { APPLICABLE } from '../catalogue/profiles';
import { profileSpec, resolveEntry } from '../catalogue/resolve';

/**
 * `satisfied`; `missed` (the profile claims the grader for the detection, and the app fails it); `not-judged` (a
 * regular-expression grader on a pattern that is not the profile's string: the audit judges it after deployment);
 * `not-claimed` (the profile's own pattern is not built for this grader, see `why`).
 */
export type GradeStatus = 'satisfied' | 'missed' | 'not-judged' | 'not-claimed';

/** One grader's verdict on one detection of the profile. */
export interface ControlGrade {
  readonly detection: string;
  readonly title: string;
  readonly grader: GraderName;
  /** The controls of the detection (`SecurityHub:CloudWatch.1`, `CIS-1.4:4.3`, ...). */
  readonly controls: readonly string[];
  readonly status: GradeStatus;
  readonly why: string;
  /** The app's filter that catches the detection's events, when there is one. */
  readonly filter?: AppResource;
}

/** What each grader requires of the alarm chain besides the filter (docs/graders: Prowler compares the metric name only). */
const CHAIN_CODES: Readonly<Record<GraderName, readonly FindingCode[]>> = {
  'prowler': ['no-alarm'],
  'prowler-legacy': ['no-alarm'],
  'steampipe': ['no-alarm', 'no-sns-action', 'no-confirmed-subscription'],
  'security-hub': ['no-alarm', 'no-sns-action', 'no-confirmed-subscription'],
  'aws-template': ['no-alarm', 'no-sns-action'],
};

/** Graders that compare the pattern string exactly (the others run regexes over it). */
const EXACT: ReadonlySet<GraderName> = new Set<GraderName>(['security-hub', 'aws-template']);

const controlsOf = (grader: GraderName, controls: readonly string[]): string[] =>
  grader === 'security-hub' ? controls.filter((c) => c.startsWith('SecurityHub:')) : grader === 'aws-template' ? controls.filter((c) => c.startsWith('AWSTemplate:')) : controls.filter((c) => c.startsWith('CIS-'));

const messages = (findings: readonly AuditFinding[]) => findings.map((f) => f.message).join('; ');

/**
 * Grades the app against every grader that checks a detection of the profile; only the graders the profile claims for
 * a detection can be missed. Throws on an unknown profile name.
 */
export function gradeProfile(model: AppModel, profileName: string): ControlGrade[] {
  const spec = profileSpec(profileName);
  const external = model.trails.length === 0;
  const groups = external
    ? [...new Set(model.filters.filter((f) => isCloudTrailFilter(model, f)).map(logGroupName).filter((g): g is string => g !== undefined))]
    : [];
  const ctx = judgeContext(appSnapshot(model, { externalTrailLogGroups: groups }));
  const trailNote = external ? ' (the trail is outside the app: its settings are not judged)' : '';
  const out: ControlGrade[] = [];
  for (const pe of spec.entries) {
    const r = resolveEntry(pe);
    const graders = APPLICABLE[r.entry.id];
    if (graders.length === 0) continue;
    const audit = judgeDetection(ctx, { id: r.entry.id, title: r.entry.title, pattern: r.pattern, fixtures: catalogueFixtures(r.entry.id) });
    const filterName = audit.evidence.filter?.name;
    const filter = model.filters.find((f) => filterName !== undefined && (f.resource.constructPath ?? f.resource.key) === filterName)?.resource;
    const base = { detection: r.entry.id, title: r.entry.title, filter };
    for (const grader of graders) {
      const controls = controlsOf(grader, r.entry.controls);
      const grade = (status: GradeStatus, why: string) => out.push({ ...base, grader, controls, status, why });
      if (!r.graders.includes(grader)) {
        const failure = r.graderFailures.find((f) => f.grader === grader);
        grade('not-claimed', `the profile's pattern is not built for ${grader}${failure ? `: ${failure.why}` : ''}`);
        continue;
      }
      if (audit.verdict === 'not covered' || !audit.evidence.filter) {
        grade('missed', messages(audit.findings) || "no metric filter of the app catches the detection's events");
        continue;
      }
      const chain = audit.findings.filter((f) => CHAIN_CODES[grader].includes(f.code));
      if (chain.length > 0) {
        grade('missed', messages(chain));
      } else if (audit.evidence.filter.pattern === r.pattern) {
        grade('satisfied', `filter ${filterName} has the profile's pattern byte for byte and an alarm chain ${grader} accepts${trailNote}`);
      } else if (EXACT.has(grader)) {
        grade('missed', `filter ${filterName} catches the detection's events, but ${grader} accepts only the prescribed string byte for byte: ${JSON.stringify(r.pattern)} (the filter has ${JSON.stringify(audit.evidence.filter.pattern)})`);
      } else {
        grade('not-judged', `filter ${filterName} catches the detection's events with a pattern that is not the profile's string; whether ${grader}'s regular expression accepts it is judged by \`cloudtrail-alarms audit\`, not at synth`);
      }
    }
  }
  return out;
}
