/**
 * What CloudWatch and CloudWatch Logs accept (PutMetricAlarm, PutMetricFilter and the CloudFormation resource
 * references), checked at synth so that a bad value fails `cdk synth` instead of the deployment.
 */
export const LIMITS = {
  /** `AlarmName`: 1-255 characters, no ASCII control characters. */
  alarmName: 255,
  /** `AlarmDescription`: at most 1024 characters. */
  alarmDescription: 1024,
  /** `MetricName` (alarm and metric transformation): 1-255 characters. */
  metricName: 255,
  /** `Namespace` / `MetricNamespace`: 1-255 characters. */
  metricNamespace: 255,
  /** `MetricValue` of a metric transformation: at most 100 characters. */
  metricValue: 100,
  /** `Period` x `EvaluationPeriods`: at most one day. */
  periodTimesEvaluationPeriods: 86_400,
} as const;

/** CloudWatch's comparison operators for a static threshold. */
export const COMPARISON_OPERATORS: readonly string[] = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
];

/** CloudWatch's `TreatMissingData` values. */
export const TREAT_MISSING_DATA: readonly string[] = ['breaching', 'notBreaching', 'ignore', 'missing'];

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Throws when `value` is empty, too long, holds an ASCII control character or (optionally) a forbidden one. */
export function checkName(value: string, where: string, max: number, what: string, forbidden?: RegExp): void {
  if (value.length === 0 || value.length > max) {
    throw new Error(`${where} must be 1-${max} characters (${what}), got ${value.length}: '${printable(value)}'.`);
  }
  const control = CONTROL.exec(value);
  if (control) {
    throw new Error(
      `${where} must not contain ASCII control characters (${what}), got '${printable(value)}' with ${JSON.stringify(control[0])} at position ${control.index}.`,
    );
  }
  const bad = forbidden?.exec(value);
  if (bad) throw new Error(`${where} must not contain '${bad[0]}' (${what}), got '${value}'.`);
}

/** Throws unless `value` is a namespace CloudWatch accepts for custom metrics. */
export function checkNamespace(value: string, where: string): void {
  checkName(value, where, LIMITS.metricNamespace, 'a metric namespace', /[:*$]/);
  if (value.startsWith('AWS/')) {
    throw new Error(`${where} must not start with 'AWS/' (reserved for metrics of AWS services), got '${value}'. Use your own namespace such as 'CloudTrailMetrics'.`);
  }
}

/** Throws unless `seconds` is a period CloudWatch alarms accept: 10, 20, 30 or a multiple of 60. */
export function checkPeriod(seconds: number, where: string): void {
  if (!Number.isFinite(seconds) || !([10, 20, 30].includes(seconds) || (seconds > 0 && seconds % 60 === 0))) {
    throw new Error(
      `${where} must be 10, 20 or 30 seconds or a multiple of 60 seconds (what CloudWatch alarms accept), got ${seconds} seconds.`,
    );
  }
}

function printable(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}
