/**
 * What the audit saw in one account: plain data, filled by the collectors (collect.ts) from SDK calls and judged
 * by pure functions (judge-*.ts). Tests build snapshots by hand. `undefined` always means "could not be read" (the
 * failed call is in `problems`), never "none".
 */
import type { CallProblem } from './call-problem';

export interface LogGroupRef {
  readonly region: string;
  readonly name: string;
  /** The account that owns the log group (an organization trail's group lives in the trail's account). */
  readonly account?: string;
}

export interface FieldSelectorState {
  readonly field: string;
  readonly equals?: readonly string[];
  readonly notEquals?: readonly string[];
}

export interface EventSelectorsState {
  readonly basic: ReadonlyArray<{
    readonly includeManagementEvents?: boolean;
    readonly readWriteType?: string;
    readonly excludeManagementEventSources?: readonly string[];
  }>;
  readonly advanced: ReadonlyArray<{ readonly fieldSelectors: readonly FieldSelectorState[] }>;
}

export interface TrailState {
  readonly name: string;
  readonly arn: string;
  readonly homeRegion: string;
  readonly multiRegion: boolean;
  readonly organizationTrail: boolean;
  readonly logGroupArn?: string;
  /** undefined: GetTrailStatus failed. */
  readonly isLogging?: boolean;
  /** undefined: GetEventSelectors failed. */
  readonly selectors?: EventSelectorsState;
}

export interface FilterState {
  readonly logGroup: LogGroupRef;
  readonly name: string;
  readonly pattern: string;
  readonly namespace?: string;
  readonly metricName?: string;
  readonly metricValue?: string;
  /**
   * The names of the metric's dimensions (the transformation's dimension keys and the emitted system fields,
   * sorted): a filter with dimensions publishes another metric than one without, under the same name (a
   * per-account filter). Empty or undefined: none.
   */
  readonly dimensions?: readonly string[];
}

export interface AlarmState {
  readonly region: string;
  readonly name: string;
  readonly namespace?: string;
  readonly metricName?: string;
  readonly statistic?: string;
  readonly threshold?: number;
  readonly period?: number;
  readonly evaluationPeriods?: number;
  readonly datapointsToAlarm?: number;
  readonly comparison?: string;
  readonly treatMissingData?: string;
  readonly actionsEnabled?: boolean;
  readonly alarmActions: readonly string[];
  readonly okActions: readonly string[];
}

export interface SubscriptionState {
  /** A subscription ARN, or `PendingConfirmation` / `Deleted` as SNS reports them. */
  readonly arn: string;
  readonly protocol: string;
  readonly endpoint: string;
}

export interface TopicState {
  readonly arn: string;
  /** undefined: GetTopicAttributes failed. */
  readonly attributes?: Readonly<Record<string, string>>;
  /** undefined: ListSubscriptionsByTopic failed. */
  readonly subscriptions?: readonly SubscriptionState[];
}

export interface KeyState {
  /** The key id or ARN as the topic names it. */
  readonly id: string;
  /** The key policy document as KMS returned it; undefined: GetKeyPolicy failed. */
  readonly policy?: string;
}

export interface FunctionState {
  readonly arn: string;
  /** undefined: lambda:ListTags failed. */
  readonly tags?: Readonly<Record<string, string>>;
  /** undefined: lambda:GetFunctionConfiguration failed. */
  readonly environment?: Readonly<Record<string, string>>;
}

export interface AccountSnapshot {
  /** From sts:GetCallerIdentity. */
  readonly account?: string;
  readonly regions: readonly string[];
  /** false when cloudtrail:DescribeTrails failed in every Region. */
  readonly trailsListed: boolean;
  readonly trails: readonly TrailState[];
  /** Log groups whose filters were read (listed: DescribeMetricFilters answered). */
  readonly logGroups: ReadonlyArray<LogGroupRef & { readonly listed: boolean }>;
  readonly filters: readonly FilterState[];
  /** Regions whose alarms were read (listed: DescribeAlarms answered). */
  readonly alarmRegions: ReadonlyArray<{ readonly region: string; readonly listed: boolean }>;
  readonly alarms: readonly AlarmState[];
  readonly topics: Readonly<Record<string, TopicState>>;
  readonly keys: Readonly<Record<string, KeyState>>;
  readonly functions: Readonly<Record<string, FunctionState>>;
  readonly problems: readonly CallProblem[];
}

/** The log group of a CloudWatch Logs log-group ARN (with or without the trailing `:*`). */
export function logGroupOf(arn: string | undefined): LogGroupRef | undefined {
  if (!arn) return undefined;
  const parts = arn.split(':');
  if (parts.length < 7 || parts[5] !== 'log-group') return undefined;
  return { region: parts[3], name: parts[6], account: parts[4] || undefined };
}

/** The account of an ARN, if it has one. */
export function accountOf(arn: string): string | undefined {
  return arn.split(':')[4] || undefined;
}
