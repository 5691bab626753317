/**
 * The synth-time checks of an app's CloudTrail alarm pipelines (pure): every way a metric filter, its alarm, the
 * alarm's topic and the topic's key can be deployed and stay silent. The alarm and topic verdicts are the audit's own
 * (alarmFindings, judgeTopic), run on the app's snapshot.
 */
import { AppAlarm, AppFilter, AppModel, AppResource, isAwsNamespace, isCloudTrailFilter, WatchedMetric } from './app-model';
import { appArn, appSnapshot } from './app-snapshot';
import type { CallProblem } from './call-problem';
import { alarmFindings } from './judge-coverage';
import { judgeTopic } from './judge-topics';

/** The rule ids, stable: users acknowledge them by id. */
export const PIPELINE_RULE_IDS = {
  FILTER_WITHOUT_ALARM: 'CloudTrailAlarms-FilterWithoutAlarm',
  ALARM_ON_UNEMITTED_METRIC: 'CloudTrailAlarms-AlarmOnUnemittedMetric',
  STATISTIC_NOT_SUM: 'CloudTrailAlarms-StatisticNotSum',
  LESS_THAN_ON_COUNT: 'CloudTrailAlarms-LessThanOnCount',
  ALARM_WITHOUT_ACTION: 'CloudTrailAlarms-AlarmWithoutAction',
  TOPIC_WITHOUT_SUBSCRIPTION: 'CloudTrailAlarms-TopicWithoutSubscription',
  TOPIC_KEY_DENIES_CLOUDWATCH: 'CloudTrailAlarms-TopicKeyDeniesCloudWatch',
  FILTER_ON_UNTRAILED_LOG_GROUP: 'CloudTrailAlarms-FilterOnUntrailedLogGroup',
  PROFILE_CONTROL_MISSED: 'CloudTrailAlarms-ProfileControlMissed',
  PROFILE_CONTROLS_MET: 'CloudTrailAlarms-ProfileControlsMet',
} as const;

/** The namespace this library publishes to by default: an alarm there watches a filter metric. */
const LIBRARY_NAMESPACE = 'CloudTrailMetrics';

/** One mistake: the rule, the resource, where in it, what goes wrong and how to fix it. */
export interface PipelineViolation {
  readonly rule: string;
  readonly resource: AppResource;
  /** A path in the resource (`Properties/Statistic`). */
  readonly location: string;
  readonly message: string;
  readonly fix: string;
}

/** How a resource is named in messages: its construct path, else its stack and logical id. */
export function nameOf(r: AppResource): string {
  return r.constructPath ?? `${r.logicalId} (stack ${r.stack})`;
}

const metricKey = (namespace?: string, metricName?: string) => `${namespace}|${metricName}`;

