// Internal (not exported from lib/index.ts): the per-account metric filter and alarm of one detection
// (`perAccountAlarms`): the detection's pattern counted into its metric with account and Region dimensions, and one
// Metrics Insights alarm that evaluates each (account, Region) time series on its own.
import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { groupedInsightsQuery, insightsFunctionOf } from '../../catalogue/metrics-insights';
import { AccountDimensionSource } from '../account-dimension-source';
import { alarmSettingsOf, metricFilterPropsOf, PlannedDetection } from './detection-plan';

/** The suffix of the construct ids of a per-account filter and alarm. */
const ID_SUFFIX = 'ByAccount';
/** The suffix of a per-account alarm's name. */
export const PER_ACCOUNT_ALARM_SUFFIX = '-by-account';
/** Metrics Insights alarms evaluate only the latest three hours of data. */
const METRICS_INSIGHTS_WINDOW_SECONDS = 3 * 3600;

export interface PerAccountResources {
  readonly metricFilter: logs.MetricFilter;
  readonly alarm: cloudwatch.Alarm;
}

/** The dimensions of a per-account metric, as Metrics Insights names them (quoted when they are not plain words). */
export function accountDimensionKeys(source: AccountDimensionSource): [string, string] {
  return source === AccountDimensionSource.SYSTEM_FIELDS ? ['"@aws.account"', '"@aws.region"'] : ['Account', 'Region'];
}

/**
 * The Metrics Insights query of a per-account alarm: the detection's aggregate grouped by account and Region, so that
 * each (account, Region) time series is a contributor of the alarm, evaluated and notified on its own.
 */
export function perAccountQuery(plan: Pick<PlannedDetection, 'id' | 'statistic' | 'metricNamespace' | 'metricName'>, source: AccountDimensionSource): string {
  const fn = insightsFunctionOf(plan.statistic);
  if (fn === undefined) {
    throw new Error(
      `Detection '${plan.id}': \`perAccountAlarms\` alarms on a Metrics Insights query, which has no function for statistic '${plan.statistic}'. Use 'Sum' (the default) or 'SampleCount'.`,
    );
  }
  return groupedInsightsQuery(fn, plan.metricNamespace, plan.metricName, accountDimensionKeys(source));
}

/**
 * Creates the per-account filter (beside the detection's own, which stays as it is) and its alarm.
 * @throws Error naming the detection when the plan cannot be evaluated per account
 */
export function createPerAccountAlarm(
  filterScope: Construct,
  alarmScope: Construct,
  ids: { readonly filterId: string; readonly alarmId: string },
  logGroup: logs.ILogGroup,
  plan: PlannedDetection,
  source: AccountDimensionSource,
): PerAccountResources {
  for (const [what, v] of [['metricName', plan.metricName], ['metricNamespace', plan.metricNamespace], ['statistic', plan.statistic]] as const) {
    if (Token.isUnresolved(v)) {
      throw new Error(`Detection '${plan.id}': \`perAccountAlarms\` needs the ${what} at synth time (it is written into a Metrics Insights query), got a deploy-time value.`);
    }
  }
  if (plan.periodSeconds * plan.evaluationPeriods > METRICS_INSIGHTS_WINDOW_SECONDS) {
    throw new Error(
      `Detection '${plan.id}': \`perAccountAlarms\` alarms on a Metrics Insights query, which evaluates only the latest 3 hours of data; \`period\` x \`evaluationPeriods\` is ${plan.periodSeconds} x ${plan.evaluationPeriods} seconds. Keep it at most ${METRICS_INSIGHTS_WINDOW_SECONDS} seconds, or turn \`perAccountAlarms\` off for this construct.`,
    );
  }
  for (const [what, v] of [['metricName', plan.metricName], ['metricNamespace', plan.metricNamespace]] as const) {
    if (v.includes('"') || v.includes('\\')) {
      throw new Error(`Detection '${plan.id}': \`perAccountAlarms\` writes the ${what} into a Metrics Insights query, which cannot hold a double quote or a backslash, got '${v}'. Choose a ${what} without them.`);
    }
  }
  const query = perAccountQuery(plan, source);
  const metricFilter = new logs.MetricFilter(filterScope, `${ids.filterId}${ID_SUFFIX}`, {
    // the detection's own metric name, with dimensions: a different metric to CloudWatch (the detection's alarm
    // watches the one without dimensions), and the graders, which match an alarm to a filter by metric name only,
    // find the detection's alarm for this filter too
    ...metricFilterPropsOf(plan, logGroup),
    dimensions: source === AccountDimensionSource.RECORD_FIELDS ? { Account: '$.recipientAccountId', Region: '$.awsRegion' } : undefined,
  });
  if (source === AccountDimensionSource.SYSTEM_FIELDS) {
    (metricFilter.node.defaultChild as logs.CfnMetricFilter).emitSystemFieldDimensions = ['@aws.account', '@aws.region'];
  }
  const alarm = new cloudwatch.Alarm(alarmScope, `${ids.alarmId}${ID_SUFFIX}`, {
    metric: new cloudwatch.MathExpression({
      expression: query,
      usingMetrics: {},
      period: Duration.seconds(plan.periodSeconds),
      label: `${plan.id} per account and Region`,
    }),
    ...alarmSettingsOf(plan),
    alarmName: plan.alarmName !== undefined ? `${plan.alarmName}${PER_ACCOUNT_ALARM_SUFFIX}` : undefined,
    alarmDescription: `Per account and Region: ${plan.alarmDescription}`.slice(0, 1024),
  });
  return { metricFilter, alarm };
}
