/**
 * CloudWatch Metrics Insights queries over a detection's metric: the one form the construct writes (a per-account
 * alarm's `SELECT SUM("Metric") FROM SCHEMA("Namespace", Account, Region) GROUP BY Account, Region`), and the reading
 * of such a query back into its metric, for the notifier (which detection an alarm is about) and the audit (which
 * metric an alarm watches).
 */

/** The Metrics Insights function of each CloudWatch statistic it has one for. */
const FUNCTION_OF_STATISTIC: Readonly<Record<string, string>> = { Sum: 'SUM', SampleCount: 'COUNT', Average: 'AVG', Minimum: 'MIN', Maximum: 'MAX' };
const STATISTIC_OF_FUNCTION: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(FUNCTION_OF_STATISTIC).map(([s, f]) => [f, s]));

/** The Metrics Insights function of a statistic (`Sum` -> `SUM`), or undefined when it has none (a percentile). */
export function insightsFunctionOf(statistic: string): string | undefined {
  return FUNCTION_OF_STATISTIC[statistic];
}

/**
 * The query that groups a metric by dimensions: each group is a time series an alarm evaluates on its own. Names are
 * written in double quotes; `dimensions` as Metrics Insights names them (quoted where they are not plain words).
 */
export function groupedInsightsQuery(fn: string, namespace: string, metricName: string, dimensions: readonly string[]): string {
  const keys = dimensions.join(', ');
  return `SELECT ${fn}("${metricName}") FROM SCHEMA("${namespace}", ${keys}) GROUP BY ${keys}`;
}

/**
 * The metric of a Metrics Insights query (`SELECT SUM("RootAccountUsage") FROM SCHEMA("CloudTrailMetrics", Account,
 * Region) GROUP BY Account, Region`, or `FROM "CloudTrailMetrics"`), with the statistic its function stands for, or
 * undefined when the text is not one (a metric-math expression, say).
 */
export function insightsMetric(query: string | undefined): { namespace: string; metricName: string; statistic: string } | undefined {
  if (query === undefined) return undefined;
  const name = String.raw`(?:"((?:[^"\\]|\\.)*)"|([A-Za-z0-9_.\-/:#]+))`;
  const re = new RegExp(String.raw`^\s*SELECT\s+(SUM|COUNT|AVG|MIN|MAX)\s*\(\s*${name}\s*\)\s+FROM\s+(?:SCHEMA\s*\(\s*${name}[^)]*\)|${name})`, 'i');
  const m = re.exec(query);
  if (!m) return undefined;
  const metricName = m[2] ?? m[3];
  const namespace = m[4] ?? m[5] ?? m[6] ?? m[7];
  return { namespace, metricName, statistic: STATISTIC_OF_FUNCTION[m[1].toUpperCase()] };
}
