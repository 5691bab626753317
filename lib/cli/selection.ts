import { BacktestDetection } from '../backtest';
import { DetectionId } from '../catalogue/detection-id';
import { DetectionProfile } from '../catalogue/detection-profile';
import { entryOf, profileSpec, recommendedEntry, resolveEntry } from '../catalogue/resolve';
import { LogFilterPattern } from '../log-filter-pattern';
import { FilterPatternSyntaxError } from '../pattern';
import { UsageError } from './io';
import { profileOption } from './patterns';

/** The detections selected by --profile and --detection, with the catalogue's alarm settings. */
export function selectDetections(profileName: string | undefined, ids: readonly string[] | undefined): BacktestDetection[] {
  const profile: DetectionProfile = profileOption(profileName);
  const spec = profileSpec(profile.name);
  let entries = spec.entries;
  if (ids && ids.length > 0) {
    entries = ids.map((id) => {
      if (!entryOf(id)) {
        throw new UsageError(`unknown detection '${id}'. Use one of: ${Object.values(DetectionId).join(', ')}`);
      }
      // a detection outside the profile uses the recommended pattern
      return spec.entries.find((e) => e.id === id) ?? recommendedEntry(id as DetectionId);
    });
  }
  return entries.map((pe) => {
    const r = resolveEntry(pe);
    return {
      id: r.entry.id,
      title: r.entry.title,
      severity: r.entry.severity,
      pattern: LogFilterPattern.parse(r.pattern),
      periodSeconds: 300,
      threshold: r.entry.threshold,
      evaluationPeriods: 1,
    };
  });
}

export function parsePatternOption(text: string): LogFilterPattern {
  try {
    return LogFilterPattern.parse(text);
  } catch (e) {
    if (e instanceof FilterPatternSyntaxError) throw new UsageError(`invalid filter pattern: ${e.message}`, e.caret());
    throw e;
  }
}

/** Parses --from/--to: ISO 8601 date or date-time. */
export function parseTime(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(t)) {
    throw new UsageError(`${option} must be an ISO 8601 date or date-time such as 2026-11-01 or 2026-11-01T12:00:00Z, got '${value}'`);
  }
  return t;
}
