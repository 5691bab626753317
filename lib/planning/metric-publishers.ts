import { MAX_METRIC_FILTERS_PER_LOG_GROUP } from './plan-detections';

/** One metric filter of an app, as the app-wide checks see it. */
export interface MetricPublisher {
  /** Construct path of the filter. */
  readonly path: string;
  /** Construct path of what created it (the CloudTrailAlarms construct, or the filter itself). */
  readonly owner: string;
  /** True when `owner` is a construct of this library (CloudTrailAlarms, CloudTrailDetectionAlarm). */
  readonly ownedByConstruct: boolean;
  /**
   * Where it deploys: `account/region` when both are known, otherwise a key unique to its stack (an
   * environment-agnostic stack cannot be told apart from any other).
   */
  readonly environment: string;
  /** True when `environment` is a concrete account and Region. */
  readonly concrete: boolean;
  /** The log group, as text: a name, or the resolved reference. */
  readonly logGroup: string;
  readonly pattern: string;
  /** Undefined when not known at synth time (then the filter is only counted against the quota). */
  readonly metricNamespace?: string;
  readonly metricName?: string;
  /**
   * The metric's dimension names, sorted (record-field dimensions and emitted system fields): the same name with
   * other dimensions is another metric. Empty or undefined: none.
   */
  readonly dimensions?: readonly string[];
}

export interface PublisherProblems {
  /** Synth errors. */
  readonly errors: string[];
  /** Warnings, each for one filter's path. */
  readonly warnings: Array<{ readonly path: string; readonly message: string }>;
}

/**
 * The app-wide rules: no two filters that deploy to the same account and Region publish one metric (each event
 * would be counted twice), and no log group has more than 100 filters (the CloudWatch Logs quota).
 */
export function checkMetricPublishers(publishers: readonly MetricPublisher[]): PublisherProblems {
  const errors: string[] = [];
  const warnings: Array<{ path: string; message: string }> = [];

  const byMetric = new Map<string, MetricPublisher[]>();
  for (const p of publishers) {
    if (p.metricNamespace === undefined || p.metricName === undefined) continue;
    const dims = [...(p.dimensions ?? [])].sort();
    const key = dims.length > 0 ? `${p.metricNamespace}/${p.metricName} (dimensions ${dims.join(', ')})` : `${p.metricNamespace}/${p.metricName}`;
    byMetric.set(key, [...(byMetric.get(key) ?? []), p]);
  }
  // one message per pair of owners, listing every metric they share
  const pairs = new Map<string, { a: MetricPublisher; b: MetricPublisher; sameEnvironment: boolean; metrics: string[]; how: Set<string> }>();
  for (const [metric, group] of byMetric) {
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        const [a, b] = [group[i], group[j]];
        if (a.concrete && b.concrete && a.environment !== b.environment) continue;
        const how = a.logGroup !== b.logGroup ? `from different log groups (${a.logGroup} and ${b.logGroup})`
          : a.pattern !== b.pattern ? `from one log group (${a.logGroup}) with different patterns`
            : `from one log group (${a.logGroup}) with the same pattern`;
        const key = `${a.owner}\u0000${b.owner}`;
        const pair = pairs.get(key) ?? { a, b, sameEnvironment: a.environment === b.environment, metrics: [], how: new Set<string>() };
        pair.metrics.push(metric);
        pair.how.add(how);
        pairs.set(key, pair);
      }
    }
  }
  for (const { a, b, sameEnvironment, metrics, how } of pairs.values()) {
    const what = metrics.length === 1 ? `Metric ${metrics[0]} is` : `${metrics.length} metrics (${metrics.join(', ')}) are each`;
    const whose = a.owner === b.owner ? `${a.path} and ${b.path}` : `${a.owner} and ${b.owner}`;
    if (sameEnvironment) {
      errors.push(
        `${what} published by two metric filters that deploy to the same account and Region (${a.concrete ? a.environment : 'the same stack'}): ${whose}, ${[...how].join('; ')}. CloudWatch adds their datapoints, so each event is counted twice and the alarms fire at half their threshold. Set \`metricNamespace\` on one of the CloudTrailAlarms constructs (or give the other filter its own metric name).`,
      );
    } else {
      warnings.push({
        path: b.owner,
        message: `${what} also published by ${a.owner} (${[...how].join('; ')}), and a stack without an explicit account and Region cannot be told apart from it: if both deploy to the same account and Region, each event is counted twice. Give the stacks an \`env\`, or set \`metricNamespace\` on one of the CloudTrailAlarms constructs.`,
      });
    }
  }

  const byLogGroup = new Map<string, MetricPublisher[]>();
  for (const p of publishers) {
    const key = `${p.environment} ${p.logGroup}`;
    byLogGroup.set(key, [...(byLogGroup.get(key) ?? []), p]);
  }
  for (const group of byLogGroup.values()) {
    if (group.length <= MAX_METRIC_FILTERS_PER_LOG_GROUP) continue;
    const owners = new Map<string, number>();
    let others = 0;
    for (const p of group) {
      if (p.ownedByConstruct) owners.set(p.owner, (owners.get(p.owner) ?? 0) + 1);
      else others++;
    }
    const list = [...[...owners].map(([owner, n]) => `${n} from ${owner}`), ...(others > 0 ? [`${others} other metric filters`] : [])].join(', ');
    errors.push(
      `Log group ${group[0].logGroup} would have ${group.length} metric filters in this app (${list}); CloudWatch Logs allows at most ${MAX_METRIC_FILTERS_PER_LOG_GROUP} per log group, and the deployment would fail. Disable detections with \`overrides\`, or move filters to another log group.`,
    );
  }
  return { errors, warnings };
}
