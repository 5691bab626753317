import { DetectionDefinition } from './detection-definition';
import { DetectionId } from './detection-id';
import { CatalogueEntry, ENTRIES } from './entries';
import { GraderName } from './graders';
import { PATTERNS, PatternVariant } from './patterns';
import { GraderFailure, OPT_IN_ENTRIES, PROFILES, ProfileEntry, ProfileSpec } from './profiles';

/**
 * The alarm and metric defaults of every detection, in one place: the construct, the CLI planner (backtest, search)
 * and `detections.json` all read them from here. Values use CloudWatch's own names (`GreaterThanOrEqualToThreshold`,
 * `notBreaching`) so that this module stays free of CDK.
 */
export const ALARM_DEFAULTS = {
  metricNamespace: 'CloudTrailMetrics',
  metricValue: '1',
  periodSeconds: 300,
  evaluationPeriods: 1,
  statistic: 'Sum',
  comparisonOperator: 'GreaterThanOrEqualToThreshold',
  treatMissingData: 'notBreaching',
  /** Threshold of a custom detection (catalogue detections carry their own). */
  customThreshold: 1,
} as const;

export const DEFAULT_NAMESPACE = ALARM_DEFAULTS.metricNamespace;
export const DEFAULT_LARGE_INSTANCE_TYPES: readonly string[] = ['*.8xlarge', '*.4xlarge'];

/** A catalogue detection resolved for one profile: everything needed to build a filter and an alarm. */
export interface ResolvedCatalogueDetection {
  readonly entry: CatalogueEntry;
  readonly profileEntry: ProfileEntry;
  readonly variant: PatternVariant;
  readonly pattern: string;
  readonly graders: readonly GraderName[];
  readonly graderFailures: readonly GraderFailure[];
}

export function entryOf(id: string): CatalogueEntry | undefined {
  return ENTRIES.find((e) => e.id === id);
}

export function profileSpec(name: string): ProfileSpec {
  const spec = PROFILES[name];
  if (!spec) throw new Error(`Unknown detection profile '${name}'. Use one of: ${Object.keys(PROFILES).join(', ')}.`);
  return spec;
}

/**
 * The variant used for a detection outside its profile: the `recommended` choice, or for an opt-in detection (in no
 * profile, such as `root-assumed-session`) its only one.
 */
export function recommendedEntry(id: DetectionId): ProfileEntry {
  const found = PROFILES.recommended.entries.find((e) => e.id === id) ?? OPT_IN_ENTRIES.find((e) => e.id === id);
  if (!found) throw new Error(`Detection '${id}' is in no profile and is not an opt-in detection.`);
  return found;
}

/** The detections that no profile turns on, resolved: turn one on with `overrides: [{ id }]`. */
export function resolveOptIn(): ResolvedCatalogueDetection[] {
  return OPT_IN_ENTRIES.map((pe) => resolveEntry(pe));
}

/** The EC2 large-instance pattern for the given types; AWS's exact string for the default types. */
export function largeInstancePattern(types: readonly string[]): string {
  const clauses = types.map((t) => `($.requestParameters.instanceType = ${/^[A-Za-z0-9_.*-]+$/.test(t) ? t : JSON.stringify(t)})`);
  return `{ ($.eventName = RunInstances) && (${clauses.join(' || ')}) }`;
}

export function resolveEntry(pe: ProfileEntry, largeInstanceTypes?: readonly string[]): ResolvedCatalogueDetection {
  const entry = entryOf(pe.id)!;
  let pattern = PATTERNS[pe.id][pe.variant]!;
  let graders = pe.passes;
  let graderFailures = pe.fails;
  if (pe.id === DetectionId.EC2_LARGE_INSTANCE_CHANGES && largeInstanceTypes) {
    const custom = largeInstancePattern(largeInstanceTypes);
    if (custom !== pattern) {
      pattern = custom;
      graders = [];
      graderFailures = [{ grader: 'aws-template', why: 'Custom large instance types: no longer byte-identical to the template.' }];
    }
  }
  return { entry, profileEntry: pe, variant: pe.variant, pattern, graders, graderFailures };
}

export function resolveProfile(name: string, largeInstanceTypes?: readonly string[]): ResolvedCatalogueDetection[] {
  return profileSpec(name).entries.map((pe) => resolveEntry(pe, largeInstanceTypes));
}

/** Alarm description: what happened, why it matters, how to investigate (CloudWatch allows 1024 characters). */
export function alarmDescription(entry: CatalogueEntry): string {
  return `${entry.title}. ${entry.summary} Investigate: ${entry.investigate}`;
}

/** The public data shape of a resolved detection. */
export function toDefinition(r: ResolvedCatalogueDetection): DetectionDefinition {
  return {
    id: r.entry.id,
    title: r.entry.title,
    description: alarmDescription(r.entry),
    severity: r.entry.severity,
    pattern: r.pattern,
    patternSource: r.variant,
    metricName: r.entry.metricName,
    metricNamespace: DEFAULT_NAMESPACE,
    threshold: r.entry.threshold,
    periodSeconds: ALARM_DEFAULTS.periodSeconds,
    evaluationPeriods: ALARM_DEFAULTS.evaluationPeriods,
    controls: [...r.entry.controls],
    graders: [...r.graders],
    graderFailures: r.graderFailures.map((f) => ({ grader: f.grader, why: f.why })),
  };
}