export function checkPipelines(model: AppModel): PipelineViolation[] {
  const out: PipelineViolation[] = [];
  const onFunctionLogs = (f: AppFilter) => f.logGroup !== undefined && model.functionLogGroups.has(f.logGroup.key);
  const cloudTrailFilters = model.filters.filter((f) => isCloudTrailFilter(model, f) && !onFunctionLogs(f));
  const emittedBy = new Map<string, AppFilter[]>();
  for (const f of model.filters) {
    const k = metricKey(f.namespace, f.metricName);
    emittedBy.set(k, [...(emittedBy.get(k) ?? []), f]);
  }
  const filterNamespaces = new Set([LIBRARY_NAMESPACE, ...cloudTrailFilters.map((f) => f.namespace).filter((n): n is string => n !== undefined)]);
  const watching = (f: AppFilter) => model.alarms.filter((a) => a.watches.some((w) => w.namespace === f.namespace && w.metricName === f.metricName));

  // filters nobody watches
  for (const f of cloudTrailFilters) {
    if (watching(f).length > 0) continue;
    const metric = `${f.namespace}/${f.metricName}`;
    out.push({
      rule: PIPELINE_RULE_IDS.FILTER_WITHOUT_ALARM,
      resource: f.resource,
      location: 'Properties/MetricTransformations/0/MetricName',
      message: `Metric filter ${nameOf(f.resource)} publishes ${metric}, but no alarm in the app watches that metric: its matches are counted and nobody is told.`,
      fix: `Add an alarm on ${metric} (statistic Sum, threshold 1, GreaterThanOrEqualToThreshold, an SNS action): \`filter.metric({ statistic: 'Sum' }).createAlarm(...)\`, or remove the filter.`,
    });
  }

  // filters on log groups no trail of the app delivers to (judged only when the app holds a trail)
  if (model.trails.length > 0) {
    for (const f of cloudTrailFilters) {
      if (!f.logGroup || model.trails.some((t) => t.logGroup?.key === f.logGroup!.key)) continue;
      const trails = model.trails.map((t) => nameOf(t.resource)).join(', ');
      out.push({
        rule: PIPELINE_RULE_IDS.FILTER_ON_UNTRAILED_LOG_GROUP,
        resource: f.resource,
        location: 'Properties/LogGroupName',
        message: `Metric filter ${nameOf(f.resource)} is on log group ${nameOf(f.logGroup)}, which no trail of the app delivers to (the app's trails: ${trails}): it never sees a CloudTrail event.`,
        fix: "Put the filter on the trail's log group (`trail.logGroup` of a `cloudtrail.Trail` with `sendToCloudWatchLogs: true`, or the log group you pass to `cloudWatchLogGroup`).",
      });
    }
  }

  const snapshot = appSnapshot(model);
  const problems: CallProblem[] = [];
  const topicsToJudge = new Map<string, { topic: AppResource; alarms: AppAlarm[] }>();
  for (const a of model.alarms) {
    const custom = a.watches.filter((w) => !isAwsNamespace(w.namespace));
    if (custom.length === 0) continue;
    // alarms on metrics no filter publishes, in a namespace filters publish to
    for (const w of custom) {
      if (emittedBy.has(metricKey(w.namespace, w.metricName)) || w.namespace === undefined || !filterNamespaces.has(w.namespace)) continue;
      out.push(unemitted(model, a, w));
    }
    const onFilters = custom.flatMap((w) => (emittedBy.get(metricKey(w.namespace, w.metricName)) ?? []).slice(0, 1).map((f) => ({ w, f })));
    if (onFilters.length === 0) continue;
    const seen = new Set<string>();
    const add = (v: PipelineViolation) => {
      if (!seen.has(v.rule)) out.push(v);
      seen.add(v.rule);
    };
    for (const { w, f } of onFilters) {
      const name = a.resource.constructPath ?? a.resource.key;
      const state = snapshot.alarms.find((s) => s.name === name && s.namespace === w.namespace && s.metricName === w.metricName)!;
      for (const finding of alarmFindings(state, f.metricValue)) {
        const metric = `${w.namespace}/${w.metricName}`;
        if (finding.code === 'average-never-fires' || finding.code === 'statistic-not-sum') {
          add({
            rule: PIPELINE_RULE_IDS.STATISTIC_NOT_SUM,
            resource: a.resource,
            location: w.location === 'Properties/MetricName' ? 'Properties/Statistic' : w.location,
            message:
              `Alarm ${nameOf(a.resource)} uses statistic ${w.statistic ?? '(none)'} on ${metric}, which metric filter ${nameOf(f.resource)} publishes as ${f.metricValue ?? '1'} per matching event: ` +
              (finding.code === 'average-never-fires'
                ? `the ${(w.statistic ?? '').toLowerCase()} of a period with matches is ${f.metricValue ?? '1'}, below the threshold ${a.threshold}, so the alarm never fires.`
                : 'it does not count matches.'),
            fix: "Use the statistic Sum (or SampleCount) to count matching events: `filter.metric({ statistic: 'Sum' })`.",
          });
        }
        if (finding.code === 'comparison-never-fires') {
          add({
            rule: PIPELINE_RULE_IDS.LESS_THAN_ON_COUNT,
            resource: a.resource,
            location: 'Properties/ComparisonOperator',
            message: `Alarm ${nameOf(a.resource)} compares the count ${metric} with ${a.comparison} ${a.threshold}: it fires when few events match, not when they happen.`,
            fix: 'Use GreaterThanOrEqualToThreshold (`cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD`) with the threshold of matches that should page.',
          });
        }
        if (finding.code === 'actions-disabled') {
          add({
            rule: PIPELINE_RULE_IDS.ALARM_WITHOUT_ACTION,
            resource: a.resource,
            location: 'Properties/ActionsEnabled',
            message: `Alarm ${nameOf(a.resource)} on ${metric} has its actions disabled: it changes state and tells nobody.`,
            fix: 'Remove `actionsEnabled: false`.',
          });
        }
      }
    }
    if (a.actions.length === 0) {
      const metrics = onFilters.map(({ w }) => `${w.namespace}/${w.metricName}`).join(', ');
      add({
        rule: PIPELINE_RULE_IDS.ALARM_WITHOUT_ACTION,
        resource: a.resource,
        location: 'Properties/AlarmActions',
        message: `Alarm ${nameOf(a.resource)} on ${metrics} has no alarm action: it changes state and tells nobody.`,
        fix: 'Add an SNS action with a subscriber: `alarm.addAlarmAction(new cloudwatch_actions.SnsAction(topic))`.',
      });
    }
    for (const action of a.actions) {
      if (action.resource?.type !== 'AWS::SNS::Topic') continue;
      const entry = topicsToJudge.get(action.resource.key) ?? { topic: action.resource, alarms: [] };
      entry.alarms.push(a);
      topicsToJudge.set(action.resource.key, entry);
    }
  }

  // the alarms' topics, judged by the audit's topic judge
  for (const { topic, alarms } of topicsToJudge.values()) {
    const verdict = judgeTopic(snapshot, appArn(topic), problems);
    const alarmNames = alarms.map((a) => nameOf(a.resource)).join(', ');
    if (verdict.findings.some((f) => f.code === 'no-confirmed-subscription')) {
      out.push({
        rule: PIPELINE_RULE_IDS.TOPIC_WITHOUT_SUBSCRIPTION,
        resource: topic,
        location: 'Properties/Subscription',
        message: `Topic ${nameOf(topic)}, the action of alarm(s) ${alarmNames}, has no subscription in the app: the alarm publishes to nobody.`,
        fix: 'Subscribe someone to the topic (`topic.addSubscription(new subscriptions.EmailSubscription(address))`, a chat or paging endpoint), or point the alarm at a topic that has subscribers.',
      });
    }
    if (verdict.findings.some((f) => f.code === 'kms-key-denies-cloudwatch')) {
      const key = model.topics.find((t) => t.resource.key === topic.key)?.key;
      out.push({
        rule: PIPELINE_RULE_IDS.TOPIC_KEY_DENIES_CLOUDWATCH,
        resource: topic,
        location: 'Properties/KmsMasterKeyId',
        message: key
          ? `Topic ${nameOf(topic)}, the action of alarm(s) ${alarmNames}, is encrypted with key ${nameOf(key)}, whose key policy does not let cloudwatch.amazonaws.com use it (kms:Decrypt and kms:GenerateDataKey*): CloudWatch cannot publish, and the alarm notifications are dropped without an error.`
          : `Topic ${nameOf(topic)}, the action of alarm(s) ${alarmNames}, is encrypted with the AWS managed key alias/aws/sns, whose policy cannot let cloudwatch.amazonaws.com use it: the alarm notifications are dropped without an error.`,
        fix: key
          ? "Allow the CloudWatch service principal to use the key: `key.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')], actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'] }))`."
          : 'Encrypt the topic with a customer managed key whose policy allows kms:Decrypt and kms:GenerateDataKey* to cloudwatch.amazonaws.com.',
      });
    }
  }
  return out;
}

function unemitted(model: AppModel, a: AppAlarm, w: WatchedMetric): PipelineViolation {
  const sameNamespace = [...new Set(model.filters.filter((f) => f.namespace === w.namespace).map((f) => f.metricName))];
  const byId = model.filters.find((f) => f.resource.logicalId === w.metricName || f.resource.constructPath?.split('/').includes(w.metricName ?? ''));
  const hint = byId ? ` (${w.metricName} is the id of metric filter ${nameOf(byId.resource)}, which publishes ${byId.namespace}/${byId.metricName})` : '';
  const published = sameNamespace.length ? `; filters in ${w.namespace} publish ${sameNamespace.slice(0, 5).join(', ')}${sameNamespace.length > 5 ? ', ...' : ''}` : '';
  return {
    rule: PIPELINE_RULE_IDS.ALARM_ON_UNEMITTED_METRIC,
    resource: a.resource,
    location: w.location,
    message: `Alarm ${nameOf(a.resource)} watches ${w.namespace}/${w.metricName}, which no metric filter in the app publishes${hint}${published}: the metric never has data and the alarm never fires.`,
    fix: "Alarm on the filter's own metric (`filter.metric({ statistic: 'Sum' })`), or publish the metric with a metric filter.",
  };
}
