import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { LogFilterPattern } from '../../filters/log-filter-pattern';
import { DetectionSelection, planDetections, PlannedDetection, PlanningAlarmSettings } from '../../planning/plan-detections';
import { CustomDetection, DetectionOverride, DetectionSelectionProps } from '../detection-settings';

export { MAX_METRIC_FILTERS_PER_LOG_GROUP } from '../../planning/plan-detections';
export type { PlannedDetection } from '../../planning/plan-detections';

/**
 * The construct's side of the one planner: turns the CDK-typed selection props (Durations, CDK enums,
 * `logs.IFilterPattern`) into the planner's CDK-free input, and plans.
 */
export function planFromProps(props: DetectionSelectionProps, extra: Pick<DetectionSelection, 'tamperScope' | 'tamperScopeOptions'> = {}): PlannedDetection[] {
  return planDetections({ ...selectionFromProps(props), ...extra });
}

/** The CDK-free selection for these props. */
export function selectionFromProps(props: DetectionSelectionProps): DetectionSelection {
  return {
    profile: props.profile?.name,
    overrides: props.overrides?.map((o) => ({ ...settingsOf(o), ...overrideFields(o) })),
    customDetections: props.customDetections?.map((c) => ({ ...settingsOf(c), ...customFields(c) })),
    largeInstanceTypes: props.largeInstanceTypes,
    metricNamespace: props.metricNamespace,
    alarmNamePrefix: props.alarmNamePrefix,
    isUnresolved: (v) => Token.isUnresolved(v),
  };
}

/** The period of a plan as a CDK Duration. */
export function periodOf(plan: PlannedDetection): Duration {
  return Duration.seconds(plan.periodSeconds);
}

/** The comparison operator of a plan as the CDK enum (the enum's values are CloudWatch's names). */
function comparisonOperatorOf(plan: PlannedDetection): cloudwatch.ComparisonOperator {
  return plan.comparisonOperator as cloudwatch.ComparisonOperator;
}

/** The missing-data treatment of a plan as the CDK enum (the enum's values are CloudWatch's names). */
function treatMissingDataOf(plan: PlannedDetection): cloudwatch.TreatMissingData {
  return plan.treatMissingData as cloudwatch.TreatMissingData;
}

/** The metric filter of a plan on a log group: its pattern, published to its metric. */
export function metricFilterPropsOf(plan: PlannedDetection, logGroup: logs.ILogGroup): logs.MetricFilterProps {
  return {
    logGroup,
    filterPattern: plan.filterPattern,
    metricNamespace: plan.metricNamespace,
    metricName: plan.metricName,
    metricValue: plan.metricValue,
  };
}

/** The alarm settings of a plan (everything but the metric), its actions enabled. */
export function alarmSettingsOf(plan: PlannedDetection): Omit<cloudwatch.AlarmProps, 'metric'> {
  return {
    alarmName: plan.alarmName,
    alarmDescription: plan.alarmDescription,
    threshold: plan.threshold,
    evaluationPeriods: plan.evaluationPeriods,
    datapointsToAlarm: plan.datapointsToAlarm,
    comparisonOperator: comparisonOperatorOf(plan),
    treatMissingData: treatMissingDataOf(plan),
    actionsEnabled: true,
  };
}

function settingsOf(s: DetectionOverride | CustomDetection): PlanningAlarmSettings {
  return {
    threshold: s.threshold,
    periodSeconds: s.period?.toSeconds(),
    evaluationPeriods: s.evaluationPeriods,
    datapointsToAlarm: s.datapointsToAlarm,
    comparisonOperator: s.comparisonOperator,
    treatMissingData: s.treatMissingData,
    statistic: s.statistic,
    metricNamespace: s.metricNamespace,
    metricValue: s.metricValue,
    alarmDescription: s.alarmDescription,
    alarmName: s.alarmName,
  };
}

function overrideFields(o: DetectionOverride) {
  return {
    id: o.id,
    enabled: o.enabled,
    metricName: o.metricName,
    severity: o.severity,
    exclusions: o.exclusions,
    ssoAware: o.ssoAware,
    gradedTwin: o.gradedTwin,
  };
}

function customFields(c: CustomDetection) {
  // a LogFilterPattern is passed as it is; any other IFilterPattern is parsed (and validated) from its string
  const pattern = c.pattern instanceof LogFilterPattern ? c.pattern : c.pattern.logPatternString;
  return { id: c.id, title: c.title, description: c.description, pattern, metricName: c.metricName, severity: c.severity };
}
