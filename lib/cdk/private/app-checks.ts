// Internal (not exported from lib/index.ts): the checks that need the whole app, registered once per app by every
// CloudTrailAlarms and every standalone CloudTrailDetectionAlarm. They look at every metric filter and alarm of the
// app, this library's or not.
import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { checkAlarmNames } from '../../planning/alarm-names';
import { checkMetricPublishers, MetricPublisher } from '../../planning/metric-publishers';

/** The constructs that registered: a metric filter below one of them is that construct's. */
const OWNERS = new WeakSet<IConstruct>();

const CHECKED_ROOTS = new WeakSet<object>();

/**
 * Registers, once per app, the app-wide checks at synth: every metric filter in the app (this construct's, any
 * logs.MetricFilter or CfnMetricFilter) is counted against the 100-filter quota of its log group, two filters that
 * deploy to the same account and Region may not publish the same metric (each event would be counted twice), and two
 * alarms that deploy there may not have one name.
 */
export function registerAppChecks(scope: Construct): void {
  OWNERS.add(scope);
  const root = scope.node.root;
  if (CHECKED_ROOTS.has(root)) return;
  CHECKED_ROOTS.add(root);
  root.node.addValidation({
    validate: () => {
      const publishers = root.node.findAll().filter((c): c is logs.CfnMetricFilter => c instanceof logs.CfnMetricFilter).map(publisherOf);
      const { errors, warnings } = checkMetricPublishers(publishers);
      const named = root.node.findAll().filter((c): c is cloudwatch.CfnAlarm => c instanceof cloudwatch.CfnAlarm).flatMap((alarm) => {
        const stack = Stack.of(alarm);
        const name = stack.resolve(alarm.alarmName);
        if (typeof name !== 'string') return [];
        const concrete = !Token.isUnresolved(stack.account) && !Token.isUnresolved(stack.region);
        return [{ path: alarm.node.path, name, concrete, environment: concrete ? `${stack.account}/${stack.region}` : `stack ${stack.node.path}` }];
      });
      errors.push(...checkAlarmNames(named));
      for (const w of warnings) {
        Annotations.of(root.node.findAll().find((c) => c.node.path === w.path) ?? root).addWarningV2('cloudtrail-alarms:metricMayBeCountedTwice', w.message);
      }
      return errors;
    },
  });
}

function publisherOf(filter: logs.CfnMetricFilter): MetricPublisher {
  const stack = Stack.of(filter);
  const concrete = !Token.isUnresolved(stack.account) && !Token.isUnresolved(stack.region);
  const text = (v: unknown): string | undefined => {
    const resolved = stack.resolve(v);
    return typeof resolved === 'string' ? resolved : undefined;
  };
  const resolvedLogGroup = stack.resolve(filter.logGroupName);
  // a name is the same log group wherever it is used in the account and Region; a reference only within its stack
  const logGroup = typeof resolvedLogGroup === 'string' ? resolvedLogGroup
    : typeof resolvedLogGroup?.Ref === 'string' ? `${resolvedLogGroup.Ref} of stack ${stack.node.path}`
      : `${JSON.stringify(resolvedLogGroup)} of stack ${stack.node.path}`;
  let owner: IConstruct | undefined = filter.node.scope;
  while (owner && !OWNERS.has(owner)) owner = owner.node.scope;
  const transformations = stack.resolve(filter.metricTransformations);
  const first = Array.isArray(transformations) ? transformations[0] : undefined;
  return {
    path: filter.node.path,
    owner: owner?.node.path ?? (filter.node.id === 'Resource' && filter.node.scope ? filter.node.scope.node.path : filter.node.path),
    ownedByConstruct: owner !== undefined,
    environment: concrete ? `${stack.account}/${stack.region}` : `stack ${stack.node.path}`,
    concrete,
    logGroup,
    pattern: text(filter.filterPattern) ?? JSON.stringify(stack.resolve(filter.filterPattern)),
    metricNamespace: typeof first?.metricNamespace === 'string' ? first.metricNamespace : undefined,
    metricName: typeof first?.metricName === 'string' ? first.metricName : undefined,
    dimensions: [
      ...(Array.isArray(first?.dimensions) ? first.dimensions.map((d: { key?: unknown }) => String(d.key)) : []),
      ...(stack.resolve(filter.emitSystemFieldDimensions) ?? []).map(String),
    ],
  };
}
